// Passwords an admin reads off the screen and hands over, by voice or on paper, and that a person
// then types on a phone: four groups of four characters, like `kp7m-xr4t-qz9w-hn3v`, drawn
// uniformly from a CSPRNG.
//
// The alphabet is lower-case letters and digits only, so nobody has to say "capital" or reach for
// shift or the symbol keyboard, and it leaves out the characters people mistake for each other:
// 0 and o, 1 and l (and, with no upper case at all, O, I, S, Z and B never appear to be confused
// with 0, 1, 5, 2 and 8, which therefore stay). No symbols: they are hard to say and hide on phone
// keyboards; the `-` between groups is fixed, there for reading out, and adds no entropy.
// 32 characters, 5 bits each: 16 of them are 80 bits.
//
// Shared by the Edge Functions and the scripts; no runtime-specific API.
import { passwordWeakness, type PersonalInfo } from './password-strength.ts';

export const PASSWORD_ALPHABET = '23456789abcdefghijkmnpqrstuvwxyz';
export const GENERATED_PASSWORD_GROUPS = 4;
export const GENERATED_PASSWORD_GROUP_LENGTH = 4;
export const GENERATED_PASSWORD_SEPARATOR = '-';
/** Bits of entropy of a generated password: log2(alphabet size) per random character. */
export const GENERATED_PASSWORD_BITS =
	GENERATED_PASSWORD_GROUPS * GENERATED_PASSWORD_GROUP_LENGTH * Math.log2(PASSWORD_ALPHABET.length);
/** What generatePassword returns, e.g. `kp7m-xr4t-qz9w-hn3v`. */
export const GENERATED_PASSWORD_PATTERN = /^[2-9a-km-np-z]{4}(?:-[2-9a-km-np-z]{4}){3}$/;

/** A uniformly random index below `bound` (≤ 256), by rejection sampling (no modulo bias). */
function randomIndex(bound: number): number {
	const limit = 256 - (256 % bound);
	const byte = new Uint8Array(1);
	for (;;) {
		crypto.getRandomValues(byte);
		if (byte[0]! < limit) return byte[0]! % bound;
	}
}

/** One uniform draw in the generated format, before the strength check (exported for its tests). */
export function drawPassword(): string {
	return Array.from({ length: GENERATED_PASSWORD_GROUPS }, () =>
		Array.from(
			{ length: GENERATED_PASSWORD_GROUP_LENGTH },
			() => PASSWORD_ALPHABET[randomIndex(PASSWORD_ALPHABET.length)]
		).join('')
	).join(GENERATED_PASSWORD_SEPARATOR);
}

/**
 * A new hand-over password: 80 bits, uniform over the alphabet. It always passes the strength rule
 * people's passwords must pass (with `personal`, whose name and email it must not contain): a draw
 * that would not (a run like `aaaa-aaaa-…`, far rarer than one in a billion) is drawn again.
 */
export function generatePassword(personal: PersonalInfo = {}): string {
	for (;;) {
		const password = drawPassword();
		if (passwordWeakness(password, personal) === null) return password;
	}
}
