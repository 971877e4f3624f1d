// What GoTrue's mailer is configured with, read from supabase/config.toml the way the Supabase CLI
// turns it into GOTRUE_* variables (internal/start/start.go, buildGotrueEnv): site_url and
// additional_redirect_urls, [auth.email] max_frequency, otp_length, otp_expiry,
// enable_confirmations, [auth.email.template.recovery] subject and content_path, [local_smtp]
// admin_email and sender_name, and GoTrue's own defaults where the CLI passes nothing (or zero).
import { isAbsolute, join } from 'node:path';
import { parse } from 'smol-toml';
import { GoDurationError, parseGoDuration } from './go-duration.ts';

export interface MailTemplateSettings {
	/** GOTRUE_MAILER_SUBJECTS_<TYPE>; null: GoTrue's default subject. */
	subject: string | null;
	/** The file the CLI serves as GOTRUE_MAILER_TEMPLATES_<TYPE>; null: GoTrue's default body. */
	contentPath: string | null;
}

export interface MailSettings {
	/** GOTRUE_SITE_URL. */
	siteUrl: string;
	/** GOTRUE_URI_ALLOW_LIST. */
	allowList: string[];
	/** API_EXTERNAL_URL: the public base of Auth, e.g. http://127.0.0.1:54321/auth/v1. */
	externalUrl: string;
	/** GOTRUE_EXTERNAL_EMAIL_ENABLED. */
	emailEnabled: boolean;
	/** GOTRUE_MAILER_AUTOCONFIRM (config.toml's enable_confirmations, inverted). */
	autoconfirm: boolean;
	/** GOTRUE_SMTP_MAX_FREQUENCY in milliseconds: the least time between two mails of a kind to one user. */
	maxFrequencyMs: number;
	/** GOTRUE_MAILER_OTP_LENGTH. */
	otpLength: number;
	/** GOTRUE_MAILER_OTP_EXP in seconds. */
	otpExpirySeconds: number;
	/** GOTRUE_RATE_LIMIT_EMAIL_SENT: mails per hour, all users together. */
	emailsPerHour: number;
	/** GOTRUE_SMTP_ADMIN_EMAIL and GOTRUE_SMTP_SENDER_NAME. */
	from: { address: string; name: string };
	recovery: MailTemplateSettings;
}

/** GoTrue's defaults for what the CLI passes as zero (conf/configuration.go). */
const DEFAULT_MAX_FREQUENCY_MS = 60_000;
const DEFAULT_OTP_LENGTH = 6;
const DEFAULT_OTP_EXPIRY_SECONDS = 86_400;
/** The CLI's GOTRUE_RATE_LIMIT_EMAIL_SENT when mail goes to its own catcher. */
const CATCHER_EMAILS_PER_HOUR = 360_000;
/** The CLI's [local_smtp] defaults. */
const DEFAULT_ADMIN_EMAIL = 'admin@email.com';
const DEFAULT_SENDER_NAME = 'Admin';
/** The site_url of the CLI's config.toml template. */
const DEFAULT_SITE_URL = 'http://127.0.0.1:3000';

type Table = Record<string, unknown>;

function table(parent: unknown, key: string): Table {
	const value = (parent as Table | undefined)?.[key];
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Table)
		: {};
}

const text = (section: Table, key: string): string | null =>
	typeof section[key] === 'string' ? (section[key] as string) : null;
const number = (section: Table, key: string): number | null => {
	const value = section[key];
	if (typeof value === 'number') return value;
	if (typeof value === 'bigint') return Number(value);
	return null;
};

function maxFrequency(value: unknown): number {
	if (value === undefined) return DEFAULT_MAX_FREQUENCY_MS;
	if (typeof value !== 'string')
		throw new Error('config.toml: auth.email.max_frequency must be a duration such as "60s"');
	let nanos: bigint;
	try {
		nanos = parseGoDuration(value);
	} catch (error) {
		if (error instanceof GoDurationError)
			throw new Error(`config.toml: auth.email.max_frequency: ${error.message}`, { cause: error });
		throw error;
	}
	return nanos === 0n ? DEFAULT_MAX_FREQUENCY_MS : Number(nanos / 1_000_000n);
}

/**
 * `projectDir` is the folder holding supabase/: the CLI reads auth.email.template content_path
 * relative to it. `apiUrl` is the gateway's public base URL.
 */
export function mailSettingsFromConfig(
	configToml: string,
	options: { apiUrl: string; projectDir: string }
): MailSettings {
	const config = parse(configToml);
	const auth = table(config, 'auth');
	const email = table(auth, 'email');
	const smtp = table(email, 'smtp');
	const customSmtp = smtp.enabled === true;
	// The CLI's config.toml names the catcher [local_smtp]; older ones said [inbucket].
	const catcher =
		Object.keys(table(config, 'local_smtp')).length > 0
			? table(config, 'local_smtp')
			: table(config, 'inbucket');
	const sender = customSmtp ? smtp : catcher;

	const otpLength = number(email, 'otp_length') ?? 0;
	const otpExpiry = number(email, 'otp_expiry') ?? 0;
	const redirectUrls = Array.isArray(auth.additional_redirect_urls)
		? auth.additional_redirect_urls
		: [];
	const externalUrl = text(auth, 'external_url') || `${options.apiUrl.replace(/\/+$/, '')}/auth/v1`;
	const recovery = table(table(email, 'template'), 'recovery');
	const contentPath = text(recovery, 'content_path');

	return {
		siteUrl: text(auth, 'site_url') || DEFAULT_SITE_URL,
		allowList: redirectUrls.filter((url): url is string => typeof url === 'string' && url !== ''),
		externalUrl: externalUrl.replace(/\/+$/, ''),
		emailEnabled: email.enable_signup !== false,
		autoconfirm: email.enable_confirmations !== true,
		maxFrequencyMs: maxFrequency(email.max_frequency),
		otpLength: otpLength < 6 || otpLength > 10 ? DEFAULT_OTP_LENGTH : otpLength,
		otpExpirySeconds: otpExpiry > 0 ? otpExpiry : DEFAULT_OTP_EXPIRY_SECONDS,
		// Only a project's own SMTP server gets [auth.rate_limit] email_sent; the catcher gets the CLI's fixed value.
		emailsPerHour: customSmtp
			? (number(table(auth, 'rate_limit'), 'email_sent') ?? 0)
			: CATCHER_EMAILS_PER_HOUR,
		from: {
			address: text(sender, 'admin_email') ?? (customSmtp ? '' : DEFAULT_ADMIN_EMAIL),
			name: text(sender, 'sender_name') ?? (customSmtp ? '' : DEFAULT_SENDER_NAME)
		},
		recovery: {
			subject: text(recovery, 'subject'),
			contentPath: contentPath
				? isAbsolute(contentPath)
					? contentPath
					: join(options.projectDir, contentPath)
				: null
		}
	};
}
