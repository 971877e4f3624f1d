// The password policy Auth runs with, read from config.toml as the Supabase CLI hands it to GoTrue
// (GOTRUE_PASSWORD_MIN_LENGTH, GOTRUE_PASSWORD_REQUIRED_CHARACTERS), and enforced as GoTrue's
// checkPasswordStrength does. The project's own config must let through every password the
// console's strength rule accepts, generated ones included.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawPassword, generatePassword } from '../../../supabase/functions/_shared/password.ts';
import { passwordWeakness as consoleWeakness } from '../../../supabase/functions/_shared/password-strength.ts';
import { PASSWORD_MIN_LENGTH } from '../../../supabase/functions/_shared/user-input.ts';
import { WeakPasswordError } from './errors.ts';
import {
	DEFAULT_PASSWORD_POLICY,
	checkPasswordStrength,
	decodeRequiredCharacters,
	loadPasswordPolicy,
	passwordPolicyFromConfig,
	passwordWeakness,
	type PasswordPolicy
} from './passwords.ts';

const projectDir = resolve(import.meta.dirname, '../../../supabase');

function thrown(action: () => unknown): unknown {
	try {
		action();
	} catch (error) {
		return error;
	}
	throw new Error('expected a throw');
}

const policyOf = (auth: string) => passwordPolicyFromConfig(`[auth]\n${auth}\n`);

describe('GOTRUE_PASSWORD_REQUIRED_CHARACTERS decoding', () => {
	it('splits at colons, joins escaped ones, drops empty sets (GoTrue’s own examples)', () => {
		expect(decodeRequiredCharacters('a:b:c')).toEqual(['a', 'b', 'c']);
		expect(decodeRequiredCharacters('a\\:b:c')).toEqual(['a:b', 'c']);
		expect(decodeRequiredCharacters('a:b\\:c')).toEqual(['a', 'b:c']);
		expect(decodeRequiredCharacters('\\:a:b:c')).toEqual([':a', 'b', 'c']);
		expect(decodeRequiredCharacters('a:b:c\\:')).toEqual(['a', 'b', 'c:']);
		expect(decodeRequiredCharacters('::\\::')).toEqual([':']);
		expect(decodeRequiredCharacters('')).toEqual([]);
		expect(decodeRequiredCharacters(' ')).toEqual([' ']);
	});
});

describe('config.toml → policy, as the Supabase CLI configures GoTrue', () => {
	it('defaults to six and no required characters; GoTrue raises anything below six to six', () => {
		expect(passwordPolicyFromConfig('[auth]\nenabled = true\n')).toEqual(DEFAULT_PASSWORD_POLICY);
		expect(passwordPolicyFromConfig('')).toEqual(DEFAULT_PASSWORD_POLICY);
		expect(policyOf('minimum_password_length = 0').minLength).toBe(6);
		expect(policyOf('minimum_password_length = 4').minLength).toBe(6);
		expect(policyOf('minimum_password_length = 12').minLength).toBe(12);
	});

	it('maps each password_requirements value to the CLI’s character sets', () => {
		const lower = 'abcdefghijklmnopqrstuvwxyz';
		const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
		expect(policyOf('password_requirements = ""').requiredCharacters).toEqual([]);
		expect(policyOf('password_requirements = "letters_digits"').requiredCharacters).toEqual([
			lower + upper,
			'0123456789'
		]);
		expect(
			policyOf('password_requirements = "lower_upper_letters_digits"').requiredCharacters
		).toEqual([lower, upper, '0123456789']);
		// The symbol set holds the backslash and, once its escape is decoded, the colon.
		expect(
			policyOf('password_requirements = "lower_upper_letters_digits_symbols"').requiredCharacters
		).toEqual([lower, upper, '0123456789', '!@#$%^&*()_+-=[]{};\'\\:"|<>?,./`~']);
	});

	it('refuses what the CLI refuses', () => {
		expect(() => policyOf('password_requirements = "digits"')).toThrow(/must be one of/);
		expect(() => policyOf('minimum_password_length = "12"')).toThrow(/non-negative integer/);
		expect(() => policyOf('minimum_password_length = -1')).toThrow(/non-negative integer/);
	});

	it('reads <supabaseDir>/config.toml, once per folder', () => {
		const dir = mkdtempSync(join(tmpdir(), 'password-policy-'));
		writeFileSync(join(dir, 'config.toml'), '[auth]\nminimum_password_length = 9\n');
		expect(loadPasswordPolicy(dir).minLength).toBe(9);
		writeFileSync(join(dir, 'config.toml'), '[auth]\nminimum_password_length = 20\n');
		expect(loadPasswordPolicy(dir).minLength).toBe(9);
	});
});

describe('checkPasswordStrength with a policy', () => {
	const strict: PasswordPolicy = policyOf(
		'minimum_password_length = 12\npassword_requirements = "lower_upper_letters_digits"'
	);

	it('counts the minimum in UTF-8 bytes, as Go’s len does', () => {
		const twelve = policyOf('minimum_password_length = 12');
		expect(() => checkPasswordStrength('é'.repeat(6), twelve)).not.toThrow();
		expect(thrown(() => checkPasswordStrength('é'.repeat(5) + 'x', twelve))).toEqual(
			new WeakPasswordError('Password should be at least 12 characters.', ['length'])
		);
	});

	it('gives every reason in one error, naming all the sets when one is missing', () => {
		expect(thrown(() => checkPasswordStrength('abc', strict))).toEqual(
			new WeakPasswordError(
				'Password should be at least 12 characters. Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.',
				['length', 'characters']
			)
		);
		expect(passwordWeakness('abcdefghijkl9', strict)).toMatchObject({ reasons: ['characters'] });
		expect(passwordWeakness('abcdefghijK9', strict)).toBeNull();
	});

	it('refuses more than 72 bytes with a 400 before any policy', () => {
		expect(thrown(() => checkPasswordStrength('é'.repeat(37), strict))).toMatchObject({
			status: 400,
			code: 'validation_failed'
		});
		expect(passwordWeakness('x'.repeat(73), strict)).toBeNull();
	});

	it('without a policy is GoTrue’s default', () => {
		expect(passwordWeakness('12345')).toEqual({
			message: 'Password should be at least 6 characters.',
			reasons: ['length']
		});
		expect(passwordWeakness('123456')).toBeNull();
	});
});

describe("this project's config.toml", () => {
	const policy = loadPasswordPolicy(projectDir);

	it('is the floor under the console’s rule: 12, no required characters', () => {
		expect(policy).toEqual({ minLength: PASSWORD_MIN_LENGTH, requiredCharacters: [] });
	});

	it('takes every password the console’s rule accepts, generated ones included', () => {
		const accepted = [
			'purple monkey dishwasher',
			'correcthorsebatterystaple',
			'Giraffe!Pizza42',
			'🦄🦄🦄 rides a dragon',
			generatePassword(),
			...Array.from({ length: 100 }, drawPassword)
		];
		for (const password of accepted) {
			expect(consoleWeakness(password), password).toBeNull();
			expect(passwordWeakness(password, policy), password).toBeNull();
		}
		// Each estimate takes milliseconds; a hundred of them on a busy 2-core machine take seconds.
	}, 30_000);
});
