// Password recovery by mail, as GoTrue does it: supabase-js's resetPasswordForEmail, the mail that
// reaches the mail catcher (Mailpit's API), the link to /auth/v1/verify followed as a browser
// would (no apikey, no redirect following), verifyOtp, and what must not happen: mail to unknown
// addresses, a second mail within max_frequency, tokens handed to a site not allowed, a link that
// works twice, a session for a banned user. Needs the catcher (SUPABASE_MAIL_URL against another
// Supabase); the database checks need SUPABASE_DB_URL.
import { type AdminUserAttributes, type Session, type SupabaseClient } from '@supabase/supabase-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { createNodeClient } from '../../scripts/lib/supabase-node.ts';
import { follow, linkOf, mailCountAfterAWhile, waitForMails, type Mail } from './mail-catcher.ts';
import { createAuthUser, newPassword, stack, uniqueEmail, withDb } from './stack-under-test.ts';

// The embedded stack always has its catcher: only another Supabase without one may skip these.
const hasMail = stack().mailUrl !== null;
if (stack().embedded && !hasMail) throw new Error('the embedded stack gave no mail catcher URL');
const hasDb = stack().dbUrl !== null;

const client = (key: string) => createNodeClient(stack().apiUrl, key) as unknown as SupabaseClient;
const anonClient = () => client(stack().anonKey);

const authConfig = (
	parse(readFileSync(join(import.meta.dirname, '../../supabase/config.toml'), 'utf8')) as {
		auth: { site_url: string };
	}
).auth;
const SITE_URL = authConfig.site_url;
/** Allowed by site_url: same scheme, host and port. */
const RESET_PAGE = `${SITE_URL}/account/reset`;

const createUser = (attributes: AdminUserAttributes = {}) => createAuthUser('recovery', attributes);

async function requestRecovery(email: string, redirectTo?: string) {
	return anonClient().auth.resetPasswordForEmail(email, redirectTo ? { redirectTo } : {});
}

/** POST /recover as any HTTP client sends it, for the raw status and body. */
async function rawRecover(email: string): Promise<{ status: number; body: unknown }> {
	const response = await fetch(`${stack().apiUrl}/auth/v1/recover`, {
		method: 'POST',
		headers: { apikey: stack().anonKey, 'content-type': 'application/json' },
		body: JSON.stringify({ email })
	});
	return { status: response.status, body: await response.json() };
}

const signInError = async (email: string, password: string) =>
	(await anonClient().auth.signInWithPassword({ email, password })).error;

