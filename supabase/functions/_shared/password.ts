// Passwords an admin reads off the screen and hands over: drawn uniformly from a CSPRNG, without
// characters people confuse (0/O, 1/l/I, and | ` ' " that vanish in some fonts or break quoting).
// Shared by the Edge Functions and the SPA; no runtime-specific API.

export const PASSWORD_CHARACTER_CLASSES = {
	upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
	lower: 'abcdefghijkmnopqrstuvwxyz',
	digit: '23456789',
	symbol: '!#$%&*+-=?@^_~'
} as const;

export const PASSWORD_ALPHABET = Object.values(PASSWORD_CHARACTER_CLASSES).join('');
export const GENERATED_PASSWORD_LENGTH = 20;

/** A uniformly random index below `bound`, by rejection sampling (no modulo bias). */
function randomIndex(bound: number): number {
	const limit = 256 - (256 % bound);
	const byte = new Uint8Array(1);
	for (;;) {
		crypto.getRandomValues(byte);
		if (byte[0]! < limit) return byte[0]! % bound;
	}
}

function hasEveryClass(password: string): boolean {
	return Object.values(PASSWORD_CHARACTER_CLASSES).every((chars) =>
		[...password].some((c) => chars.includes(c))
	);
}

/**
 * A password of `length` characters with at least one upper, lower, digit and symbol. Whole
 * passwords missing a class are drawn again rather than patched, so every valid password is
 * equally likely (about 6.15 bits per character; 123 bits at the default length).
 */
export function generatePassword(length = GENERATED_PASSWORD_LENGTH): string {
	if (!Number.isInteger(length) || length < 16)
		throw new RangeError('generated passwords have at least 16 characters');
	for (;;) {
		const password = Array.from(
			{ length },
			() => PASSWORD_ALPHABET[randomIndex(PASSWORD_ALPHABET.length)]
		).join('');
		if (hasEveryClass(password)) return password;
	}
}
