// GoTrue's input checks and token helpers that need no database: password policy, bcrypt,
// email/phone/ban/pagination validation, access-token claims, JWT failure wording, settings.
import { describe, expect, it } from 'vitest';
import { JwtError } from '../jwt.ts';
import { accessTokenClaims, describeJwtFailure } from './access-tokens.ts';
import { AuthHttpError, WeakPasswordError } from './errors.ts';
import {
	checkPasswordStrength,
	hashPassword,
	isBcryptHash,
	passwordWeakness,
	verifyPassword
} from './passwords.ts';
import { newRefreshTokenString } from './sessions.ts';
import { settingsFromConfig } from './settings.ts';
import { mergeMetadata, type UserRecord } from './users.ts';
import { parseBanDuration, parsePagination, validateEmail, validatePhone } from './validation.ts';

function thrown(action: () => unknown): unknown {
	try {
		action();
	} catch (error) {
		return error;
	}
	throw new Error('expected a throw');
}

describe('password policy', () => {
	it('counts bytes as Go does: six two-byte characters are long enough', () => {
		expect(() => checkPasswordStrength('ééé')).not.toThrow();
		expect(thrown(() => checkPasswordStrength('12345'))).toEqual(
			new WeakPasswordError('Password should be at least 6 characters.', ['length'])
		);
	});

	it('refuses more than 72 bytes with a 400, not a weak-password 422', () => {
		expect(() => checkPasswordStrength('x'.repeat(72))).not.toThrow();
		expect(thrown(() => checkPasswordStrength('é'.repeat(37)))).toMatchObject({
			status: 400,
			code: 'validation_failed'
		});
		expect(passwordWeakness('x'.repeat(73))).toBeNull();
		expect(passwordWeakness('abc')).toEqual({
			message: 'Password should be at least 6 characters.',
			reasons: ['length']
		});
	});

	it('hashes with bcrypt cost 10 in the $2a$ form, and verifies pgcrypto-style hashes', async () => {
		const hash = await hashPassword('correct horse');
		expect(hash).toMatch(/^\$2a\$10\$/);
		expect(await verifyPassword(hash, 'correct horse')).toBe(true);
		expect(await verifyPassword(hash, 'wrong horse')).toBe(false);
		// Written by pgcrypto: select crypt('secret', gen_salt('bf', 10)).
		const pgcryptoHash = '$2a$10$xRNSqkwZtgsPbuwMwj6wV.Pzzy/XWLPbBgcsdhKMLml5HPJqBRgSa';
		expect(await verifyPassword(pgcryptoHash, 'secret')).toBe(true);
		expect(await verifyPassword(pgcryptoHash, 'Secret')).toBe(false);
		expect(await verifyPassword(null, 'anything')).toBe(false);
		expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
		expect(isBcryptHash(hash)).toBe(true);
	});
});

describe('validation', () => {
	it('lowercases valid emails and refuses malformed ones', () => {
		expect(validateEmail('Ada@Example.COM')).toBe('ada@example.com');
		expect(thrown(() => validateEmail('ada@'))).toMatchObject({
			status: 400,
			message: 'Unable to validate email address: invalid format'
		});
		expect(thrown(() => validateEmail(`${'a'.repeat(250)}@b.com`))).toMatchObject({
			message: 'An email address is too long'
		});
	});

	it('normalises E.164 phone numbers', () => {
		expect(validatePhone('+49 170 1234567')).toBe('491701234567');
		expect(thrown(() => validatePhone('0170'))).toMatchObject({
			message: 'Invalid phone number format (E.164 required)'
		});
	});

	it('turns ban durations into microseconds, "none" into 0, and refuses the rest', () => {
		expect(parseBanDuration('')).toBeNull();
		expect(parseBanDuration('none')).toBe(0n);
		expect(parseBanDuration('24h')).toBe(24n * 3600n * 1_000_000n);
		expect(thrown(() => parseBanDuration('forever'))).toMatchObject({
			status: 400,
			message: 'invalid format for ban duration: time: invalid duration "forever"'
		});
	});

	it('reads pagination with GoTrue defaults and strconv errors', () => {
		expect(parsePagination({})).toEqual({ page: 1, perPage: 50 });
		expect(parsePagination({ page: '3', perPage: '10' })).toEqual({ page: 3, perPage: 10 });
		expect(parsePagination({ page: '0', perPage: '0' })).toEqual({ page: 1, perPage: 20 });
		const error = thrown(() => parsePagination({ perPage: '-1' }));
		expect(error).toBeInstanceOf(AuthHttpError);
		expect(error).toMatchObject({
			message: 'Bad Pagination Parameters: strconv.ParseUint: parsing "-1": invalid syntax'
		});
	});
});

