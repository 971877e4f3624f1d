// One rule per field, in every form: the shared schemas (the ones the Edge Functions and the
// database's constraints follow) refuse the same input with the same words before anything is sent.
import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { NAME_MAX_LENGTH } from '$shared/user-input.ts';
import { FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { renderWithContext } from '$lib/testing/render';
import CreateUserModal from './components/CreateUserModal.svelte';
import ProfileView from './components/ProfileView.svelte';
import UserSettings from './components/UserSettings.svelte';

const admin = makeUser({ first_name: 'Ada', last_name: 'Admin', role: 'admin' });
const manager = makeUser({ first_name: 'Grace', last_name: 'Manager', role: 'manager' });
const tooLong = 'x'.repeat(NAME_MAX_LENGTH + 1);

const forms = [
	{
		name: 'Create User',
		submit: 'Create',
		render: (api: FakeUsersApi) =>
			renderWithContext(
				CreateUserModal,
				{ open: true, onclose: vi.fn(), oncreated: vi.fn() },
				{ api, me: admin }
			)
	},
	{
		name: 'another user’s settings',
		submit: 'Save personal information',
		render: (api: FakeUsersApi) =>
			renderWithContext(UserSettings, { userId: manager.id }, { api, me: admin })
	},
	{
		name: 'the manager’s own profile',
		submit: 'Save',
		render: (api: FakeUsersApi) =>
			renderWithContext(ProfileView, {
				profile: manager,
				organizationName: 'Acme Demo',
				api,
				onsaved: vi.fn()
			})
	}
];

describe.each(forms)('the last name rule in $name', ({ submit, render }) => {
	it(`refuses ${NAME_MAX_LENGTH + 1} characters with the shared message, sending nothing`, async () => {
		const api = new FakeUsersApi([admin, { ...manager }]);
		render(api);
		const user = userEvent.setup();
		const last = await screen.findByLabelText('Last name');
		await user.clear(last);
		// Pasted rather than typed: 101 key presses add nothing to the test.
		await user.click(last);
		await user.paste(tooLong);
		await user.click(screen.getByRole('button', { name: submit }));
		expect(
			await screen.findByText(`Last name has at most ${NAME_MAX_LENGTH} characters`)
		).toBeTruthy();
		expect(last.getAttribute('aria-invalid')).toBe('true');
		for (const call of [api.create, api.updateProfile, api.updateOwnNames])
			expect(call).not.toHaveBeenCalled();
	});
});
