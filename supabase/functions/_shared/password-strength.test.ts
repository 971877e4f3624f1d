import assert from 'node:assert/strict';
import {
	PASSWORD_MIN_SCORE,
	passwordStrength,
	passwordWeakness,
	personalWords
} from './password-strength.ts';

const ada = {
	email: 'ada.lovelace@analytical-engines.org',
	firstName: 'Ada',
	lastName: 'Lovelace'
};

Deno.test('the hard limits come first: 12 characters, 72 bytes', () => {
	assert.equal(passwordWeakness('Sh0rt!x#'), 'Use at least 12 characters.');
	// Characters as people count them: eleven emoji are eleven characters (and 44 bytes).
	assert.equal(passwordWeakness('🦄'.repeat(11)), 'Use at least 12 characters.');
	assert.equal(passwordWeakness('ü'.repeat(40)), 'Use at most 72 bytes; longer passwords are cut.');
	assert.equal(passwordWeakness(''), 'Use at least 12 characters.');
	// A failed limit keeps the meter below "strong", whatever zxcvbn thinks of the characters.
	const short = passwordStrength('x7#Qv!9Lm');
	assert.ok(short.score < PASSWORD_MIN_SCORE);
	assert.equal(short.weakness, 'Use at least 12 characters.');
});

Deno.test('common passwords, patterns and sequences are refused, saying why', () => {
	assert.equal(
		passwordWeakness('password1234'),
		'This is similar to a commonly used password. Add more words that are less common.'
	);
	assert.equal(
		passwordWeakness('qazwsxedcrfv'),
		'This is a commonly used password. Add more words that are less common.'
	);
	assert.match(passwordWeakness('abcdefghijklmnop')!, /^Common character sequences/);
	assert.match(passwordWeakness('123456789012345')!, /commonly used password/);
	assert.match(passwordWeakness('aaaaaaaaaaaaaaaa')!, /^Repeated characters/);
	assert.match(passwordWeakness('Password1234!!')!, /commonly used password/);
	// Score 3 (10^8 guesses) is not enough: zxcvbn gives no feedback there, the reason comes from
	// the patterns it found.
	const summer = passwordStrength('Summer2024!!');
	assert.equal(summer.score, 3);
	assert.equal(
		summer.weakness,
		'Common words with a few digits or symbols are easy to guess. Add more words that are less common.'
	);
});

Deno.test("the person's name and email count as guesses", () => {
	for (const password of [
		'lovelace1815ada',
		'AdaLovelace2024',
		'Lovelace.Ada.Kx',
		'adalovelace@example'
	])
		assert.ok(
			passwordStrength(password, ada).guessesLog10 < passwordStrength(password).guessesLog10,
			password
		);
	// Strong enough for a stranger, not for Ada.
	for (const password of ['Lovelace.Ada.Kx', 'adalovelace@example']) {
		assert.equal(passwordWeakness(password), null, password);
		assert.equal(
			passwordWeakness(password, ada),
			'Do not use a name or email address in the password. Add more words that are less common.',
			password
		);
	}
	assert.match(passwordWeakness('lovelace1815ada', ada)!, /name or email address/);
});

Deno.test('passphrases and random strings are strong enough', () => {
	for (const password of [
		'correct horse battery staple',
		'correcthorsebatterystaple',
		'purple monkey dishwasher',
		'Giraffe!Pizza42',
		'Tr0ub4dor&3-horse',
		'7hK!mq2Lp9zR',
		'kp7m-xr4t-qz9w-hn3v'
	]) {
		const strength = passwordStrength(password, ada);
		assert.equal(strength.weakness, null, password);
		assert.equal(strength.score, 4, password);
		assert.ok(strength.guessesLog10 >= 10, password);
	}
});

Deno.test('the verdict is the same from either function', () => {
	for (const password of ['password1234', 'Summer2024!!', 'lovelace1815ada', 'Giraffe!Pizza42'])
		assert.equal(passwordWeakness(password, ada), passwordStrength(password, ada).weakness);
});

Deno.test('personal words: names, the email, its local part and domain, in words of 3+', () => {
	assert.deepEqual(personalWords(ada).sort(), [
		'ada',
		'ada lovelace',
		'ada.lovelace',
		'ada.lovelace@analytical-engines.org',
		'adalovelace',
		'adalovelaceanalyticalenginesorg',
		'analytical',
		'analytical-engines.org',
		'analyticalenginesorg',
		'engines',
		'lovelace',
		'lovelace ada',
		'lovelaceada',
		'org'
	]);
	assert.deepEqual(personalWords({ firstName: 'Jo', lastName: ' ', email: null }), []);
	assert.deepEqual(personalWords({ firstName: 'Mary-Jane' }).sort(), [
		'jane',
		'mary',
		'mary-jane',
		'maryjane'
	]);
	assert.deepEqual(personalWords(), []);
});