describe('mergeMetadata', () => {
	it('replaces given keys, removes null ones, keeps the rest, and stores "__proto__" as data', () => {
		const merged = mergeMetadata(
			{ a: 1, b: 2 },
			JSON.parse('{"b": null, "c": 3, "__proto__": {"x": 1}}') as Record<string, unknown>
		);
		expect(JSON.stringify(merged)).toBe('{"a":1,"c":3,"__proto__":{"x":1}}');
		expect((merged as { x?: unknown }).x).toBeUndefined();
	});
});

describe('access tokens', () => {
	const user = {
		id: '11111111-1111-4111-8111-111111111111',
		aud: 'authenticated',
		role: 'authenticated',
		email: 'ada@example.com',
		phone: null,
		is_anonymous: false,
		raw_app_meta_data: { providers: ['email'], provider: 'email' },
		raw_user_meta_data: { z: 1, a: 2 }
	} as unknown as UserRecord;
	const session = {
		id: '22222222-2222-4222-8222-222222222222',
		user_id: user.id,
		created_at: '2024-05-01T10:00:00Z',
		aal: 'aal1',
		expired: false
	};

	it('carries GoTrue’s claims in GoTrue’s order', () => {
		const claims = accessTokenClaims(user, session, {
			issuer: 'http://127.0.0.1:54321/auth/v1',
			issuedAt: 1_000,
			lifetimeSeconds: 3600
		});
		expect(Object.keys(claims)).toEqual([
			'iss',
			'sub',
			'aud',
			'exp',
			'iat',
			'email',
			'phone',
			'app_metadata',
			'user_metadata',
			'role',
			'aal',
			'amr',
			'session_id',
			'is_anonymous'
		]);
		expect(claims).toMatchObject({
			sub: user.id,
			exp: 4600,
			phone: '',
			amr: [{ method: 'password', timestamp: Date.parse('2024-05-01T10:00:00Z') / 1000 }],
			session_id: session.id
		});
		expect(Object.keys(claims.user_metadata as object)).toEqual(['a', 'z']);
	});

	it('names the method the session was authenticated by, as GoTrue records it', () => {
		const recovered = { ...session, amr: [{ method: 'otp', timestamp: 1_714_557_600 }] };
		const claims = accessTokenClaims(user, recovered, {
			issuer: 'http://127.0.0.1:54321/auth/v1',
			issuedAt: 1_000,
			lifetimeSeconds: 3600
		});
		expect(claims.amr).toEqual([{ method: 'otp', timestamp: 1_714_557_600 }]);
	});

	it('describes refused tokens in golang-jwt’s words', () => {
		const invalid = new JwtError('invalid', 'signature verification failed');
		expect(describeJwtFailure('abc', invalid)).toBe(
			'token is malformed: token contains an invalid number of segments'
		);
		const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.`;
		expect(describeJwtFailure(none, invalid)).toBe(
			'token signature is invalid: signing method none is invalid'
		);
		const hs256 = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.e30.sig`;
		expect(describeJwtFailure(hs256, invalid)).toBe(
			'token signature is invalid: signature is invalid'
		);
		expect(describeJwtFailure(hs256, new JwtError('expired', 'JWT expired'))).toBe(
			'token has invalid claims: token is expired'
		);
	});

	it('issues 12-character lowercase base32 refresh tokens', () => {
		const tokens = new Set(Array.from({ length: 100 }, newRefreshTokenString));
		expect(tokens.size).toBe(100);
		for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{12}$/);
	});
});

describe('settings', () => {
	it('follow config.toml as the Supabase CLI passes it to GoTrue', () => {
		const settings = settingsFromConfig(`
[auth]
enable_signup = false
enable_anonymous_sign_ins = true
[auth.email]
enable_confirmations = true
[auth.sms]
enable_signup = true
`);
		expect(settings).toMatchObject({
			external: { email: true, phone: true, anonymous_users: true, github: false },
			disable_signup: true,
			mailer_autoconfirm: false,
			phone_autoconfirm: true
		});
	});
});
