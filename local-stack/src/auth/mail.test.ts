// The parts of password recovery that need no database or SMTP server: GoTrue's redirect rules,
// its one-time tokens and limits, the mail template and link, the config.toml mapping, the
// /verify redirect URLs, and the mailer against a transport that keeps what it is given.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthHttpError } from './errors.ts';
import {
	DEFAULT_RECOVERY_BODY,
	escapeHtml,
	goQueryEscape,
	Mailer,
	recoveryLink,
	renderTemplate,
	type OutgoingMail
} from './mail.ts';
import { mailSettingsFromConfig, type MailSettings } from './mail-settings.ts';
import {
	checkSendFrequency,
	generateOtp,
	IntervalLimiter,
	isOtpExpired,
	isOtpValid,
	tokenHash
} from './one-time-tokens.ts';
import { validatePkceParams } from './recover.ts';
import { chooseRedirect, compileGlob, isRedirectUrlValid, parseGoUrl } from './redirects.ts';
import { errorRedirectUrl, goEncodeValues, sessionRedirectUrl } from './verify.ts';

function thrown(action: () => unknown): unknown {
	try {
		action();
	} catch (error) {
		return error;
	}
	throw new Error('expected a throw');
}

const policy = {
	siteUrl: 'http://127.0.0.1:3000',
	allowList: [
		'https://127.0.0.1:3000',
		'https://app.example.com/**',
		'https://*.preview.example.com'
	]
};

describe('redirect_to (GoTrue IsRedirectURLValid / GetReferrer)', () => {
	it('parses URLs as Go does for the check', () => {
		expect(parseGoUrl('HTTP://Example.com:8080/x?y#z')).toEqual({
			scheme: 'http',
			hostname: 'Example.com',
			port: '8080'
		});
		expect(parseGoUrl('http://[::1]:3000/')).toEqual({
			scheme: 'http',
			hostname: '::1',
			port: '3000'
		});
		expect(parseGoUrl('myapp://callback')).toEqual({
			scheme: 'myapp',
			hostname: 'callback',
			port: ''
		});
		expect(parseGoUrl('http://host:port/')).toBeNull();
		expect(parseGoUrl('http://a\nb/')).toBeNull();
		expect(parseGoUrl(':nothing')).toBeNull();
	});

	it('accepts site_url itself, and any port on it for loopback hosts', () => {
		expect(isRedirectUrlValid(policy, 'http://127.0.0.1:3000/account/reset')).toBe(true);
		expect(isRedirectUrlValid(policy, 'http://127.0.0.1:5173/')).toBe(true);
		expect(
			isRedirectUrlValid(
				{ siteUrl: 'https://example.com', allowList: [] },
				'https://example.com:8443/'
			)
		).toBe(false);
		expect(
			isRedirectUrlValid({ siteUrl: 'https://example.com', allowList: [] }, 'http://example.com/')
		).toBe(false);
	});

	it('accepts loopback IP addresses and refuses other IPs and decimal hosts', () => {
		expect(isRedirectUrlValid(policy, 'http://127.0.0.2:9/')).toBe(true);
		expect(isRedirectUrlValid(policy, 'http://[::1]:9/')).toBe(true);
		expect(isRedirectUrlValid(policy, 'http://10.0.0.1/')).toBe(false);
		expect(isRedirectUrlValid(policy, 'http://2130706433/')).toBe(false);
	});

	it('matches additional_redirect_urls as globs with . and / as separators', () => {
		expect(isRedirectUrlValid(policy, 'https://127.0.0.1:3000')).toBe(true);
		expect(isRedirectUrlValid(policy, 'https://app.example.com/reset/deep/path')).toBe(true);
		expect(isRedirectUrlValid(policy, 'https://app.example.com/x#fragment-ignored')).toBe(true);
		expect(isRedirectUrlValid(policy, 'https://pr-1.preview.example.com')).toBe(true);
		expect(isRedirectUrlValid(policy, 'https://a.b.preview.example.com')).toBe(false);
		expect(isRedirectUrlValid(policy, 'https://evil.example/')).toBe(false);
		expect(isRedirectUrlValid(policy, 'https://app.example.com.evil.example/')).toBe(false);
		expect(isRedirectUrlValid(policy, 'https://exa_mple.com/')).toBe(false);
		expect(isRedirectUrlValid(policy, '')).toBe(false);
	});

	it('compiles gobwas/glob syntax', () => {
		expect(compileGlob('http://{a,b}.test/?').test('http://b.test/x')).toBe(true);
		expect(compileGlob('http://[a-c].test').test('http://d.test')).toBe(false);
		expect(compileGlob('http://[!a].test').test('http://b.test')).toBe(true);
		expect(compileGlob('http://x.test/\\*').test('http://x.test/*')).toBe(true);
		expect(compileGlob('http://x.test/\\*').test('http://x.test/a')).toBe(false);
	});

	it('uses redirect_to, then the Referer, then site_url', () => {
		expect(chooseRedirect(policy, { redirectTo: 'https://app.example.com/a', referer: '' })).toBe(
			'https://app.example.com/a'
		);
		expect(
			chooseRedirect(policy, {
				redirectTo: 'https://evil.example/',
				referer: 'http://127.0.0.1:3000/login'
			})
		).toBe('http://127.0.0.1:3000/login');
		expect(
			chooseRedirect(policy, {
				redirectTo: 'https://evil.example/',
				referer: 'https://evil.example/'
			})
		).toBe('http://127.0.0.1:3000');
	});
});

