// How hard a password a person chose is to guess, judged by zxcvbn-ts: dictionaries of common
// passwords, words and names, keyboard patterns, dates, sequences and the person's own name and
// email. The Edge Functions and the SPA run this one module with the same dictionaries and options,
// so the form and the server reach the same verdict.
//
// The dictionaries are large (most of this module's weight): the SPA imports it dynamically, on the
// screens that judge passwords only. Nothing the console always loads may import it statically.
import { ZxcvbnFactory, type OptionsType } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from './user-input.ts';

/** Who the password is for: their name and email are guesses an attacker tries first. */
export interface PersonalInfo {
	email?: string | null;
	firstName?: string | null;
	lastName?: string | null;
}

export type PasswordScore = 0 | 1 | 2 | 3 | 4;

/**
 * zxcvbn's top score: at least 10^10 guesses. Score 3 (10^8) still lets through the shapes cracking
 * lists try first, once a password has 12 characters: "Summer2024!!", "Welcome2024!!", a surname
 * with a year; everyday passphrases ("purple monkey dishwasher", "Giraffe!Pizza42") score 4.
 */
export const PASSWORD_MIN_SCORE: PasswordScore = 4;

export interface PasswordStrength {
	/** zxcvbn's 0–4, held below PASSWORD_MIN_SCORE while a hard limit (length) fails. */
	score: PasswordScore;
	/** Why the password is refused, in plain words; null when it is strong enough. */
	weakness: string | null;
	/** zxcvbn's feedback as it gave it (also for a strong password, where it is usually empty). */
	warning: string | null;
	suggestions: string[];
	/** log10 of the guesses zxcvbn estimates an attacker needs. */
	guessesLog10: number;
}

const USER_INPUTS_WARNING = 'Do not use a name or email address in the password.';

const options: OptionsType = {
	dictionary: { ...common.dictionary, ...en.dictionary },
	graphs: common.adjacencyGraphs,
	// Off: fuzzy matching against every dictionary costs ~350 ms a check (a keystroke in the meter);
	// l33t and case variants of common passwords are matched without it.
	useLevenshteinDistance: false,
	// At most 16 combinations of l33t substitutions per word (default 100): a random string full of
	// digits that read as letters (4, 3, 7, 5…) took ~70 ms a check, now ~12 ms, with the same
	// verdicts on l33t passwords ("p4ssw0rd12345" still scores 1).
	l33tMaxSubstitutions: 16,
	translations: {
		...en.translations,
		warnings: {
			...en.translations.warnings,
			userInputs: USER_INPUTS_WARNING
		}
	}
};
const zxcvbn = new ZxcvbnFactory(options);

const { warnings, suggestions: advice } = en.translations;

/**
 * zxcvbn gives feedback for scores 0–2 only; a score-3 password (refused here) gets its reason from
 * the patterns zxcvbn found in it.
 */
function patternWarning(sequence: ReadonlyArray<{ pattern: string; [key: string]: unknown }>) {
	if (sequence.some((m) => m.pattern === 'dictionary' && m.dictionaryName === 'userInputs'))
		return USER_INPUTS_WARNING;
	if (sequence.some((m) => m.pattern === 'regex' && m.regexName === 'recentYear'))
		return warnings.recentYears;
	if (sequence.some((m) => m.pattern === 'date')) return warnings.dates;
	if (sequence.some((m) => m.pattern === 'dictionary'))
		return 'Common words with a few digits or symbols are easy to guess.';
	return 'This password is easy to guess.';
}

/**
 * The guesses the person's own details give an attacker, lower-cased: each name and the email, its
 * local part and domain, each whole, split into words and run together ("ada.lovelace" gives
 * "ada", "lovelace" and "adalovelace"), and the full name both ways round. Words shorter than three
 * characters are left out: every password would "contain" them.
 */
export function personalWords(personal: PersonalInfo = {}): string[] {
	const words = new Set<string>();
	const add = (text: string | null | undefined) => {
		const whole = text?.trim().toLowerCase() ?? '';
		const parts = whole.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
		for (const word of [whole, ...parts, parts.join('')]) if (word.length >= 3) words.add(word);
	};
	const first = personal.firstName?.trim() ?? '';
	const last = personal.lastName?.trim() ?? '';
	add(first);
	add(last);
	if (first && last) {
		add(`${first} ${last}`);
		add(`${last} ${first}`);
	}
	const email = personal.email?.trim().toLowerCase();
	if (email) {
		const at = email.lastIndexOf('@');
		add(email);
		if (at >= 0) {
			add(email.slice(0, at));
			add(email.slice(at + 1));
		}
	}
	return [...words];
}

/** Characters as people count them (code points: an emoji is one). */
const characterCount = (text: string) => [...text].length;

function hardLimit(password: string): string | null {
	// Code points ≥ 12 means UTF-8 bytes ≥ 12 too: Auth's byte-counted minimum never refuses it.
	if (characterCount(password) < PASSWORD_MIN_LENGTH)
		return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
	if (new TextEncoder().encode(password).length > PASSWORD_MAX_BYTES)
		return `Use at most ${PASSWORD_MAX_BYTES} bytes; longer passwords are cut.`;
	return null;
}

/** The score and verdict for a meter; `weakness` is exactly what passwordWeakness returns. */
export function passwordStrength(password: string, personal: PersonalInfo = {}): PasswordStrength {
	const result = zxcvbn.check(password, personalWords(personal));
	const { warning, suggestions } = result.feedback;
	const limit = hardLimit(password);
	const score = result.score as PasswordScore;
	let weakness: string | null = limit;
	if (!weakness && score < PASSWORD_MIN_SCORE) {
		const why = warning || patternWarning(result.sequence);
		weakness = `${why} ${suggestions[0] ?? advice.anotherWord}`;
	}
	return {
		score: limit ? (Math.min(score, PASSWORD_MIN_SCORE - 1) as PasswordScore) : score,
		weakness,
		warning: warning || null,
		suggestions,
		guessesLog10: result.guessesLog10
	};
}

/**
 * Why a password a person chose is not strong enough, or null when it is: at least
 * PASSWORD_MIN_LENGTH characters, at most PASSWORD_MAX_BYTES bytes, and zxcvbn's score at least
 * PASSWORD_MIN_SCORE with the person's name and email as guesses.
 */
export function passwordWeakness(password: string, personal: PersonalInfo = {}): string | null {
	return passwordStrength(password, personal).weakness;
}
