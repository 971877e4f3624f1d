import assert from 'node:assert/strict';
import {
	GENERATED_PASSWORD_BITS,
	GENERATED_PASSWORD_GROUPS,
	GENERATED_PASSWORD_GROUP_LENGTH,
	GENERATED_PASSWORD_PATTERN,
	GENERATED_PASSWORD_SEPARATOR,
	PASSWORD_ALPHABET,
	drawPassword,
	generatePassword
} from './password.ts';
import { passwordWeakness } from './password-strength.ts';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from './user-input.ts';

const randomCharacters = (password: string) =>
	password.split(GENERATED_PASSWORD_SEPARATOR).join('');

// The statistics run on drawPassword (the uniform draw generatePassword makes, ~12 ms faster a
// password without the zxcvbn check that follows it); generatePassword returns such a draw.
Deno.test('generated passwords are four dash-separated groups of four readable characters', () => {
	for (const password of [
		...Array.from({ length: 20 }, () => generatePassword()),
		...Array.from({ length: 10_000 }, drawPassword)
	]) {
		assert.match(password, GENERATED_PASSWORD_PATTERN);
		const groups = password.split(GENERATED_PASSWORD_SEPARATOR);
		assert.equal(groups.length, GENERATED_PASSWORD_GROUPS);
		for (const group of groups) {
			assert.equal(group.length, GENERATED_PASSWORD_GROUP_LENGTH);
			for (const character of group)
				assert.ok(PASSWORD_ALPHABET.includes(character), `unexpected ${character}`);
		}
	}
	assert.match('kp7m-xr4t-qz9w-hn3v', GENERATED_PASSWORD_PATTERN);
	for (const other of [
		'Kp7m-xr4t-qz9w-hn3v',
		'kp7m-xr4t-qz9w-hn3',
		'kp0m-xr4t-qz9w-hn3v',
		'kp7mxr4tqz9whn3v'
	])
		assert.doesNotMatch(other, GENERATED_PASSWORD_PATTERN);
});

Deno.test('the alphabet: lower case and digits, without look-alikes or symbols', () => {
	for (const lookAlike of ['0', 'o', 'O', '1', 'l', 'I', '|', '`', "'", '"', ' '])
		assert.ok(!PASSWORD_ALPHABET.includes(lookAlike), lookAlike);
	assert.match(PASSWORD_ALPHABET, /^[a-z2-9]+$/, 'no upper case, no symbols');
	assert.equal(new Set(PASSWORD_ALPHABET).size, PASSWORD_ALPHABET.length, 'no character twice');
	// The pattern allows exactly the alphabet.
	const allowed = [...'abcdefghijklmnopqrstuvwxyz0123456789'].filter((c) =>
		GENERATED_PASSWORD_PATTERN.test(`${c.repeat(4)}-${'aaaa-'.repeat(2)}aaaa`)
	);
	assert.equal(allowed.sort().join(''), [...PASSWORD_ALPHABET].sort().join(''));
});

Deno.test('a draw the strength rule would refuse is drawn again', () => {
	// Each character of the alphabet four times over is one of its draws; it is a repeat.
	assert.notEqual(passwordWeakness('aaaa-aaaa-aaaa-aaaa'), null);
	const personal = { firstName: 'kp7m' };
	assert.notEqual(passwordWeakness('kp7m-kp7m-kp7m-kp7m', personal), null);
	for (let i = 0; i < 20; i++)
		assert.equal(passwordWeakness(generatePassword(personal), personal), null);
});

Deno.test('at least 80 bits of entropy, from the alphabet size and the random characters', () => {
	const randomLength = GENERATED_PASSWORD_GROUPS * GENERATED_PASSWORD_GROUP_LENGTH;
	assert.equal(randomCharacters(generatePassword()).length, randomLength);
	const bits = randomLength * Math.log2(PASSWORD_ALPHABET.length);
	assert.equal(GENERATED_PASSWORD_BITS, bits);
	assert.ok(bits >= 80, `${bits} bits`);
});

// A thousand draws, unchecked: all pass, so generatePassword's redraw is a guarantee that (as good
// as) never runs, and does not bend the uniform distribution.
Deno.test('every draw passes the strength rule and the length limits', () => {
	const personal = { email: 'ada.lovelace@example.com', firstName: 'Ada', lastName: 'Lovelace' };
	for (let i = 0; i < 1_000; i++) {
		const password = drawPassword();
		assert.equal(passwordWeakness(password, personal), null, password);
		// Auth counts bytes; config.toml's minimum_password_length is PASSWORD_MIN_LENGTH and its
		// password_requirements is "" (local-stack/src/auth/passwords.test.ts checks against the file).
		const bytes = new TextEncoder().encode(password).length;
		assert.ok(bytes >= PASSWORD_MIN_LENGTH && bytes <= PASSWORD_MAX_BYTES);
	}
});

Deno.test('passwords do not repeat', () => {
	const seen = new Set(Array.from({ length: 100_000 }, drawPassword));
	assert.equal(seen.size, 100_000);
});

// Modulo bias (random bytes % alphabet size) would favour some characters; a chi-square test over
// 160,000 characters, and per position, sees far smaller biases.
Deno.test('characters are uniform over the alphabet and every position (no modulo bias)', () => {
	const samples = Array.from({ length: 10_000 }, () => randomCharacters(drawPassword()));
	const chiSquare = (observed: number[]) => {
		const expected = observed.reduce((a, b) => a + b, 0) / observed.length;
		return observed.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
	};
	const countsOf = (characters: string[]) =>
		[...PASSWORD_ALPHABET].map((c) => characters.filter((x) => x === c).length);
	// df = 31: the critical value at p = 1e-6 is about 75; a biased generator lands in the hundreds.
	const overall = chiSquare(countsOf(samples.flatMap((s) => [...s])));
	assert.ok(overall < 75, `overall chi-square ${overall.toFixed(1)}`);
	for (let position = 0; position < 16; position++) {
		const value = chiSquare(countsOf(samples.map((s) => s[position]!)));
		assert.ok(value < 90, `position ${position}: chi-square ${value.toFixed(1)}`);
	}
});
