// The state behind an admin's page for one user: the loaded row, the drafts of each section and
// one save per section, each with its own outcome (the page turns outcomes into toasts and alerts).
// Built once per page and fed by getters: when the user id changes (navigating from one user's
// settings to another's) it loads the new user.
//
// A save sends only the fields that changed, with the values the page showed for them: if someone
// else changed one of those meanwhile (another admin, another tab) the server refuses, and the page
// says so instead of overwriting their change. Every save can be cancelled and times out.
import { untrack } from 'svelte';
import { roleSchema, type FieldIssues, type UserRole } from '$shared/user-input.ts';
import type { ExpectedValues, ProfileChanges, Result, UserAdminApi } from './api.ts';
import { isUncertain, type ApiError } from './errors.ts';
import { check, issuesFor, personalInfoInput } from './forms.ts';
import { roleArticle, ROLE_INFO } from './roles.ts';
import { StatusChange } from './status-change.svelte.ts';
import { fullName, type UserRow } from './types.ts';

export type SettingsApi = Pick<
	UserAdminApi,
	'get' | 'updateProfile' | 'updateOwnNames' | 'setActive'
>;

export interface Outcome {
	ok: boolean;
	message: string;
}

export interface SettingsOptions {
	/** The admin changed their own row (their names in the header follow). */
	onselfchange?: () => void;
}

const INFO_FIELDS = ['first_name', 'last_name', 'email'] as const;
type Field = (typeof INFO_FIELDS)[number] | 'role';
const FIELD_LABELS: Record<Field, string> = {
	first_name: 'first name',
	last_name: 'last name',
	email: 'email',
	role: 'role'
};

/** "Someone else changed this user meanwhile … (their email is now x)": what they changed. */
function conflictMessage(error: ApiError, shown: UserRow, fields: readonly Field[]): string {
	const now = error.user;
	if (!now) return error.message;
	const changed = fields
		.filter((field) => now[field] !== shown[field])
		.map((field) =>
			field === 'role'
				? `the role is now ${ROLE_INFO[now.role].label}`
				: `the ${FIELD_LABELS[field]} is now “${now[field]}”`
		);
	return changed.length ? `${error.message} (${changed.join('; ')}.)` : error.message;
}

export class UserSettingsState {
	user = $state<UserRow | null>(null);
	loadError = $state<string | null>(null);

	firstName = $state('');
	lastName = $state('');
	email = $state('');
	infoErrors = $state<FieldIssues>({});
	infoBusy = $state(false);
	/** Someone else changed a field being saved: the save was refused, the drafts are kept. */
	infoConflict = $state<string | null>(null);

	role = $state<UserRole | ''>('');
	roleBusy = $state(false);
	roleError = $state<string | null>(null);
	roleConflict = $state<string | null>(null);

	readonly status: StatusChange;

	readonly #api: () => SettingsApi;
	readonly #userId: () => string;
	readonly #currentUserId: () => string;
	readonly #onselfchange?: () => void;
	#request = 0;
	#infoRequest: AbortController | null = null;
	#roleRequest: AbortController | null = null;

