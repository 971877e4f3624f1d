import assert from 'node:assert/strict';
import {
	GENERATED_PASSWORD_LENGTH,
	PASSWORD_ALPHABET,
	PASSWORD_CHARACTER_CLASSES,
	generatePassword
} from './password.ts';

Deno.test(
	'generated passwords are 20 characters of the readable alphabet, with every class',
	() => {
		for (let i = 0; i < 2_000; i++) {
			const password = generatePassword();
			assert.equal(password.length, GENERATED_PASSWORD_LENGTH);
			for (const character of password)
				assert.ok(PASSWORD_ALPHABET.includes(character), `unexpected ${character}`);
			for (const [name, characters] of Object.entries(PASSWORD_CHARACTER_CLASSES)) {
				assert.ok(
					[...password].some((c) => characters.includes(c)),
					`${password} lacks ${name}`
				);
			}
		}
	}
);

Deno.test('the alphabet has no look-alike characters', () => {
	for (const lookAlike of ['0', 'O', '1', 'l', 'I', '|', '`', "'", '"'])
		assert.ok(!PASSWORD_ALPHABET.includes(lookAlike), lookAlike);
	assert.equal(new Set(PASSWORD_ALPHABET).size, PASSWORD_ALPHABET.length, 'no character twice');
});

Deno.test('shorter than 16 characters is refused', () => {
	assert.throws(() => generatePassword(15), RangeError);
	assert.equal(generatePassword(16).length, 16);
});

Deno.test('passwords do not repeat', () => {
	const seen = new Set(Array.from({ length: 10_000 }, () => generatePassword()));
	assert.equal(seen.size, 10_000);
});

// Modulo bias (taking random bytes % alphabet size) would favour some characters of a class by a
// third; a chi-square test per class over 400,000 characters sees far smaller biases.
Deno.test('characters are uniform within each class (no modulo bias)', () => {
	const counts = new Map<string, number>();
	for (let i = 0; i < 20_000; i++) {
		for (const character of generatePassword())
			counts.set(character, (counts.get(character) ?? 0) + 1);
	}
	for (const [name, characters] of Object.entries(PASSWORD_CHARACTER_CLASSES)) {
		const observed = [...characters].map((c) => counts.get(c) ?? 0);
		const expected = observed.reduce((a, b) => a + b, 0) / characters.length;
		const chiSquare = observed.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
		// Critical values at p = 1e-6 for df = 7…24 stay below 60; a biased generator lands in the hundreds.
		assert.ok(
			chiSquare < 60,
			`${name}: chi-square ${chiSquare.toFixed(1)} over ${characters.length} characters`
		);
	}
});
