// Who a Data API request runs as, decided the way PostgREST does it (Auth/Jwt.hs): the verified
// `Authorization: Bearer` JWT's `role` claim, `anon` without a token. jose checks the signature;
// the claim checks stay here because PostgREST's differ from jose's (30 s of skew on exp, nbf and
// iat, its own order and messages), and every refusal carries PostgREST's code and message.
import { compactVerify, decodeProtectedHeader, errors } from 'jose';
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
/** PostgREST's key set is the one secret, so every HMAC algorithm verifies with it; nothing else does. */
const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];

function readHeader(token: string, headerPart: string): Record<string, unknown> {
	// jose would also accept padding and whitespace in the header; PostgREST's decoder does not.
	if (!/^[A-Za-z0-9_-]*$/.test(headerPart))
		throw jwtDecodeError('JWT cryptographic operation failed');
	try {
		return decodeProtectedHeader(token);
	} catch {
		throw jwtDecodeError('JWT cryptographic operation failed');
	}
}

async function verifySignature(
	token: string,
	secret: Uint8Array
): Promise<Record<string, unknown>> {
	const parts = token.split('.');
	if (parts.length !== 3) throw jwtDecodeError(`Expected 3 parts in JWT; got ${parts.length}`);
	const header = readHeader(token, parts[0] as string);
	// Decided before jose sees the token: jose refuses both alike, PostgREST tells them apart.
	if (header.alg === 'none') {
		throw jwtDecodeError(
			'Wrong or unsupported encoding algorithm',
			"JWT is unsecured but expected 'alg' was not 'none'"
		);
	}
	if (typeof header.alg !== 'string' || !HMAC_ALGORITHMS.includes(header.alg)) {
		throw jwtDecodeError(
			'No suitable key or wrong key type',
			'No suitable key was found to decode the JWT'
		);
	}
	let payload: Uint8Array;
	try {
		({ payload } = await compactVerify(token, secret, { algorithms: HMAC_ALGORITHMS }));
	} catch (error) {
		if (error instanceof errors.JOSEError)
			throw jwtDecodeError(
				'No suitable key or wrong key type',
				'None of the keys was able to decode the JWT'
			);
		throw error;
	}
	return parseClaims(payload);
}

function parseClaims(payload: Uint8Array): Record<string, unknown> {
	try {
		const value: unknown = JSON.parse(new TextDecoder().decode(payload));
		if (typeof value === 'object' && value !== null && !Array.isArray(value))
			return value as Record<string, unknown>;
	} catch {
		// refused below, like a payload that is JSON but not an object
	}
	throw jwtClaimsError('Parsing claims failed');
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
	// Only the type is checked: PostgREST also matches the audience against its `jwt-aud` setting,
	// and without one (the stack has none) it accepts any audience.
	const audience = claims.aud;
	const isString = (value: unknown) => typeof value === 'string';
	if (
		audience !== undefined &&
		audience !== null &&
		!isString(audience) &&
		!(Array.isArray(audience) && audience.every(isString))
	) {
		throw jwtClaimsError("The JWT 'aud' claim must be a string or an array of strings");
	}
}

/**
 * The identity of a request from its Authorization header. Rejects with the RestError PostgREST
 * answers for a token it refuses.
 */
export async function identify(
	authorization: string | undefined,
	secret: Uint8Array,
	nowSeconds = Date.now() / 1000
): Promise<RequestIdentity> {
	const match =
		authorization === undefined ? null : /^bearer(?:\s+(.*))?$/is.exec(authorization.trim());
	if (!match)
		return { role: ANONYMOUS_ROLE, claims: { role: ANONYMOUS_ROLE }, authenticated: false };
	const token = (match[1] ?? '').trim();
	if (!token) throw jwtDecodeError('Empty JWT is sent in Authorization header');

	const claims = await verifySignature(token, secret);
	checkClaims(claims, nowSeconds);
	const roleClaim = claims.role;
	const role =
		roleClaim === undefined || roleClaim === null
			? ANONYMOUS_ROLE
			: typeof roleClaim === 'string'
				? roleClaim
				: JSON.stringify(roleClaim);
	return { role, claims: { ...claims, role }, authenticated: role !== ANONYMOUS_ROLE };
}
