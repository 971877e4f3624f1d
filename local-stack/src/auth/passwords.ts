// Passwords as GoTrue keeps them: bcrypt at cost 10 in the `$2a$` form Go writes, checked against
// the policy supabase/config.toml sets, as the Supabase CLI passes it to GoTrue: [auth]
// minimum_password_length becomes GOTRUE_PASSWORD_MIN_LENGTH and password_requirements becomes
// GOTRUE_PASSWORD_REQUIRED_CHARACTERS (character sets separated by `:`), and GoTrue's
// checkPasswordStrength refuses more than 72 bytes (bcrypt ignores the rest), fewer bytes than the
// minimum, and a password lacking a character of any required set. No HaveIBeenPwned check.
import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { badRequest, WeakPasswordError } from './errors.ts';

export const BCRYPT_COST = 10;
/** bcrypt only reads this many bytes; GoTrue refuses longer passwords instead of truncating. */
export const MAX_PASSWORD_BYTES = 72;
/** GoTrue's default and floor: a smaller GOTRUE_PASSWORD_MIN_LENGTH (or none) is raised to 6. */
export const MIN_PASSWORD_LENGTH = 6;

export interface PasswordPolicy {
	/** In UTF-8 bytes, as Go's len() counts. */
	minLength: number;
	/** Sets of characters; a password needs at least one character of each. */
	requiredCharacters: string[];
}

/** GoTrue with nothing configured. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = Object.freeze({
	minLength: MIN_PASSWORD_LENGTH,
	requiredCharacters: []
});

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
/** The CLI's symbol set, `:` escaped as `\:` in the variable. */
const SYMBOLS = '!@#$%^&*()_+-=[]{};\'\\\\:"|<>?,./`~';

/**
 * config.toml's password_requirements → the GOTRUE_PASSWORD_REQUIRED_CHARACTERS value the CLI sets
 * (its PasswordRequirements.ToChar). Any other value is refused, as the CLI refuses to start.
 */
export const PASSWORD_REQUIREMENTS: Readonly<Record<string, string>> = Object.freeze({
	'': '',
	letters_digits: `${LOWER}${UPPER}:${DIGITS}`,
	lower_upper_letters_digits: `${LOWER}:${UPPER}:${DIGITS}`,
	lower_upper_letters_digits_symbols: `${LOWER}:${UPPER}:${DIGITS}:${SYMBOLS}`
});

/**
 * GOTRUE_PASSWORD_REQUIRED_CHARACTERS → character sets, as GoTrue decodes it: split at `:`; a part
 * ending in a backslash loses it and takes `:` and the next part (which is then used up); empty
 * parts are dropped.
 */
export function decodeRequiredCharacters(value: string): string[] {
	const parts = value.split(':');
	for (let i = 0; i < parts.length - 1; i++) {
		const part = parts[i]!;
		if (part.endsWith('\\')) {
			parts[i] = `${part.slice(0, -1)}:${parts[i + 1]}`;
			parts[i + 1] = '';
		}
	}
	return parts.filter((part) => part !== '');
}

/** The policy GoTrue would run with, started by the Supabase CLI from this config.toml. */
export function passwordPolicyFromConfig(configToml: string): PasswordPolicy {
	const auth = (parse(configToml).auth ?? {}) as Record<string, unknown>;
	const length = auth.minimum_password_length ?? MIN_PASSWORD_LENGTH;
	if (typeof length !== 'number' || !Number.isInteger(length) || length < 0)
		throw new Error('config.toml: [auth] minimum_password_length must be a non-negative integer');
	const requirements = auth.password_requirements ?? '';
	if (typeof requirements !== 'string' || !Object.hasOwn(PASSWORD_REQUIREMENTS, requirements)) {
		throw new Error(
			`config.toml: [auth] password_requirements must be one of ${Object.keys(PASSWORD_REQUIREMENTS)
				.map((name) => JSON.stringify(name))
				.join(', ')}`
		);
	}
	return {
		minLength: Math.max(length, MIN_PASSWORD_LENGTH),
		requiredCharacters: decodeRequiredCharacters(PASSWORD_REQUIREMENTS[requirements]!)
	};
}

const policies = new Map<string, PasswordPolicy>();

/** The policy of `<supabaseDir>/config.toml`, read once per folder (GoTrue reads it at start too). */
export function loadPasswordPolicy(supabaseDir: string): PasswordPolicy {
	const dir = resolve(supabaseDir);
	let policy = policies.get(dir);
	if (!policy) {
		policy = passwordPolicyFromConfig(readFileSync(join(dir, 'config.toml'), 'utf8'));
		policies.set(dir, policy);
	}
	return policy;
}

/** Go measures string length in UTF-8 bytes, so "ééé" is six long to GoTrue. */
const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * GoTrue's checkPasswordStrength: a 400 past 72 bytes; otherwise one WeakPasswordError (422) with
 * every reason that applies, "length" and then "characters", their messages joined by a space.
 */
export function checkPasswordStrength(
	password: string,
	policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY
): void {
	if (byteLength(password) > MAX_PASSWORD_BYTES) {
		throw badRequest(
			'validation_failed',
			`Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`
		);
	}
	const reasons: string[] = [];
	const messages: string[] = [];
	if (byteLength(password) < policy.minLength) {
		reasons.push('length');
		messages.push(`Password should be at least ${policy.minLength} characters.`);
	}
	const lacksSet = policy.requiredCharacters.some(
		(set) => set !== '' && ![...set].some((character) => password.includes(character))
	);
	if (lacksSet) {
		reasons.push('characters');
		messages.push(
			`Password should contain at least one character of each: ${policy.requiredCharacters.join(', ')}.`
		);
	}
	if (reasons.length) throw new WeakPasswordError(messages.join(' '), reasons);
}

/** The weakness a correct sign-in password has, reported alongside the session as GoTrue does. */
export function passwordWeakness(
	password: string,
	policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY
): { message: string; reasons: string[] } | null {
	try {
		checkPasswordStrength(password, policy);
		return null;
	} catch (error) {
		return error instanceof WeakPasswordError
			? { message: error.message, reasons: error.reasons }
			: null;
	}
}

export async function hashPassword(password: string): Promise<string> {
	// On libuv's thread pool (a native binding), so hashes run on every core as GoTrue's goroutines
	// do, not one after another on the server's thread. `$2a$` is what Go's bcrypt and pgcrypto
	// write; for passwords of at most 72 bytes its hash is the `$2b$` one's.
	return (await bcryptHash(password, BCRYPT_COST)).replace(/^\$2b\$/, '$2a$');
}

/** True when `hash` is a bcrypt hash `password` matches; a missing or foreign hash never matches. */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
	if (!hash || !isBcryptHash(hash)) return false;
	return bcryptVerify(password, hash);
}

export function isBcryptHash(hash: string): boolean {
	return /^\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}$/.test(hash);
}
