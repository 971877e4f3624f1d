// GoTrue's mailer for the one mail the local stack sends, password recovery: the template (GoTrue's
// default subject and body, or config.toml's [auth.email.template.recovery]), the link to
// /verify built as GoTrue's templatemailer builds it, the global email rate limit, and delivery over
// plain SMTP to the stack's mail catcher, as GoTrue's gomail client sends it (one text/html part).
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { internalError } from './errors.ts';
import type { MailSettings, MailTemplateSettings } from './mail-settings.ts';
import { emailRateLimitExceeded, IntervalLimiter } from './one-time-tokens.ts';

export const DEFAULT_RECOVERY_SUBJECT = 'Reset your password';
export const DEFAULT_RECOVERY_BODY = `<h2>Reset your password</h2>

<p>We received a request to reset your password. Follow the link below to choose a new one.</p>
<p><a href="{{ .ConfirmationURL }}">Reset password</a></p>
<p>If you didn't request this, you can safely ignore this email.</p>`;

export interface OutgoingMail {
	to: string;
	subject: string;
	html: string;
}

export interface MailTransport {
	send(mail: OutgoingMail): Promise<void>;
}

/** Go's url.QueryEscape: everything but A-Z a-z 0-9 - _ . ~ escaped, spaces as '+'. */
export function goQueryEscape(value: string): string {
	return encodeURIComponent(value)
		.replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
		.replaceAll('%20', '+');
}

/**
 * The ConfirmationURL of a recovery mail (templatemailer's getPath): the CLI points GoTrue's
 * recovery URL path at <external url>/verify, and redirect_to goes in as given unless it holds
 * '&', '=' or '#', which GoTrue then query-escapes.
 */
export function recoveryLink(
	externalUrl: string,
	tokenHashWithPrefix: string,
	redirectTo: string
): string {
	const redirect = /[&=#]/.test(redirectTo) ? goQueryEscape(redirectTo) : redirectTo;
	return `${externalUrl}/verify?token=${goQueryEscape(tokenHashWithPrefix)}&type=recovery&redirect_to=${redirect}`;
}

/** What Go's html/template escapes in the values it prints (its htmlReplacementTable). */
export function escapeHtml(value: string): string {
	return value.replace(/[\0&'<>"+]/g, (char) =>
		char === '\0'
			? '\uFFFD'
			: ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '+': '&#43;' }[
					char
				] ?? char)
	);
}

export class UnsupportedTemplateError extends Error {}

const ACTION = /\{\{(-\s)?\s*([\s\S]*?)\s*(\s-)?\}\}/g;
const FIELD_PATH = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

function display(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
		return String(value);
	return JSON.stringify(value);
}

/**
 * A Go template reduced to what mail templates use: `{{ .Field }}` and `{{ .Data.key }}`
 * placeholders (values HTML-escaped, as html/template does), comments and the `{{-`/`-}}` trim
 * markers. Anything else (if, range, pipelines, functions) throws UnsupportedTemplateError.
 */
export function renderTemplate(template: string, data: Record<string, unknown>): string {
	let out = '';
	let last = 0;
	for (const match of template.matchAll(ACTION)) {
		let before = template.slice(last, match.index);
		if (match[1]) before = before.replace(/\s+$/, '');
		out += before;
		last = match.index + match[0].length;
		if (match[3]) {
			const trailing = /^\s*/.exec(template.slice(last))?.[0] ?? '';
			last += trailing.length;
		}
		const action = match[2] ?? '';
		if (action.startsWith('/*') && action.endsWith('*/')) continue;
		if (!FIELD_PATH.test(action)) {
			throw new UnsupportedTemplateError(
				`the local stack renders only {{ .Field }} placeholders, not {{ ${action} }}`
			);
		}
		let value: unknown = data;
		for (const key of action.slice(1).split('.')) {
			value =
				typeof value === 'object' && value !== null
					? (value as Record<string, unknown>)[key]
					: undefined;
		}
		out += escapeHtml(display(value));
	}
	return out + template.slice(last);
}

