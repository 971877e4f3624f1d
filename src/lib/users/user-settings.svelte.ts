// The state behind an admin's page for one user: the loaded row, the drafts of each section and
// one save per section, each with its own outcome (the page turns outcomes into toasts and alerts).
import type { UserAdminApi } from './api.ts';
import { emailSchema, type UserRole } from './schemas.ts';
import type { UserRow } from './types.ts';

export type SettingsApi = Pick<UserAdminApi, 'get' | 'update' | 'changeEmail' | 'setActive'>;

export interface Outcome {
	ok: boolean;
	message: string;
}

export class UserSettingsState {
	user = $state<UserRow | null>(null);
	loadError = $state<string | null>(null);

	firstName = $state('');
	lastName = $state('');
	email = $state('');
	infoErrors = $state<{ first_name?: string; last_name?: string; email?: string }>({});
	infoBusy = $state(false);

	role = $state<UserRole | ''>('');
	roleBusy = $state(false);
	roleError = $state<string | null>(null);

	statusBusy = $state(false);
	statusError = $state<string | null>(null);

	readonly isSelf: boolean;
	roleChanged = $derived(this.user !== null && this.role !== '' && this.role !== this.user.role);

	readonly #api: SettingsApi;
	readonly #userId: string;

	constructor(api: SettingsApi, userId: string, currentUserId: string) {
		this.#api = api;
		this.#userId = userId;
		this.isSelf = userId === currentUserId;
	}

	async load(): Promise<void> {
		const result = await this.#api.get(this.#userId);
		if (result.ok) this.#show(result.data);
		else this.loadError = result.error.message;
	}

	/** Names through the Data API, the email through the Edge Function (it changes Auth too). */
	async saveInfo(): Promise<Outcome | null> {
		const user = this.user;
		if (!user) return null;
		const parsedEmail = emailSchema.safeParse(this.email);
		this.infoErrors = {
			first_name: this.firstName.trim() ? undefined : 'First name is required',
			last_name: this.lastName.trim() ? undefined : 'Last name is required',
			email: parsedEmail.success ? undefined : (parsedEmail.error.issues[0]?.message ?? 'Enter a valid email address')
		};
		if (!parsedEmail.success || this.infoErrors.first_name || this.infoErrors.last_name) return null;

		this.infoBusy = true;
		try {
			let current = user;
			const names = { first_name: this.firstName.trim(), last_name: this.lastName.trim() };
			if (names.first_name !== current.first_name || names.last_name !== current.last_name) {
				const result = await this.#api.update(current.id, names);
				if (!result.ok) return { ok: false, message: `Could not save the name: ${result.error.message}` };
				current = result.data;
				this.user = current;
			}
			if (parsedEmail.data !== current.email) {
				const result = await this.#api.changeEmail(current.id, parsedEmail.data);
				if (!result.ok) {
					this.infoErrors = { email: result.error.fields?.email ?? result.error.message };
					return null;
				}
				current = result.data.user;
			}
			this.#show(current);
			return { ok: true, message: 'Personal information saved' };
		} finally {
			this.infoBusy = false;
		}
	}

	async saveRole(): Promise<Outcome | null> {
		const user = this.user;
		if (!user || !this.role || !this.roleChanged) return null;
		this.roleBusy = true;
		this.roleError = null;
		const result = await this.#api.update(user.id, { role: this.role });
		this.roleBusy = false;
		if (!result.ok) {
			this.roleError = result.error.message;
			return null;
		}
		this.#show(result.data);
		const role = result.data.role;
		return { ok: true, message: `${result.data.first_name} ${result.data.last_name} is now ${role === 'admin' ? 'an' : 'a'} ${role}` };
	}

	/** Flips active/inactive; true when it changed (the caller closes its confirmation then). */
	async toggleStatus(): Promise<Outcome | null> {
		const user = this.user;
		if (!user) return null;
		this.statusBusy = true;
		this.statusError = null;
		const result = await this.#api.setActive(user.id, user.status !== 'active');
		this.statusBusy = false;
		if (!result.ok) {
			this.statusError = result.error.message;
			return null;
		}
		this.#show(result.data.user);
		return { ok: true, message: `${result.data.user.first_name} ${result.data.user.last_name} is now ${result.data.user.status}` };
	}

	#show(row: UserRow): void {
		this.user = row;
		this.firstName = row.first_name;
		this.lastName = row.last_name;
		this.email = row.email;
		this.role = row.role;
	}
}
