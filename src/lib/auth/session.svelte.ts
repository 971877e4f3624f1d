// Who is signed in, as the whole app sees it: the Supabase session plus the caller's own row of
// public.users (role and status are read from the database, never from token metadata).
import { createContext } from 'svelte';
import type { AppClient } from '$lib/supabase/client';
import { CLIENT_ERRORS } from '$lib/users/errors';
import { USER_COLUMNS, type UserRow } from '$lib/users/types';

export type SessionStatus = 'loading' | 'signed-out' | 'signed-in' | 'unconfigured';

export const INACTIVE_MESSAGE = 'Your account is inactive — ask an admin of your organization';
export const WRONG_CREDENTIALS_MESSAGE = 'Wrong email or password. Check both and try again.';
export const UNREACHABLE_MESSAGE = CLIENT_ERRORS.network;

export class AuthSession {
	status = $state<SessionStatus>('loading');
	profile = $state<UserRow | null>(null);
	organizationName = $state('');
	/** Why the user was signed out, shown on the sign-in page (e.g. deactivated meanwhile). */
	notice = $state<string | null>(null);

	isAdmin = $derived(this.profile?.role === 'admin');
	/**
	 * Signed in with a password an admin set: until they chose their own, the server lets them read
	 * their own row and change their password, nothing else; the app shows only that screen.
	 */
	mustChangePassword = $derived(this.profile?.must_change_password === true);
	/** Where this person starts: admins manage users, everyone else sees their own profile. */
	home = $derived<'/users' | '/profile' | '/choose-password'>(
		this.mustChangePassword
			? '/choose-password'
			: this.profile?.role === 'admin'
				? '/users'
				: '/profile'
	);

	#client: AppClient | null;
	#loadingFor: string | null = null;

	constructor(client: AppClient | null) {
		this.#client = client;
		if (!client) this.status = 'unconfigured';
	}

	/** Follows sign-in, refresh and sign-out (also in other tabs); returns the unsubscribe. */
	start(): () => void {
		const client = this.#client;
		if (!client) return () => {};
		const { data } = client.auth.onAuthStateChange((event, session) => {
			// supabase-js holds a lock while it calls this back; querying from inside would deadlock,
			// so the profile load runs after the callback returns.
			setTimeout(() => {
				if (!session) {
					this.#clear();
					return;
				}
				if (
					event === 'INITIAL_SESSION' ||
					event === 'SIGNED_IN' ||
					this.profile?.id !== session.user.id
				) {
					void this.#loadProfile(session.user.id);
				}
			}, 0);
		});
		return () => data.subscription.unsubscribe();
	}

	/** Signs in; returns the message to show, or null when the person is in. */
	async signIn(email: string, password: string): Promise<string | null> {
		const client = this.#client;
		if (!client) return 'This app is not connected to Supabase (missing PUBLIC_SUPABASE_URL).';
		this.notice = null;
		const { data, error } = await client.auth.signInWithPassword({ email: email.trim(), password });
		if (error || !data.user) {
			if (error?.code === 'user_banned') return INACTIVE_MESSAGE;
			if (error?.code === 'invalid_credentials' || error?.status === 400)
				return WRONG_CREDENTIALS_MESSAGE;
			if (error?.name === 'AuthRetryableFetchError' || !error?.status) return UNREACHABLE_MESSAGE;
			return error.message;
		}
		const loaded = await this.#loadProfile(data.user.id);
		if (loaded === 'inactive') return INACTIVE_MESSAGE;
		if (loaded === 'failed') return 'Signed in, but your profile could not be loaded. Try again.';
		return null;
	}

	async signOut(): Promise<void> {
		// 'local' ends this browser's session even when the server cannot be reached.
		await this.#client?.auth.signOut({ scope: 'local' });
		this.#clear();
	}

	/** Re-reads the caller's row, e.g. after they edited their name. */
	async refresh(): Promise<void> {
		if (this.profile) await this.#loadProfile(this.profile.id, true);
	}

	async #loadProfile(userId: string, force = false): Promise<'ok' | 'inactive' | 'failed'> {
		const client = this.#client;
		if (!client) return 'failed';
		if (!force && this.#loadingFor === userId) return 'ok';
		this.#loadingFor = userId;
		try {
			const { data: row, error } = await client
				.from('users')
				.select(USER_COLUMNS)
				.eq('id', userId)
				.maybeSingle();
			if (error) {
				this.status = this.profile ? 'signed-in' : 'signed-out';
				return 'failed';
			}
			// RLS hides an inactive user's own row: their token still works, their account does not.
			if (!row || row.status !== 'active') {
				await client.auth.signOut({ scope: 'local' });
				this.#clear();
				this.notice = INACTIVE_MESSAGE;
				return 'inactive';
			}
			const { data: organization } = await client
				.from('organizations')
				.select('name')
				.eq('id', row.organization_id)
				.maybeSingle();
			this.profile = row;
			this.organizationName = organization?.name ?? '';
			this.status = 'signed-in';
			return 'ok';
		} finally {
			if (this.#loadingFor === userId) this.#loadingFor = null;
		}
	}

	#clear(): void {
		this.profile = null;
		this.organizationName = '';
		this.#loadingFor = null;
		if (this.status !== 'unconfigured') this.status = 'signed-out';
	}
}

export const [useSession, provideSession] = createContext<AuthSession>();
