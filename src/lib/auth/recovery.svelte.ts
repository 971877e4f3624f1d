// "Forgot password?": asking for a recovery mail, and following its link. The flow Supabase
// documents for a browser-only app with a token-hash link: the mail's link opens
// /reset-password?token_hash=…&type=recovery, and the page verifies it itself
// (auth.verifyOtp), which signs the person in with a recovery session; they then choose a new
// password (NewPasswordForm, the change-password function).
import type { AppClient } from '$lib/supabase/client';
import { emailSchema } from '$shared/user-input.ts';
import { CLIENT_ERRORS } from '$lib/users/errors';
import { INACTIVE_MESSAGE } from './session.svelte.ts';

interface AuthErrorLike {
	code?: string;
	status?: number;
	name?: string;
}

const unreachable = (error: AuthErrorLike) =>
	error.name === 'AuthRetryableFetchError' || !error.status;

export class RecoveryRequest {
	email = $state('');
	busy = $state(false);
	error = $state<string | null>(null);
	/** The address a mail was asked for: the page then says what happens next. */
	sentTo = $state<string | null>(null);

	readonly #client: () => AppClient | null;
	readonly #redirectTo: () => string;

	constructor(client: () => AppClient | null, redirectTo: () => string, email = '') {
		this.#client = client;
		this.#redirectTo = redirectTo;
		this.email = email;
	}

	async submit(): Promise<void> {
		const client = this.#client();
		if (!client || this.busy) return;
		const email = emailSchema.safeParse(this.email);
		this.error = email.success ? null : (email.error.issues[0]?.message ?? null);
		if (!email.success) return;
		this.busy = true;
		const { error } = await client.auth.resetPasswordForEmail(email.data, {
			redirectTo: this.#redirectTo()
		});
		this.busy = false;
		// The same answer whether or not the address has an account: nothing here tells anyone
		// which addresses exist. Only what stops any mail from going out is said.
		if (error && (error.status === 429 || error.code === 'over_email_send_rate_limit')) {
			this.error = 'Too many requests for now. Wait a minute, then ask again.';
			return;
		}
		if (error && unreachable(error)) {
			this.error = CLIENT_ERRORS.network;
			return;
		}
		this.sentTo = email.data;
	}
}

export type LinkState = 'verifying' | 'ready' | 'invalid' | 'inactive' | 'unreachable';

/** The recovery link's page: verifies the token hash once, and says plainly when it cannot. */
export class RecoveryLink {
	state = $state<LinkState>('verifying');
	readonly #client: () => AppClient | null;

	constructor(client: () => AppClient | null) {
		this.#client = client;
	}

	get message(): string | null {
		switch (this.state) {
			case 'invalid':
				return 'This link has expired or was already used. Links work once, within an hour of being sent.';
			case 'inactive':
				return INACTIVE_MESSAGE;
			case 'unreachable':
				return CLIENT_ERRORS.network;
			default:
				return null;
		}
	}

	async verify(params: URLSearchParams): Promise<void> {
		const client = this.#client();
		const tokenHash = params.get('token_hash');
		if (!client || !tokenHash || params.get('type') !== 'recovery') {
			this.state = 'invalid';
			return;
		}
		this.state = 'verifying';
		const { error } = await client.auth.verifyOtp({ token_hash: tokenHash, type: 'recovery' });
		if (!error) this.state = 'ready';
		else if (error.code === 'user_banned') this.state = 'inactive';
		else if (unreachable(error)) this.state = 'unreachable';
		else this.state = 'invalid';
	}
}
