// The default export: Node (the benchmarks run this module there) sees only punycode.js's CommonJS build.
import punycode from 'punycode.js';
import type { UserRow } from '$shared/users.ts';

/** The row and the columns the console shows, written once with the Edge Functions'. */
export { USER_COLUMNS, type UserRow } from '$shared/users.ts';

export const fullName = (user: Pick<UserRow, 'first_name' | 'last_name'>): string =>
	`${user.first_name} ${user.last_name}`;

/**
 * An address as people read it: Chromium's email fields send an internationalised domain in its
 * ASCII form (`xn--dmo-bma.test`), which is what Auth and the database store; it reads `démo.test`.
 */
export function displayEmail(email: string): string {
	const at = email.lastIndexOf('@');
	if (at < 0 || !email.includes('xn--', at)) return email;
	try {
		return `${email.slice(0, at)}@${punycode.toUnicode(email.slice(at + 1))}`;
	} catch {
		return email;
	}
}
