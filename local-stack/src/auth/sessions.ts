// auth.sessions and auth.refresh_tokens as GoTrue keeps them with its original ("v1") refresh
// tokens: one session per sign-in, a chain of 12-character tokens per session, each new token
// naming its predecessor in `parent` and the predecessor marked `revoked`.
import { randomBytes } from 'node:crypto';
import type { Sql } from '../database.ts';
import { goTime, INSTANCE_ID } from './users.ts';

/** Seconds a revoked token stays usable (config.toml auth.refresh_token_reuse_interval). */
export const REFRESH_TOKEN_REUSE_INTERVAL_SECONDS = 10;

export interface SessionRecord {
	id: string;
	user_id: string;
	/** Go time text; also the moment of the password sign-in the session's AMR claim records. */
	created_at: string;
	aal: string | null;
	/** not_after has passed. */
	expired: boolean;
	/**
	 * How the session was authenticated (auth.mfa_amr_claims), newest first, as GoTrue's
	 * CalculateAALAndAMR lists it: `password` for a sign-in, `otp` for a verified recovery link.
	 */
	amr?: AmrEntry[];
}

export interface AmrEntry {
	method: string;
	/** Unix seconds. */
	timestamp: number;
}

/** GoTrue's AuthenticationMethod strings for what the local stack issues sessions by. */
export type AuthenticationMethod = 'password' | 'otp';

export interface RefreshTokenRecord {
	id: string;
	token: string;
	user_id: string | null;
	session_id: string | null;
	parent: string | null;
	revoked: boolean;
	/** updated_at plus the reuse interval is still ahead. */
	within_reuse_interval: boolean;
}

const SESSION_SELECT = `
	select s.id, s.user_id, ${goTime('s.created_at')} as created_at, s.aal::text as aal,
	       coalesce(s.not_after < now(), false) as expired,
	       coalesce((
	         select json_agg(json_build_object('method', c.authentication_method,
	                                           'timestamp', floor(extract(epoch from c.updated_at))::bigint)
	                         order by c.updated_at desc)
	         from auth.mfa_amr_claims c where c.session_id = s.id), '[]'::json) as amr
	from auth.sessions s`;

const REFRESH_TOKEN_SELECT = `
	select t.id::text as id, t.token, t.user_id, t.session_id, t.parent, coalesce(t.revoked, false) as revoked,
	       coalesce(t.updated_at + make_interval(secs => ${REFRESH_TOKEN_REUSE_INTERVAL_SECONDS}) > now(), false) as within_reuse_interval
	from auth.refresh_tokens t`;

/** GoTrue's SecureAlphanumeric(12): lowercase base32, 60 bits of randomness. */
export function newRefreshTokenString(): string {
	const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
	return Array.from(randomBytes(12), (byte) => alphabet[byte % 32]).join('');
}

export interface SessionStart {
	userAgent: string | null;
	ip: string | null;
}

/**
 * A new session with its first refresh token (GoTrue's GrantAuthenticatedUser) and the claim of
 * how it was authenticated (GoTrue's AddClaimToSession).
 */
export async function startSession(
	sql: Sql,
	userId: string,
	start: SessionStart,
	method: AuthenticationMethod = 'password'
): Promise<{ session: SessionRecord; refreshToken: string }> {
	const { rows } = await sql.query<{ id: string }>(
		`insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
		 values (gen_random_uuid(), $1, now(), now(), 'aal1', $2, $3)
		 returning id`,
		[userId, start.userAgent, start.ip]
	);
	const sessionId = rows[0]?.id as string;
	await sql.query(
		`insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
		 values (gen_random_uuid(), $1, now(), now(), $2)
		 on conflict (session_id, authentication_method) do update set updated_at = now()`,
		[sessionId, method]
	);
	const refreshToken = await insertRefreshToken(sql, { userId, sessionId, parent: null });
	const session = await findSession(sql, sessionId);
	if (!session) throw new Error('session vanished right after it was created');
	return { session, refreshToken };
}