describe.runIf(hasMail)('password recovery by mail', () => {
	it('mails a link that signs the user in once, and lets them set a new password', async () => {
		const { user, email, password } = await createUser();
		const { data, error } = await requestRecovery(email, RESET_PAGE);
		expect(error).toBeNull();
		expect(data).toEqual({});

		const mails = await waitForMails(email);
		expect(mails).toHaveLength(1);
		const mail = mails[0] as Mail;
		expect(mail.To.map((to) => to.Address)).toEqual([email]);
		// The console's template (config.toml [auth.email.template.recovery]).
		expect(mail.Subject).toBe('Choose a new password for User Management');
		expect(mail.Text).toContain('Choose a new password');

		const link = linkOf(mail);
		expect(`${link.origin}${link.pathname}`).toBe(`${stack().apiUrl}/auth/v1/verify`);
		expect(link.searchParams.get('type')).toBe('recovery');
		expect(link.searchParams.get('redirect_to')).toBe(RESET_PAGE);
		const token = link.searchParams.get('token') ?? '';
		if (hasDb) {
			// Stored as GoTrue stores it: the hash the link carries (sha224 hex), and when it was sent.
			const row = await withDb(
				async (db) =>
					(
						await db.query(
							'select recovery_token, recovery_sent_at from auth.users where id = $1',
							[user.id]
						)
					).rows[0]
			);
			expect(row.recovery_token).toMatch(/^[0-9a-f]{56}$/);
			expect(row.recovery_token).toBe(token);
			expect(row.recovery_sent_at).not.toBeNull();
		}

		const followed = await follow(link);
		expect(followed.status).toBe(303);
		expect(followed.location.startsWith(`${RESET_PAGE}#`)).toBe(true);
		expect(followed.fragment.get('type')).toBe('recovery');
		expect(followed.fragment.get('token_type')).toBe('bearer');
		expect(followed.fragment.get('expires_in')).toBe('3600');
		expect(Number(followed.fragment.get('expires_at'))).toBeGreaterThan(Date.now() / 1000);
		const accessToken = followed.fragment.get('access_token') ?? '';
		const refreshToken = followed.fragment.get('refresh_token') ?? '';
		expect(accessToken).not.toBe('');
		expect(refreshToken).not.toBe('');

		const recovered = anonClient();
		const { data: got } = await recovered.auth.getUser(accessToken);
		expect(got.user?.id).toBe(user.id);

		const { error: sessionError } = await recovered.auth.setSession({
			access_token: accessToken,
			refresh_token: refreshToken
		});
		expect(sessionError).toBeNull();
		const chosen = newPassword();
		const { error: updateError } = await recovered.auth.updateUser({ password: chosen });
		expect(updateError).toBeNull();
		expect(await signInError(email, chosen)).toBeNull();
		expect((await signInError(email, password))?.code).toBe('invalid_credentials');

		// The link was used up: following it again gives GoTrue's error fragment and no session.
		const again = await follow(link);
		expect(again.status).toBe(303);
		expect(again.location.startsWith(`${RESET_PAGE}#`)).toBe(true);
		expect(again.fragment.get('error')).toBe('access_denied');
		expect(again.fragment.get('error_code')).toBe('otp_expired');
		expect(again.fragment.get('error_description')).toBe('Email link is invalid or has expired');
		expect(again.fragment.get('access_token')).toBeNull();
	});

	it('verifies the token hash once through verifyOtp, answering a session as sign-in does', async () => {
		const { user, email } = await createUser();
		expect((await requestRecovery(email)).error).toBeNull();
		const tokenHash =
			linkOf((await waitForMails(email))[0] as Mail).searchParams.get('token') ?? '';

		const { data, error } = await anonClient().auth.verifyOtp({
			type: 'recovery',
			token_hash: tokenHash
		});
		expect(error).toBeNull();
		const session = data.session as Session;
		expect(session).toMatchObject({
			token_type: 'bearer',
			expires_in: 3600,
			user: { id: user.id, email }
		});
		const { data: got } = await anonClient().auth.getUser(session.access_token);
		expect(got.user?.id).toBe(user.id);

		const reused = await anonClient().auth.verifyOtp({ type: 'recovery', token_hash: tokenHash });
		expect(reused.error).toMatchObject({
			status: 403,
			code: 'otp_expired',
			message: 'Email link is invalid or has expired'
		});
		expect(reused.data.session).toBeNull();
	});

	it.runIf(hasDb)(
		'verifies an emailed OTP with the address (verifyOtp with email and token)',
		async () => {
			const { user, email } = await createUser();
			// What GoTrue stores for an OTP it mailed: sha224(email || otp), and when it was sent. (The
			// default template shows the link only, so the OTP is set here instead of read from a mail.)
			const otp = '482913';
			await withDb((db) =>
				db.query(
					`update auth.users set recovery_token = encode(sha224(convert_to($2 || $3, 'UTF8')), 'hex'), recovery_sent_at = now() where id = $1`,
					[user.id, email, otp]
				)
			);
			const wrong = await anonClient().auth.verifyOtp({ type: 'recovery', email, token: '000000' });
			expect(wrong.error).toMatchObject({
				status: 403,
				code: 'otp_expired',
				message: 'Token has expired or is invalid'
			});

			const { data, error } = await anonClient().auth.verifyOtp({
				type: 'recovery',
				email,
				token: otp
			});
			expect(error).toBeNull();
			expect(data.user?.id).toBe(user.id);
			const reused = await anonClient().auth.verifyOtp({ type: 'recovery', email, token: otp });
			expect(reused.error?.code).toBe('otp_expired');
		}
	);

	it('confirms the address of an unconfirmed user who follows the link', async () => {
		const { user, email } = await createUser({ email_confirm: false });
		expect(user.email_confirmed_at).toBeUndefined();
		expect((await requestRecovery(email)).error).toBeNull();
		const followed = await follow(linkOf((await waitForMails(email))[0] as Mail));
		const { data } = await anonClient().auth.getUser(followed.fragment.get('access_token') ?? '');
		expect(data.user?.email_confirmed_at).toEqual(expect.any(String));
		expect(data.user?.user_metadata).toMatchObject({ email_verified: true });
	});

	it('answers an unknown address exactly as a known one, and mails nothing', async () => {
		const email = uniqueEmail('nobody');
		const { data, error } = await requestRecovery(email);
		expect(error).toBeNull();
		expect(data).toEqual({});
		expect(await rawRecover(uniqueEmail('nobody'))).toEqual({ status: 200, body: {} });
		expect(await mailCountAfterAWhile(email)).toBe(0);
	});

	it('refuses a second mail to the same user within max_frequency', async () => {
		const { email } = await createUser();
		expect((await requestRecovery(email)).error).toBeNull();
		const second = await rawRecover(email);
		expect(second.status).toBe(429);
		expect(second.body).toMatchObject({
			code: 429,
			error_code: 'over_email_send_rate_limit',
			msg: expect.stringMatching(
				/^For security purposes, you can only request this after \d+ seconds\.$/
			)
		});
		expect((await requestRecovery(email)).error).toMatchObject({
			status: 429,
			code: 'over_email_send_rate_limit'
		});
		expect(await mailCountAfterAWhile(email)).toBe(1);
	});

	it('sends the browser to site_url, not to a redirect_to that is not allowed', async () => {
		const { email } = await createUser();
		expect((await requestRecovery(email, 'https://evil.example/steal')).error).toBeNull();
		const link = linkOf((await waitForMails(email))[0] as Mail);
		expect(link.searchParams.get('redirect_to')).toBe(SITE_URL);

		// A redirect_to added to the link later is no more allowed there.
		link.searchParams.set('redirect_to', 'https://evil.example/steal');
		const followed = await follow(link);
		expect(followed.status).toBe(303);
		expect(followed.location.startsWith(`${SITE_URL}#`)).toBe(true);
		expect(followed.fragment.get('access_token')).not.toBeNull();
	});

	it('gives a banned user no session (the answer still says nothing)', async () => {
		const { email } = await createUser({ ban_duration: '24h' });
		const { data, error } = await requestRecovery(email);
		expect(error).toBeNull();
		expect(data).toEqual({});
		// GoTrue mails a banned user too; the link then refuses them.
		const mails = await waitForMails(email);
		expect(mails).toHaveLength(1);
		for (const mail of mails) {
			const followed = await follow(linkOf(mail));
			expect(followed.fragment.get('access_token')).toBeNull();
			expect(followed.fragment.get('error')).toBe('access_denied');
			expect(followed.fragment.get('error_code')).toBe('user_banned');
			const tokenHash = linkOf(mail).searchParams.get('token') ?? '';
			const verified = await anonClient().auth.verifyOtp({
				type: 'recovery',
				token_hash: tokenHash
			});
			expect(verified.data.session).toBeNull();
		}
	});

	it('answers malformed verify requests as GoTrue', async () => {
		const post = async (body: unknown) => {
			const response = await fetch(`${stack().apiUrl}/auth/v1/verify`, {
				method: 'POST',
				headers: {
					apikey: stack().anonKey,
					'content-type': 'application/json',
					'X-Supabase-Api-Version': '2024-01-01'
				},
				body: JSON.stringify(body)
			});
			return { status: response.status, body: await response.json() };
		};
		expect(await post({ token_hash: 'x' })).toEqual({
			status: 400,
			body: { code: 'validation_failed', message: 'Verify requires a verification type' }
		});
		expect(await post({ type: 'recovery' })).toMatchObject({
			status: 400,
			body: { message: 'Verify requires either a token or a token hash' }
		});
		expect(await post({ type: 'recovery', token_hash: 'x', email: 'a@b.test' })).toMatchObject({
			status: 400,
			body: { message: 'Only the token_hash and type should be provided' }
		});
		expect(await post({ type: 'recovery', token_hash: 'no-such-token' })).toEqual({
			status: 403,
			body: { code: 'otp_expired', message: 'Email link is invalid or has expired' }
		});
		const get = await fetch(`${stack().apiUrl}/auth/v1/verify?type=recovery`, {
			redirect: 'manual'
		});
		expect(get.status).toBe(400);
	});
});
