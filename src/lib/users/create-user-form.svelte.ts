// The Create User modal's form: validated with the shared schema before anything is sent, server
// refusals (a taken email…) mapped back onto the field they concern.
import type { ApiError, Result } from './api.ts';
import { createUserInput, fieldIssues, type CreateUserInput, type FieldIssues, type UserRole } from './schemas.ts';
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

	constructor(private readonly source: CreateSource) {}

	validate(): CreateUserInput | null {
		const parsed = createUserInput.safeParse({
			first_name: this.first_name,
			last_name: this.last_name,
			email: this.email,
			role: this.role || undefined
		});
		if (parsed.success) {
			this.errors = {};
			return parsed.data;
		}
		const issues = fieldIssues(parsed.error);
		if (!this.role) issues.role = 'Choose a role';
		this.errors = issues;
		return null;
	}

	async submit(): Promise<boolean> {
		this.formError = null;
		const input = this.validate();
		if (!input) return false;
		this.submitting = true;
		const result = await this.source.create(input);
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

	#showError(error: ApiError): void {
		const known = Object.entries(error.fields ?? {}).filter(([field]) => ['first_name', 'last_name', 'email', 'role'].includes(field));
		if (error.code === 'email_taken') this.errors = { email: 'A user with this email already exists' };
		else if (known.length) this.errors = Object.fromEntries(known);
		else this.formError = error.message;
	}
}
