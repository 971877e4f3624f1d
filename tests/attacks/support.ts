// The attacker's tools (plain HTTP, forged JWTs), the cast (personas of two organizations) and the
// evidence (snapshots of the tables an attack must not change, the activity entries one wrote,
// passwords to look for in logs).
import { appendFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { inject } from 'vitest';
import {
	callFunction,
	createOrganization,
	createPersona,
	signIn,
	type Persona
} from '../stack/personas.ts';
import { stack, withDb } from '../stack/stack-under-test.ts';
import './support-files.ts';

/** Remembers a password (or any secret) so secrets.test.ts can prove no log holds it. */
export function rememberSecret(secret: string): void {
	if (secret) appendFileSync(inject('suiteFiles').secretsFile, `${secret}\n`);
}

/** createPersona, with the password remembered. */
export async function persona(
	organizationId: string,
	role: Parameters<typeof createPersona>[1],
	label?: string
): Promise<Persona> {
	const created = await createPersona(organizationId, role, label);
	rememberSecret(created.password);
	return created;
}

export interface Outcome {
	status: number;
	/** The error code of whichever API answered (PostgREST `code`, GoTrue `code`/`error_code`/`error`, functions `error.code`). */
	code: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	headers: Headers;
}

export function errorCode(body: unknown): string {
	if (!body || typeof body !== 'object') return '';
	const b = body as Record<string, unknown>;
	const nested =
		b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>).code : undefined;
	const code = nested ?? b.error_code ?? b.code ?? b.error ?? '';
	return String(code);
}

export interface HttpInit {
	method?: string;
	/** Bearer token; null sends none. */
	token?: string | null;
	/** apikey header; defaults to the anon key, null sends none. */
	apikey?: string | null;
	headers?: Record<string, string>;
	body?: unknown;
}

/** One request to the stack as an attacker sends it: any method, path, headers and body. */
export async function http(path: string, init: HttpInit = {}): Promise<Outcome> {
	const headers: Record<string, string> = {};
	const apikey = init.apikey === undefined ? stack().anonKey : init.apikey;
	if (apikey) headers.apikey = apikey;
	if (init.token) headers.authorization = `Bearer ${init.token}`;
	let body: string | undefined;
	if (init.body !== undefined) {
		body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
		headers['content-type'] = 'application/json';
	}
	const response = await fetch(`${stack().apiUrl}${path}`, {
		method: init.method ?? (body === undefined ? 'GET' : 'POST'),
		headers: { ...headers, ...init.headers },
		body
	});
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = text ? JSON.parse(text) : null;
	} catch {
		// Not JSON: kept as text, and the assertions say so.
	}
	return {
		status: response.status,
		code: errorCode(parsed),
		body: parsed,
		headers: response.headers
	};
}

export const fn = async (name: string, token: string | null, body: unknown): Promise<Outcome> => {
	const result = await callFunction(name, token, body);
	return { ...result, code: errorCode(result.body) };
};

