// The Create User modal's form: validated with the shared schema before anything is sent, server
// refusals (a taken email…) mapped back onto the field they concern. The request can be cancelled
// and times out; the generated password is guarded until the admin copied it or chose not to.
import {
	createUserInput,
	type CreateUserInput,
	type FieldIssues,
	type UserRole
} from '$shared/user-input.ts';
import type { ApiError, RequestOptions, Result } from './api.ts';
import { isUncertain } from './errors.ts';
import { check, issuesFor } from './forms.ts';
import type { UserRow } from './types.ts';

export interface CreateSource {
	create(
		input: CreateUserInput,
		options?: RequestOptions
	): Promise<Result<{ user: UserRow; password: string }>>;
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
	/** The admin copied the password (or said they wrote it down): the dialog may close. */
	passwordCopied = $state(false);
	/** Closing was asked for before the password was copied: the dialog asks to be sure. */
	confirmingClose = $state(false);
	/** The last attempt ended without an answer: the user may exist; the list should be checked. */
	uncertain = $state(false);

	readonly #source: () => CreateSource;
	#controller: AbortController | null = null;

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
		if (this.submitting) return false;
		this.formError = null;
		this.uncertain = false;
		const input = this.validate();
		if (!input) return false;
		this.submitting = true;
		const controller = (this.#controller = new AbortController());
		const result = await this.#source().create(input, { signal: controller.signal });
		this.submitting = false;
		this.#controller = null;
		if (!result.ok) {
			this.#showError(result.error);
			return false;
		}
		this.created = result.data.user;
		this.password = result.data.password;
		return true;
	}

	/** Stops waiting for the server; the request may already have created the user. */
	cancel(): void {
		this.#controller?.abort();
	}

	/** A field's error goes as soon as the person changes that field. */
	clearError(field: keyof CreateUserInput): void {
		if (!this.errors[field]) return;
		const rest = { ...this.errors };
		delete rest[field];
		this.errors = rest;
	}

	/**
	 * Whether the dialog may close now. With a password not copied yet, the first request only asks
	 * ("it cannot be shown again"); the second, or one after copying, closes.
	 */
	mayClose(): boolean {
		if (!this.password || this.passwordCopied || this.confirmingClose) return true;
		this.confirmingClose = true;
		return false;
	}

	reset(): void {
		this.#controller?.abort();
		this.#controller = null;
		this.passwordCopied = this.confirmingClose = this.uncertain = false;
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
		else if (isUncertain(error)) {
			this.uncertain = true;
			const lead = error.code === 'cancelled' ? 'Cancelled.' : error.message;
			this.formError = `${lead} If the server had already received the request, the user was created: the list shows them.`;
		} else this.formError = error.message;
	}
}