describe('one-time tokens and limits', () => {
	it('generates zero-padded numeric OTPs of the configured length', () => {
		for (const length of [6, 8, 10])
			expect(generateOtp(length)).toMatch(new RegExp(`^\\d{${length}}$`));
	});

	it('hashes as GoTrue: sha224 of email followed by OTP, in hex', () => {
		expect(tokenHash('ada@example.com', '123456')).toBe(
			'b3e6748f730bb25fa8ce9a5fda7fd5bf5f56ee21419043fe1c94d975'
		);
	});

	it('refuses a second mail within max_frequency with GoTrue 429 and wording', () => {
		expect(() => checkSendFrequency(null, 60_000, 1_000_000)).not.toThrow();
		expect(() => checkSendFrequency(1_000_000, 60_000, 1_060_000)).not.toThrow();
		const error = thrown(() => checkSendFrequency(1_000_000, 60_000, 1_000_500)) as AuthHttpError;
		expect(error).toBeInstanceOf(AuthHttpError);
		expect(error).toMatchObject({
			status: 429,
			code: 'over_email_send_rate_limit',
			message: 'For security purposes, you can only request this after 59 seconds.'
		});
		expect(thrown(() => checkSendFrequency(1_000_000, 1_000, 1_000_200))).toMatchObject({
			message: 'For security purposes, you can only request this after 0 seconds.'
		});
	});

	it('expires OTPs after otp_expiry and accepts the PKCE-prefixed form', () => {
		expect(isOtpExpired(0, 3600, 3_600_000)).toBe(false);
		expect(isOtpExpired(0, 3600, 3_600_001)).toBe(true);
		expect(isOtpExpired(null, 3600, 0)).toBe(true);
		expect(isOtpValid('abc', 'abc', 0, 60, 1)).toBe(true);
		expect(isOtpValid('abc', 'pkce_abc', 0, 60, 1)).toBe(true);
		expect(isOtpValid('abc', '', 0, 60, 1)).toBe(false);
		expect(isOtpValid('abc', 'abc', null, 60, 1)).toBe(false);
		expect(isOtpValid('abc', 'abd', 0, 60, 1)).toBe(false);
	});

	it('limits events per interval, resetting at whole intervals', () => {
		const limiter = new IntervalLimiter(2, 1000, 0);
		expect([limiter.allow(10), limiter.allow(20), limiter.allow(999)]).toEqual([true, true, false]);
		expect([
			limiter.allow(1000),
			limiter.allow(1500),
			limiter.allow(1999),
			limiter.allow(3100)
		]).toEqual([true, true, false, true]);
	});

	it('validates PKCE parameters as GoTrue', () => {
		expect(() => validatePkceParams('', '')).not.toThrow();
		expect(thrown(() => validatePkceParams('s256', ''))).toMatchObject({
			status: 400,
			message: 'PKCE flow requires code_challenge_method and code_challenge'
		});
		expect(thrown(() => validatePkceParams('s256', 'short'))).toMatchObject({
			message: 'code challenge has to be between 43 and 128 characters'
		});
	});
});

