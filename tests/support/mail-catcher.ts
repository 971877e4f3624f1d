// Reading what Auth mailed, from the mail catcher's API (Mailpit's /api/v1, proxied by the stack's
// mail page): the contract tests and the e2e suite both wait for a mail and follow its link.

export interface CaughtMail {
	ID: string;
	To: Array<{ Address: string }>;
	From: { Address: string; Name: string };
	Subject: string;
	HTML: string;
	Text: string;
}

export function mailCatcher(mailUrl: string) {
	async function api<T>(path: string): Promise<T> {
		const response = await fetch(`${mailUrl}${path}`);
		if (!response.ok) throw new Error(`mail catcher ${path}: ${response.status}`);
		return (await response.json()) as T;
	}

	async function mailsTo(address: string): Promise<CaughtMail[]> {
		const found = await api<{ messages: Array<{ ID: string }> }>(
			`/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`
		);
		return Promise.all(
			found.messages.map((message) => api<CaughtMail>(`/api/v1/message/${message.ID}`))
		);
	}

	return {
		mailsTo,
		/** The mails to `address` once `count` have arrived (they are stored just after SMTP accepts). */
		async waitForMails(address: string, count = 1, timeoutMs = 5000): Promise<CaughtMail[]> {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const mails = await mailsTo(address);
				if (mails.length >= count || Date.now() > deadline) return mails;
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
		}
	};
}

/** The first link of a mail whose address matches, as a mail client opens it (HTML unescaped). */
export function linkIn(mail: CaughtMail, pattern: RegExp): URL {
	for (const [, href] of mail.HTML.matchAll(/href="([^"]*)"/g)) {
		const url = href!.replaceAll('&amp;', '&');
		if (pattern.test(url)) return new URL(url);
	}
	throw new Error(`no link matching ${pattern} in the mail: ${mail.HTML}`);
}
