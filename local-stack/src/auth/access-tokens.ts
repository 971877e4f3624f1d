// Access tokens: the JWT GoTrue signs for a session, and the checks it runs on a bearer token
// (GoTrue's requireAuthentication and requireAdminCredentials), with its status codes and texts.
import type { Context } from 'hono';
import type { StackContext } from '../context.ts';
import type { Sql } from '../database.ts';
import { JwtError, type JwtClaims } from '../jwt.ts';
import { badRequest, forbidden, unauthorized } from './errors.ts';
import { goMapOrder } from './go-json.ts';
import { findSession, type SessionRecord } from './sessions.ts';
import { findUserById, type UserRecord } from './users.ts';

/** GOTRUE_JWT_ADMIN_ROLES default. */
const ADMIN_ROLES = new Set(['service_role', 'supabase_admin']);
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID_PATTERN.test(value);

export interface IssuedAccessToken {
	token: string;
	/** Unix seconds. */
	expiresAt: number;
}

/** The claims GoTrue's GenerateAccessToken puts in a session's access token, in its order. */
export function accessTokenClaims(
	user: UserRecord,
	session: SessionRecord,
	options: { issuer: string; issuedAt: number; lifetimeSeconds: number }
): JwtClaims {
	// How the session was authenticated; a session without a recorded claim was a password sign-in.
	const amr = session.amr?.length
		? session.amr
		: [{ method: 'password', timestamp: Math.floor(Date.parse(session.created_at) / 1000) }];
	return {
		iss: options.issuer,
		sub: user.id,
		aud: user.aud ?? '',
		exp: options.issuedAt + options.lifetimeSeconds,
		iat: options.issuedAt,
		email: user.email ?? '',
		phone: user.phone ?? '',
		app_metadata: goMapOrder(user.raw_app_meta_data),
		user_metadata: goMapOrder(user.raw_user_meta_data),
		role: user.role ?? '',
		aal: session.aal ?? 'aal1',
		amr,
		session_id: session.id,
		is_anonymous: user.is_anonymous
	};
}

export async function issueAccessToken(
	ctx: StackContext,
	user: UserRecord,
	session: SessionRecord
): Promise<IssuedAccessToken> {
	const claims = accessTokenClaims(user, session, {
		issuer: `${ctx.apiUrl}/auth/v1`,
		issuedAt: Math.floor(Date.now() / 1000),
		lifetimeSeconds: ctx.jwtExpiry
	});
	return { token: await ctx.jwt.sign(claims), expiresAt: claims.exp as number };
}

function decodeSegment(segment: string): unknown {
	try {
		return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
	} catch {
		return undefined;
	}
}

/** golang-jwt v5's wording for why a token was refused, which GoTrue appends to its message. */
export function describeJwtFailure(token: string, error: JwtError): string {
	const segments = token.split('.');
	if (segments.length !== 3)
		return 'token is malformed: token contains an invalid number of segments';
	const header = decodeSegment(segments[0] ?? '') as { alg?: unknown } | undefined;
	if (typeof header !== 'object' || header === null)
		return 'token is malformed: could not JSON decode header';
	if (header.alg !== 'HS256')
		return `token signature is invalid: signing method ${String(header.alg)} is invalid`;
	if (error.reason === 'expired') return 'token has invalid claims: token is expired';
	if (/"nbf"/.test(error.message)) return 'token has invalid claims: token is not valid yet';
	if (typeof decodeSegment(segments[1] ?? '') !== 'object')
		return 'token is malformed: could not JSON decode claim';
	return 'token signature is invalid: signature is invalid';
}

function bearerToken(c: Context): string {
	const match = /^(?:B|b)earer (\S+)$/.exec(c.req.header('authorization') ?? '');
	if (!match?.[1])
		throw unauthorized('no_authorization', 'This endpoint requires a valid Bearer token');
	return match[1];
}

async function verifiedClaims(ctx: StackContext, token: string): Promise<JwtClaims> {
	try {
		return await ctx.jwt.verify(token);
	} catch (error) {
		if (!(error instanceof JwtError)) throw error;
		throw forbidden(
			'bad_jwt',
			`invalid JWT: unable to parse or verify signature, ${describeJwtFailure(token, error)}`
		);
	}
}

export interface Caller {
	claims: JwtClaims;
	user: UserRecord;
	/** Null for a token without a session_id claim. */
	session: SessionRecord | null;
}

/** GoTrue's requireAuthentication: a valid user token whose user and session still exist. */
export async function authenticateUser(ctx: StackContext, sql: Sql, c: Context): Promise<Caller> {
	const claims = await verifiedClaims(ctx, bearerToken(c));
	const subject = claims.sub;
	if (typeof subject !== 'string' || subject === '')
		throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
	if (!isUuid(subject)) throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID');

	const user = await findUserById(sql, subject);
	if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');

	let session: SessionRecord | null = null;
	const sessionId = claims.session_id;
	if (typeof sessionId === 'string' && sessionId !== '' && sessionId !== NIL_UUID) {
		if (!isUuid(sessionId))
			throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID');
		session = await findSession(sql, sessionId);
		if (!session)
			throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
	}

	// Newer GoTrue refuses a banned user's still-unexpired token here (supabase/auth#2642).
	if (user.banned) throw forbidden('user_banned', 'User is banned');
	return { claims, user, session };
}

/** GoTrue's requireAdminCredentials: any valid token whose role is an admin role. */
export async function authenticateAdmin(ctx: StackContext, c: Context): Promise<JwtClaims> {
	const claims = await verifiedClaims(ctx, bearerToken(c));
	if (typeof claims.role !== 'string' || !ADMIN_ROLES.has(claims.role))
		throw forbidden('not_admin', 'User not allowed');
	return claims;
}
