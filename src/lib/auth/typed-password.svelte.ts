// A password someone types twice, judged as it is typed: by the estimator the functions apply
// (loaded lazily, its dictionaries are large), with the person's names and address as words to
// avoid. Shared by the admin's "type a strong one twice" and everyone's own new password.
import { loadStrength, type Strength, type StrengthModule } from './strength.ts';

export interface PersonWords {
	email?: string;
	firstName?: string;
	lastName?: string;
}

export interface TypedPasswordErrors {
	password?: string;
	confirm?: string;
	current_password?: string;
}

export class TypedPassword {
	password = $state('');
	confirm = $state('');
	errors = $state<TypedPasswordErrors>({});
	/** The estimator's verdict on what is typed now, for the meter (null until it has loaded). */
	strength = $derived.by<Strength | null>(() =>
		this.#estimator && this.password
			? this.#estimator.passwordStrength(this.password, this.#person())
			: null
	);

	readonly #person: () => PersonWords;
	#estimator = $state<StrengthModule | null>(null);

	constructor(person: () => PersonWords) {
		this.#person = person;
		// The meter waits for it; a check loads it again if this first try failed.
		loadStrength().then(
			(module) => (this.#estimator = module),
			() => {}
		);
	}

	/** What is wrong with the typed pair (weak, or the two differ); empty when it may be sent. */
	protected async typedProblems(missing: string): Promise<TypedPasswordErrors> {
		const { passwordWeakness } = await loadStrength();
		const weakness = this.password ? passwordWeakness(this.password, this.#person()) : missing;
		if (weakness) return { password: weakness };
		return this.password !== this.confirm ? { confirm: 'The two passwords differ' } : {};
	}
}
