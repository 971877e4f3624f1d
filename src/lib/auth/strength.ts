// The password-strength estimator, shared with the change-password function, loaded on the
// screens that judge passwords only: its dictionaries are larger than the rest of the console.
import type * as StrengthModuleType from '$shared/password-strength.ts';

export type StrengthModule = typeof StrengthModuleType;
export type Strength = ReturnType<StrengthModule['passwordStrength']>;

let loading: Promise<StrengthModule> | null = null;

export function loadStrength(): Promise<StrengthModule> {
	// A failed download (offline) is tried again next time instead of being remembered.
	loading ??= import('$shared/password-strength.ts').catch((error: unknown) => {
		loading = null;
		throw error;
	});
	return loading;
}
