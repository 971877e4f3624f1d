// HS256 JWTs as Supabase issues them: the anon and service-role API keys, and GoTrue's access tokens.
import { SignJWT, jwtVerify, errors } from 'jose';

export type JwtClaims = Record<string, unknown> & { role?: string; sub?: string; exp?: number };

export class JwtError extends Error {
	constructor(
		readonly reason: 'expired' | 'invalid',
		message: string
	) {
		super(message);
	}
}

export class Jwt {
	private readonly key: Uint8Array;

	constructor(secret: string) {
		this.key = new TextEncoder().encode(secret);
	}

	sign(claims: JwtClaims): Promise<string> {
		return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(this.key);
	}

	/** Verifies signature (HS256 only: `alg: none` and other algorithms are refused) and expiry. */
	async verify(token: string): Promise<JwtClaims> {
		try {
			const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
			return payload as JwtClaims;
		} catch (error) {
			if (error instanceof errors.JWTExpired) throw new JwtError('expired', 'JWT expired');
			throw new JwtError('invalid', error instanceof Error ? error.message : 'invalid JWT');
		}
	}
}
