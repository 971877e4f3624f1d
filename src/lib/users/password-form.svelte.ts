// A password an admin types for someone: strong by the shared rule, typed twice to catch typos.
import { passwordWeakness } from '$shared/user-input.ts';

export class PasswordForm {
	password = $state('');
	confirm = $state('');
	errors = $state<{ password?: string; confirm?: string }>({});

	/** The password when it may be sent, null (with the reasons set) otherwise. */
	validate(email?: string): string | null {
		const weakness = this.password ? passwordWeakness(this.password, email) : 'Enter a password';
		const mismatch =
			!weakness && this.password !== this.confirm ? 'The two passwords differ' : undefined;
		this.errors = { password: weakness ?? undefined, confirm: mismatch };
		return weakness || mismatch ? null : this.password;
	}

	reset(): void {
		this.password = this.confirm = '';
		this.errors = {};
	}
}