async function insertRefreshToken(
	sql: Sql,
	token: { userId: string; sessionId: string; parent: string | null }
): Promise<string> {
	const value = newRefreshTokenString();
	await sql.query(
		`insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
		 values ($1, $2, $3, false, now(), now(), $4, $5)`,
		[INSTANCE_ID, value, token.userId, token.parent, token.sessionId]
	);
	return value;
}

export async function findSession(sql: Sql, id: string): Promise<SessionRecord | null> {
	const { rows } = await sql.query<SessionRecord>(`${SESSION_SELECT} where s.id = $1`, [id]);
	return rows[0] ?? null;
}

/** The token row, locked against a concurrent refresh of the same token until the transaction ends. */
export async function lockRefreshToken(
	sql: Sql,
	token: string
): Promise<RefreshTokenRecord | null> {
	const { rows } = await sql.query<RefreshTokenRecord>(
		`${REFRESH_TOKEN_SELECT} where t.token = $1 for update`,
		[token]
	);
	return rows[0] ?? null;
}

/** The session's newest unrevoked token (GoTrue's FindCurrentlyActiveRefreshToken). */
export async function activeRefreshToken(
	sql: Sql,
	sessionId: string
): Promise<RefreshTokenRecord | null> {
	const { rows } = await sql.query<RefreshTokenRecord>(
		`${REFRESH_TOKEN_SELECT} where t.session_id = $1 and t.revoked is false order by t.id desc limit 1`,
		[sessionId]
	);
	return rows[0] ?? null;
}

/** Revokes `token` and issues its successor in the same session (GoTrue's GrantRefreshTokenSwap). */
export async function rotateRefreshToken(
	sql: Sql,
	token: RefreshTokenRecord,
	userId: string
): Promise<string> {
	await sql.query(
		`update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1`,
		[token.id]
	);
	return insertRefreshToken(sql, {
		userId,
		sessionId: token.session_id as string,
		parent: token.token
	});
}

/** Reuse detected: every still-valid token of the session is revoked (GoTrue's RevokeTokenFamily). */
export async function revokeTokenFamily(sql: Sql, sessionId: string): Promise<void> {
	await sql.query(
		`update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and revoked = false`,
		[sessionId]
	);
}

export async function deleteRefreshToken(sql: Sql, id: string): Promise<void> {
	await sql.query(`delete from auth.refresh_tokens where id = $1`, [id]);
}

export async function recordRefresh(
	sql: Sql,
	sessionId: string,
	start: SessionStart
): Promise<void> {
	// refreshed_at is `timestamp without time zone` holding UTC, as GoTrue writes it.
	await sql.query(
		`update auth.sessions set refreshed_at = (now() at time zone 'UTC'), updated_at = now(), user_agent = $2, ip = $3 where id = $1`,
		[sessionId, start.userAgent, start.ip]
	);
}

/** Ends sessions; their refresh tokens go with them (on delete cascade). */
export const endSessions = {
	/** GoTrue's Logout: every session of the user. */
	all: (sql: Sql, userId: string) =>
		sql.query(`delete from auth.sessions where user_id = $1`, [userId]),
	/** GoTrue's LogoutSession. */
	one: (sql: Sql, sessionId: string) =>
		sql.query(`delete from auth.sessions where id = $1`, [sessionId]),
	/** GoTrue's LogoutAllExceptMe. */
	allBut: (sql: Sql, userId: string, keptSessionId: string) =>
		sql.query(`delete from auth.sessions where user_id = $1 and id <> $2`, [userId, keptSessionId]),
	/** Tokens issued before sessions existed: GoTrue's LogoutAllRefreshTokens. */
	sessionlessTokens: (sql: Sql, userId: string) =>
		sql.query(`delete from auth.refresh_tokens where user_id = $1`, [userId])
};
