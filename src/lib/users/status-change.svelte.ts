// Activating or deactivating one user, from the table's action column or the user's page: asked
// for in a confirmation, sent once, cancellable while it runs. When the answer is uncertain
// (cancelled, timed out, no connection) the user is read again, so the screen shows what is true
// rather than what was hoped for.
import type { RequestOptions, Result, UserAdminApi } from './api.ts';
import { isUncertain } from './errors.ts';
import { fullName, type UserRow } from './types.ts';

export type StatusApi = Pick<UserAdminApi, 'setActive' | 'get'>;

export interface StatusOutcome {
	ok: boolean;
	message: string;
	/** The user as it is now, when known. */
	user?: UserRow;
}

const statusWord = (user: UserRow) => (user.status === 'active' ? 'active' : 'inactive');

export class StatusChange {
	/** The user the confirmation is open for. */
	target = $state<UserRow | null>(null);
	busy = $state(false);
	error = $state<string | null>(null);

	readonly #api: () => StatusApi;
	#controller: AbortController | null = null;

	constructor(api: () => StatusApi) {
		this.#api = api;
	}

	get deactivating(): boolean {
		return this.target?.status === 'active';
	}

	ask(user: UserRow): void {
		this.error = null;
		this.target = user;
	}

	/** Closes the confirmation; a request in flight is cancelled (confirm() then reports it). */
	cancel(): void {
		if (this.busy) this.#controller?.abort();
		else this.target = null;
	}

	/** Null when the confirmation stays open (a refusal shown in it), else what to tell the admin. */
	async confirm(): Promise<StatusOutcome | null> {
		const target = this.target;
		if (!target || this.busy) return null;
		this.busy = true;
		this.error = null;
		const controller = (this.#controller = new AbortController());
		const options: RequestOptions = { signal: controller.signal };
		const result = await this.#api().setActive(target.id, target.status !== 'active', options);
		this.busy = false;
		this.#controller = null;
		if (result.ok) {
			this.target = null;
			const user = result.data.user;
			return { ok: true, message: `${fullName(user)} is now ${statusWord(user)}`, user };
		}
		if (!isUncertain(result.error)) {
			this.error = result.error.message;
			return null;
		}
		this.target = null;
		const now: Result<UserRow> = await this.#api().get(target.id);
		const lead = result.error.code === 'cancelled' ? 'Cancelled.' : result.error.message;
		return {
			ok: false,
			message: now.ok
				? `${lead} ${fullName(now.data)} is ${statusWord(now.data)}.`
				: `${lead} It may have changed; reload to see.`,
			user: now.ok ? now.data : undefined
		};
	}
}
