// GET and POST /verify for recovery tokens (GoTrue's internal/api/verify.go). GET is the link in
// the mail: a 303 to redirect_to with the new session in the URL fragment, or GoTrue's error
// fragment. POST is supabase-js's verifyOtp, with { type, token_hash } or { type, email, token },
// answering the session as the password grant does. A token works once: using it clears it.
// The local stack issues recovery tokens only (magiclink and email types verify those too, as in
// GoTrue); signup, invite, email-change and SMS tokens are never issued, so none verifies.
import type { Context } from 'hono';
import type { StackContext } from '../context.ts';
import type { Sql } from '../database.ts';
import { recordAudit, userActor } from './audit.ts';
import { AuthHttpError, badRequest, forbidden, internalError, unprocessable } from './errors.ts';
import type { GoStruct } from './go-json.ts';
import { issueSession, requestAudience } from './grants.ts';
import { escapeHtml, goQueryEscape } from './mail.ts';
import { isOtpExpired, isOtpValid, tokenHash } from './one-time-tokens.ts';
import { requestRedirect, type MailContext } from './recover.ts';
import { readParams, requestMeta, type RequestMeta } from './request.ts';
import {
	clearRecoveryToken,
	confirmEmail,
	findUserByEmail,
	findUserById,
	findUserByPhone,
	lockRecoveryState,
	lockUserByRecoveryToken,
	type RecoveryState,
	type UserRecord
} from './users.ts';
import { validateEmail, validatePhone } from './validation.ts';

const VERIFY = {
	name: 'VerifyParams',
	fields: {
		type: 'string',
		token: 'string',
		token_hash: 'string',
		email: 'string',
		phone: 'string',
		redirect_to: 'string'
	}
} as const satisfies GoStruct;

/** The verification types GoTrue knows (mailer.go and verify.go). */
const EMAIL_LINK_TYPES = new Set([
	'signup',
	'invite',
	'recovery',
	'magiclink',
	'email_change',
	'email'
]);

const LINK_INVALID = 'Email link is invalid or has expired';
const TOKEN_INVALID = 'Token has expired or is invalid';

/** GoTrue's oauthErrorMap: the `error` of an error redirect. */
const OAUTH_ERROR: Record<number, string> = {
	400: 'invalid_request',
	401: 'unauthorized_client',
	403: 'access_denied',
	500: 'server_error',
	503: 'temporarily_unavailable'
};

/** Go's url.Values.Encode: keys sorted, each value query-escaped. */
export function goEncodeValues(values: Record<string, string>): string {
	return Object.keys(values)
		.sort()
		.map((key) => `${goQueryEscape(key)}=${goQueryEscape(values[key] as string)}`)
		.join('&');
}

/** GoTrue's prepErrorRedirectURL: the error in the fragment (and, for PKCE, in the query too). */
export function errorRedirectUrl(redirectTo: string, error: AuthHttpError, pkce: boolean): string {
	const [withoutFragment = ''] = redirectTo.split('#');
	const details: Record<string, string> = {
		error_code: error.code,
		error_description: error.message
	};
	const oauthError = OAUTH_ERROR[error.status];
	if (oauthError) details.error = oauthError;
	let base = withoutFragment;
	if (pkce) {
		const [path = '', query = ''] = withoutFragment.split('?');
		const merged: Record<string, string> = {};
		for (const [key, value] of new URLSearchParams(query)) merged[key] ??= value;
		base = `${path}?${goEncodeValues({ ...merged, ...details })}`;
	}
	// "sb" marks the redirect as Supabase Auth's.
	return `${base}#${goEncodeValues({ ...details, sb: '' })}`;
}

/** GoTrue's AsRedirectURL: the session in the fragment of redirect_to. */
export function sessionRedirectUrl(
	redirectTo: string,
	session: {
		access_token: string;
		token_type: string;
		expires_in: number;
		expires_at: number;
		refresh_token: string;
	},
	type: string
): string {
	return `${redirectTo}#${goEncodeValues({
		access_token: session.access_token,
		token_type: session.token_type,
		expires_in: String(session.expires_in),
		expires_at: String(session.expires_at),
		refresh_token: session.refresh_token,
		sb: '',
		type
	})}`;
}

/** Go's http.Redirect with 303 for a GET: Location, and a one-line HTML body naming it. */
function seeOther(url: string): Response {
	return new Response(`<a href="${escapeHtml(url)}">See Other</a>.\n\n`, {
		status: 303,
		headers: { location: url, 'content-type': 'text/html; charset=utf-8' }
	});
}

interface Verified {
	user: UserRecord;
	/** The type the token turned out to be ("email" becomes "magiclink" for a recovery token). */
	type: string;
}

async function lockedUser(sql: Sql, state: RecoveryState | null): Promise<UserRecord | null> {
	return state ? findUserById(sql, state.id) : null;
}

/** GoTrue's verifyTokenHash: the link's token is the hash itself. */
async function verifyTokenHash(
	sql: Sql,
	ctx: MailContext,
	type: string,
	hash: string
): Promise<Verified & { state: RecoveryState }> {
	if (!EMAIL_LINK_TYPES.has(type))
		throw badRequest('validation_failed', 'Invalid email verification type');
	// Only recovery tokens exist here; "email" looks through confirmation tokens too, of which there are none.
	const state = ['recovery', 'magiclink', 'email'].includes(type)
		? await lockUserByRecoveryToken(sql, hash)
		: null;
	const user = await lockedUser(sql, state);
	if (!user || !state) throw forbidden('otp_expired', LINK_INVALID);
	if (user.banned) throw forbidden('user_banned', 'User is banned');
	if (isOtpExpired(state.recovery_sent_ms, ctx.settings.otpExpirySeconds, state.now_ms))
		throw forbidden('otp_expired', LINK_INVALID);
	return { user, state, type: type === 'email' ? 'magiclink' : type };
}

