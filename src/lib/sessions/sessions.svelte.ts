// A user's active sessions and "Sign out everywhere", for an admin on a user's Settings page and
// for everyone on their own profile. The list is what the database reports (public.user_sessions:
// nothing for anyone who may not see it); ending them is asked for in a confirmation, sent once and
// cancellable. Built once per page and fed by getters: another user id loads that user's sessions.
//
// Ending one's own sessions ends this device's too: its access token keeps passing JWT checks until
// it expires, so the page signs out here at once instead of waiting for the refresh to fail.
import { untrack } from 'svelte';
import type { PersonName, RequestOptions, Result, UserSession } from '$lib/users/api.ts';
import { counted } from '$lib/ui/count.ts';
import { isUncertain } from '$lib/users/errors.ts';
import { fullName } from '$lib/users/types.ts';

export interface SessionsSource {
	sessions(userId: string, options?: RequestOptions): Promise<Result<UserSession[]>>;
	/** Whose sessions they are, for the texts; ids the caller may not see are missing. */
	names?(ids: readonly string[], options?: RequestOptions): Promise<Result<PersonName[]>>;
}

/** Ends every session of the user: how many ended (when the server says), or why not. */
export type EndSessions = (
	userId: string,
	options: RequestOptions
) => Promise<Result<{ ended?: number }>>;

export interface SessionsOptions {
	/** The user is the person signed in here. */
	self?: () => boolean;
	/** Whose sessions, when the page knows (one's own profile); else asked of the source. */
	person?: () => PersonName;
	/** After one's own sessions ended: sign out on this device (the session store follows). */
	onsignedout?: () => Promise<void> | void;
}

export interface SessionsOutcome {
	ok: boolean;
	message: string;
}

export const sessionCount = (count: number): string => counted(count, 'session');

export class SessionsState {
	sessions = $state<UserSession[]>([]);
	/** Whose sessions; null until known. */
	person = $state<PersonName | null>(null);
	/** The user is not one the caller may see (no such user in their organization). */
	unknown = $state(false);
	/** True once a first answer arrived, so the empty state never flashes before data. */
	loaded = $state(false);
	loading = $state(false);
	loadError = $state<string | null>(null);
	/** The confirmation is open. */
	confirming = $state(false);
	busy = $state(false);
	/** A refusal, shown in the confirmation (which stays open). */
	error = $state<string | null>(null);

	userId = $derived.by(() => this.#userId());
	isSelf = $derived.by(() => this.#self());

	readonly #source: () => SessionsSource;
	readonly #userId: () => string;
	readonly #end: EndSessions;
	readonly #self: () => boolean;
	readonly #person?: () => PersonName;
	readonly #onsignedout?: () => Promise<void> | void;
	#request = 0;
	#shownFor: string | null = null;
	#inFlight: AbortController | null = null;
	#ending: AbortController | null = null;

	/** Must be built while a component initialises: it loads whenever the user id changes. */
	constructor(
		source: () => SessionsSource,
		userId: () => string,
		end: EndSessions,
		options: SessionsOptions = {}
	) {
		this.#source = source;
		this.#userId = userId;
		this.#end = end;
		this.#self = options.self ?? (() => false);
		this.#person = options.person;
		this.#onsignedout = options.onsignedout;
		$effect(() => {
			const id = this.userId;
			untrack(() => void this.load(id));
			return () => {
				this.#inFlight?.abort();
				this.#ending?.abort();
			};
		});
	}

	/** Loads the sessions (of the current user by default); an answer for an id left meanwhile is dropped. */
	async load(id = this.userId): Promise<void> {
		const request = ++this.#request;
		this.#inFlight?.abort();
		const controller = (this.#inFlight = new AbortController());
		const options = { signal: controller.signal };
		if (this.#shownFor !== id) {
			// Another user: nothing of the previous one stays on screen.
			this.#shownFor = id;
			this.sessions = [];
			this.loaded = false;
			this.loadError = null;
			this.unknown = false;
			this.person = this.#person?.() ?? null;
		}
		this.loading = true;
		const source = this.#source();
		const [result, names] = await Promise.all([
			source.sessions(id, options),
			this.person || !source.names ? null : source.names([id], options)
		]);
		if (request !== this.#request) return;
		this.#inFlight = null;
		this.loading = false;
		this.loaded = true;
		// The names are for the texts; without them the sessions still show.
		if (names?.ok) {
			this.person = names.data.find((person) => person.id === id) ?? null;
			this.unknown = this.person === null;
		}
		if (!result.ok) {
			this.loadError = result.error.message;
			return;
		}
		this.loadError = null;
		this.sessions = result.data;
	}

	ask(): void {
		this.error = null;
		this.confirming = true;
	}

	/** Closes the confirmation; a request in flight is cancelled (confirm() then reports it). */
	cancel(): void {
		if (this.busy) this.#ending?.abort();
		else this.confirming = false;
	}

	/** Null when the confirmation stays open (a refusal shown in it), else what to tell the person. */
	async confirm(): Promise<SessionsOutcome | null> {
		if (!this.confirming || this.busy) return null;
		const id = this.userId;
		const self = this.isSelf;
		const listed = this.sessions.length;
		this.busy = true;
		this.error = null;
		const controller = (this.#ending = new AbortController());
		const result = await this.#end(id, { signal: controller.signal });
		this.busy = false;
		this.#ending = null;
		if (!result.ok && !isUncertain(result.error)) {
			this.error = result.error.message;
			return null;
		}
		this.confirming = false;
		if (result.ok) {
			const ended = result.data.ended;
			if (self) {
				await this.#onsignedout?.();
				return {
					ok: true,
					message: `You were signed out everywhere${ended ? ` (${sessionCount(ended)}, this one included)` : ''}. Sign in again to go on.`
				};
			}
			await this.load(id);
			const name = this.person ? fullName(this.person) : 'the user';
			return {
				ok: true,
				message:
					ended === 0
						? `${name} was not signed in anywhere`
						: `Signed ${name} out of ${sessionCount(ended ?? listed)}`
			};
		}
		// Cancelled, timed out or cut off: the sessions may have ended. Read them again and say which.
		await this.load(id);
		const lead = result.error.code === 'cancelled' ? 'Cancelled.' : result.error.message;
		if (this.loadError) return { ok: false, message: `${lead} Reload to see whether it happened.` };
		const stillHere = this.sessions.some((session) => session.current);
		if (self && !stillHere) {
			await this.#onsignedout?.();
			return { ok: false, message: `${lead} Your sessions had ended all the same.` };
		}
		return {
			ok: false,
			message:
				this.sessions.length === 0
					? `${lead} The sessions had ended all the same.`
					: `${lead} ${sessionCount(this.sessions.length)} still open.`
		};
	}
}
