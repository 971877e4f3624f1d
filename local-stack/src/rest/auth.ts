// Who a Data API request runs as, decided the way PostgREST does it (Auth/Jwt.hs): the verified
// `Authorization: Bearer` JWT's `role` claim, `anon` without a token. PostgREST's own decoding and
// claim checks are reproduced here (they answer with PGRST301/PGRST303 and their exact messages),
// which is why this module verifies the HMAC itself instead of going through jwt.ts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { jwtClaimsError, jwtDecodeError } from './errors.ts';

export interface RequestIdentity {
	/** The database role the request switches to. */
	role: string;
	/** What `request.jwt.claims` holds: the token's claims with `role` set. */
	claims: Record<string, unknown>;
	/** PostgREST's notion of "authenticated": any role but the anonymous one (decides 401 vs 403). */
	authenticated: boolean;
}

export const ANONYMOUS_ROLE = 'anon';
/** PostgREST tolerates this much clock skew on exp, nbf and iat. */
const ALLOWED_SKEW_SECONDS = 30;
const HMAC_ALGORITHMS: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function decodeSegment(segment: string): Buffer | undefined {
	if (!/^[A-Za-z0-9_-]*$/.test(segment)) return undefined;
	return Buffer.from(segment, 'base64url');
}

function parseJsonObject(bytes: Buffer | undefined): Record<string, unknown> | undefined {
	if (!bytes) return undefined;
	try {
		const value: unknown = JSON.parse(bytes.toString('utf8'));
		return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

function verifySignature(token: string, secret: Uint8Array): Record<string, unknown> {
	const parts = token.split('.');
	if (parts.length !== 3) throw jwtDecodeError(`Expected 3 parts in JWT; got ${parts.length}`);
	const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
	const header = parseJsonObject(decodeSegment(headerPart));
	if (!header) throw jwtDecodeError('JWT cryptographic operation failed');
	if (header.alg === 'none') {
		throw jwtDecodeError('Wrong or unsupported encoding algorithm', "JWT is unsecured but expected 'alg' was not 'none'");
	}
	const digest = typeof header.alg === 'string' ? HMAC_ALGORITHMS[header.alg] : undefined;
	if (!digest) throw jwtDecodeError('No suitable key or wrong key type', 'No suitable key was found to decode the JWT');
	const expected = createHmac(digest, secret).update(`${headerPart}.${payloadPart}`).digest();
	const given = decodeSegment(signaturePart);
	if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) {
		throw jwtDecodeError('No suitable key or wrong key type', 'None of the keys was able to decode the JWT');
	}
	const claims = parseJsonObject(decodeSegment(payloadPart));
	if (!claims) throw jwtClaimsError('Parsing claims failed');
	return claims;
}

function checkClaims(claims: Record<string, unknown>, nowSeconds: number): void {
	const timeClaims: Array<[string, (value: number) => boolean, string]> = [
		['exp', (exp) => nowSeconds - ALLOWED_SKEW_SECONDS > exp, 'JWT expired'],
		['nbf', (nbf) => nowSeconds + ALLOWED_SKEW_SECONDS < nbf, 'JWT not yet valid'],
		['iat', (iat) => nowSeconds + ALLOWED_SKEW_SECONDS < iat, 'JWT issued at future']
	];
	for (const [name, isViolated, message] of timeClaims) {
		const value = claims[name];
		if (value === undefined || value === null) continue;
		if (typeof value !== 'number') throw jwtClaimsError(`The JWT '${name}' claim must be a number`);
		if (isViolated(Math.floor(value))) throw jwtClaimsError(message);
	}
	const audience = claims.aud;
	const isString = (value: unknown) => typeof value === 'string';
	if (audience !== undefined && audience !== null && !isString(audience) && !(Array.isArray(audience) && audience.every(isString))) {
		throw jwtClaimsError("The JWT 'aud' claim must be a string or an array of strings");
	}
}

/**
 * The identity of a request from its Authorization header. Throws the RestError PostgREST answers
 * for a token it refuses.
 */
export function identify(authorization: string | undefined, secret: Uint8Array, nowSeconds = Date.now() / 1000): RequestIdentity {
	const match = authorization === undefined ? null : /^bearer(?:\s+(.*))?$/is.exec(authorization.trim());
	if (!match) return { role: ANONYMOUS_ROLE, claims: { role: ANONYMOUS_ROLE }, authenticated: false };
	const token = (match[1] ?? '').trim();
	if (!token) throw jwtDecodeError('Empty JWT is sent in Authorization header');

	const claims = verifySignature(token, secret);
	checkClaims(claims, nowSeconds);
	const roleClaim = claims.role;
	const role = roleClaim === undefined || roleClaim === null ? ANONYMOUS_ROLE : typeof roleClaim === 'string' ? roleClaim : JSON.stringify(roleClaim);
	return { role, claims: { ...claims, role }, authenticated: role !== ANONYMOUS_ROLE };
}
