// The mail catcher as the contract tests read it: tests/support/mail-catcher.ts (shared with the
// e2e suite) bound to the stack under test, plus what these tests look at in a recovery mail — the
// /verify link followed as a browser would, and the token hash whichever link carries it.
import { linkIn, mailCatcher, type CaughtMail } from '../support/mail-catcher.ts';
import { stack } from './stack-under-test.ts';

export type Mail = CaughtMail;

const catcher = () => mailCatcher(stack().mailUrl ?? '');

export const mailsTo = (address: string): Promise<Mail[]> => catcher().mailsTo(address);

/** The mails to `address` once `count` have arrived (the catcher stores them just after SMTP accepts). */
export const waitForMails = (address: string, count = 1): Promise<Mail[]> =>
	catcher().waitForMails(address, count);

/** Lets any mail that was going to arrive arrive, then says how many did. */
export async function mailCountAfterAWhile(address: string): Promise<number> {
	await new Promise((resolve) => setTimeout(resolve, 500));
	return (await mailsTo(address)).length;
}

/**
 * The /auth/v1/verify link of a recovery mail, as a mail client shows it. GoTrue's default template
 * carries it; the console's own (supabase/templates/recovery.html) links to the console's page with
 * the token hash instead, and the same /verify link is the one GoTrue would have put there:
 * token=<hash>&type=recovery&redirect_to=<that page>.
 */
export function linkOf(mail: Mail): URL {
	if (/href="[^"]*\/verify\?/.test(mail.HTML)) return linkIn(mail, /\/verify\?/);
	const page = linkIn(mail, /[?&]token_hash=/);
	// The page exactly as the template printed it (URL would add a trailing slash to a bare origin).
	const printed = /href="([^"?]*)\?[^"]*token_hash=/.exec(mail.HTML)?.[1] ?? page.origin;
	const verify = new URL(`${stack().apiUrl}/auth/v1/verify`);
	verify.searchParams.set('token', page.searchParams.get('token_hash') ?? '');
	verify.searchParams.set('type', 'recovery');
	verify.searchParams.set('redirect_to', printed);
	return verify;
}

/** Follows a mail link as a browser does: no apikey, and the redirect looked at rather than followed. */
export async function follow(
	link: URL
): Promise<{ status: number; location: string; fragment: URLSearchParams }> {
	const response = await fetch(link, { redirect: 'manual' });
	const location = response.headers.get('location') ?? '';
	return {
		status: response.status,
		location,
		fragment: new URLSearchParams(location.split('#')[1] ?? '')
	};
}

/**
 * The token hash of a recovery mail, whichever link carries it: GoTrue's default template links to
 * /auth/v1/verify?token=<hash>; the console's template to its own page with ?token_hash=<hash>.
 */
export function recoveryTokenHash(mail: Mail): string {
	for (const [, href = ''] of mail.HTML.matchAll(/href="([^"]*)"/g)) {
		let url: URL;
		try {
			url = new URL(href.replaceAll('&amp;', '&'));
		} catch {
			continue;
		}
		const hash =
			url.searchParams.get('token_hash') ??
			(url.pathname.endsWith('/verify') ? url.searchParams.get('token') : null);
		if (hash) return hash;
	}
	throw new Error(`no recovery token in the mail: ${mail.HTML}`);
}
