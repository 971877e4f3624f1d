// Each Data API request is one transaction that starts the way PostgREST starts it: become the
// `authenticator` session, then set the role from the JWT, the request.* settings policies and
// functions read (`auth.uid()` reads request.jwt.claims), the search_path and the role's own
// settings (statement_timeout…). Postgres then decides everything else: privileges, RLS, triggers.
import type { Database, Sql } from '../database.ts';
import type { RequestIdentity } from './auth.ts';
import { quoteIdent } from './sql.ts';

/** The login role PostgREST connects as; it may only switch to the roles granted to it. */
export const AUTHENTICATOR_ROLE = 'authenticator';

export interface RequestSettings {
	identity: RequestIdentity;
	method: string;
	/** The path as PostgREST sees it, below /rest/v1: `/users`, `/rpc/fn`. */
	path: string;
	headers: Record<string, string>;
	cookies: Record<string, string>;
	searchPath: string[];
	/** The role's ALTER ROLE … SET settings, from the schema cache. */
	roleSettings: Array<[string, string]>;
}

export function parseCookies(header: string | undefined): Record<string, string> {
	const cookies: Record<string, string> = {};
	for (const part of (header ?? '').split(';')) {
		const equals = part.indexOf('=');
		if (equals > 0) cookies[part.slice(0, equals).trim()] = part.slice(equals + 1).trim();
	}
	return cookies;
}

function settingsStatement(settings: RequestSettings): { text: string; values: string[] } {
	const pairs: Array<[string, string]> = [
		// Set in this order (Postgres evaluates the select list left to right): the session becomes
		// authenticator, then the role is checked against authenticator's memberships and fails
		// (22023 unknown role, 42501 not granted) before anything else is set.
		['session_authorization', AUTHENTICATOR_ROLE],
		['role', settings.identity.role],
		['search_path', [...new Set(settings.searchPath)].map(quoteIdent).join(', ')],
		['request.jwt.claims', JSON.stringify(settings.identity.claims)],
		['request.method', settings.method],
		['request.path', settings.path],
		['request.headers', JSON.stringify(settings.headers)],
		['request.cookies', JSON.stringify(settings.cookies)],
		...settings.roleSettings
	];
	const values = pairs.flat();
	const calls = pairs.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`);
	return { text: `select ${calls.join(', ')}`, values };
}

/**
 * Runs `work` inside the request's transaction (read-only for GET and HEAD). The stack's pool logs
 * in as a superuser; a transaction-local session authorization makes the session user the
 * authenticator, so `set role` is checked against authenticator's memberships as on Supabase.
 */
export function runAsRequest<T>(
	db: Database,
	settings: RequestSettings,
	readOnly: boolean,
	work: (sql: Sql) => Promise<T>
): Promise<T> {
	return db.transaction(
		async (sql) => {
			const { text, values } = settingsStatement(settings);
			await sql.query(text, values);
			return work(sql);
		},
		{ readOnly }
	);
}
