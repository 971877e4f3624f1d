import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { renderWithContext } from '$lib/testing/render';
import type { UserSession } from '$lib/users/api';
import type { UserRow } from '$lib/users/types';
import OwnSessions from './OwnSessions.svelte';
import UserSessions from './UserSessions.svelte';

// UserSessions signs out through the app's client by default; here every test passes its own.
vi.mock('$env/dynamic/public', () => ({ env: {} }));

const admin = makeUser({ first_name: 'Ada', last_name: 'Admin', role: 'admin' });
const grace = makeUser({ first_name: 'Grace', last_name: 'Hopper' });

const CHROME_LINUX =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
	'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

const session = (overrides: Partial<UserSession> = {}): UserSession => ({
	id: crypto.randomUUID(),
	created_at: '2026-11-30T08:00:00Z',
	refreshed_at: '2026-12-01T09:30:00Z',
	user_agent: CHROME_LINUX,
	ip_address: '203.0.113.7',
	current: false,
	...overrides
});

const fakeAuth = () => ({ signOut: vi.fn(async () => ({ error: null })) });

function setup(target: UserRow = grace, sessions: UserSession[] = []) {
	const api = new FakeUsersApi([admin, grace]);
	api.userSessions[target.id] = sessions;
	const auth = fakeAuth();
	const view = renderWithContext(UserSessions, { userId: target.id, auth }, { api, me: admin });
	return { api, auth, toasts: view.toasts, user: userEvent.setup() };
}

describe('a user’s sessions on their Settings page', () => {
	it('lists each session: device, this device, address, started and last active', async () => {
		setup(grace, [
			session({ current: true }),
			session({ user_agent: SAFARI_IPHONE, ip_address: null })
		]);
		const items = await screen.findAllByRole('listitem');
		expect(items).toHaveLength(2);
		expect(screen.getByText('Where Grace is signed in: 2 sessions')).toBeTruthy();
		const first = items[0]!;
		expect(within(first).getByText('Chrome on Linux').getAttribute('title')).toBe(CHROME_LINUX);
		expect(within(first).getByText('This device')).toBeTruthy();
		expect(within(first).getByText('IP 203.0.113.7')).toBeTruthy();
		const started = within(first).getByText(/^Nov 30, 2026, \d{2}:\d{2}$/);
		expect(started.getAttribute('datetime')).toBe('2026-11-30T08:00:00Z');
		expect(started.getAttribute('title')).toMatch(
			/^(Sunday|Monday), (November 30|December 1), 2026/
		);
		expect(first.textContent).toMatch(/Started .+Last active .+/);
		expect(within(items[1]!).getByText('Safari on iPhone')).toBeTruthy();
		expect(within(items[1]!).queryByText(/This device|IP /)).toBeNull();
	});

	it('says so when the user is signed in nowhere, and offers nothing to end', async () => {
		setup(grace, []);
		expect(await screen.findByText('Not signed in anywhere.')).toBeTruthy();
		expect(
			(screen.getByRole('button', { name: 'Sign out everywhere' }) as HTMLButtonElement).disabled
		).toBe(true);
	});

	it('signs the user out everywhere after a confirmation, and says how many sessions ended', async () => {
		const { api, auth, toasts, user } = setup(grace, [session(), session()]);
		await screen.findAllByRole('listitem');
		await user.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
		const dialog = screen.getByRole('dialog', { name: 'Sign out everywhere?' });
		expect(dialog.textContent).toContain(
			'Grace will be signed out on every device at once (2 sessions)'
		);
		expect(api.endSessions).not.toHaveBeenCalled();
		await user.click(within(dialog).getByRole('button', { name: 'Sign out everywhere' }));
		expect(api.endSessions.mock.calls[0]?.[0]).toBe(grace.id);
		await waitFor(() =>
			expect(toasts.items.at(-1)?.message).toBe('Signed Grace Hopper out of 2 sessions')
		);
		expect(await screen.findByText('Not signed in anywhere.')).toBeTruthy();
		expect(screen.queryByRole('dialog')).toBeNull();
		// Someone else's sessions: this device stays signed in.
		expect(auth.signOut).not.toHaveBeenCalled();
	});

	it('signs the admin out here too when they ended their own sessions', async () => {
		const { api, auth, toasts, user } = setup(admin, [session({ current: true }), session()]);
		expect(await screen.findByText('Where you are signed in: 2 sessions')).toBeTruthy();
		await user.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
		expect(screen.getByRole('dialog').textContent).toContain('this one included');
		await user.click(
			within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out everywhere' })
		);
		await waitFor(() => expect(auth.signOut).toHaveBeenCalledWith({ scope: 'local' }));
		expect(api.endSessions.mock.calls[0]?.[0]).toBe(admin.id);
		expect(toasts.items.at(-1)?.message).toMatch(/^You were signed out everywhere/);
	});

	it('shows nothing for a user outside the admin’s organization', async () => {
		const api = new FakeUsersApi([admin]);
		renderWithContext(UserSessions, { userId: 'elsewhere', auth: fakeAuth() }, { api, me: admin });
		await waitFor(() => expect(api.sessions).toHaveBeenCalled());
		await waitFor(() => expect(screen.queryByRole('heading', { name: 'Sessions' })).toBeNull());
	});
});

describe('one’s own sessions on the profile page', () => {
	it('signs a member out everywhere with Auth’s global sign-out (update-user is for admins)', async () => {
		const member = makeUser({ first_name: 'Mia', role: 'member' });
		const api = new FakeUsersApi([member]);
		api.userSessions[member.id] = [session({ current: true })];
		const auth = fakeAuth();
		renderWithContext(OwnSessions, { profile: member, api, auth });
		const user = userEvent.setup();
		expect(await screen.findByText('This device')).toBeTruthy();
		await user.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
		await user.click(
			within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out everywhere' })
		);
		await waitFor(() => expect(auth.signOut).toHaveBeenCalledWith({ scope: 'global' }));
		expect(auth.signOut).toHaveBeenCalledTimes(1);
		expect(api.endSessions).not.toHaveBeenCalled();
		// Its own row is what the profile has: no lookup of names.
		expect(api.names).not.toHaveBeenCalled();
	});

	it('ends an admin’s own sessions through update-user, so the activity log records it', async () => {
		const api = new FakeUsersApi([admin]);
		api.userSessions[admin.id] = [session({ current: true })];
		const auth = fakeAuth();
		renderWithContext(OwnSessions, { profile: admin, api, auth });
		const user = userEvent.setup();
		await screen.findByText('This device');
		await user.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
		await user.click(
			within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out everywhere' })
		);
		await waitFor(() => expect(auth.signOut).toHaveBeenCalledWith({ scope: 'local' }));
		expect(api.endSessions.mock.calls[0]?.[0]).toBe(admin.id);
	});
});