// ── JWTs ────────────────────────────────────────────────────────────────────────────────────────

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodeClaims(token: string): Record<string, unknown> {
	return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

export async function signJwt(
	claims: Record<string, unknown>,
	secret = stack().jwtSecret ?? ''
): Promise<string> {
	return new SignJWT(claims)
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.sign(new TextEncoder().encode(secret));
}

export const unsignedJwt = (claims: Record<string, unknown>) =>
	`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;

/** A real token whose payload was edited and whose signature was kept. */
export function tamperedJwt(token: string, change: Record<string, unknown>): string {
	const [header, , signature] = token.split('.');
	return `${header}.${b64({ ...decodeClaims(token), ...change })}.${signature}`;
}

// ── evidence ────────────────────────────────────────────────────────────────────────────────────

export type Snapshot = Record<
	'public.users' | 'public.organizations' | 'auth.users' | 'auth.sessions' | 'public.activity_log',
	string
>;

/** The digest of the activity log's entries up to `lastId` (all of them without it). */
const ACTIVITY_DIGEST = `(select md5(coalesce(string_agg(l::text, '|' order by l.id), '')) from public.activity_log l
	where $1::bigint is null or l.id <= $1::bigint)`;

/** A digest of every row of the five tables an attack could change. */
export function snapshot(): Promise<Snapshot> {
	return withDb(async (db) => {
		const { rows } = await db.query(
			`
			select
				${ACTIVITY_DIGEST} as "public.activity_log",
				(select md5(coalesce(string_agg(u::text, '|' order by u.id), '')) from public.users u) as "public.users",
				(select md5(coalesce(string_agg(o::text, '|' order by o.id), '')) from public.organizations o) as "public.organizations",
				(select md5(coalesce(string_agg(concat_ws(',', a.id, a.email, a.encrypted_password, a.raw_app_meta_data::text,
					a.raw_user_meta_data::text, a.banned_until, a.deleted_at, a.role, a.email_confirmed_at, a.updated_at), '|' order by a.id), ''))
					from auth.users a) as "auth.users",
				(select md5(coalesce(string_agg(concat_ws(',', s.id, s.user_id, s.not_after, s.aal), '|' order by s.id), '')) from auth.sessions s)
					as "auth.sessions"`,
			[null]
		);
		return rows[0] as Snapshot;
	});
}

/** The id of the newest activity entry (0 when there is none). */
export const lastEntryId = (): Promise<number> =>
	withDb(async (db) =>
		Number(
			(await db.query('select coalesce(max(id), 0) as id from public.activity_log')).rows[0].id
		)
	);

/** The digest of the entries up to `lastId` as they are now: equal to the snapshot's if none changed. */
export const activityDigestUpTo = (lastId: number): Promise<string> =>
	withDb(
		async (db) => (await db.query(`select ${ACTIVITY_DIGEST} as digest`, [lastId])).rows[0].digest
	);

export interface LoggedEntry {
	action: string;
	organization_id: string;
	actor_type: string;
	actor_id: string | null;
	target_id: string;
	changes: Record<string, unknown>;
	details: Record<string, unknown>;
	request_id: string | null;
}

/** Every activity entry written after `lastId`, oldest first, as the database holds it. */
export const entriesAfter = (lastId: number): Promise<LoggedEntry[]> =>
	withDb(
		async (db) =>
			(
				await db.query(
					`select action, organization_id, actor_type, actor_id, target_id, changes, details, request_id
					from public.activity_log where id > $1 order by id`,
					[lastId]
				)
			).rows
	);

/** The number of entries of an organization, as the database holds them. */
export const entriesOf = (organizationId: string): Promise<number> =>
	withDb(
		async (db) =>
			(
				await db.query(
					'select count(*)::int as n from public.activity_log where organization_id = $1',
					[organizationId]
				)
			).rows[0].n
	);

export function changedTables(before: Snapshot, after: Snapshot): string[] {
	return (Object.keys(before) as Array<keyof Snapshot>).filter(
		(table) => before[table] !== after[table]
	);
}

// ── the cast ────────────────────────────────────────────────────────────────────────────────────

export interface World {
	orgA: string;
	orgB: string;
	admin: Persona;
	admin2: Persona;
	manager: Persona;
	member: Persona;
	external: Persona;
	/** Deactivated through update-user after signing in: their access token is still valid. */
	inactiveAdmin: Persona;
	strangerAdmin: Persona;
	strangerMember: Persona;
	/** An admin created through create-user and signed in with the temporary password it gave. */
	temporaryAdmin: Persona;
}

export async function createWorld(): Promise<World> {
	const orgA = await createOrganization('Attacked');
	const orgB = await createOrganization('Other');
	const [admin, admin2, manager, member, external, inactiveAdmin, strangerAdmin, strangerMember] =
		await Promise.all([
			persona(orgA, 'admin', 'admin'),
			persona(orgA, 'admin', 'second-admin'),
			persona(orgA, 'manager'),
			persona(orgA, 'member'),
			persona(orgA, 'external'),
			persona(orgA, 'admin', 'inactive-admin'),
			persona(orgB, 'admin', 'stranger-admin'),
			persona(orgB, 'member', 'stranger-member')
		]);
	const deactivated = await fn('update-user', admin.accessToken, {
		user_id: inactiveAdmin.id,
		action: 'deactivate'
	});
	if (deactivated.status !== 200)
		throw new Error(`deactivate: ${deactivated.status} ${JSON.stringify(deactivated.body)}`);
	const made = await fn('create-user', admin.accessToken, {
		email: `temporary.${Date.now().toString(36)}@attack.test`,
		first_name: 'Tempo',
		last_name: 'Rary',
		role: 'admin'
	});
	if (made.status !== 201)
		throw new Error(`create-user: ${made.status} ${JSON.stringify(made.body)}`);
	rememberSecret(made.body.password);
	const temporaryAdmin = await signIn(made.body.user.email, made.body.password, orgA);
	return {
		temporaryAdmin,
		orgA,
		orgB,
		admin,
		admin2,
		manager,
		member,
		external,
		inactiveAdmin,
		strangerAdmin,
		strangerMember
	};
}

/** Makes a session's refresh tokens older than GoTrue's 10-second reuse interval. */
export const ageRefreshTokens = (sessionId: string) =>
	withDb((db) =>
		db.query(
			`update auth.refresh_tokens set updated_at = now() - interval '11 seconds' where session_id = $1`,
			[sessionId]
		)
	);

export const sessionIdOf = (accessToken: string) => String(decodeClaims(accessToken).session_id);
