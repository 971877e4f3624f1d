// Choosing one's own password: after a recovery link, in place of a temporary password an admin
// handed over, or an admin's own from their settings (with the current one). Judged as it is typed
// by the same estimator the change-password function applies (loaded only on these screens, its
// dictionaries are large), typed twice, then sent once; this device stays signed in.
import type { UserAdminApi } from '$lib/users/api';
import { isUncertain } from '$lib/users/errors';
import type { UserRow } from '$lib/users/types';
import { TypedPassword } from './typed-password.svelte.ts';

export type OwnPasswordApi = Pick<UserAdminApi, 'changeOwnPassword'>;

export class NewPasswordForm extends TypedPassword {
	current = $state('');
	busy = $state(false);
	error = $state<string | null>(null);

	readonly needsCurrent: boolean;
	readonly #api: () => OwnPasswordApi;
	#controller: AbortController | null = null;

	constructor(api: () => OwnPasswordApi, person: () => UserRow, needsCurrent = false) {
		super(() => {
			const user = person();
			return { email: user.email, firstName: user.first_name, lastName: user.last_name };
		});
		this.#api = api;
		this.needsCurrent = needsCurrent;
	}

	cancel(): void {
		this.#controller?.abort();
	}

	/** True once the new password is set. */
	async submit(): Promise<boolean> {
		if (this.busy) return false;
		this.error = null;
		const errors = await this.typedProblems('Enter a new password');
		if (this.needsCurrent && !this.current) errors.current_password = 'Enter your current password';
		this.errors = errors;
		if (errors.password || errors.confirm || errors.current_password) return false;

		this.busy = true;
		const controller = (this.#controller = new AbortController());
		const result = await this.#api().changeOwnPassword(
			this.password,
			this.needsCurrent ? this.current : undefined,
			{ signal: controller.signal }
		);
		this.busy = false;
		this.#controller = null;
		if (result.ok) {
			this.password = this.confirm = this.current = '';
			return true;
		}
		const fields = result.error.fields ?? {};
		if (fields.password || fields.current_password) {
			this.errors = { password: fields.password, current_password: fields.current_password };
			return false;
		}
		this.error = isUncertain(result.error)
			? `${result.error.code === 'cancelled' ? 'Cancelled.' : result.error.message} Your password may or may not have been changed; sign in with the new one to check.`
			: result.error.message;
		return false;
	}
}
