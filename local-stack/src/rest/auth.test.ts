import { SignJWT, UnsecuredJWT } from 'jose';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { identify } from './auth.ts';
import { RestError } from './errors.ts';

const secret = new TextEncoder().encode('a-test-secret-that-is-at-least-32-characters-long');
const now = 1_900_000_000;

function sign(claims: Record<string, unknown>, key = secret, alg = 'HS256'): Promise<string> {
	return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
}

async function refusal(authorization: string): Promise<RestError> {
	try {
		await identify(authorization, secret, now);
	} catch (error) {
		if (error instanceof RestError) return error;
		throw error;
	}
	throw new Error('expected the token to be refused');
}

describe('identify', () => {
	it('runs requests without a bearer token as anon', async () => {
		expect(await identify(undefined, secret, now)).toEqual({
			role: 'anon',
			claims: { role: 'anon' },
			authenticated: false
		});
		expect((await identify('Basic dXNlcjpwYXNz', secret, now)).role).toBe('anon');
	});

	it('takes the role and every claim from a valid token', async () => {
		const token = await sign({
			sub: 'u1',
			role: 'authenticated',
			email: 'a@x.test',
			exp: now + 60
		});
		expect(await identify(`Bearer ${token}`, secret, now)).toEqual({
			role: 'authenticated',
			claims: { sub: 'u1', role: 'authenticated', email: 'a@x.test', exp: now + 60 },
			authenticated: true
		});
		expect(await identify(`bearer ${await sign({ sub: 'u1' })}`, secret, now)).toMatchObject({
			role: 'anon',
			claims: { sub: 'u1', role: 'anon' }
		});
	});

	it('accepts the other HMAC algorithms PostgREST accepts', async () => {
		expect(
			(
				await identify(
					`Bearer ${await sign({ role: 'service_role' }, secret, 'HS512')}`,
					secret,
					now
				)
			).role
		).toBe('service_role');
	});

	it("refuses expired tokens beyond PostgREST's 30 s of clock skew (PGRST303)", async () => {
		expect(
			(
				await identify(
					`Bearer ${await sign({ role: 'authenticated', exp: now - 29 })}`,
					secret,
					now
				)
			).role
		).toBe('authenticated');
		const expired = await refusal(`Bearer ${await sign({ role: 'authenticated', exp: now - 31 })}`);
		expect(expired.status).toBe(401);
		expect(expired.toJSON()).toEqual({
			code: 'PGRST303',
			details: null,
			hint: null,
			message: 'JWT expired'
		});
		expect(expired.headers['www-authenticate']).toBe(
			'Bearer error="invalid_token", error_description="JWT expired"'
		);
		expect((await refusal(`Bearer ${await sign({ exp: 'soon' })}`)).message).toBe(
			"The JWT 'exp' claim must be a number"
		);
		expect((await refusal(`Bearer ${await sign({ nbf: now + 120 })}`)).message).toBe(
			'JWT not yet valid'
		);
		expect((await refusal(`Bearer ${await sign({ aud: 42 })}`)).message).toBe(
			"The JWT 'aud' claim must be a string or an array of strings"
		);
	});

	it('refuses forged, unsigned and malformed tokens (PGRST301)', async () => {
		const forged = await refusal(
			`Bearer ${await sign({ role: 'service_role' }, new TextEncoder().encode('another-secret-another-secret-123456'))}`
		);
		expect(forged.toJSON()).toEqual({
			code: 'PGRST301',
			details: 'None of the keys was able to decode the JWT',
			hint: null,
			message: 'No suitable key or wrong key type'
		});
		const unsigned = await refusal(`Bearer ${new UnsecuredJWT({ role: 'service_role' }).encode()}`);
		expect(unsigned.toJSON()).toMatchObject({
			code: 'PGRST301',
			message: 'Wrong or unsupported encoding algorithm'
		});
		const valid = await sign({ role: 'authenticated' });
		const tampered = valid.replace(
			/\.[^.]+\./,
			`.${Buffer.from('{"role":"service_role"}').toString('base64url')}.`
		);
		expect((await refusal(`Bearer ${tampered}`)).code).toBe('PGRST301');
		expect((await refusal('Bearer abc.def')).message).toBe('Expected 3 parts in JWT; got 2');
		expect((await refusal('Bearer ')).message).toBe('Empty JWT is sent in Authorization header');
		expect((await refusal('Bearer !!.!!.!!')).code).toBe('PGRST301');
	});

	it("answers each kind of undecodable token with PostgREST's own message", async () => {
		const segment = (value: string) => Buffer.from(value).toString('base64url');
		const noAlgorithm = await refusal(`Bearer ${segment('{"typ":"JWT"}')}.${segment('{}')}.c2ln`);
		expect(noAlgorithm.toJSON()).toMatchObject({
			code: 'PGRST301',
			details: 'No suitable key was found to decode the JWT'
		});
		expect(
			(await refusal(`Bearer ${segment('{"alg":"RS256"}')}.${segment('{}')}.c2ln`)).details
		).toBe('No suitable key was found to decode the JWT');
		const [header, payload, signature] = (await sign({ role: 'authenticated' })).split('.');
		expect((await refusal(`Bearer ${header}=.${payload}.${signature}`)).message).toBe(
			'JWT cryptographic operation failed'
		);
		expect((await refusal(`Bearer ${header}.${payload}.${signature}x`)).details).toBe(
			'None of the keys was able to decode the JWT'
		);
		expect((await refusal(`Bearer ${await sign({ iat: now + 120 })}`)).message).toBe(
			'JWT issued at future'
		);
	});

	it('refuses a validly signed payload that is not a JSON object (PGRST303)', async () => {
		const header = Buffer.from('{"alg":"HS384"}').toString('base64url');
		const payload = Buffer.from('[1,2]').toString('base64url');
		const signature = createHmac('sha384', secret)
			.update(`${header}.${payload}`)
			.digest('base64url');
		expect((await refusal(`Bearer ${header}.${payload}.${signature}`)).toJSON()).toMatchObject({
			code: 'PGRST303',
			message: 'Parsing claims failed'
		});
	});

	it('passes a non-string role on as text, for Postgres to refuse', async () => {
		expect((await identify(`Bearer ${await sign({ role: 7 })}`, secret, now)).role).toBe('7');
	});
});
