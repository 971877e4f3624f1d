// GoTrue's email one-time tokens (internal/crypto, api/mail.go, api/verify.go): a numeric OTP the
// mail shows, stored and linked only as its hash, sha224(email + otp) in hex; the frequency limit
// between two mails to one user and the global email rate limit, with GoTrue's messages.
import { createHash, randomInt } from 'node:crypto';
import { AuthHttpError } from './errors.ts';

/** GoTrue's GenerateOtp: `digits` uniformly random decimal digits, zero-padded. */
export function generateOtp(digits: number): string {
	let otp = '';
	// randomInt is uniform; one digit at a time keeps every length exact (up to GoTrue's 10).
	for (let index = 0; index < digits; index++) otp += String(randomInt(10));
	return otp;
}

/** GoTrue's GenerateTokenHash: what auth.users.recovery_token holds and the mail link carries. */
export function tokenHash(emailOrPhone: string, otp: string): string {
	return createHash('sha224')
		.update(emailOrPhone + otp)
		.digest('hex');
}

export const OVER_EMAIL_SEND_RATE_LIMIT = 'over_email_send_rate_limit';

/**
 * GoTrue's validateSentWithinFrequencyLimit: a 429 while `sentAt` + frequency lies ahead, saying
 * how many whole seconds are left (Go's integer division, so "0 seconds" in the last one).
 */
export function checkSendFrequency(
	sentAtMs: number | null,
	frequencyMs: number,
	nowMs: number
): void {
	if (sentAtMs === null || sentAtMs + frequencyMs <= nowMs) return;
	const left = Math.trunc((sentAtMs + frequencyMs - nowMs) / 1000);
	throw new AuthHttpError(
		429,
		OVER_EMAIL_SEND_RATE_LIMIT,
		`For security purposes, you can only request this after ${left} seconds.`
	);
}

/** GoTrue's isOtpExpired; a token never sent counts as expired. */
export function isOtpExpired(
	sentAtMs: number | null,
	expirySeconds: number,
	nowMs: number
): boolean {
	return sentAtMs === null || nowMs > sentAtMs + expirySeconds * 1000;
}

/** GoTrue's isOtpValid: present, unexpired, and equal (a PKCE token carries a "pkce_" prefix). */
export function isOtpValid(
	actual: string,
	expected: string | null,
	sentAtMs: number | null,
	expirySeconds: number,
	nowMs: number
): boolean {
	if (!expected || sentAtMs === null) return false;
	return (
		!isOtpExpired(sentAtMs, expirySeconds, nowMs) &&
		(actual === expected || `pkce_${actual}` === expected)
	);
}

/**
 * GoTrue's IntervalLimiter: at most `events` per `intervalMs`, the count reset at each whole
 * interval since the limiter started (the global GOTRUE_RATE_LIMIT_EMAIL_SENT budget).
 */
export class IntervalLimiter {
	private last: number;
	private count = 0;

	constructor(
		private readonly events: number,
		private readonly intervalMs: number,
		now: number = Date.now()
	) {
		this.last = now;
	}

	allow(now: number = Date.now()): boolean {
		const intervals = Math.floor((now - this.last) / this.intervalMs);
		if (intervals > 0) {
			this.last += intervals * this.intervalMs;
			this.count = 0;
		}
		if (this.count < Math.trunc(this.events)) {
			this.count++;
			return true;
		}
		return false;
	}
}

/** GoTrue's EmailRateLimitExceeded, answered as 429 over_email_send_rate_limit. */
export const emailRateLimitExceeded = () =>
	new AuthHttpError(429, OVER_EMAIL_SEND_RATE_LIMIT, 'email rate limit exceeded');