describe('mail template and link', () => {
	it('escapes as Go html/template does', () => {
		expect(escapeHtml(`a&b<c>"d'e+f`)).toBe('a&amp;b&lt;c&gt;&#34;d&#39;e&#43;f');
		expect(goQueryEscape("a b/c?d=e&f!'()*~")).toBe('a+b%2Fc%3Fd%3De%26f%21%27%28%29%2A~');
	});

	it('builds the /verify link as GoTrue, escaping redirect_to only when it holds & = or #', () => {
		const base = 'http://127.0.0.1:54321/auth/v1';
		expect(recoveryLink(base, 'abc123', 'http://127.0.0.1:3000')).toBe(
			'http://127.0.0.1:54321/auth/v1/verify?token=abc123&type=recovery&redirect_to=http://127.0.0.1:3000'
		);
		expect(recoveryLink(base, 'abc123', 'http://127.0.0.1:3000/?next=a')).toBe(
			'http://127.0.0.1:54321/auth/v1/verify?token=abc123&type=recovery&redirect_to=http%3A%2F%2F127.0.0.1%3A3000%2F%3Fnext%3Da'
		);
	});

	it('renders {{ .Field }} placeholders, nested data, comments and trim markers', () => {
		const data = {
			Token: '123456',
			Data: { name: '<Ada>' },
			ConfirmationURL: 'http://x/verify?token=a&type=recovery'
		};
		expect(renderTemplate('Code {{ .Token }} for {{.Data.name}}{{/* note */}}!', data)).toBe(
			'Code 123456 for &lt;Ada&gt;!'
		);
		expect(renderTemplate('a  {{- .Token -}}  b', data)).toBe('a123456b');
		expect(renderTemplate('{{ .Missing }}|{{ .Data.none }}', data)).toBe('|');
		expect(renderTemplate(DEFAULT_RECOVERY_BODY, data)).toContain(
			'<a href="http://x/verify?token=a&amp;type=recovery">Reset password</a>'
		);
		expect(() => renderTemplate('{{ if .Token }}x{{ end }}', data)).toThrow(
			/only \{\{ \.Field \}\}/
		);
	});
});

const baseConfig = `
[auth]
site_url = "http://127.0.0.1:3000"
additional_redirect_urls = ["https://127.0.0.1:3000"]
[auth.email]
max_frequency = "1s"
otp_length = 6
otp_expiry = 3600
`;

describe('config.toml as the Supabase CLI passes it to GoTrue', () => {
	const options = { apiUrl: 'http://127.0.0.1:54321', projectDir: '/project' };

	it('reads site_url, redirects, max_frequency, OTP settings and the CLI catcher defaults', () => {
		expect(mailSettingsFromConfig(baseConfig, options)).toEqual({
			siteUrl: 'http://127.0.0.1:3000',
			allowList: ['https://127.0.0.1:3000'],
			externalUrl: 'http://127.0.0.1:54321/auth/v1',
			emailEnabled: true,
			autoconfirm: true,
			maxFrequencyMs: 1000,
			otpLength: 6,
			otpExpirySeconds: 3600,
			emailsPerHour: 360_000,
			from: { address: 'admin@email.com', name: 'Admin' },
			recovery: { subject: null, contentPath: null }
		} satisfies MailSettings);
	});

	it("falls back to GoTrue's defaults for zero or missing values", () => {
		const settings = mailSettingsFromConfig('[auth.email]\notp_length = 4\n', options);
		expect(settings).toMatchObject({
			maxFrequencyMs: 60_000,
			otpLength: 6,
			otpExpirySeconds: 86_400,
			siteUrl: 'http://127.0.0.1:3000',
			allowList: []
		});
	});

	it('reads [local_smtp] sender, the recovery template, and email_sent only for a custom SMTP server', () => {
		const settings = mailSettingsFromConfig(
			`${baseConfig}
[auth.rate_limit]
email_sent = 2
[auth.email.template.recovery]
subject = "Pick a new password"
content_path = "./supabase/templates/recovery.html"
[local_smtp]
admin_email = "no-reply@acme.test"
sender_name = "Acme"
`,
			options
		);
		expect(settings).toMatchObject({
			emailsPerHour: 360_000,
			from: { address: 'no-reply@acme.test', name: 'Acme' },
			recovery: {
				subject: 'Pick a new password',
				contentPath: '/project/supabase/templates/recovery.html'
			}
		});
		const custom = mailSettingsFromConfig(
			`${baseConfig}\n[auth.rate_limit]\nemail_sent = 2\n[auth.email.smtp]\nenabled = true\nadmin_email = "a@b.test"\n`,
			options
		);
		expect(custom).toMatchObject({ emailsPerHour: 2, from: { address: 'a@b.test', name: '' } });
	});

	it('refuses a max_frequency that is not a Go duration', () => {
		expect(() => mailSettingsFromConfig('[auth.email]\nmax_frequency = "soon"\n', options)).toThrow(
			/max_frequency: time: invalid duration/
		);
	});
});

