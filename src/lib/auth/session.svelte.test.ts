import { describe, expect, it, vi } from 'vitest';
import type { AppClient } from '$lib/supabase/client';
import { fakeFrom } from '$lib/testing/fake-query';
import { makeUser } from '$lib/testing/fake-users-api';
import type { UserRow } from '$lib/users/types';
import { AuthSession, INACTIVE_MESSAGE, WRONG_CREDENTIALS_MESSAGE } from './session.svelte';

function fakeClient(options: {
	row?: UserRow | null;
	signInError?: { code: string; status: number; message: string; name?: string };
}) {
	const signOut = vi.fn(async () => ({ error: null }));
	const client = {
		auth: {
			signInWithPassword: vi.fn(async () =>
				options.signInError
					? {
							data: { user: null, session: null },
							error: { name: 'AuthApiError', ...options.signInError }
						}
					: { data: { user: { id: options.row?.id ?? 'x' }, session: {} }, error: null }
			),
			signOut,
			onAuthStateChange: vi.fn(() => ({ data: { subscription: { unsubscribe: vi.fn() } } }))
		},
		from: fakeFrom((query) =>
			query.table === 'organizations'
				? { data: { name: 'Acme Demo' }, error: null }
				: { data: options.row ?? null, error: null }
		)
	};
	return { client: client as unknown as AppClient, signOut };
}

describe('AuthSession', () => {
	it('signs an admin in and sends them to User Management', async () => {
		const row = makeUser({ role: 'admin' });
		const session = new AuthSession(fakeClient({ row }).client);
		expect(await session.signIn('admin@demo.test', 'pw')).toBeNull();
		expect(session.status).toBe('signed-in');
		expect(session.isAdmin).toBe(true);
		expect(session.home).toBe('/users');
		expect(session.organizationName).toBe('Acme Demo');
	});

	it.each(['manager', 'member', 'external'] as const)(
		'sends a %s to their own profile',
		async (role) => {
			const session = new AuthSession(fakeClient({ row: makeUser({ role }) }).client);
			await session.signIn('x@demo.test', 'pw');
			expect(session.home).toBe('/profile');
			expect(session.isAdmin).toBe(false);
		}
	);

	it('says "wrong email or password" for bad credentials', async () => {
		const session = new AuthSession(
			fakeClient({
				signInError: {
					code: 'invalid_credentials',
					status: 400,
					message: 'Invalid login credentials'
				}
			}).client
		);
		expect(await session.signIn('x@demo.test', 'bad')).toBe(WRONG_CREDENTIALS_MESSAGE);
		expect(session.status).not.toBe('signed-in');
	});

	it('says the account is inactive for a banned user', async () => {
		const session = new AuthSession(
			fakeClient({ signInError: { code: 'user_banned', status: 400, message: 'User is banned' } })
				.client
		);
		expect(await session.signIn('x@demo.test', 'pw')).toBe(INACTIVE_MESSAGE);
	});

	it('signs out at once when the user’s row is hidden (inactive with a still-valid token)', async () => {
		const { client, signOut } = fakeClient({ row: null });
		const session = new AuthSession(client);
		expect(await session.signIn('x@demo.test', 'pw')).toBe(INACTIVE_MESSAGE);
		expect(signOut).toHaveBeenCalled();
		expect(session.status).toBe('signed-out');
		expect(session.notice).toBe(INACTIVE_MESSAGE);
	});

	it('forgets the profile on sign-out', async () => {
		const { client, signOut } = fakeClient({ row: makeUser({ role: 'admin' }) });
		const session = new AuthSession(client);
		await session.signIn('x@demo.test', 'pw');
		await session.signOut();
		expect(signOut).toHaveBeenCalledWith({ scope: 'local' });
		expect(session.profile).toBeNull();
		expect(session.status).toBe('signed-out');
	});

	it('knows when the build has no Supabase configuration', () => {
		expect(new AuthSession(null).status).toBe('unconfigured');
	});
});
