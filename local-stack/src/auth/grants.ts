// POST /token: the password grant and the refresh-token grant, with GoTrue's checks in GoTrue's
// order (internal/api/token.go and internal/tokens/service.go).
import type { Context } from 'hono';
import type { StackContext } from '../context.ts';
import type { Sql } from '../database.ts';
import { issueAccessToken, isUuid } from './access-tokens.ts';
import { recordAudit, userActor } from './audit.ts';
import { badRequest, OAuthError, unprocessable, type AuthHttpError } from './errors.ts';
import type { GoStruct } from './go-json.ts';
import { loadPasswordPolicy, passwordWeakness, verifyPassword } from './passwords.ts';
import { readParams, requestMeta } from './request.ts';
import {
	activeRefreshToken,
	deleteRefreshToken,
	findSession,
	lockRefreshToken,
	recordRefresh,
	revokeTokenFamily,
	rotateRefreshToken,
	startSession,
	type AuthenticationMethod,
	type SessionRecord,
	type SessionStart
} from './sessions.ts';
import {
	DEFAULT_AUDIENCE,
	findIdentities,
	findUserByEmail,
	findUserById,
	updateUser,
	userJson,
	type UserRecord
} from './users.ts';

const PASSWORD_GRANT = {
	name: 'PasswordGrantParams',
	fields: { email: 'string', phone: 'string', password: 'string' }
} as const satisfies GoStruct;

const REFRESH_TOKEN_GRANT = {
	name: 'RefreshTokenGrantParams',
	fields: { refresh_token: 'string' }
} as const satisfies GoStruct;

const INVALID_LOGIN = 'Invalid login credentials';

/** The audience a request asks for: GoTrue's X-JWT-AUD header, else the default. */
export const requestAudience = (c: Context) => c.req.header('x-jwt-aud') || DEFAULT_AUDIENCE;

async function tokenResponse(
	ctx: StackContext,
	sql: Sql,
	userId: string,
	session: SessionRecord,
	refreshToken: string
) {
	const user = (await findUserById(sql, userId)) as UserRecord;
	const access = await issueAccessToken(ctx, user, session);
	return {
		access_token: access.token,
		token_type: 'bearer',
		expires_in: ctx.jwtExpiry,
		expires_at: access.expiresAt,
		refresh_token: refreshToken,
		user: userJson(user, await findIdentities(sql, user.id))
	};
}

/**
 * A new session for a user who just proved who they are (GoTrue's IssueRefreshToken): the
 * session with its first refresh token, last_sign_in_at, and the token response. The password
 * grant and /verify both end here.
 */
export async function issueSession(
	ctx: StackContext,
	sql: Sql,
	userId: string,
	start: SessionStart,
	method: AuthenticationMethod = 'password'
) {
	const { session, refreshToken } = await startSession(sql, userId, start, method);
	await updateUser(sql, userId, {}, ['last_sign_in_at']);
	return tokenResponse(ctx, sql, userId, session, refreshToken);
}

export async function passwordGrant(ctx: StackContext, c: Context) {
	const params = await readParams(c, PASSWORD_GRANT);
	if (params.email && params.phone) {
		throw badRequest(
			'validation_failed',
			'Only an email address or phone number should be provided on login.'
		);
	}
	// No phone sign-in here; GoTrue answers this way when its phone provider is off, as config.toml has it.
	if (!params.email && params.phone)
		throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
	if (!params.email) throw badRequest('validation_failed', 'missing email or phone');

	const user = await findUserByEmail(ctx.db, params.email, requestAudience(c));
	if (!user || !user.encrypted_password) throw badRequest('invalid_credentials', INVALID_LOGIN);
	// GoTrue answers a ban before it looks at the password.
	if (user.banned) throw badRequest('user_banned', 'User is banned');
	if (!(await verifyPassword(user.encrypted_password, params.password)))
		throw badRequest('invalid_credentials', INVALID_LOGIN);
	if (!user.email_confirmed_at) throw badRequest('email_not_confirmed', 'Email not confirmed');

	const meta = requestMeta(c);
	const response = await ctx.db.transaction(async (sql) => {
		await recordAudit(sql, userActor(user), 'login', { provider: 'email' });
		return issueSession(ctx, sql, user.id, meta);
	});
	// A correct but weak password still signs in; the client is told so it can ask for a new one.
	const weakness = passwordWeakness(params.password, loadPasswordPolicy(ctx.supabaseDir));
	return weakness ? { ...response, weak_password: weakness } : response;
}

/** Transactions that must commit their writes and still answer an error return it instead of throwing. */
type Outcome<T> = { result: T } | { error: AuthHttpError };

export async function refreshTokenGrant(ctx: StackContext, c: Context) {
	const params = await readParams(c, REFRESH_TOKEN_GRANT);
	if (!params.refresh_token) throw new OAuthError('invalid_request', 'refresh_token required');
	const meta = requestMeta(c);

	const outcome = await ctx.db.transaction(
		async (sql): Promise<Outcome<Awaited<ReturnType<typeof tokenResponse>>>> => {
			const notFound = badRequest(
				'refresh_token_not_found',
				'Invalid Refresh Token: Refresh Token Not Found'
			);
			// GoTrue's own tokens are 12 characters; anything else cannot be one of them.
			const token =
				params.refresh_token.length === 12
					? await lockRefreshToken(sql, params.refresh_token)
					: null;
			if (!token) return { error: notFound };
			const user =
				token.user_id && isUuid(token.user_id) ? await findUserById(sql, token.user_id) : null;
			if (!user) return { error: notFound };
			if (user.banned)
				return { error: badRequest('user_banned', 'Invalid Refresh Token: User Banned') };

			const session = token.session_id ? await findSession(sql, token.session_id) : null;
			if (!session) {
				await deleteRefreshToken(sql, token.id);
				return {
					error: badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found')
				};
			}
			if (session.expired)
				return { error: badRequest('session_expired', 'Invalid Refresh Token: Session Expired') };

			let issued: string | null = null;
			if (token.revoked) {
				const active = await activeRefreshToken(sql, session.id);
				if (active && active.parent === token.token) {
					// The client lost the answer to its last refresh: hand it the token it missed.
					issued = active.token;
				} else if (!token.within_reuse_interval) {
					// Reuse of an old token: assume theft, and revoke every token of the session.
					await revokeTokenFamily(sql, session.id);
					return {
						error: badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used')
					};
				}
			}

			await recordAudit(sql, userActor(user), 'token_refreshed');
			if (!issued) {
				await recordAudit(sql, userActor(user), 'token_revoked');
				issued = await rotateRefreshToken(sql, token, user.id);
			}
			await recordRefresh(sql, session.id, meta);
			return { result: await tokenResponse(ctx, sql, user.id, session, issued) };
		}
	);
	if ('error' in outcome) throw outcome.error;
	return outcome.result;
}
