import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '$shared/error-codes.ts';
import { answerWhenCancelled, FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { renderWithContext } from '$lib/testing/render';
import { apiError } from '../errors';
import CreateUserModal from './CreateUserModal.svelte';

const me = makeUser({ role: 'admin' });

function setup(api = new FakeUsersApi()) {
	const onclose = vi.fn();
	const oncreated = vi.fn();
	const view = renderWithContext(CreateUserModal, { open: true, onclose, oncreated }, { api, me });
	return { api, onclose, oncreated, view, user: userEvent.setup() };
}

async function fill(
	user: ReturnType<typeof userEvent.setup>,
	values: { first: string; last: string; email: string; role: string }
) {
	await user.type(screen.getByLabelText('First name'), values.first);
	await user.type(screen.getByLabelText('Last name'), values.last);
	await user.type(screen.getByLabelText('Email'), values.email);
	await user.selectOptions(screen.getByLabelText('Role'), values.role);
}

describe('Create User modal', () => {
	it('is a labelled modal dialog with the four fields the help page names', async () => {
		setup();
		const dialog = screen.getByRole('dialog', { name: 'Create User' });
		for (const label of ['First name', 'Last name', 'Email', 'Role'])
			expect(within(dialog).getByLabelText(label)).toBeTruthy();
		expect(within(dialog).getByRole('button', { name: 'Create' })).toBeTruthy();
		await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('First name')));
	});

	it('shows what the picked role may do', async () => {
		const { user } = setup();
		expect(screen.getByText('Pick a role to see what it may do.')).toBeTruthy();
		await user.selectOptions(screen.getByLabelText('Role'), 'admin');
		expect(
			screen.getByText(
				/Change roles and set passwords \(temporary until the user chooses their own\)/
			)
		).toBeTruthy();
		await user.selectOptions(screen.getByLabelText('Role'), 'member');
		expect(screen.getByText('View their own profile (read-only)')).toBeTruthy();
	});

	it('validates with the shared schema before sending anything', async () => {
		const { api, user } = setup();
		await user.type(screen.getByLabelText('Email'), 'not-an-email');
		await user.click(screen.getByRole('button', { name: 'Create' }));
		expect(api.create).not.toHaveBeenCalled();
		expect(screen.getByText('First name is required')).toBeTruthy();
		expect(screen.getByText('Last name is required')).toBeTruthy();
		expect(screen.getByText('Enter a valid email address')).toBeTruthy();
		expect(screen.getByText('Choose a role')).toBeTruthy();
		expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
	});

	it('creates the user and shows the generated password once, with Copy and the hand-over reminder', async () => {
		const { api, oncreated, onclose, user } = setup();
		await fill(user, {
			first: 'Grace',
			last: 'Hopper',
			email: ' Grace@Example.test ',
			role: 'manager'
		});
		await user.click(screen.getByRole('button', { name: 'Create' }));
		// The schema trimmed and lower-cased the email before it was sent.
		expect(api.create).toHaveBeenCalledWith(
			{
				first_name: 'Grace',
				last_name: 'Hopper',
				email: 'grace@example.test',
				role: 'manager'
			},
			{ signal: expect.any(AbortSignal) }
		);
		const password = (await screen.findByLabelText('Password')) as HTMLInputElement;
		expect(password.value).toBe(api.generatedPassword);
		expect(screen.getByText(/Hand this password to Grace/)).toBeTruthy();
		expect(oncreated).toHaveBeenCalledWith(
			expect.objectContaining({ email: 'grace@example.test' })
		);

		const writeText = vi.fn(() => Promise.resolve());
		Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
		await user.click(screen.getByRole('button', { name: 'Copy' }));
		expect(writeText).toHaveBeenCalledWith(api.generatedPassword);
		expect(screen.getByRole('button', { name: 'Copied' })).toBeTruthy();

		await user.click(screen.getByRole('button', { name: 'Done' }));
		expect(onclose).toHaveBeenCalled();
	});

	it('shows a taken email at the Email field', async () => {
		const { user } = setup(new FakeUsersApi([makeUser({ email: 'taken@demo.test' })]));
		await fill(user, { first: 'A', last: 'B', email: 'taken@demo.test', role: 'member' });
		await user.click(screen.getByRole('button', { name: 'Create' }));
		const email = screen.getByLabelText('Email');
		await waitFor(() => expect(email.getAttribute('aria-invalid')).toBe('true'));
		expect(document.getElementById(email.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
			'This email is already in use'
		);
		expect(screen.queryByRole('alert')).toBeNull();
	});

	it('shows other server errors above the form, in the shared words for their code', async () => {
		const api = new FakeUsersApi();
		api.nextError = apiError('forbidden', { status: 403 });
		const { user } = setup(api);
		await fill(user, { first: 'A', last: 'B', email: 'a@b.test', role: 'member' });
		await user.click(screen.getByRole('button', { name: 'Create' }));
		expect((await screen.findByRole('alert')).textContent).toBe(ERROR_CODES.forbidden.message);
	});

	it('asks its owner to close on Escape', async () => {
		const { onclose, user } = setup();
		await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('First name')));
		await user.keyboard('{Escape}');
		expect(onclose).toHaveBeenCalled();
	});

	it('offers the least access first, so an arrow key on the closed select never lands on Admin', () => {
		setup();
		const options = [...(screen.getByLabelText('Role') as HTMLSelectElement).options];
		expect(options.map((option) => option.value)).toEqual([
			'',
			'external',
			'member',
			'manager',
			'admin'
		]);
	});

	it('drops "Choose a role" as soon as a role is picked, and names an admin creation', async () => {
		const { user } = setup();
		await user.click(screen.getByRole('button', { name: 'Create' }));
		expect(screen.getByText('Choose a role')).toBeTruthy();
		await user.selectOptions(screen.getByLabelText('Role'), 'admin');
		expect(screen.queryByText('Choose a role')).toBeNull();
		expect(screen.getByRole('button', { name: 'Create admin' })).toBeTruthy();
	});

	it('keeps Cancel working while the request runs, and says the user may exist', async () => {
		const api = new FakeUsersApi();
		api.create.mockImplementationOnce((_input, options) => answerWhenCancelled(options));
		const onuncertain = vi.fn();
		const onclose = vi.fn();
		renderWithContext(
			CreateUserModal,
			{ open: true, onclose, oncreated: vi.fn(), onuncertain },
			{ api, me }
		);
		const user = userEvent.setup();
		await fill(user, { first: 'Ada', last: 'Lovelace', email: 'ada@x.test', role: 'member' });
		await user.click(screen.getByRole('button', { name: 'Create' }));
		expect(screen.getByRole('button', { name: 'Creating…' })).toBeTruthy();
		await user.click(screen.getByRole('button', { name: 'Cancel' }));
		expect((await screen.findByRole('alert')).textContent).toMatch(
			/^Cancelled\. If the server had already received the request, the user was created/
		);
		expect(onuncertain).toHaveBeenCalledTimes(1);
		expect(onclose).not.toHaveBeenCalled();
		await user.click(screen.getByRole('button', { name: 'Cancel' }));
		expect(onclose).toHaveBeenCalledTimes(1);
	});
});