export interface RecoveryMailInput {
	/** The user's email as stored: GoTrue sends to it and hashed the token with it. */
	email: string;
	otp: string;
	tokenHashWithPrefix: string;
	redirectTo: string;
	userMetadata: Record<string, unknown> | null;
}

export class Mailer {
	private readonly limiter: IntervalLimiter | null;
	private readonly reported = new Set<string>();

	constructor(
		private readonly settings: MailSettings,
		private readonly transport: MailTransport,
		private readonly log: (message: string) => void
	) {
		this.limiter = settings.autoconfirm
			? null
			: new IntervalLimiter(settings.emailsPerHour, 3_600_000);
	}

	/** The recovery mail as GoTrue's RecoveryMail composes it; 429 when the email rate limit is spent. */
	async sendRecovery(input: RecoveryMailInput): Promise<void> {
		// GoTrue's sendEmail: a zero budget refuses every mail; otherwise the budget applies only
		// when mails confirm addresses (GoTrue still skips it under autoconfirm).
		if (this.settings.emailsPerHour === 0) throw emailRateLimitExceeded();
		if (this.limiter && !this.limiter.allow()) throw emailRateLimitExceeded();

		const data = {
			SiteURL: this.settings.siteUrl,
			ConfirmationURL: recoveryLink(
				this.settings.externalUrl,
				input.tokenHashWithPrefix,
				input.redirectTo
			),
			Email: input.email,
			Token: input.otp,
			TokenHash: input.tokenHashWithPrefix,
			Data: input.userMetadata ?? {},
			RedirectTo: input.redirectTo
		};
		const { subject, body } = this.template(
			'recovery',
			this.settings.recovery,
			DEFAULT_RECOVERY_SUBJECT,
			DEFAULT_RECOVERY_BODY
		);
		const mail = {
			to: input.email,
			subject: this.render(subject, DEFAULT_RECOVERY_SUBJECT, data),
			html: this.render(body, DEFAULT_RECOVERY_BODY, data)
		};
		try {
			await this.transport.send(mail);
		} catch (error) {
			throw internalError('Error sending recovery email', error);
		}
	}

	/** GoTrue reloads templates as they change, and falls back to its default when one cannot be read. */
	private template(
		kind: string,
		settings: MailTemplateSettings,
		defaultSubject: string,
		defaultBody: string
	) {
		let body = defaultBody;
		if (settings.contentPath) {
			try {
				body = readFileSync(settings.contentPath, 'utf8');
			} catch (error) {
				this.reportOnce(
					`${kind} template ${settings.contentPath} unreadable (${(error as Error).message}); using GoTrue's default`
				);
			}
		}
		return { subject: settings.subject ?? defaultSubject, body };
	}

	private render(template: string, fallback: string, data: Record<string, unknown>): string {
		try {
			return renderTemplate(template, data);
		} catch (error) {
			if (!(error instanceof UnsupportedTemplateError)) throw error;
			this.reportOnce(`mail template: ${error.message}; using GoTrue's default`);
			return renderTemplate(fallback, data);
		}
	}

	private reportOnce(message: string) {
		if (this.reported.has(message)) return;
		this.reported.add(message);
		this.log(message);
	}
}

/**
 * Plain SMTP to `smtp` (the stack's catcher: no TLS, no login), introducing itself with the
 * external URL's host name as GoTrue's client does.
 */
export function smtpTransport(
	smtp: { host: string; port: number },
	options: { from: { address: string; name: string }; localName: string }
): MailTransport {
	const transporter = nodemailer.createTransport({
		host: smtp.host,
		port: smtp.port,
		secure: false,
		ignoreTLS: true,
		name: options.localName,
		connectionTimeout: 10_000,
		greetingTimeout: 10_000,
		socketTimeout: 30_000
	});
	const from = options.from.name
		? { name: options.from.name, address: options.from.address }
		: options.from.address;
	return {
		async send(mail) {
			await transporter.sendMail({ from, to: mail.to, subject: mail.subject, html: mail.html });
		}
	};
}
