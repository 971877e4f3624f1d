// The Create User modal's form: validated with the shared schema before anything is sent, server
// refusals (a taken email…) mapped back onto the field they concern.
import {
	createUserInput,
	type CreateUserInput,
	type FieldIssues,
	type UserRole
} from '$shared/user-input.ts';
import type { ApiError, Result } from './api.ts';
import { check, issuesFor } from './forms.ts';
import type { UserRow } from './types.ts';

export interface CreateSource {
	create(input: CreateUserInput): Promise<Result<{ user: UserRow; password: string }>>;
}

export class CreateUserForm {
	first_name = $state('');
	last_name = $state('');
	email = $state('');
	role = $state<UserRole | ''>('');

	errors = $state<FieldIssues>({});
	formError = $state<string | null>(null);
	submitting = $state(false);
	/** The generated password: shown once, then forgotten when the modal closes. */
	password = $state<string | null>(null);
	created = $state<UserRow | null>(null);

	readonly #source: () => CreateSource;

	constructor(source: () => CreateSource) {
		this.#source = source;
	}

	validate(): CreateUserInput | null {
		const checked = check(createUserInput, {
			first_name: this.first_name,
			last_name: this.last_name,
			email: this.email,
			role: this.role || undefined
		});
		if (checked.ok) {
			this.errors = {};
			return checked.data;
		}
		// Nothing picked yet: ask for a choice rather than list the roles.
		this.errors = this.role ? checked.errors : { ...checked.errors, role: 'Choose a role' };
		return null;
	}

	async submit(): Promise<boolean> {
		this.formError = null;
		const input = this.validate();
		if (!input) return false;
		this.submitting = true;
		const result = await this.#source().create(input);
		this.submitting = false;
		if (!result.ok) {
			this.#showError(result.error);
			return false;
		}
		this.created = result.data.user;
		this.password = result.data.password;
		return true;
	}

	reset(): void {
		this.first_name = this.last_name = this.email = '';
		this.role = '';
		this.errors = {};
		this.formError = null;
		this.password = null;
		this.created = null;
		this.submitting = false;
	}

	/** Refusals that name fields go to those fields; the rest above the form, in the shared words. */
	#showError(error: ApiError): void {
		const issues = issuesFor(error, ['first_name', 'last_name', 'email', 'role']);
		if (issues) this.errors = issues;
		else this.formError = error.message;
	}
}