	userId = $derived.by(() => this.#userId());
	isSelf = $derived.by(() => this.#userId() === this.#currentUserId());
	roleChanged = $derived(this.user !== null && this.role !== '' && this.role !== this.user.role);

	/** Must be built while a component initialises: it loads whenever the user id changes. */
	constructor(
		api: () => SettingsApi,
		userId: () => string,
		currentUserId: () => string,
		options: SettingsOptions = {}
	) {
		this.#api = api;
		this.#userId = userId;
		this.#currentUserId = currentUserId;
		this.#onselfchange = options.onselfchange;
		this.status = new StatusChange(api);
		$effect(() => {
			const id = this.userId;
			untrack(() => void this.load(id));
			return () => {
				this.#infoRequest?.abort();
				this.#roleRequest?.abort();
			};
		});
	}

	/** Loads the user (the current one by default); an answer for an id left meanwhile is dropped. */
	async load(id = this.userId): Promise<void> {
		const request = ++this.#request;
		if (this.user?.id !== id) this.#reset();
		const result = await this.#api().get(id);
		if (request !== this.#request) return;
		if (result.ok) this.#show(result.data);
		else this.loadError = result.error.message;
	}

	/** After a conflict: the user as it is now, the drafts started again from it. */
	async reload(): Promise<void> {
		this.infoConflict = this.roleConflict = null;
		this.infoErrors = {};
		this.roleError = null;
		const id = this.userId;
		const result = await this.#api().get(id);
		if (this.userId !== id) return;
		if (result.ok) this.#show(result.data);
		else this.loadError = result.error.message;
	}

	cancelInfo(): void {
		this.#infoRequest?.abort();
	}

	cancelRole(): void {
		this.#roleRequest?.abort();
	}

	/**
	 * One save, one request. Another user's names and email go through `update_profile` (Auth and
	 * the row together); an admin's own names stay on the Data API, where RLS allows them.
	 */
	async saveInfo(): Promise<Outcome | null> {
		const user = this.user;
		if (!user || this.infoBusy) return null;
		this.infoConflict = null;
		const checked = check(personalInfoInput, {
			first_name: this.firstName,
			last_name: this.lastName,
			email: this.email
		});
		this.infoErrors = checked.ok ? {} : checked.errors;
		if (!checked.ok) return null;

		const changes: ProfileChanges = {};
		const expected: ExpectedValues = {};
		for (const field of INFO_FIELDS)
			if (checked.data[field] !== user[field]) {
				changes[field] = checked.data[field];
				expected[field] = user[field];
			}
		const changed = Object.keys(changes) as (typeof INFO_FIELDS)[number][];
		if (changed.length === 0) {
			this.#showInfo(user);
			return { ok: true, message: 'Personal information saved' };
		}

		this.infoBusy = true;
		const controller = (this.#infoRequest = new AbortController());
		const options = { signal: controller.signal };
		const api = this.#api();
		const result: Result<UserRow> =
			this.isSelf && changes.email === undefined
				? await api.updateOwnNames(
						user.id,
						{ first_name: checked.data.first_name, last_name: checked.data.last_name },
						{ first_name: user.first_name, last_name: user.last_name },
						options
					)
				: await api
						.updateProfile(user.id, changes, expected, options)
						.then((answer) => (answer.ok ? { ok: true as const, data: answer.data.user } : answer));
		this.infoBusy = false;
		this.#infoRequest = null;
		if (this.user?.id !== user.id) return null;
		if (!result.ok) return this.#refused(result.error, user, changed, 'info');
		this.#adopt(result.data, { info: true });
		if (this.isSelf) this.#onselfchange?.();
		return { ok: true, message: 'Personal information saved' };
	}

	async saveRole(): Promise<Outcome | null> {
		const user = this.user;
		if (!user || !this.roleChanged || this.roleBusy) return null;
		this.roleConflict = null;
		// The same rule as Create User's role and the function's.
		const role = roleSchema.safeParse(this.role);
		this.roleError = role.success ? null : (role.error.issues[0]?.message ?? null);
		if (!role.success) return null;
		this.roleBusy = true;
		const controller = (this.#roleRequest = new AbortController());
		const result = await this.#api().updateProfile(
			user.id,
			{ role: role.data },
			{ role: user.role },
			{ signal: controller.signal }
		);
		this.roleBusy = false;
		this.#roleRequest = null;
		if (this.user?.id !== user.id) return null;
		if (!result.ok) {
			if (result.error.fields?.role) {
				this.roleError = result.error.fields.role;
				return null;
			}
			return this.#refused(result.error, user, ['role'], 'role');
		}
		this.#adopt(result.data.user, { role: true });
		return {
			ok: true,
			message: `${fullName(result.data.user)} is now ${roleArticle(result.data.user.role)}`
		};
	}

	/** Flips active/inactive after the confirmation; the row follows whatever the outcome. */
	async toggleStatus(): Promise<Outcome | null> {
		const outcome = await this.status.confirm();
		if (!outcome) return null;
		if (outcome.user && outcome.user.id === this.user?.id) this.#adopt(outcome.user);
		return outcome;
	}

	askStatusChange(): void {
		if (this.user) this.status.ask(this.user);
	}

	/** A refused or interrupted save: the page shows why, and never something that is not true. */
	async #refused(
		error: ApiError,
		shown: UserRow,
		fields: readonly Field[],
		section: 'info' | 'role'
	): Promise<Outcome | null> {
		if (error.code === 'user_changed') {
			const message = conflictMessage(error, shown, fields);
			if (section === 'info') this.infoConflict = message;
			else this.roleConflict = message;
			return null;
		}
		if (section === 'info') {
			const issues = issuesFor(error, INFO_FIELDS);
			if (issues) {
				this.infoErrors = issues;
				return null;
			}
		}
		if (!isUncertain(error)) {
			if (section === 'role') {
				this.roleError = error.message;
				return null;
			}
			return { ok: false, message: error.message };
		}
		// Cancelled, timed out or cut off: it may have been saved. Read the row again; the drafts
		// that were not saved stay as typed.
		const now = await this.#api().get(shown.id);
		if (now.ok && this.user?.id === shown.id) this.#adopt(now.data);
		const saved = now.ok && fields.every((field) => now.data[field] !== shown[field]);
		const lead = error.code === 'cancelled' ? 'Cancelled.' : error.message;
		return {
			ok: false,
			message: now.ok
				? saved
					? `${lead} The change had already been saved.`
					: `${lead} Nothing was saved.`
				: `${lead} Reload to see whether it was saved.`
		};
	}

	#show(row: UserRow): void {
		this.user = row;
		this.#showInfo(row);
		this.role = row.role;
	}

	#showInfo(row: UserRow): void {
		this.firstName = row.first_name;
		this.lastName = row.last_name;
		this.email = row.email;
	}

	/**
	 * A newer row of the same user (after a save, an activation, a re-read): the drafts the admin
	 * has not touched follow it; what they are typing stays. `info`/`role` say which section was
	 * just saved (its drafts now are the saved values).
	 */
	#adopt(row: UserRow, saved: { info?: boolean; role?: boolean } = {}): void {
		const before = this.user;
		this.user = row;
		if (!before) return this.#show(row);
		if (saved.info || this.firstName === before.first_name) this.firstName = row.first_name;
		if (saved.info || this.lastName === before.last_name) this.lastName = row.last_name;
		if (saved.info || this.email === before.email) this.email = row.email;
		if (saved.role || this.role === before.role) this.role = row.role;
	}

	#reset(): void {
		this.#infoRequest?.abort();
		this.#roleRequest?.abort();
		this.user = null;
		this.loadError = null;
		this.firstName = this.lastName = this.email = '';
		this.role = '';
		this.infoErrors = {};
		this.infoConflict = this.roleConflict = null;
		this.roleError = null;
		this.infoBusy = this.roleBusy = false;
		this.status.target = null;
	}
}
