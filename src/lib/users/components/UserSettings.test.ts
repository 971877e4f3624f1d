import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '$shared/error-codes.ts';
import { FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { renderWithContext } from '$lib/testing/render';
import { apiError } from '../errors';
import UserSettings from './UserSettings.svelte';

const admin = makeUser({ first_name: 'Ada', last_name: 'Admin', role: 'admin' });

function setup(
	target = makeUser({
		first_name: 'Grace',
		last_name: 'Hopper',
		email: 'grace@demo.test',
		role: 'member'
	}),
	others: ReturnType<typeof makeUser>[] = []
) {
	const api = new FakeUsersApi([admin, target, ...others]);
	const view = renderWithContext(UserSettings, { userId: target.id }, { api, me: admin });
	return { api, toasts: view.toasts, view, target, user: userEvent.setup() };
}

describe('User settings page', () => {
	it('saves names and email in one update_profile request and says so', async () => {
		const { api, toasts, target, user } = setup();
		const first = await screen.findByLabelText('First name');
		expect((first as HTMLInputElement).value).toBe('Grace');
		await user.clear(first);
		await user.type(first, 'Gracie');
		await user.clear(screen.getByLabelText('Email'));
		await user.type(screen.getByLabelText('Email'), 'GRACIE@demo.test');
		await user.click(screen.getByRole('button', { name: 'Save personal information' }));
		expect(api.updateProfile).toHaveBeenCalledTimes(1);
		expect(api.updateProfile.mock.calls[0]?.slice(0, 2)).toEqual([
			target.id,
			{ first_name: 'Gracie', email: 'gracie@demo.test' }
		]);
		expect(api.updateOwnNames).not.toHaveBeenCalled();
		await waitFor(() => expect(toasts.items.at(-1)?.message).toBe('Personal information saved'));
		expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Gracie Hopper');
	});

	it('loads the other user when the id changes, without being rebuilt', async () => {
		const other = makeUser({
			first_name: 'Linus',
			last_name: 'Torvalds',
			email: 'linus@demo.test'
		});
		const { api, view } = setup(undefined, [other]);
		expect(await screen.findByRole('heading', { level: 1, name: 'Grace Hopper' })).toBeTruthy();
		await view.rerender({ userId: other.id });
		expect(await screen.findByRole('heading', { level: 1, name: 'Linus Torvalds' })).toBeTruthy();
		expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('linus@demo.test');
		expect(api.get.mock.calls.map(([id]) => id)).toEqual([expect.any(String), other.id]);
	});

	it('refuses an invalid email before sending and shows a taken one at the field', async () => {
		const { api, user } = setup();
		const email = await screen.findByLabelText('Email');
		await user.clear(email);
		await user.type(email, 'nope');
		await user.click(screen.getByRole('button', { name: 'Save personal information' }));
		expect(screen.getByText('Enter a valid email address')).toBeTruthy();
		expect(api.updateProfile).not.toHaveBeenCalled();

		await user.clear(email);
		await user.type(email, 'taken@demo.test');
		api.nextError = apiError('email_taken', { fields: { email: 'This email is already in use' } });
		await user.click(screen.getByRole('button', { name: 'Save personal information' }));
		expect(await screen.findByText('This email is already in use')).toBeTruthy();
		expect(email.getAttribute('aria-invalid')).toBe('true');
		expect(document.getElementById(email.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
			'This email is already in use'
		);
	});

	it('changes the role, showing what it may do', async () => {
		const { api, user, target } = setup();
		await user.selectOptions(await screen.findByLabelText('Role'), 'manager');
		expect(screen.getByText('Edit their own first and last name')).toBeTruthy();
		await user.click(screen.getByRole('button', { name: 'Save role' }));
		expect(api.updateProfile.mock.calls[0]?.slice(0, 2)).toEqual([target.id, { role: 'manager' }]);
	});

	it('explains the last-admin refusal with the shared message for its code', async () => {
		const { api, user } = setup(
			makeUser({ first_name: 'Other', last_name: 'Admin', role: 'admin' })
		);
		await user.selectOptions(await screen.findByLabelText('Role'), 'member');
		api.nextError = apiError('last_admin', { status: 409 });
		await user.click(screen.getByRole('button', { name: 'Save role' }));
		expect((await screen.findByRole('alert')).textContent).toBe(ERROR_CODES.last_admin.message);
	});

	it('generates a password only after a confirmation, and shows it once', async () => {
		const { api, user, target } = setup();
		await user.click(await screen.findByRole('button', { name: 'Generate a new password' }));
		const dialog = screen.getByRole('dialog', { name: 'Generate a new password?' });
		expect(dialog.textContent).toContain('signed out on every device');
		expect(api.setPassword).not.toHaveBeenCalled();
		await user.click(screen.getByRole('button', { name: 'Cancel' }));
		expect(api.setPassword).not.toHaveBeenCalled();
		await user.click(screen.getByRole('button', { name: 'Generate a new password' }));
		await user.click(screen.getByRole('button', { name: 'Generate password' }));
		expect(api.setPassword.mock.calls[0]?.slice(0, 2)).toEqual([target.id, undefined]);
		expect(
			((await screen.findByLabelText('Generated password (shown once)')) as HTMLInputElement).value
		).toBe(api.generatedPassword);
	});

	it('sets a typed password only when strong and typed twice the same', async () => {
		const { api, user, target } = setup();
		await user.type(await screen.findByLabelText('Password'), 'short');
		await user.click(screen.getByRole('button', { name: 'Set password' }));
		expect(screen.getByText('Use at least 12 characters.')).toBeTruthy();
		await user.clear(screen.getByLabelText('Password'));
		await user.type(screen.getByLabelText('Password'), 'Correct-Horse-42');
		await user.type(screen.getByLabelText('Confirm password'), 'Correct-Horse-43');
		await user.click(screen.getByRole('button', { name: 'Set password' }));
		expect(screen.getByText('The two passwords differ')).toBeTruthy();
		expect(api.setPassword).not.toHaveBeenCalled();
		await user.clear(screen.getByLabelText('Confirm password'));
		await user.type(screen.getByLabelText('Confirm password'), 'Correct-Horse-42');
		await user.click(screen.getByRole('button', { name: 'Set password' }));
		expect(api.setPassword.mock.calls[0]?.slice(0, 2)).toEqual([target.id, 'Correct-Horse-42']);
	});

	it('toggles activation after a confirmation', async () => {
		const { api, user, target } = setup();
		const toggle = await screen.findByRole('switch', { name: 'Active' });
		expect(toggle.getAttribute('aria-checked')).toBe('true');
		await user.click(toggle);
		const dialog = screen.getByRole('dialog', { name: 'Deactivate user?' });
		expect(api.setActive).not.toHaveBeenCalled();
		await user.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
		expect(api.setActive.mock.calls[0]?.slice(0, 2)).toEqual([target.id, false]);
		await waitFor(() =>
			expect(screen.getByRole('switch', { name: 'Active' }).getAttribute('aria-checked')).toBe(
				'false'
			)
		);
		await user.click(screen.getByRole('switch', { name: 'Active' }));
		await user.click(
			within(screen.getByRole('dialog', { name: 'Activate user?' })).getByRole('button', {
				name: 'Activate'
			})
		);
		expect(api.setActive.mock.lastCall?.slice(0, 2)).toEqual([target.id, true]);
	});

	it('does not let admins change their own role or status, and says why', async () => {
		const api = new FakeUsersApi([admin]);
		renderWithContext(UserSettings, { userId: admin.id }, { api, me: admin });
		expect(
			((await screen.findByRole('switch', { name: 'Active' })) as HTMLButtonElement).disabled
		).toBe(true);
		expect((screen.getByLabelText('Role') as HTMLSelectElement).disabled).toBe(true);
		expect(screen.getByText(/You cannot deactivate your own account/)).toBeTruthy();
	});

	it('says when the user does not exist', async () => {
		const api = new FakeUsersApi([admin]);
		renderWithContext(UserSettings, { userId: 'missing' }, { api, me: admin });
		expect((await screen.findByRole('alert')).textContent).toBe(ERROR_CODES.user_not_found.message);
	});

	it('saves an admin’s own names through the Data API, where RLS allows them', async () => {
		const api = new FakeUsersApi([admin]);
		const user = userEvent.setup();
		renderWithContext(UserSettings, { userId: admin.id }, { api, me: admin });
		const last = await screen.findByLabelText('Last name');
		await user.clear(last);
		await user.type(last, 'Lovelace');
		await user.click(screen.getByRole('button', { name: 'Save personal information' }));
		expect(api.updateOwnNames.mock.calls[0]?.slice(0, 2)).toEqual([
			admin.id,
			{ first_name: 'Ada', last_name: 'Lovelace' }
		]);
		expect(api.updateProfile).not.toHaveBeenCalled();
	});
});
