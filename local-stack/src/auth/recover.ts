// POST /recover: GoTrue's password-recovery request (internal/api/recover.go, mail.go). It answers
// 200 {} whether or not the address belongs to anyone; for a user it does belong to, it stores the
// hash of a new one-time token in auth.users.recovery_token and mails the link to /verify.
import type { Context } from 'hono';
import type { StackContext } from '../context.ts';
import { recordAudit, userActor } from './audit.ts';
import { badRequest } from './errors.ts';
import type { GoStruct } from './go-json.ts';
import { requestAudience } from './grants.ts';
import type { Mailer } from './mail.ts';
import type { MailSettings } from './mail-settings.ts';
import { checkSendFrequency, generateOtp, tokenHash } from './one-time-tokens.ts';
import { chooseRedirect } from './redirects.ts';
import { readParams } from './request.ts';
import { findUserByEmail, lockRecoveryState, setRecoveryToken } from './users.ts';
import { validateEmail } from './validation.ts';

export interface MailContext {
	settings: MailSettings;
	mailer: Mailer;
}

const RECOVER = {
	name: 'RecoverParams',
	fields: { email: 'string', code_challenge: 'string', code_challenge_method: 'string' }
} as const satisfies GoStruct;

const PKCE_PARAMS_MESSAGE = 'PKCE flow requires code_challenge_method and code_challenge';

/** GoTrue's validatePKCEParams. */
export function validatePkceParams(method: string, challenge: string): void {
	if ((challenge === '') !== (method === ''))
		throw badRequest('validation_failed', PKCE_PARAMS_MESSAGE);
	if (challenge === '') return;
	if (challenge.length < 43 || challenge.length > 128) {
		throw badRequest('validation_failed', 'code challenge has to be between 43 and 128 characters');
	}
	if (!/^[a-zA-Z._~0-9-]+$/.test(challenge)) {
		throw badRequest(
			'validation_failed',
			'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes'
		);
	}
}

/** Where links and /verify send the browser: GoTrue's GetReferrer over the request. */
export function requestRedirect(settings: MailSettings, c: Context): string {
	return chooseRedirect(
		{ siteUrl: settings.siteUrl, allowList: settings.allowList },
		{
			redirectTo: c.req.header('redirect_to') || c.req.query('redirect_to') || '',
			referer: c.req.header('referer') ?? ''
		}
	);
}

export async function recover(
	ctx: StackContext,
	mail: MailContext,
	c: Context
): Promise<Record<string, never>> {
	// GoTrue's requireEmailProvider runs before the body is read.
	if (!mail.settings.emailEnabled)
		throw badRequest('email_provider_disabled', 'Email logins are disabled');
	const params = await readParams(c, RECOVER);
	if (params.email === '')
		throw badRequest('validation_failed', 'Password recovery requires an email');
	const email = validateEmail(params.email);
	validatePkceParams(params.code_challenge_method, params.code_challenge);
	if (params.code_challenge) {
		// Refused for every address alike, so that the answer still tells nothing about who exists.
		throw badRequest(
			'validation_failed',
			'The local stack supports the implicit flow only (no PKCE); create the client with flowType "implicit"'
		);
	}

	const user = await findUserByEmail(ctx.db, email, requestAudience(c));
	if (!user) return {};
	const redirectTo = requestRedirect(mail.settings, c);

	await ctx.db.transaction(async (sql) => {
		await recordAudit(sql, userActor(user), 'user_recovery_requested');
		const state = await lockRecoveryState(sql, user.id);
		if (!state) return; // deleted in the meantime: as if it never existed
		checkSendFrequency(state.recovery_sent_ms, mail.settings.maxFrequencyMs, state.now_ms);

		const recipient = user.email ?? '';
		const otp = generateOtp(mail.settings.otpLength);
		const hash = tokenHash(recipient, otp);
		// As GoTrue does: the mail goes out first, and the token is stored only once it has.
		await mail.mailer.sendRecovery({
			email: recipient,
			otp,
			tokenHashWithPrefix: hash,
			redirectTo,
			userMetadata: user.raw_user_meta_data
		});
		await setRecoveryToken(sql, user.id, hash);
	});
	return {};
}
