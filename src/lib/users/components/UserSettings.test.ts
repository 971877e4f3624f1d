import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { Toasts } from '$lib/ui/toasts.svelte';
import UserSettings from './UserSettings.svelte';

const admin = makeUser({ first_name: 'Ada', last_name: 'Admin', role: 'admin' });

function setup(target = makeUser({ first_name: 'Grace', last_name: 'Hopper', email: 'grace@demo.test', role: 'member' }), currentUserId = admin.id) {
	const api = new FakeUsersApi([admin, target]);
	const toasts = new Toasts();
	render(UserSettings, { api, userId: target.id, currentUserId, toasts });
	return { api, toasts, target, user: userEvent.setup() };
}

describe('User settings page', () => {
	it('edits personal information and says so', async () => {
		const { api, toasts, target, user } = setup();
		const first = await screen.findByLabelText('First name');
		expect((first as HTMLInputElement).value).toBe('Grace');
		await user.clear(first);
		await user.type(first, 'Gracie');
		await user.clear(screen.getByLabelText('Email'));
		await user.type(screen.getByLabelText('Email'), 'GRACIE@demo.test');
		await user.click(screen.getByRole('button', { name: 'Save personal information' }));
		expect(api.update).toHaveBeenCalledWith(target.id, { first_name: 'Gracie', last_name: 'Hopper' });
		expect(api.changeEmail).toHaveBeenCalledWith(target.id, 'gracie@demo.test');
		await waitFor(() => expect(toasts.items.at(-1)?.message).toBe('Personal information saved'));
		expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Gracie Hopper');
	});

	it('refuses an invalid email before sending and shows a taken one at the field', async () => {
		const { api, user } = setup();
		const email = await screen.findByLabelText('Email');
		await user.clear(email);
		await user.type(email, 'nope');
		await user.click(screen.getByRole('button', { name: 'Save personal information' }));
		expect(screen.getByText('Enter a valid email address')).toBeTruthy();
		expect(api.changeEmail).not.toHaveBeenCalled();

		await user.clear(email);
		await user.type(email, 'taken@demo.test');
		api.nextError = { code: 'email_taken', message: 'A user with this email already exists.', fields: { email: 'This email is already in use' } };
		await user.click(screen.getByRole('button', { name: 'Save personal information' }));
		expect(await screen.findByText('This email is already in use')).toBeTruthy();
	});

	it('changes the role, showing what it may do', async () => {
		const { api, user, target } = setup();
		await user.selectOptions(await screen.findByLabelText('Role'), 'manager');
		expect(screen.getByText('Edit their own first and last name')).toBeTruthy();
		await user.click(screen.getByRole('button', { name: 'Save role' }));
		expect(api.update).toHaveBeenCalledWith(target.id, { role: 'manager' });
	});

	it('explains the last-admin refusal in words', async () => {
		const { api, user } = setup(makeUser({ first_name: 'Other', last_name: 'Admin', role: 'admin' }));
		await user.selectOptions(await screen.findByLabelText('Role'), 'member');
		api.nextError = { code: 'last_admin', message: 'Your organization must keep at least one active admin. Make another user an active admin first.' };
		await user.click(screen.getByRole('button', { name: 'Save role' }));
		expect((await screen.findByRole('alert')).textContent).toMatch(/must keep at least one active admin/);
	});

	it('generates a password and shows it once', async () => {
		const { api, user, target } = setup();
		await user.click(await screen.findByRole('button', { name: 'Generate a new password' }));
		expect(api.setPassword).toHaveBeenCalledWith(target.id);
		expect(((await screen.findByLabelText('Generated password (shown once)')) as HTMLInputElement).value).toBe(api.generatedPassword);
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
		expect(api.setPassword).toHaveBeenCalledWith(target.id, 'Correct-Horse-42');
	});

	it('toggles activation after a confirmation', async () => {
		const { api, user, target } = setup();
		const toggle = await screen.findByRole('switch', { name: 'Active' });
		expect(toggle.getAttribute('aria-checked')).toBe('true');
		await user.click(toggle);
		const dialog = screen.getByRole('dialog', { name: 'Deactivate user?' });
		expect(api.setActive).not.toHaveBeenCalled();
		await user.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
		expect(api.setActive).toHaveBeenCalledWith(target.id, false);
		await waitFor(() => expect(screen.getByRole('switch', { name: 'Active' }).getAttribute('aria-checked')).toBe('false'));
		await user.click(screen.getByRole('switch', { name: 'Active' }));
		await user.click(within(screen.getByRole('dialog', { name: 'Activate user?' })).getByRole('button', { name: 'Activate' }));
		expect(api.setActive).toHaveBeenLastCalledWith(target.id, true);
	});

	it('does not let admins change their own role or status, and says why', async () => {
		setup(admin, admin.id);
		expect(((await screen.findByRole('switch', { name: 'Active' })) as HTMLButtonElement).disabled).toBe(true);
		expect((screen.getByLabelText('Role') as HTMLSelectElement).disabled).toBe(true);
		expect(screen.getByText(/You cannot deactivate your own account/)).toBeTruthy();
	});

	it('says when the user does not exist', async () => {
		const api = new FakeUsersApi([admin]);
		render(UserSettings, { api, userId: 'missing', currentUserId: admin.id, toasts: new Toasts() });
		expect((await screen.findByRole('alert')).textContent).toBe('No such user in your organization.');
	});
});
