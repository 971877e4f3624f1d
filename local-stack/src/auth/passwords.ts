// Passwords as GoTrue keeps them: bcrypt at cost 10 in the `$2a$` form Go writes, checked against
// GoTrue's default policy (at least 6, at most 72 bytes: bcrypt ignores everything past 72).
import bcrypt from 'bcryptjs';
import { badRequest, WeakPasswordError } from './errors.ts';

export const BCRYPT_COST = 10;
/** bcrypt only reads this many bytes; GoTrue refuses longer passwords instead of truncating. */
export const MAX_PASSWORD_BYTES = 72;
/** GoTrue's GOTRUE_PASSWORD_MIN_LENGTH default, and config.toml's minimum_password_length. */
export const MIN_PASSWORD_LENGTH = 6;

/** Go measures string length in UTF-8 bytes, so "ééé" is six long to GoTrue. */
const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** GoTrue's checkPasswordStrength with no required character sets and no HIBP check. */
export function checkPasswordStrength(password: string): void {
	if (byteLength(password) > MAX_PASSWORD_BYTES) {
		throw badRequest(
			'validation_failed',
			`Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`
		);
	}
	if (byteLength(password) < MIN_PASSWORD_LENGTH) {
		throw new WeakPasswordError(`Password should be at least ${MIN_PASSWORD_LENGTH} characters.`, [
			'length'
		]);
	}
}

/** The weakness a correct sign-in password has, reported alongside the session as GoTrue does. */
export function passwordWeakness(password: string): { message: string; reasons: string[] } | null {
	try {
		checkPasswordStrength(password);
		return null;
	} catch (error) {
		return error instanceof WeakPasswordError
			? { message: error.message, reasons: error.reasons }
			: null;
	}
}

export async function hashPassword(password: string): Promise<string> {
	// Same algorithm either way; `$2a$` is what Go's bcrypt and pgcrypto write.
	const salt = (await bcrypt.genSalt(BCRYPT_COST)).replace(/^\$2b\$/, '$2a$');
	return bcrypt.hash(password, salt);
}

/** True when `hash` is a bcrypt hash `password` matches; a missing or foreign hash never matches. */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
	if (!hash || !isBcryptHash(hash)) return false;
	return bcrypt.compare(password, hash);
}

export function isBcryptHash(hash: string): boolean {
	return /^\$2[aby]?\$\d{2}\$[./A-Za-z0-9]{53}$/.test(hash);
}
