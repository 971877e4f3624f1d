// A person's own first and last name on their profile (managers, admins). The drafts survive the
// profile being re-read (a tab switch, a token refresh): only a name that really changed, and that
// the person is not editing, follows. A save is refused, not applied, when the names changed
// meanwhile elsewhere; a refusal because the account is no longer allowed is reported to the
// owner, who re-reads the session (a deactivated account is then signed out and told why).
import { untrack } from 'svelte';
import type { FieldIssues } from '$shared/user-input.ts';
import type { UserAdminApi } from './api.ts';
import { isUncertain } from './errors.ts';
import { check, issuesFor, namesInput } from './forms.ts';
import type { UserRow } from './types.ts';

export type OwnNamesApi = Pick<UserAdminApi, 'updateOwnNames'>;

export interface OwnNamesHooks {
	onsaved: (row: UserRow) => void;
	/** The server refused: not allowed any more (deactivated, role changed) or names changed. */
	onrefused: () => void;
}

export class OwnNamesForm {
	firstName = $state('');
	lastName = $state('');
	errors = $state<FieldIssues>({});
	busy = $state(false);
	/** Why the last save did not happen, when it is not a field's problem. */
	error = $state<string | null>(null);

	readonly #api: () => OwnNamesApi;
	readonly #profile: () => UserRow;
	readonly #hooks: OwnNamesHooks;
	// Strings: re-reading the same profile leaves them equal, and nothing below runs again.
	#savedFirst = $derived.by(() => this.#profile().first_name);
	#savedLast = $derived.by(() => this.#profile().last_name);
	/** The names the drafts started from: what the save expects to still be there. */
	#shownFirst = '';
	#shownLast = '';
	#controller: AbortController | null = null;

	/** Must be built while a component initialises: it follows the profile's names. */
	constructor(api: () => OwnNamesApi, profile: () => UserRow, hooks: OwnNamesHooks) {
		this.#api = api;
		this.#profile = profile;
		this.#hooks = hooks;
		$effect.pre(() => {
			const first = this.#savedFirst;
			const last = this.#savedLast;
			untrack(() => {
				if (this.firstName === this.#shownFirst) this.firstName = first;
				if (this.lastName === this.#shownLast) this.lastName = last;
			});
			this.#shownFirst = first;
			this.#shownLast = last;
		});
		$effect(() => () => this.#controller?.abort());
	}

	cancel(): void {
		this.#controller?.abort();
	}

	async save(): Promise<{ ok: boolean; message: string } | null> {
		if (this.busy) return null;
		this.error = null;
		const checked = check(namesInput, { first_name: this.firstName, last_name: this.lastName });
		this.errors = checked.ok ? {} : checked.errors;
		if (!checked.ok) return null;
		this.busy = true;
		const controller = (this.#controller = new AbortController());
		const result = await this.#api().updateOwnNames(
			this.#profile().id,
			checked.data,
			{ first_name: this.#shownFirst, last_name: this.#shownLast },
			{ signal: controller.signal }
		);
		this.busy = false;
		this.#controller = null;
		if (result.ok) {
			this.#hooks.onsaved(result.data);
			return { ok: true, message: 'Your name was saved' };
		}
		const issues = issuesFor(result.error, ['first_name', 'last_name']);
		if (issues) {
			this.errors = issues;
			return null;
		}
		if (result.error.code === 'user_changed' || result.error.code === 'forbidden') {
			this.error =
				result.error.code === 'user_changed'
					? result.error.message
					: 'Your name could not be saved: your account no longer allows it. Checking your account…';
			this.#hooks.onrefused();
			return null;
		}
		this.error = isUncertain(result.error)
			? `${result.error.code === 'cancelled' ? 'Cancelled.' : result.error.message} Your name may or may not have been saved; the page shows it once it is read again.`
			: result.error.message;
		if (isUncertain(result.error)) this.#hooks.onrefused();
		return null;
	}
}