describe('/verify redirects', () => {
	it('puts the session in the fragment with the keys sorted, as Go url.Values encodes them', () => {
		const url = sessionRedirectUrl(
			'http://127.0.0.1:3000/reset',
			{
				access_token: 'a.b.c',
				token_type: 'bearer',
				expires_in: 3600,
				expires_at: 1700000000,
				refresh_token: 'r1'
			},
			'recovery'
		);
		expect(url).toBe(
			'http://127.0.0.1:3000/reset#access_token=a.b.c&expires_at=1700000000&expires_in=3600&refresh_token=r1&sb=&token_type=bearer&type=recovery'
		);
	});

	it("answers a bad token with GoTrue's error fragment", () => {
		const error = new AuthHttpError(403, 'otp_expired', 'Email link is invalid or has expired');
		expect(errorRedirectUrl('http://127.0.0.1:3000/x?keep=1#old', error, false)).toBe(
			'http://127.0.0.1:3000/x?keep=1#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb='
		);
		expect(errorRedirectUrl('http://127.0.0.1:3000/x?keep=1', error, true)).toBe(
			'http://127.0.0.1:3000/x?error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&keep=1#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb='
		);
		expect(goEncodeValues({ b: '2', a: 'x y' })).toBe('a=x+y&b=2');
	});
});

describe('Mailer', () => {
	const dir = mkdtempSync(join(tmpdir(), 'umc-mail-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	const settings = (overrides: Partial<MailSettings> = {}): MailSettings => ({
		...mailSettingsFromConfig(baseConfig, { apiUrl: 'http://127.0.0.1:54321', projectDir: dir }),
		...overrides
	});
	const input = {
		email: 'ada@example.com',
		otp: '123456',
		tokenHashWithPrefix: 'hash',
		redirectTo: 'http://127.0.0.1:3000',
		userMetadata: { name: 'Ada' }
	};

	function mailerWith(options: Partial<MailSettings>, logs: string[] = []) {
		const sent: OutgoingMail[] = [];
		const mailer = new Mailer(
			settings(options),
			{ send: async (mail) => void sent.push(mail) },
			(line) => logs.push(line)
		);
		return { mailer, sent };
	}

	it("sends GoTrue's default recovery mail with the link to /verify", async () => {
		const { mailer, sent } = mailerWith({});
		await mailer.sendRecovery(input);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ to: 'ada@example.com', subject: 'Reset your password' });
		expect(sent[0]?.html).toContain(
			'href="http://127.0.0.1:54321/auth/v1/verify?token=hash&amp;type=recovery&amp;redirect_to=http://127.0.0.1:3000"'
		);
	});

	it('uses the project template and subject, and falls back to the default for what it cannot render', async () => {
		const path = join(dir, 'recovery.html');
		writeFileSync(
			path,
			'<p>Hi {{ .Data.name }}, code {{ .Token }}, <a href="{{ .SiteURL }}">site</a></p>'
		);
		const { mailer, sent } = mailerWith({
			recovery: { subject: 'Code {{ .Token }}', contentPath: path }
		});
		await mailer.sendRecovery(input);
		expect(sent[0]).toMatchObject({
			subject: 'Code 123456',
			html: '<p>Hi Ada, code 123456, <a href="http://127.0.0.1:3000">site</a></p>'
		});

		writeFileSync(path, '{{ if .Token }}x{{ end }}');
		const logs: string[] = [];
		const fallback = mailerWith({ recovery: { subject: null, contentPath: path } }, logs);
		await fallback.mailer.sendRecovery(input);
		expect(fallback.sent[0]?.html).toContain('Reset password');
		expect(logs.join('\n')).toMatch(/using GoTrue's default/);
		expect(logs.join('\n')).not.toContain('123456');
	});

	it('applies the email rate limit: zero refuses all, otherwise only without autoconfirm', async () => {
		await expect(mailerWith({ emailsPerHour: 0 }).mailer.sendRecovery(input)).rejects.toMatchObject(
			{ status: 429, message: 'email rate limit exceeded' }
		);
		const limited = mailerWith({ emailsPerHour: 1, autoconfirm: false });
		await limited.mailer.sendRecovery(input);
		await expect(limited.mailer.sendRecovery(input)).rejects.toMatchObject({
			status: 429,
			code: 'over_email_send_rate_limit'
		});
		const autoconfirmed = mailerWith({ emailsPerHour: 1, autoconfirm: true });
		await autoconfirmed.mailer.sendRecovery(input);
		await autoconfirmed.mailer.sendRecovery(input);
		expect(autoconfirmed.sent).toHaveLength(2);
	});

	it('reports a failed delivery as GoTrue 500', async () => {
		const mailer = new Mailer(
			settings(),
			{ send: async () => Promise.reject(new Error('connect ECONNREFUSED')) },
			() => undefined
		);
		await expect(mailer.sendRecovery(input)).rejects.toMatchObject({
			status: 500,
			message: 'Error sending recovery email'
		});
	});
});