/** GoTrue's verifyUserAndToken: the user by address (or number), then the token against theirs. */
async function verifyUserAndToken(
	sql: Sql,
	ctx: MailContext,
	params: { type: string; hash: string; email: string; phone: string; aud: string }
): Promise<Verified> {
	let user: UserRecord | null = null;
	if (params.type === 'sms') user = await findUserByPhone(sql, params.phone, params.aud);
	// Pending email and phone changes never exist here (PUT /user refuses them), so no user has one.
	else if (params.type !== 'phone_change' && params.type !== 'email_change')
		user = await findUserByEmail(sql, params.email, params.aud);
	const state = user ? await lockRecoveryState(sql, user.id) : null;
	if (!user || !state) throw forbidden('otp_expired', TOKEN_INVALID);
	if (user.banned) throw forbidden('user_banned', 'User is banned');

	const recoveryValid = isOtpValid(
		params.hash,
		state.recovery_token,
		state.recovery_sent_ms,
		ctx.settings.otpExpirySeconds,
		state.now_ms
	);
	// "email" accepts a confirmation token first (never issued here), then a recovery token as a magic link.
	if (['recovery', 'magiclink', 'email'].includes(params.type) && recoveryValid) {
		return { user, type: params.type === 'email' ? 'magiclink' : params.type };
	}
	throw forbidden('otp_expired', TOKEN_INVALID);
}

/** GoTrue's recoverVerify, then a new session as after a sign-in. */
async function completeRecovery(
	ctx: StackContext,
	sql: Sql,
	verified: Verified,
	meta: RequestMeta
) {
	const { user } = verified;
	try {
		await clearRecoveryToken(sql, user.id);
		if (!user.email_confirmed_at) {
			// Following the link proves the address: an unconfirmed user is confirmed by it.
			await recordAudit(sql, userActor(user), 'user_signedup', { provider: 'email' });
			await confirmEmail(sql, user.id);
		} else {
			await recordAudit(sql, userActor(user), 'login');
		}
	} catch (error) {
		throw internalError('Database error updating user', error);
	}
	// GoTrue issues the session of a verified link with the `otp` method (its amr claim).
	return issueSession(ctx, sql, user.id, meta, 'otp');
}

export async function verifyGet(
	ctx: StackContext,
	mail: MailContext,
	c: Context
): Promise<Response> {
	const token = c.req.query('token') ?? '';
	const type = c.req.query('type') ?? '';
	const redirectTo = requestRedirect(mail.settings, c);
	if (type === '') throw badRequest('validation_failed', 'Verify requires a verification type');
	if (token === '')
		throw badRequest('validation_failed', 'Verify requires a token or a token hash');
	const pkce = token.startsWith('pkce_');
	const meta = requestMeta(c);

	try {
		const { response, verifiedType } = await ctx.db.transaction(async (sql) => {
			const verified = await verifyTokenHash(sql, mail, type, token);
			return {
				response: await completeRecovery(ctx, sql, verified, meta),
				verifiedType: verified.type
			};
		});
		return seeOther(sessionRedirectUrl(redirectTo, response, verifiedType));
	} catch (error) {
		if (!(error instanceof AuthHttpError)) throw error;
		if (error.status >= 500)
			ctx.log(
				'auth',
				`GET /verify failed: ${error.message}${error.internal instanceof Error ? ` (caused by: ${error.internal.message})` : ''}`
			);
		return seeOther(errorRedirectUrl(redirectTo, error, pkce));
	}
}

export async function verifyPost(ctx: StackContext, mail: MailContext, c: Context) {
	const params = await readParams(c, VERIFY);
	if (params.type === '')
		throw badRequest('validation_failed', 'Verify requires a verification type');
	if ((params.token === '') === (params.token_hash === '')) {
		throw badRequest('validation_failed', 'Verify requires either a token or a token hash');
	}
	let hash = params.token_hash;
	let email = '';
	let phone = '';
	if (params.token !== '') {
		if (params.phone !== '' && params.email === '') {
			phone = validatePhone(params.phone);
			hash = tokenHash(phone, params.token);
		} else if (params.email !== '' && params.phone === '') {
			try {
				email = validateEmail(params.email);
			} catch {
				throw unprocessable('validation_failed', 'Invalid email format');
			}
			hash = tokenHash(email, params.token);
		} else {
			throw badRequest(
				'validation_failed',
				'Only an email address or phone number should be provided on verify'
			);
		}
	} else if (params.email !== '' || params.phone !== '' || params.redirect_to !== '') {
		throw badRequest('validation_failed', 'Only the token_hash and type should be provided');
	}

	const meta = requestMeta(c);
	const aud = requestAudience(c);
	return ctx.db.transaction(async (sql) => {
		const verified =
			params.token === ''
				? await verifyTokenHash(sql, mail, params.type, hash)
				: await verifyUserAndToken(sql, mail, { type: params.type, hash, email, phone, aud });
		return completeRecovery(ctx, sql, verified, meta);
	});
}
