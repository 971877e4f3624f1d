// The state behind an admin's page for one user: the loaded row, the drafts of each section and
// one save per section, each with its own outcome (the page turns outcomes into toasts and alerts).
// Built once per page and fed by getters: when the user id changes (navigating from one user's
// settings to another's) it loads the new user.
import { untrack } from 'svelte';
import { roleSchema, type FieldIssues, type UserRole } from '$shared/user-input.ts';
import type { ProfileChanges, UserAdminApi } from './api.ts';
import { check, issuesFor, personalInfoInput } from './forms.ts';
import { fullName, type UserRow } from './types.ts';

export type SettingsApi = Pick<
	UserAdminApi,
	'get' | 'updateProfile' | 'updateOwnNames' | 'setActive'
>;

export interface Outcome {
	ok: boolean;
	message: string;
}

const INFO_FIELDS = ['first_name', 'last_name', 'email'] as const;

export class UserSettingsState {
	user = $state<UserRow | null>(null);
	loadError = $state<string | null>(null);

	firstName = $state('');
	lastName = $state('');
	email = $state('');
	infoErrors = $state<FieldIssues>({});
	infoBusy = $state(false);

	role = $state<UserRole | ''>('');
	roleBusy = $state(false);
	roleError = $state<string | null>(null);

	/** The activation confirmation is open. */
	confirmingStatus = $state(false);
	statusBusy = $state(false);
	statusError = $state<string | null>(null);

	readonly #api: () => SettingsApi;
	readonly #userId: () => string;
	readonly #currentUserId: () => string;
	#request = 0;

	userId = $derived.by(() => this.#userId());
	isSelf = $derived.by(() => this.#userId() === this.#currentUserId());
	roleChanged = $derived(this.user !== null && this.role !== '' && this.role !== this.user.role);

	/** Must be built while a component initialises: it loads whenever the user id changes. */
	constructor(api: () => SettingsApi, userId: () => string, currentUserId: () => string) {
		this.#api = api;
		this.#userId = userId;
		this.#currentUserId = currentUserId;
		$effect(() => {
			const id = this.userId;
			untrack(() => void this.load(id));
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

	/**
	 * One save, one request. Another user's names and email go through `update_profile` (Auth and
	 * the row together); an admin's own names stay on the Data API, where RLS allows them.
	 */
	async saveInfo(): Promise<Outcome | null> {
		const user = this.user;
		if (!user) return null;
		const checked = check(personalInfoInput, {
			first_name: this.firstName,
			last_name: this.lastName,
			email: this.email
		});
		this.infoErrors = checked.ok ? {} : checked.errors;
		if (!checked.ok) return null;

		const changes: ProfileChanges = {};
		for (const field of INFO_FIELDS)
			if (checked.data[field] !== user[field]) changes[field] = checked.data[field];
		if (Object.keys(changes).length === 0) {
			this.#show(user);
			return { ok: true, message: 'Personal information saved' };
		}

		this.infoBusy = true;
		const api = this.#api();
		const result =
			this.isSelf && changes.email === undefined
				? await api.updateOwnNames(user.id, {
						first_name: checked.data.first_name,
						last_name: checked.data.last_name
					})
				: await api
						.updateProfile(user.id, changes)
						.then((answer) => (answer.ok ? { ok: true as const, data: answer.data.user } : answer));
		this.infoBusy = false;
		if (this.user?.id !== user.id) return null;
		if (!result.ok) {
			const issues = issuesFor(result.error, INFO_FIELDS);
			if (issues) {
				this.infoErrors = issues;
				return null;
			}
			return { ok: false, message: result.error.message };
		}
		this.#show(result.data);
		return { ok: true, message: 'Personal information saved' };
	}

	async saveRole(): Promise<Outcome | null> {
		const user = this.user;
		if (!user || !this.roleChanged) return null;
		// The same rule as Create User's role and the function's.
		const role = roleSchema.safeParse(this.role);
		this.roleError = role.success ? null : (role.error.issues[0]?.message ?? null);
		if (!role.success) return null;
		this.roleBusy = true;
		const result = await this.#api().updateProfile(user.id, { role: role.data });
		this.roleBusy = false;
		if (this.user?.id !== user.id) return null;
		if (!result.ok) {
			this.roleError = result.error.fields?.role ?? result.error.message;
			return null;
		}
		this.#show(result.data.user);
		const saved = result.data.user.role;
		return {
			ok: true,
			message: `${fullName(result.data.user)} is now ${saved === 'admin' ? 'an' : 'a'} ${saved}`
		};
	}

	/** Flips active/inactive after the confirmation; the confirmation closes when it changed. */
	async toggleStatus(): Promise<Outcome | null> {
		const user = this.user;
		if (!user) return null;
		this.statusBusy = true;
		this.statusError = null;
		const result = await this.#api().setActive(user.id, user.status !== 'active');
		this.statusBusy = false;
		if (this.user?.id !== user.id) return null;
		if (!result.ok) {
			this.statusError = result.error.message;
			return null;
		}
		this.#show(result.data.user);
		this.confirmingStatus = false;
		return { ok: true, message: `${fullName(result.data.user)} is now ${result.data.user.status}` };
	}

	askStatusChange(): void {
		this.statusError = null;
		this.confirmingStatus = true;
	}

	#show(row: UserRow): void {
		this.user = row;
		this.firstName = row.first_name;
		this.lastName = row.last_name;
		this.email = row.email;
		this.role = row.role;
	}

	#reset(): void {
		this.user = null;
		this.loadError = null;
		this.firstName = this.lastName = this.email = '';
		this.role = '';
		this.infoErrors = {};
		this.roleError = this.statusError = null;
		this.infoBusy = this.roleBusy = this.statusBusy = false;
		this.confirmingStatus = false;
	}
}
