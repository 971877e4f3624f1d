import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { renderWithContext } from '$lib/testing/render';
import type { UserRow } from '../types';
import ProfileView from './ProfileView.svelte';

function setup(profile: UserRow) {
	const api = new FakeUsersApi([profile]);
	const onsaved = vi.fn();
	renderWithContext(ProfileView, { profile, organizationName: 'Acme Demo', api, onsaved });
	return { api, onsaved, user: userEvent.setup() };
}

describe('Own profile', () => {
	it('lets a manager edit their first and last name', async () => {
		const profile = makeUser({ first_name: 'Grace', last_name: 'Manager', role: 'manager' });
		const { api, onsaved, user } = setup(profile);
		expect(screen.getByTestId('profile-role').textContent).toBe('Manager');
		const first = screen.getByLabelText('First name');
		await user.clear(first);
		await user.type(first, 'Gracie');
		await user.click(screen.getByRole('button', { name: 'Save' }));
		expect(api.updateOwnNames).toHaveBeenCalledWith(
			profile.id,
			{ first_name: 'Gracie', last_name: 'Manager' },
			// The names the page showed: a change made meanwhile elsewhere is not overwritten.
			{ first_name: 'Grace', last_name: 'Manager' },
			{ signal: expect.any(AbortSignal) }
		);
		await waitFor(() => expect(onsaved).toHaveBeenCalled());
		expect((screen.getByLabelText('Email') as HTMLInputElement).readOnly).toBe(true);
	});

	it.each(['member', 'external'] as const)(
		'shows a %s their profile read-only with a note',
		(role) => {
			setup(makeUser({ first_name: 'Linus', last_name: 'Reader', email: 'linus@demo.test', role }));
			expect(screen.queryByRole('textbox')).toBeNull();
			expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
			expect(screen.getByText('Linus')).toBeTruthy();
			expect(screen.getByText('linus@demo.test')).toBeTruthy();
			expect(
				screen.getByText('Only an Admin of your organization can change your personal information.')
			).toBeTruthy();
		}
	);
});
