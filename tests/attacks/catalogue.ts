// The catalogue: every way in that must stay shut, one named entry each. An entry sends one attack
// (plain HTTP, as an attacker would) and says how it must be refused:
//   - `error`: an error status (and code) from whichever API answered;
//   - `own-rows`: a read that RLS answers with the caller's own rows at most (ids and counts checked);
//   - `no-rows`: a write or read that RLS reduces to nothing (200/204 with no row);
//   - `own-activity`: a read of the activity log that RLS answers with the caller's organization's
//     entries only (each row's organization_id, and the count, checked against the database);
//   - `recorded`: a change the caller may make, let through — what must not happen is that it goes
//     unrecorded, or recorded as someone else: the entries it wrote must be exactly the expected ones.
// catalogue.test.ts runs each one between two snapshots of public.users, public.organizations,
// auth.users, auth.sessions and public.activity_log, which must be identical (for `recorded`: but
// for the tables it names and the entries it appended).
import { expect } from 'vitest';
import { recoveryTokenHash, waitForMails } from '../stack/mail-catcher.ts';
import { callFunction } from '../stack/personas.ts';
import { stack } from '../stack/stack-under-test.ts';
import {
	ageRefreshTokens,
	errorCode,
	fn,
	http,
	persona,
	rememberSecret,
	sessionIdOf,
	signJwt,
	tamperedJwt,
	unsignedJwt,
	type LoggedEntry,
	type Outcome,
	type Snapshot,
	type World
} from './support.ts';

export type Refusal =
	| { kind: 'error'; status: number | number[]; code?: string | RegExp }
	| { kind: 'own-rows'; ids: (w: World) => string[] }
	| { kind: 'no-rows' }
	| { kind: 'own-activity'; organization: (w: World) => string }
	| {
			kind: 'recorded';
			/** The tables the change may touch besides the log. */
			tables: Array<keyof Snapshot>;
			/** The entries it must have written, oldest first (matched as toMatchObject matches). */
			entries: (w: World, outcome: Outcome) => Array<Partial<Record<keyof LoggedEntry, unknown>>>;
	  };

export interface Attempt {
	name: string;
	/** Setup that may change data (signing out, rotating a token); runs before the first snapshot. */
	prepare?: (w: World) => Promise<void>;
	attack: (w: World) => Promise<Outcome>;
	refused: Refusal;
}

const err = (status: number | number[], code?: string | RegExp): Refusal => ({
	kind: 'error',
	status,
	code
});
const ownRows = (pick: (w: World) => string[]): Refusal => ({ kind: 'own-rows', ids: pick });
const noRows: Refusal = { kind: 'no-rows' };
const ownActivity = (organization: (w: World) => string): Refusal => ({
	kind: 'own-activity',
	organization
});
const recorded = (
	tables: Array<keyof Snapshot>,
	entries: (w: World, outcome: Outcome) => Array<Partial<Record<keyof LoggedEntry, unknown>>>
): Refusal => ({ kind: 'recorded', tables, entries });

const rest = (
	path: string,
	token: string | null,
	init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}
) => http(`/rest/v1/${path}`, { token, ...init });
const patch = (path: string, token: string, body: unknown) =>
	rest(path, token, { method: 'PATCH', body, headers: { prefer: 'return=representation' } });
const newUser = (extra: Record<string, unknown> = {}) => ({
	email: `attack.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}@attack.test`,
	first_name: 'Eve',
	last_name: 'Attacker',
	role: 'member',
	...extra
});
const now = () => Math.floor(Date.now() / 1000);
const claimsFor = (w: World, extra: Record<string, unknown> = {}) => ({
	sub: w.member.id,
	role: 'authenticated',
	aud: 'authenticated',
	exp: now() + 3600,
	iat: now(),
	email: w.member.email,
	...extra
});
/** Refreshes a session once the raw way, returning the new pair. */
async function refresh(refreshToken: string): Promise<Outcome> {
	return http('/auth/v1/token?grant_type=refresh_token', { body: { refresh_token: refreshToken } });
}

// Tokens and refresh tokens that `prepare` steps leave for their attack.
const scratch: Record<string, string> = {};

// ── for the activity log's attempts ─────────────────────────────────────────────────────────────

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The Data API with the service-role key as both apikey and bearer, as a server script sends it. */
const asService = (
	path: string,
	init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}
) =>
	http(`/rest/v1/${path}`, {
		token: stack().serviceRoleKey,
		apikey: stack().serviceRoleKey,
		...init
	});

/** An Edge Function call with extra headers. */
async function fnWith(
	name: string,
	token: string,
	body: unknown,
	headers: Record<string, string>
): Promise<Outcome> {
	const result = await callFunction(name, token, body, { headers });
	return { ...result, code: errorCode(result.body) };
}

/** An entry that would make the second admin the one who promoted the member. */
const forgedEntry = (w: World) => ({
	organization_id: w.orgA,
	actor_type: 'user',
	actor_id: w.admin2.id,
	target_id: w.member.id,
	action: 'role_changed',
	changes: { role: { from: 'member', to: 'admin' } }
});

/**
 * A new user of A for an attempt let through, so that it changes nobody the other attempts rely
 * on: their id under `key`, their access token under `${key}Token`.
 */
async function fresh(w: World, key: string, role: 'member' | 'manager' = 'member') {
	const created = await persona(w.orgA, role, key);
	scratch[key] = created.id;
	scratch[`${key}Token`] = created.accessToken;
}

/** An entry as the log must hold it: by this user (the service role when null), no request id. */
const entry = (
	action: string,
	target: string | undefined,
	actor: string | null,
	extra: Partial<Record<keyof LoggedEntry, unknown>> = {}
) => ({
	action,
	target_id: target,
	actor_type: actor === null ? 'service' : 'user',
	actor_id: actor,
	request_id: null,
	...extra
});

/** What the let-through renames send, and the entry each must leave (personas are "… Persona"). */
const rename = { last_name: 'Renamed' };
const renamed = (
	target: string | undefined,
	actor: string | null,
	extra: Partial<Record<keyof LoggedEntry, unknown>> = {}
) =>
	entry('profile_changed', target, actor, {
		changes: { last_name: { from: 'Persona', to: 'Renamed' } },
		...extra
	});

/** create-user with both names set to `name`, the password it shows remembered for secrets.test.ts. */
async function createNamed(w: World, name: string): Promise<Outcome> {
	const outcome = await fn(
		'create-user',
		w.admin.accessToken,
		newUser({ first_name: name, last_name: name })
	);
	if (typeof outcome.body?.password === 'string') rememberSecret(outcome.body.password);
	return outcome;
}

/** The user_created entry of a createNamed call, with the names as the database must keep them. */
const created = (w: World, outcome: Outcome, firstName: string, lastName: string) =>
	entry('user_created', outcome.body?.user?.id, w.admin.id, {
		organization_id: w.orgA,
		request_id: expect.stringMatching(UUID),
		changes: {
			email: { to: outcome.body?.user?.email },
			first_name: { to: firstName },
			last_name: { to: lastName },
			role: { to: 'member' }
		}
	});

export const catalogue: Attempt[] = [
	// ── reading others ───────────────────────────────────────────────────────────────────────────
	{
		name: 'member selects every user',
		attack: (w) => rest('users?select=*', w.member.accessToken),
		refused: ownRows((w) => [w.member.id])
	},
	{
		name: 'manager selects every user',
		attack: (w) => rest('users?select=*', w.manager.accessToken),
		refused: ownRows((w) => [w.manager.id])
	},
	{
		name: 'external selects every user',
		attack: (w) => rest('users?select=*', w.external.accessToken),
		refused: ownRows((w) => [w.external.id])
	},
	{
		name: 'member counts users (Prefer: count=exact)',
		attack: (w) =>
			rest('users?select=id', w.member.accessToken, { headers: { prefer: 'count=exact' } }),
		refused: ownRows((w) => [w.member.id])
	},
	{
		name: 'manager counts users with HEAD',
		attack: (w) =>
			rest('users?select=id', w.manager.accessToken, {
				method: 'HEAD',
				headers: { prefer: 'count=exact' }
			}),
		refused: ownRows((w) => [w.manager.id])
	},
	{
		name: 'external counts users with HEAD and a range',
		attack: (w) =>
			rest('users?select=*', w.external.accessToken, {
				method: 'HEAD',
				headers: { prefer: 'count=exact', range: '0-999' }
			}),
		refused: ownRows((w) => [w.external.id])
	},
	{
		name: "member selects the admin's row by id",
		attack: (w) => rest(`users?id=eq.${w.admin.id}`, w.member.accessToken),
		refused: ownRows(() => [])
	},
	{
		name: 'member widens the filter with or=(…)',
		attack: (w) =>
			rest(
				`users?select=id,role&or=(id.eq.${w.admin.id},role.eq.admin,id.neq.${w.member.id})`,
				w.member.accessToken
			),
		refused: ownRows(() => [])
	},
	{
		name: 'external uses or=(…) with not.is.null to match everyone',
		attack: (w) =>
			rest('users?select=id&or=(id.not.is.null,email.ilike.*)', w.external.accessToken),
		refused: ownRows((w) => [w.external.id])
	},
	{
		name: 'member embeds the users of their organization',
		attack: (w) => rest('organizations?select=id,users(id,email,role)', w.member.accessToken),
		refused: ownRows((w) => [w.member.id])
	},
	{
		name: 'manager embeds their creator through created_by',
		attack: (w) =>
			rest(
				'users?select=id,creator:users!created_by(id,email),created:users!created_by(id)',
				w.manager.accessToken
			),
		refused: ownRows((w) => [w.manager.id])
	},
	{
		name: 'member reads the other organization by id',
		attack: (w) => rest(`organizations?id=eq.${w.orgB}`, w.member.accessToken),
		refused: ownRows(() => [])
	},
	{
		name: 'admin of A selects users of B by organization_id',
		attack: (w) => rest(`users?organization_id=eq.${w.orgB}`, w.admin.accessToken),
		refused: ownRows(() => [])
	},
	{
		name: 'admin of A counts users of B',
		attack: (w) =>
			rest(`users?select=id&organization_id=eq.${w.orgB}`, w.admin.accessToken, {
				method: 'HEAD',
				headers: { prefer: 'count=exact' }
			}),
		refused: ownRows(() => [])
	},
	{
		name: 'admin of A embeds users of every organization',
		attack: (w) =>
			rest(
				`organizations?select=id,users(id)&id=in.(${w.orgA},${w.orgB})`,
				w.strangerAdmin.accessToken
			),
		refused: ownRows((w) => [w.strangerAdmin.id, w.strangerMember.id])
	},
	{
		name: 'admin of A reads a user of B by id with or=(…)',
		attack: (w) =>
			rest(
				`users?or=(id.eq.${w.strangerMember.id},email.eq.${w.strangerAdmin.email})`,
				w.admin.accessToken
			),
		refused: ownRows(() => [])
	},
	{
		name: 'anon selects users',
		attack: () => rest('users?select=*', null),
		refused: err(401, '42501')
	},
	{
		name: 'anon selects organizations',
		attack: () => rest('organizations?select=*', null),
		refused: err(401, '42501')
	},
	{
		name: 'anon counts users with HEAD',
		attack: () =>
			rest('users?select=id', null, { method: 'HEAD', headers: { prefer: 'count=exact' } }),
		refused: err(401)
	},
	{
		name: 'request without an apikey',
		attack: (w) => http('/rest/v1/users?select=*', { apikey: null, token: w.admin.accessToken }),
		refused: err(401)
	},
	{
		name: 'deactivated admin reads users with a still-valid token',
		attack: (w) =>
			rest('users?select=*', w.inactiveAdmin.accessToken, { headers: { prefer: 'count=exact' } }),
		refused: ownRows(() => [])
	},

	// ── changing what one may not ────────────────────────────────────────────────────────────────
	{
		name: 'member changes their own role',
		attack: (w) => patch(`users?id=eq.${w.member.id}`, w.member.accessToken, { role: 'admin' }),
		refused: noRows
	},
	{
		name: 'manager promotes themselves to admin',
		attack: (w) => patch(`users?id=eq.${w.manager.id}`, w.manager.accessToken, { role: 'admin' }),
		refused: err(403, 'PT403')
	},
	{
		name: 'admin demotes themselves',
		attack: (w) => patch(`users?id=eq.${w.admin.id}`, w.admin.accessToken, { role: 'member' }),
		refused: err(403, 'PT403')
	},
	{
		name: "member changes another user's status",
		attack: (w) => patch(`users?id=eq.${w.admin.id}`, w.member.accessToken, { status: 'inactive' }),
		refused: err(403, '42501')
	},
	{
		name: 'manager changes their own email',
		attack: (w) =>
			patch(`users?id=eq.${w.manager.id}`, w.manager.accessToken, { email: 'boss@attack.test' }),
		refused: err(403, '42501')
	},
	{
		name: 'manager moves themselves to organization B',
		attack: (w) =>
			patch(`users?id=eq.${w.manager.id}`, w.manager.accessToken, { organization_id: w.orgB }),
		refused: err(403, '42501')
	},
	{
		name: 'external renames themselves',
		attack: (w) =>
			patch(`users?id=eq.${w.external.id}`, w.external.accessToken, { first_name: 'Mallory' }),
		refused: noRows
	},
	{
		name: 'member renames the admin',
		attack: (w) => patch(`users?id=eq.${w.admin.id}`, w.member.accessToken, { last_name: 'Pwned' }),
		refused: noRows
	},
	{
		name: 'manager promotes a member',
		attack: (w) => patch(`users?id=eq.${w.member.id}`, w.manager.accessToken, { role: 'admin' }),
		refused: noRows
	},
	{
		name: "admin changes a user's status through the table",
		attack: (w) => patch(`users?id=eq.${w.member.id}`, w.admin.accessToken, { status: 'inactive' }),
		refused: err(403, '42501')
	},
	{
		name: "admin changes a user's email through the table",
		attack: (w) =>
			patch(`users?id=eq.${w.member.id}`, w.admin.accessToken, { email: 'x@attack.test' }),
		refused: err(403, '42501')
	},
	{
		name: 'admin moves a user to organization B',
		attack: (w) =>
			patch(`users?id=eq.${w.member.id}`, w.admin.accessToken, { organization_id: w.orgB }),
		refused: err(403, '42501')
	},
	{
		name: "admin rewrites a user's id",
		attack: (w) =>
			patch(`users?id=eq.${w.member.id}`, w.admin.accessToken, { id: w.strangerMember.id }),
		refused: err(403, '42501')
	},
	{
		name: 'admin of A changes roles of B',
		attack: (w) =>
			patch(`users?organization_id=eq.${w.orgB}`, w.admin.accessToken, { role: 'external' }),
		refused: noRows
	},
	{
		name: 'admin of A renames users of B with or=(…)',
		attack: (w) =>
			patch(
				`users?or=(organization_id.eq.${w.orgB},id.eq.${w.strangerAdmin.id})`,
				w.admin.accessToken,
				{ last_name: 'Renamed' }
			),
		refused: noRows
	},
	{
		name: 'admin inserts a users row through the Data API',
		attack: (w) =>
			rest('users', w.admin.accessToken, {
				method: 'POST',
				body: {
					id: w.strangerMember.id,
					organization_id: w.orgA,
					email: 'x@attack.test',
					first_name: 'X',
					last_name: 'Y'
				}
			}),
		refused: err(403, '42501')
	},
	{
		name: 'admin upserts over a user of B',
		attack: (w) =>
			rest('users?on_conflict=id', w.admin.accessToken, {
				method: 'POST',
				headers: { prefer: 'resolution=merge-duplicates' },
				body: {
					id: w.strangerMember.id,
					organization_id: w.orgA,
					email: w.strangerMember.email,
					first_name: 'X',
					last_name: 'Y'
				}
			}),
		refused: err(403, '42501')
	},
	{
		name: 'admin deletes a user',
		attack: (w) => rest(`users?id=eq.${w.member.id}`, w.admin.accessToken, { method: 'DELETE' }),
		refused: err(403, '42501')
	},
	{
		name: 'member creates an organization',
		attack: (w) =>
			rest('organizations', w.member.accessToken, { method: 'POST', body: { name: 'Mine' } }),
		refused: err(403, '42501')
	},
	{
		name: 'admin of A renames organization B',
		attack: (w) => patch(`organizations?id=eq.${w.orgB}`, w.admin.accessToken, { name: 'Owned' }),
		refused: err(403, '42501')
	},
	{
		name: 'deactivated admin promotes a member with a still-valid token',
		attack: (w) =>
			patch(`users?id=eq.${w.member.id}`, w.inactiveAdmin.accessToken, { role: 'admin' }),
		refused: noRows
	},

	// ── the Edge Functions ───────────────────────────────────────────────────────────────────────
	{
		name: 'member calls create-user',
		attack: (w) => fn('create-user', w.member.accessToken, newUser()),
		refused: err(403, 'forbidden')
	},
	{
		name: 'manager calls create-user',
		attack: (w) => fn('create-user', w.manager.accessToken, newUser({ role: 'admin' })),
		refused: err(403, 'forbidden')
	},
	{
		name: 'external deactivates an admin through update-user',
		attack: (w) =>
			fn('update-user', w.external.accessToken, { user_id: w.admin.id, action: 'deactivate' }),
		refused: err(403, 'forbidden')
	},
	{
		name: "manager sets an admin's password",
		attack: (w) =>
			fn('update-user', w.manager.accessToken, {
				user_id: w.admin.id,
				action: 'set_password',
				password: 'Correct-Horse-9'
			}),
		refused: err(403, 'forbidden')
	},
	{
		name: 'member changes their own email through update-user',
		attack: (w) =>
			fn('update-user', w.member.accessToken, {
				user_id: w.member.id,
				action: 'update_profile',
				email: 'me@attack.test'
			}),
		refused: err(403, 'forbidden')
	},
	{
		name: 'admin of A creates a user in B (forged organization_id)',
		attack: (w) => fn('create-user', w.admin.accessToken, newUser({ organization_id: w.orgB })),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'admin of A deactivates a user of B',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, {
				user_id: w.strangerMember.id,
				action: 'deactivate'
			}),
		refused: err(404, 'user_not_found')
	},
	{
		name: 'admin of A sets the password of a user of B',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, {
				user_id: w.strangerAdmin.id,
				action: 'set_password'
			}),
		refused: err(404, 'user_not_found')
	},
	{
		name: 'admin of A changes the email of a user of B',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, {
				user_id: w.strangerAdmin.id,
				action: 'update_profile',
				email: 'owned@attack.test'
			}),
		refused: err(404, 'user_not_found')
	},
	{
		name: 'admin of A changes a user of B with the values shown in expected',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, {
				user_id: w.strangerMember.id,
				action: 'update_profile',
				email: 'owned@attack.test',
				role: 'admin',
				expected: { email: w.strangerMember.email, role: 'member' }
			}),
		refused: err(404, 'user_not_found')
	},
	{
		name: 'update-user with malformed expected values (bad role, SQL email, extra keys)',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, {
				user_id: w.member.id,
				action: 'update_profile',
				role: 'manager',
				email: 'member@attack.test',
				expected: {
					role: 'owner',
					email: "' or 1=1 --",
					organization_id: w.orgB,
					status: 'inactive'
				}
			}),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'update-user with expected for a field it does not change (a probe of the row)',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, {
				user_id: w.strangerAdmin.id,
				action: 'update_profile',
				first_name: 'Eve',
				expected: { email: w.strangerAdmin.email }
			}),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'update-user refuses a forged organization_id in the body before any lookup',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, {
				user_id: w.strangerMember.id,
				action: 'activate',
				organization_id: w.orgA
			}),
		refused: err(400, 'invalid_input')
	},
	// ── the search function and the counters ───────────────────────────────────────────────────
	{
		name: 'member searches the organization through rpc/search_users',
		attack: (w) => rest('rpc/search_users?search=attack', w.member.accessToken),
		refused: noRows
	},
	{
		name: 'manager searches the organization through rpc/search_users',
		attack: (w) => rest('rpc/search_users?search=a', w.manager.accessToken),
		refused: noRows
	},
	{
		name: 'admin of A searches for the users of B through rpc/search_users',
		attack: (w) => rest('rpc/search_users?search=stranger', w.admin.accessToken),
		refused: noRows
	},
	{
		name: 'deactivated admin searches with a still-valid token',
		attack: (w) => rest('rpc/search_users?search=a', w.inactiveAdmin.accessToken),
		refused: noRows
	},
	{
		name: 'anon calls rpc/search_users',
		attack: () => rest('rpc/search_users?search=a', null),
		refused: err(401, '42501')
	},
	// ── the users table's pages and totals (list_users, count_users) ─────────────────────────────
	{
		name: 'member lists the organization through rpc/list_users',
		attack: (w) => rest('rpc/list_users', w.member.accessToken, { method: 'POST', body: {} }),
		refused: noRows
	},
	{
		name: 'manager counts the organization through rpc/count_users',
		attack: (w) =>
			rest('rpc/count_users', w.manager.accessToken, { method: 'POST', body: { search: 'a' } }),
		refused: noRows
	},
	{
		name: 'deactivated admin lists with a still-valid token',
		attack: (w) =>
			rest('rpc/list_users', w.inactiveAdmin.accessToken, { method: 'POST', body: {} }),
		refused: noRows
	},
	{
		name: "admin of A starts a page at B's admin (to learn where B's users sort)",
		attack: (w) =>
			rest('rpc/list_users', w.admin.accessToken, {
				method: 'POST',
				body: { after: w.strangerAdmin.id }
			}),
		refused: err(404, 'PT404')
	},
	{
		name: "admin of A ends a page before B's member, counted from the end",
		attack: (w) =>
			rest('rpc/list_users', w.admin.accessToken, {
				method: 'POST',
				body: { before: w.strangerMember.id, sort: 'email', descending: true }
			}),
		refused: err(404, 'PT404')
	},
	{
		name: 'admin of A searches for the users of B through rpc/list_users',
		attack: (w) =>
			rest('rpc/list_users', w.admin.accessToken, {
				method: 'POST',
				body: { search: 'stranger' }
			}),
		refused: noRows
	},
	{
		name: "admin of A searches for the start of B's admin's address through rpc/list_users",
		attack: (w) =>
			rest('rpc/list_users', w.admin.accessToken, {
				method: 'POST',
				body: { search: w.strangerAdmin.email.split('@')[0] }
			}),
		refused: noRows
	},
	{
		name: "admin of A searches for B's admin's whole address (across its @) through rpc/list_users",
		attack: (w) =>
			rest('rpc/list_users', w.admin.accessToken, {
				method: 'POST',
				body: { search: w.strangerAdmin.email, sort: 'email' }
			}),
		refused: noRows
	},
	{
		name: 'admin smuggles SQL into a search that goes through the search terms',
		attack: (w) =>
			rest('rpc/list_users', w.admin.accessToken, {
				method: 'POST',
				body: { search: "a' = any('{x}') or u.organization_id is not null or 'x@y" }
			}),
		refused: noRows
	},
	{
		name: "admin reads the search terms (every organization's names and domains) through the Data API",
		attack: (w) => rest('users_search_terms?select=*', w.admin.accessToken),
		refused: err(404, 'PGRST205')
	},
	{
		name: 'admin smuggles SQL into the order of rpc/list_users',
		attack: (w) =>
			rest('rpc/list_users', w.admin.accessToken, {
				method: 'POST',
				body: { sort: 'name; update public.users set role = $$admin$$ --' }
			}),
		refused: err(400, '22023')
	},
	{
		name: 'admin smuggles SQL into a search of rpc/list_users',
		attack: (w) =>
			rest('rpc/list_users', w.admin.accessToken, {
				method: 'POST',
				body: { search: "x' or organization_id is not null or '' = '" }
			}),
		refused: noRows
	},
	{
		name: 'admin asks rpc/list_users for the whole organization in one page',
		attack: (w) =>
			rest('rpc/list_users', w.admin.accessToken, {
				method: 'POST',
				body: { page_size: 1000000 }
			}),
		refused: err(400, '22023')
	},
	{
		name: 'anon calls rpc/list_users',
		attack: () => rest('rpc/list_users', null, { method: 'POST', body: {} }),
		refused: err(401, '42501')
	},
	{
		name: 'anon calls rpc/count_users',
		attack: () => rest('rpc/count_users', null, { method: 'POST', body: {} }),
		refused: err(401, '42501')
	},
	{
		name: 'member reads the user counts',
		attack: (w) => rest('organization_user_counts?select=*', w.member.accessToken),
		refused: noRows
	},
	{
		name: 'admin of A reads the user counts of B',
		attack: (w) =>
			rest(`organization_user_counts?select=*&organization_id=eq.${w.orgB}`, w.admin.accessToken),
		refused: noRows
	},
	{
		name: 'admin rewrites the user counts',
		attack: (w) =>
			patch(`organization_user_counts?organization_id=eq.${w.orgA}`, w.admin.accessToken, {
				users: 0
			}),
		refused: err(403, '42501')
	},
	{
		name: 'create-user mass assignment (status, id, created_by, app_metadata)',
		attack: (w) =>
			fn(
				'create-user',
				w.admin.accessToken,
				newUser({
					status: 'inactive',
					id: w.member.id,
					created_by: w.strangerAdmin.id,
					app_metadata: { role: 'admin' }
				})
			),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'manager imports users through import-users',
		attack: (w) => fn('import-users', w.manager.accessToken, { rows: [newUser()] }),
		refused: err(403, 'forbidden')
	},
	{
		name: 'deactivated admin imports users with a still-valid token',
		attack: (w) => fn('import-users', w.inactiveAdmin.accessToken, { rows: [newUser()] }),
		refused: err([401, 403])
	},
	{
		name: 'anon calls import-users',
		attack: () => fn('import-users', null, { rows: [newUser()] }),
		refused: err(401)
	},
	{
		name: 'import-users with the organization beside the rows (to import into another)',
		attack: (w) =>
			fn('import-users', w.admin.accessToken, { rows: [newUser()], organization_id: w.orgB }),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'import-users with more rows than a batch holds',
		attack: (w) =>
			fn('import-users', w.admin.accessToken, {
				rows: Array.from({ length: 51 }, () => newUser())
			}),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'import-users with an oversized body',
		attack: (w) =>
			fn('import-users', w.admin.accessToken, {
				rows: [newUser({ first_name: 'x'.repeat(70 * 1024) })]
			}),
		refused: err(413, 'payload_too_large')
	},
	{
		name: 'update-user mass assignment (role on activate)',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, {
				user_id: w.member.id,
				action: 'activate',
				role: 'admin',
				status: 'active'
			}),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'admin deactivates themselves through update-user',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, { user_id: w.admin.id, action: 'deactivate' }),
		refused: err(403, 'cannot_change_self')
	},
	{
		name: 'deactivated admin calls create-user with a still-valid token',
		attack: (w) => fn('create-user', w.inactiveAdmin.accessToken, newUser()),
		refused: err([401, 403])
	},
	{
		name: 'anon calls create-user without a token',
		attack: () => fn('create-user', null, newUser()),
		refused: err(401)
	},
	{
		name: 'create-user with the anon key as the bearer',
		attack: () => fn('create-user', stack().anonKey, newUser()),
		refused: err(401, 'unauthorized')
	},
	{
		name: 'update-user with a non-JSON body',
		attack: (w) => fn('update-user', w.admin.accessToken, "{'user_id': 1"),
		refused: err(400, 'invalid_json')
	},

	// ── tokens ───────────────────────────────────────────────────────────────────────────────────
	{
		name: 'expired JWT (right secret)',
		attack: async (w) => rest('users?select=*', await signJwt(claimsFor(w, { exp: now() - 120 }))),
		refused: err(401, 'PGRST303')
	},
	{
		name: 'JWT signed with another secret, role service_role',
		attack: async (w) =>
			rest(
				'users?select=*',
				await signJwt(
					claimsFor(w, { role: 'service_role' }),
					'another-secret-of-at-least-32-characters!!'
				)
			),
		refused: err(401, 'PGRST301')
	},
	{
		name: 'JWT with alg: none and role service_role',
		attack: (w) => rest('users?select=*', unsignedJwt(claimsFor(w, { role: 'service_role' }))),
		refused: err(401, 'PGRST301')
	},
	{
		name: "member's token with the role claim forged to service_role",
		attack: (w) =>
			rest('users?select=*', tamperedJwt(w.member.accessToken, { role: 'service_role' })),
		refused: err(401, 'PGRST301')
	},
	{
		name: "member's token with sub forged to the admin",
		attack: (w) => rest('users?select=*', tamperedJwt(w.member.accessToken, { sub: w.admin.id })),
		refused: err(401, 'PGRST301')
	},
	{
		name: 'validly signed JWT with role postgres (authenticator cannot become a superuser)',
		attack: async (w) => rest('users?select=*', await signJwt(claimsFor(w, { role: 'postgres' }))),
		refused: err([401, 403])
	},
	{
		name: 'alg: none token to create-user',
		attack: (w) => fn('create-user', unsignedJwt(claimsFor(w, { sub: w.admin.id })), newUser()),
		refused: err(401)
	},
	{
		name: 'forged service_role token to the Auth admin API',
		attack: async (w) =>
			http('/auth/v1/admin/users', {
				token: await signJwt(
					claimsFor(w, { role: 'service_role' }),
					'another-secret-of-at-least-32-characters!!'
				)
			}),
		refused: err([401, 403])
	},
	{
		name: "member's token to the Auth admin API",
		attack: (w) => http('/auth/v1/admin/users', { token: w.member.accessToken }),
		refused: err(403, 'not_admin')
	},
	{
		name: 'member deletes an Auth user through the admin API',
		attack: (w) =>
			http(`/auth/v1/admin/users/${w.admin.id}`, { method: 'DELETE', token: w.member.accessToken }),
		refused: err(403, 'not_admin')
	},
	{
		name: 'member writes their own app_metadata',
		attack: (w) =>
			http('/auth/v1/user', {
				method: 'PUT',
				token: w.member.accessToken,
				body: { app_metadata: { organization_id: w.orgB, role: 'admin' } }
			}),
		refused: err(403, 'not_admin')
	},
	{
		name: 'member grants themselves admin through user_metadata, then calls create-user',
		prepare: async (w) => {
			const put = await http('/auth/v1/user', {
				method: 'PUT',
				token: w.member.accessToken,
				body: { data: { role: 'admin', organization_id: w.orgB } }
			});
			if (put.status !== 200) throw new Error(`user_metadata update: ${put.status}`);
			const refreshed = await refresh(w.member.refreshToken);
			if (refreshed.status !== 200) throw new Error(`refresh: ${refreshed.status}`);
			scratch.metadataToken = refreshed.body.access_token;
			w.member.refreshToken = refreshed.body.refresh_token;
			if ((refreshed.body.user?.user_metadata?.role ?? '') !== 'admin')
				throw new Error('user_metadata not in the new token');
		},
		attack: (w) => fn('create-user', scratch.metadataToken ?? w.member.accessToken, newUser()),
		refused: err(403, 'forbidden')
	},
	{
		name: 'member with admin user_metadata reads users',
		attack: () => rest('users?select=*', scratch.metadataToken ?? ''),
		refused: ownRows((w) => [w.member.id])
	},
	{
		name: 'deactivated admin signs in',
		attack: (w) =>
			http('/auth/v1/token?grant_type=password', {
				body: { email: w.inactiveAdmin.email, password: w.inactiveAdmin.password }
			}),
		refused: err(400, 'user_banned')
	},
	{
		name: 'deactivated admin refreshes',
		attack: (w) => refresh(w.inactiveAdmin.refreshToken),
		refused: err([400, 401, 403])
	},
	{
		name: 'refresh token replayed after sign-out',
		prepare: async (w) => {
			const session = await http('/auth/v1/token?grant_type=password', {
				body: { email: w.external.email, password: w.external.password }
			});
			scratch.signedOutRefresh = session.body.refresh_token;
			const out = await http('/auth/v1/logout?scope=local', {
				method: 'POST',
				token: session.body.access_token
			});
			if (out.status !== 204) throw new Error(`logout: ${out.status}`);
		},
		attack: () => refresh(scratch.signedOutRefresh ?? ''),
		refused: err(400, 'refresh_token_not_found')
	},
	{
		name: 'signed-out access token calls create-user',
		prepare: async (w) => {
			const session = await http('/auth/v1/token?grant_type=password', {
				body: { email: w.admin2.email, password: w.admin2.password }
			});
			scratch.signedOutAccess = session.body.access_token;
			const out = await http('/auth/v1/logout?scope=local', {
				method: 'POST',
				token: session.body.access_token
			});
			if (out.status !== 204) throw new Error(`logout: ${out.status}`);
		},
		attack: () => fn('create-user', scratch.signedOutAccess ?? '', newUser()),
		refused: err(401, 'unauthorized')
	},
	{
		name: 'refresh token replayed after rotation (past the 10 s reuse interval)',
		prepare: async (w) => {
			const session = await http('/auth/v1/token?grant_type=password', {
				body: { email: w.external.email, password: w.external.password }
			});
			const old = session.body.refresh_token as string;
			// Rotated twice: GoTrue hands the parent of the active token its child again (a client that
			// lost a refresh answer), so the replayed token is the grandparent.
			const rotated = await refresh(old);
			const again = await refresh(rotated.body.refresh_token);
			if (rotated.status !== 200 || again.status !== 200)
				throw new Error(`rotation: ${rotated.status} ${again.status}`);
			await ageRefreshTokens(sessionIdOf(session.body.access_token));
			scratch.rotatedRefresh = old;
		},
		attack: () => refresh(scratch.rotatedRefresh ?? ''),
		refused: err(400, 'refresh_token_already_used')
	},

	// ── private functions and other schemas ──────────────────────────────────────────────────────
	{
		name: 'member calls rpc/end_user_sessions on the admin',
		attack: (w) =>
			rest('rpc/end_user_sessions', w.member.accessToken, {
				method: 'POST',
				body: { target_user_id: w.admin.id }
			}),
		refused: err(403, '42501')
	},
	{
		name: 'anon calls rpc/end_user_sessions',
		attack: (w) =>
			rest('rpc/end_user_sessions', null, { method: 'POST', body: { target_user_id: w.admin.id } }),
		refused: err(401, '42501')
	},
	{
		name: 'admin calls private.admin_organization_id through rpc',
		attack: (w) =>
			rest('rpc/admin_organization_id', w.admin.accessToken, { method: 'POST', body: {} }),
		refused: err(404, 'PGRST202')
	},
	{
		name: 'admin calls the keep_one_active_admin trigger function through rpc',
		attack: (w) =>
			rest('rpc/keep_one_active_admin', w.admin.accessToken, { method: 'POST', body: {} }),
		refused: err(404, 'PGRST202')
	},
	{
		name: 'member calls rpc/pg_terminate_backend',
		attack: (w) =>
			rest('rpc/pg_terminate_backend', w.member.accessToken, { method: 'POST', body: { pid: 1 } }),
		refused: err(404, 'PGRST202')
	},
	{
		name: 'rpc with Content-Profile: private',
		attack: (w) =>
			rest('rpc/admin_organization_id', w.admin.accessToken, {
				method: 'POST',
				body: {},
				headers: { 'content-profile': 'private' }
			}),
		refused: err(406, 'PGRST106')
	},
	{
		name: 'auth.users read with Accept-Profile: auth',
		attack: (w) =>
			rest('users?select=*', w.admin.accessToken, { headers: { 'accept-profile': 'auth' } }),
		refused: err(406, 'PGRST106')
	},
	{
		name: 'auth.sessions read with Accept-Profile: auth as anon',
		attack: () => rest('sessions?select=*', null, { headers: { 'accept-profile': 'auth' } }),
		refused: err(406, 'PGRST106')
	},
	{
		name: 'insert into auth.users with Content-Profile: auth',
		attack: (w) =>
			rest('users', w.admin.accessToken, {
				method: 'POST',
				body: { email: 'x@attack.test' },
				headers: { 'content-profile': 'auth' }
			}),
		refused: err(406, 'PGRST106')
	},
	{
		name: 'pg_catalog read with Accept-Profile: pg_catalog',
		attack: (w) =>
			rest('pg_authid?select=*', w.admin.accessToken, {
				headers: { 'accept-profile': 'pg_catalog' }
			}),
		refused: err(406, 'PGRST106')
	},

	// ── hostile input ────────────────────────────────────────────────────────────────────────────
	{
		name: 'oversized body to the Data API (2 MiB)',
		attack: (w) =>
			rest(`users?id=eq.${w.admin2.id}`, w.admin.accessToken, {
				method: 'PATCH',
				body: { first_name: 'x'.repeat(2 * 1024 * 1024) }
			}),
		refused: err(413)
	},
	{
		name: 'oversized body to create-user (64 KB)',
		attack: (w) =>
			fn('create-user', w.admin.accessToken, newUser({ first_name: 'x'.repeat(64 * 1024) })),
		refused: err(413, 'payload_too_large')
	},
	{
		name: 'create-user with a 10 KB name',
		attack: (w) =>
			fn('create-user', w.admin.accessToken, newUser({ last_name: 'y'.repeat(10 * 1024) })),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'create-user with role "admin\'; --"',
		attack: (w) => fn('create-user', w.admin.accessToken, newUser({ role: "admin'; --" })),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'create-user with email "x\' or 1=1--@a"',
		attack: (w) => fn('create-user', w.admin.accessToken, newUser({ email: "x' or 1=1--" })),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'update-user with user_id "1 or 1=1"',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, { user_id: '1 or 1=1', action: 'deactivate' }),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'SQL in an eq filter',
		attack: (w) => rest("users?id=eq.1';drop table public.users;--", w.admin.accessToken),
		refused: err(400, '22P02')
	},
	{
		name: 'SQL in the select list',
		attack: (w) => rest('users?select=id,(select password from auth.users)', w.admin.accessToken),
		refused: err(400, 'PGRST100')
	},
	{
		name: 'SQL in order',
		attack: (w) => rest('users?order=id;delete from public.users', w.admin.accessToken),
		refused: err(400, 'PGRST100')
	},
	{
		name: 'SQL as a column name in a filter',
		attack: (w) => rest('users?"id\\"; delete from users; --"=eq.1', w.admin.accessToken),
		refused: err(400)
	},
	{
		name: 'PATCH with SQL in the column name',
		attack: (w) =>
			patch(`users?id=eq.${w.member.id}`, w.admin.accessToken, { "role = 'admin', status": 'x' }),
		refused: err(400, 'PGRST204')
	},
	// Issue 12 #10: a cast is written into the statement, so only a type name may follow `::`.
	{
		name: 'unterminated dollar quote in a cast (select=id::text $$)',
		attack: (w) => rest('users?select=id::text%20$$', w.admin.accessToken),
		refused: err(400, 'PGRST100')
	},
	{
		name: 'a cast that closes the CAST and selects auth.users',
		attack: (w) =>
			rest(
				`users?select=${encodeURIComponent('id::text),(select encrypted_password from auth.users limit 1)::text')}`,
				w.admin.accessToken
			),
		refused: err(400, 'PGRST100')
	},
	{
		name: 'a cast with a statement after it',
		attack: (w) =>
			rest(
				`users?select=${encodeURIComponent('id::int;update public.users set role=admin')}`,
				w.admin.accessToken
			),
		refused: err(400, 'PGRST100')
	},
	{
		name: 'a cast with a collation and a comment',
		attack: (w) =>
			rest(`users?select=${encodeURIComponent('email::text collate "C"--')}`, w.admin.accessToken),
		refused: err(400, 'PGRST100')
	},
	{
		name: 'a hostile cast on rpc/search_users rows',
		attack: (w) =>
			rest(
				`rpc/search_users?search=a&select=${encodeURIComponent('id::text $$ from auth.users --')}`,
				w.admin.accessToken
			),
		refused: err(400, 'PGRST100')
	},
	{
		name: 'an empty alias (select="":id)',
		attack: (w) => rest(`users?select=${encodeURIComponent('"":id')}`, w.admin.accessToken),
		refused: err(400, 'PGRST100')
	},
	// ── temporary passwords and one's own password (issue 14) ───────────────────────────────────
	{
		name: 'temporary admin clears their temporary state through the Data API',
		attack: (w) =>
			patch(`users?id=eq.${w.temporaryAdmin.id}`, w.temporaryAdmin.accessToken, {
				must_change_password: false
			}),
		refused: err(403, '42501')
	},
	{
		name: "admin clears another user's temporary state through the Data API",
		attack: (w) =>
			patch(`users?id=eq.${w.temporaryAdmin.id}`, w.admin.accessToken, {
				must_change_password: false
			}),
		refused: err(403, '42501')
	},
	{
		name: 'temporary admin writes a sign-in time through the Data API',
		attack: (w) =>
			patch(`users?id=eq.${w.temporaryAdmin.id}`, w.temporaryAdmin.accessToken, {
				last_sign_in_at: '2020-01-01T00:00:00Z'
			}),
		refused: err(403, '42501')
	},
	{
		name: 'temporary admin clears the state in user_metadata, then calls create-user',
		prepare: async (w) => {
			const put = await http('/auth/v1/user', {
				method: 'PUT',
				token: w.temporaryAdmin.accessToken,
				body: { data: { must_change_password: false, role: 'admin' } }
			});
			if (put.status !== 200) throw new Error(`user_metadata update: ${put.status}`);
			const refreshed = await refresh(w.temporaryAdmin.refreshToken);
			if (refreshed.status !== 200) throw new Error(`refresh: ${refreshed.status}`);
			scratch.temporaryMetadataToken = refreshed.body.access_token;
			w.temporaryAdmin.refreshToken = refreshed.body.refresh_token;
			w.temporaryAdmin.accessToken = refreshed.body.access_token;
		},
		attack: () =>
			fn('create-user', scratch.temporaryMetadataToken ?? '', newUser({ role: 'admin' })),
		refused: err(403, 'password_change_required')
	},
	{
		name: 'temporary admin with cleared user_metadata reads users',
		attack: () => rest('users?select=*', scratch.temporaryMetadataToken ?? ''),
		refused: ownRows((w) => [w.temporaryAdmin.id])
	},
	{
		name: 'temporary admin selects every user',
		attack: (w) => rest('users?select=id,email', w.temporaryAdmin.accessToken),
		refused: ownRows((w) => [w.temporaryAdmin.id])
	},
	{
		name: 'temporary admin reads a user by id',
		attack: (w) => rest(`users?id=eq.${w.member.id}&select=*`, w.temporaryAdmin.accessToken),
		refused: noRows
	},
	{
		name: 'temporary admin searches users',
		attack: (w) => rest('rpc/search_users?search=a', w.temporaryAdmin.accessToken),
		refused: noRows
	},
	{
		name: 'temporary admin reads the user counts',
		attack: (w) => rest('organization_user_counts?select=*', w.temporaryAdmin.accessToken),
		refused: noRows
	},
	{
		name: 'temporary admin renames a user through the Data API',
		attack: (w) =>
			patch(`users?id=eq.${w.member.id}`, w.temporaryAdmin.accessToken, { first_name: 'Eve' }),
		refused: noRows
	},
	{
		name: 'temporary admin promotes a user through the Data API',
		attack: (w) =>
			patch(`users?id=eq.${w.member.id}`, w.temporaryAdmin.accessToken, { role: 'admin' }),
		refused: noRows
	},
	{
		name: 'temporary admin deactivates a user through update-user',
		attack: (w) =>
			fn('update-user', w.temporaryAdmin.accessToken, {
				user_id: w.member.id,
				action: 'deactivate'
			}),
		refused: err(403, 'password_change_required')
	},
	{
		name: "temporary admin sets another user's password through update-user",
		attack: (w) =>
			fn('update-user', w.temporaryAdmin.accessToken, {
				user_id: w.admin.id,
				action: 'set_password'
			}),
		refused: err(403, 'password_change_required')
	},
	{
		name: 'temporary admin creates a user',
		attack: (w) => fn('create-user', w.temporaryAdmin.accessToken, newUser()),
		refused: err(403, 'password_change_required')
	},
	{
		name: "temporary admin changes another user's password through change-password",
		attack: (w) =>
			fn('change-password', w.temporaryAdmin.accessToken, {
				password: `Pw-${crypto.randomUUID()}`,
				user_id: w.member.id
			}),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'member changes their own password without a recovery link',
		attack: (w) =>
			fn('change-password', w.member.accessToken, { password: `Pw-${crypto.randomUUID()}` }),
		refused: err(403, 'use_forgot_password')
	},
	{
		name: 'member probes their current password through change-password',
		attack: (w) =>
			fn('change-password', w.member.accessToken, {
				password: `Pw-${crypto.randomUUID()}`,
				current_password: w.member.password
			}),
		refused: err(403, 'use_forgot_password')
	},
	{
		name: 'admin changes their own password with a wrong current password',
		attack: (w) =>
			fn('change-password', w.admin2.accessToken, {
				password: `Pw-${crypto.randomUUID()}`,
				current_password: 'Not-the-password-1'
			}),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'anon calls change-password',
		attack: () => fn('change-password', stack().anonKey, { password: `Pw-${crypto.randomUUID()}` }),
		refused: err(401)
	},
	{
		name: 'a used recovery link replayed',
		prepare: async (w) => {
			const sent = await http('/auth/v1/recover', { body: { email: w.external.email } });
			if (sent.status !== 200) throw new Error(`recover: ${sent.status}`);
			const [mail] = await waitForMails(w.external.email);
			if (!mail) throw new Error('no recovery mail');
			scratch.usedRecoveryHash = recoveryTokenHash(mail);
			const used = await http('/auth/v1/verify', {
				body: { type: 'recovery', token_hash: scratch.usedRecoveryHash }
			});
			if (used.status !== 200) throw new Error(`verify: ${used.status}`);
			scratch.recoveryAccessToken = used.body.access_token;
		},
		attack: () =>
			http('/auth/v1/verify', {
				body: { type: 'recovery', token_hash: scratch.usedRecoveryHash ?? '' }
			}),
		refused: err(403, 'otp_expired')
	},
	{
		name: "a recovery session changes another user's password",
		attack: (w) =>
			fn('change-password', scratch.recoveryAccessToken ?? '', {
				password: `Pw-${crypto.randomUUID()}`,
				user_id: w.member.id
			}),
		refused: err(400, 'invalid_input')
	},
	{
		name: "a recovery link presented with another account's address",
		prepare: async (w) => {
			const sent = await http('/auth/v1/recover', { body: { email: w.manager.email } });
			if (sent.status !== 200) throw new Error(`recover: ${sent.status}`);
			const [mail] = await waitForMails(w.manager.email);
			if (!mail) throw new Error('no recovery mail');
			scratch.managerRecoveryHash = recoveryTokenHash(mail);
		},
		attack: (w) =>
			http('/auth/v1/verify', {
				body: {
					type: 'recovery',
					token_hash: scratch.managerRecoveryHash ?? '',
					email: w.admin.email
				}
			}),
		refused: err(400, 'validation_failed')
	},
	{
		name: "a recovery link's token used as another account's emailed code",
		attack: (w) =>
			http('/auth/v1/verify', {
				body: { type: 'recovery', token: scratch.managerRecoveryHash ?? '', email: w.admin.email }
			}),
		refused: err(403, 'otp_expired')
	},

	// ── the activity log (issue 15): nobody writes, changes or removes an entry ──────────────────
	{
		name: "admin writes an activity entry in another admin's name",
		attack: (w) =>
			rest('activity_log', w.admin.accessToken, { method: 'POST', body: forgedEntry(w) }),
		refused: err(403, '42501')
	},
	{
		name: 'member writes an activity entry',
		attack: (w) =>
			rest('activity_log', w.member.accessToken, { method: 'POST', body: forgedEntry(w) }),
		refused: err(403, '42501')
	},
	{
		name: 'anon writes an activity entry',
		attack: (w) => rest('activity_log', null, { method: 'POST', body: forgedEntry(w) }),
		refused: err(401, '42501')
	},
	{
		name: 'service role writes an activity entry through the Data API',
		attack: (w) => asService('activity_log', { method: 'POST', body: forgedEntry(w) }),
		refused: err(403, '42501')
	},
	// Without the id, which is `generated always`: 428C9 would answer before any privilege is asked.
	{
		name: 'service role upserts entries (on_conflict=id, merge-duplicates)',
		attack: (w) =>
			asService('activity_log?on_conflict=id', {
				method: 'POST',
				headers: { prefer: 'resolution=merge-duplicates' },
				body: forgedEntry(w)
			}),
		refused: err(403, '42501')
	},
	{
		name: "admin rewrites who acted in their organization's entries",
		attack: (w) =>
			patch(`activity_log?organization_id=eq.${w.orgA}`, w.admin.accessToken, {
				actor_id: w.admin2.id
			}),
		refused: err(403, '42501')
	},
	{
		name: 'member rewrites entries',
		attack: (w) => patch('activity_log?id=gt.0', w.member.accessToken, { action: 'activated' }),
		refused: err(403, '42501')
	},
	{
		name: 'anon rewrites entries',
		attack: () =>
			rest('activity_log?id=gt.0', null, { method: 'PATCH', body: { action: 'activated' } }),
		refused: err(401, '42501')
	},
	{
		name: "service role turns a deactivation's entry into an activation",
		attack: (w) =>
			asService(`activity_log?target_id=eq.${w.inactiveAdmin.id}&action=eq.deactivated`, {
				method: 'PATCH',
				headers: { prefer: 'return=representation' },
				body: { action: 'activated' }
			}),
		refused: err(403, '42501')
	},
	// No filter: an update with one needs select on its columns, which the service role lacks too.
	{
		name: 'service role rewrites every entry as its own (PATCH without a filter)',
		attack: () =>
			asService('activity_log', {
				method: 'PATCH',
				body: { actor_type: 'service', actor_id: null, request_id: null }
			}),
		refused: err(403, '42501')
	},
	{
		name: 'admin deletes the entry of a deactivation they made',
		attack: (w) =>
			rest(
				`activity_log?target_id=eq.${w.inactiveAdmin.id}&action=eq.deactivated`,
				w.admin.accessToken,
				{
					method: 'DELETE'
				}
			),
		refused: err(403, '42501')
	},
	{
		name: 'member deletes entries',
		attack: (w) => rest('activity_log?id=gt.0', w.member.accessToken, { method: 'DELETE' }),
		refused: err(403, '42501')
	},
	{
		name: 'anon deletes entries',
		attack: () => rest('activity_log?id=gt.0', null, { method: 'DELETE' }),
		refused: err(401, '42501')
	},
	{
		name: 'service role empties the log (DELETE without a filter, the nearest to truncate)',
		attack: () => asService('activity_log', { method: 'DELETE' }),
		refused: err(403, '42501')
	},
	{
		name: 'service role calls private.record_user_activity through rpc',
		attack: (w) =>
			asService('rpc/record_user_activity', {
				method: 'POST',
				body: { target_id: w.member.id, action: 'password_set' }
			}),
		refused: err(404, 'PGRST202')
	},
	{
		name: 'admin calls private.record_activity through rpc',
		attack: (w) =>
			rest('rpc/record_activity', w.admin.accessToken, {
				method: 'POST',
				body: { action: 'activated', changes: {}, details: {}, target: { id: w.member.id } }
			}),
		refused: err(404, 'PGRST202')
	},
	{
		name: 'service role calls the append-only trigger function through rpc',
		attack: () => asService('rpc/refuse_activity_change', { method: 'POST', body: {} }),
		refused: err(404, 'PGRST202')
	},
	{
		name: "admin turns the log's triggers off through rpc/set_config (session_replication_role)",
		attack: (w) =>
			rest('rpc/set_config', w.admin.accessToken, {
				method: 'POST',
				body: { setting_name: 'session_replication_role', new_value: 'replica', is_local: false }
			}),
		refused: err(404, 'PGRST202')
	},
	{
		name: 'service role records a password action with Content-Profile: private',
		attack: (w) =>
			asService('rpc/record_user_activity', {
				method: 'POST',
				headers: { 'content-profile': 'private' },
				body: { target_id: w.member.id, action: 'password_set' }
			}),
		refused: err(406, 'PGRST106')
	},

	// ── the activity log: forging the actor or the request ───────────────────────────────────────
	{
		name: 'admin renames a user with request.jwt.claims headers naming another admin',
		prepare: (w) => fresh(w, 'claims-header'),
		attack: (w) =>
			rest(`users?id=eq.${scratch['claims-header']}`, w.admin.accessToken, {
				method: 'PATCH',
				body: rename,
				headers: {
					prefer: 'return=representation',
					'request.jwt.claims': JSON.stringify({ sub: w.admin2.id, role: 'service_role' }),
					'x-jwt-claims': JSON.stringify({ sub: w.admin2.id }),
					'x-actor-id': w.admin2.id
				}
			}),
		refused: recorded(['public.users'], (w) => [renamed(scratch['claims-header'], w.admin.id)])
	},
	{
		name: 'admin renames a user with activity.request_id in headers and in Prefer',
		prepare: (w) => fresh(w, 'request-header'),
		attack: (w) =>
			rest(`users?id=eq.${scratch['request-header']}`, w.admin.accessToken, {
				method: 'PATCH',
				body: rename,
				headers: {
					prefer: 'return=representation, activity.request_id=forged-request',
					'activity.request_id': 'forged-request',
					'x-request-id': 'forged-request'
				}
			}),
		refused: recorded(['public.users'], (w) => [renamed(scratch['request-header'], w.admin.id)])
	},
	{
		name: 'admin sends activity.request_id in Prefer with handling=strict',
		attack: (w) =>
			rest(`users?id=eq.${w.member.id}`, w.admin.accessToken, {
				method: 'PATCH',
				body: rename,
				headers: { prefer: 'handling=strict, activity.request_id=forged-request' }
			}),
		refused: err(400, 'PGRST122')
	},
	{
		name: 'admin with another actor in user_metadata renames a user',
		prepare: async (w) => {
			await fresh(w, 'metadata-target');
			const forger = await persona(w.orgA, 'admin', 'metadata-forger');
			scratch.metadataForger = forger.id;
			const put = await http('/auth/v1/user', {
				method: 'PUT',
				token: forger.accessToken,
				body: {
					data: {
						sub: w.admin2.id,
						actor_id: w.admin2.id,
						request_id: 'forged',
						role: 'service_role'
					}
				}
			});
			if (put.status !== 200) throw new Error(`user_metadata update: ${put.status}`);
			const refreshed = await refresh(forger.refreshToken);
			if (refreshed.status !== 200) throw new Error(`refresh: ${refreshed.status}`);
			scratch.metadataForgerToken = refreshed.body.access_token;
		},
		attack: () =>
			patch(`users?id=eq.${scratch['metadata-target']}`, scratch.metadataForgerToken ?? '', rename),
		refused: recorded(['public.users'], () => [
			renamed(scratch['metadata-target'], scratch.metadataForger ?? '')
		])
	},
	{
		name: 'service role renames a user with headers naming the admin: recorded as the service',
		prepare: (w) => fresh(w, 'service-rename'),
		attack: (w) =>
			asService(`users?id=eq.${scratch['service-rename']}`, {
				method: 'PATCH',
				body: rename,
				headers: {
					prefer: 'return=representation',
					'request.jwt.claims': JSON.stringify({ sub: w.admin.id, role: 'authenticated' }),
					'activity.request_id': 'forged-request'
				}
			}),
		refused: recorded(['public.users'], () => [renamed(scratch['service-rename'], null)])
	},
	{
		name: 'manager renames themselves with headers naming the admin',
		prepare: (w) => fresh(w, 'self-manager', 'manager'),
		attack: (w) =>
			rest(`users?id=eq.${scratch['self-manager']}`, scratch['self-managerToken'] ?? '', {
				method: 'PATCH',
				body: rename,
				headers: {
					prefer: 'return=representation',
					'request.jwt.claims': JSON.stringify({ sub: w.admin.id, role: 'service_role' })
				}
			}),
		refused: recorded(['public.users'], () => [
			renamed(scratch['self-manager'], scratch['self-manager'] ?? '')
		])
	},
	{
		name: "admin calls update-user with a forged x-request-id: the function's own id is recorded",
		prepare: (w) => fresh(w, 'function-request'),
		attack: (w) =>
			fnWith(
				'update-user',
				w.admin.accessToken,
				{ user_id: scratch['function-request'], action: 'update_profile', ...rename },
				{ 'x-request-id': 'forged-request', 'activity.request_id': 'forged-request' }
			),
		refused: recorded(['public.users'], (w) => [
			renamed(scratch['function-request'], w.admin.id, {
				request_id: expect.stringMatching(UUID)
			})
		])
	},
	{
		name: 'update-user with an actor and a request id in the body',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, {
				user_id: w.member.id,
				action: 'update_profile',
				last_name: 'Forged',
				actor_id: w.admin2.id,
				request_id: 'forged-request'
			}),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'change-password with an actor in the body',
		attack: (w) =>
			fn('change-password', w.admin2.accessToken, {
				password: `Pw-${crypto.randomUUID()}`,
				current_password: w.admin2.password,
				actor_id: w.admin.id
			}),
		refused: err(400, 'invalid_input')
	},

	// ── the activity log: hiding an action ───────────────────────────────────────────────────────
	{
		name: 'admin renames a user with Prefer: tx=rollback (it commits, so it is recorded)',
		prepare: (w) => fresh(w, 'rollback-rename'),
		attack: (w) =>
			rest(`users?id=eq.${scratch['rollback-rename']}`, w.admin.accessToken, {
				method: 'PATCH',
				body: rename,
				headers: { prefer: 'return=representation, tx=rollback' }
			}),
		refused: recorded(['public.users'], (w) => [renamed(scratch['rollback-rename'], w.admin.id)])
	},
	{
		name: 'admin renames a user and back at once: both recorded',
		prepare: (w) => fresh(w, 'and-back'),
		attack: async (w) => {
			await patch(`users?id=eq.${scratch['and-back']}`, w.admin.accessToken, rename);
			return patch(`users?id=eq.${scratch['and-back']}`, w.admin.accessToken, {
				last_name: 'Persona'
			});
		},
		refused: recorded(['public.users'], (w) => [
			renamed(scratch['and-back'], w.admin.id),
			entry('profile_changed', scratch['and-back'], w.admin.id, {
				changes: { last_name: { from: 'Renamed', to: 'Persona' } }
			})
		])
	},
	{
		name: 'admin renames two users in one PATCH (id=in.(…)): one entry each',
		prepare: async (w) => {
			await fresh(w, 'bulk-one');
			await fresh(w, 'bulk-two');
		},
		attack: (w) =>
			patch(
				`users?id=in.(${scratch['bulk-one']},${scratch['bulk-two']})`,
				w.admin.accessToken,
				rename
			),
		// Recorded in the order the statement updated the rows, which is the order it returns them.
		refused: recorded(['public.users'], (w, outcome) => {
			const both = [scratch['bulk-one'], scratch['bulk-two']];
			const returned: Array<string | undefined> = Array.isArray(outcome.body)
				? outcome.body.map((row: { id: string }) => row.id)
				: [];
			const order =
				returned.length === 2 && both.every((id) => returned.includes(id)) ? returned : both;
			return order.map((id) => renamed(id, w.admin.id));
		})
	},
	{
		name: 'admin changes a name and the role in one PATCH: both recorded, apart',
		prepare: (w) => fresh(w, 'name-and-role'),
		attack: (w) =>
			patch(`users?id=eq.${scratch['name-and-role']}`, w.admin.accessToken, {
				...rename,
				role: 'external'
			}),
		refused: recorded(['public.users'], (w) => [
			renamed(scratch['name-and-role'], w.admin.id),
			entry('role_changed', scratch['name-and-role'], w.admin.id, {
				changes: { role: { from: 'member', to: 'external' } }
			})
		])
	},
	{
		name: 'admin sends a rename that changes nothing: nothing happened, nothing recorded',
		prepare: (w) => fresh(w, 'no-change'),
		attack: (w) =>
			patch(`users?id=eq.${scratch['no-change']}`, w.admin.accessToken, { last_name: 'Persona' }),
		refused: recorded(['public.users'], () => [])
	},
	{
		name: 'a sign-in with a 10 KB user agent: recorded, the agent cut to 512 characters',
		prepare: async (w) => {
			const user = await persona(w.orgA, 'member', 'long-agent');
			scratch['long-agent'] = user.id;
			scratch['long-agentEmail'] = user.email;
			scratch['long-agentPassword'] = user.password;
		},
		attack: () =>
			http('/auth/v1/token?grant_type=password', {
				headers: { 'user-agent': 'A'.repeat(10 * 1024) },
				body: {
					email: scratch['long-agentEmail'] ?? '',
					password: scratch['long-agentPassword'] ?? ''
				}
			}),
		refused: recorded(['auth.sessions', 'auth.users', 'public.users'], (_w, outcome) => [
			entry('signed_in', scratch['long-agent'], scratch['long-agent'] ?? '', {
				details: {
					session_id: sessionIdOf(String(outcome.body?.access_token ?? '')),
					user_agent: 'A'.repeat(512),
					ip_address: expect.any(String)
				}
			})
		])
	},

	// ── the activity log: reading another organization's, or without the right ──────────────────
	{
		name: 'admin of A reads the log of B by organization_id',
		attack: (w) => rest(`activity_log?organization_id=eq.${w.orgB}`, w.admin.accessToken),
		refused: noRows
	},
	{
		name: 'admin of A reads the entries about a user of B (target_id)',
		attack: (w) => rest(`activity_log?target_id=eq.${w.strangerMember.id}`, w.admin.accessToken),
		refused: noRows
	},
	{
		name: 'admin of A reads what the admin of B did (actor_id)',
		attack: (w) => rest(`activity_log?actor_id=eq.${w.strangerAdmin.id}`, w.admin.accessToken),
		refused: noRows
	},
	{
		name: 'admin of A counts the log of B with HEAD',
		attack: (w) =>
			rest(`activity_log?select=id&organization_id=eq.${w.orgB}`, w.admin.accessToken, {
				method: 'HEAD',
				headers: { prefer: 'count=exact' }
			}),
		refused: noRows
	},
	{
		name: 'admin of A widens the log filter with or=(…)',
		attack: (w) =>
			rest(
				`activity_log?select=id,organization_id&or=(organization_id.eq.${w.orgB},target_id.eq.${w.strangerMember.id},actor_id.eq.${w.strangerAdmin.id})`,
				w.admin.accessToken,
				{ headers: { prefer: 'count=exact' } }
			),
		refused: noRows
	},
	{
		name: "admin of A searches B's entries by an email they recorded (changes->email->>to)",
		attack: (w) =>
			rest(
				`activity_log?changes->email->>to=eq.${encodeURIComponent(w.strangerMember.email)}`,
				w.admin.accessToken
			),
		refused: noRows
	},
	{
		name: "admin of B reads the whole log with a count: B's entries only",
		attack: (w) =>
			rest('activity_log?select=id,organization_id,action,target_id', w.strangerAdmin.accessToken, {
				headers: { prefer: 'count=exact' }
			}),
		refused: ownActivity((w) => w.orgB)
	},
	{
		name: "admin of A reads a page of the log with a count: A's entries only",
		attack: (w) =>
			rest(
				'activity_log?select=organization_id&order=occurred_at.desc,id.desc',
				w.admin.accessToken,
				{
					headers: { prefer: 'count=exact', range: '0-9' }
				}
			),
		refused: ownActivity((w) => w.orgA)
	},
	{
		name: 'admin of A embeds the log in users',
		attack: (w) => rest('users?select=id,activity_log(*)', w.admin.accessToken),
		refused: err(400, 'PGRST200')
	},
	{
		name: "admin of B embeds A's log through organizations",
		attack: (w) =>
			rest(`organizations?select=id,activity_log(*)&id=eq.${w.orgA}`, w.strangerAdmin.accessToken),
		refused: err(400, 'PGRST200')
	},
	{
		name: 'member reads the log',
		attack: (w) =>
			rest('activity_log?select=*', w.member.accessToken, { headers: { prefer: 'count=exact' } }),
		refused: noRows
	},
	{
		name: 'manager reads the entries about themselves',
		attack: (w) => rest(`activity_log?target_id=eq.${w.manager.id}`, w.manager.accessToken),
		refused: noRows
	},
	{
		name: 'external counts the log with HEAD',
		attack: (w) =>
			rest('activity_log?select=id', w.external.accessToken, {
				method: 'HEAD',
				headers: { prefer: 'count=exact' }
			}),
		refused: noRows
	},
	{
		name: 'temporary admin reads the log',
		attack: (w) =>
			rest('activity_log?select=*', w.temporaryAdmin.accessToken, {
				headers: { prefer: 'count=exact' }
			}),
		refused: noRows
	},
	{
		name: 'deactivated admin reads the log with a still-valid token',
		attack: (w) =>
			rest('activity_log?select=*', w.inactiveAdmin.accessToken, {
				headers: { prefer: 'count=exact' }
			}),
		refused: noRows
	},
	{
		name: "member's token with sub forged to the admin reads the log",
		attack: (w) =>
			rest('activity_log?select=*', tamperedJwt(w.member.accessToken, { sub: w.admin.id })),
		refused: err(401, 'PGRST301')
	},
	{
		name: 'anon reads the log',
		attack: () => rest('activity_log?select=*', null),
		refused: err(401, '42501')
	},
	{
		name: 'anon counts the log with HEAD',
		attack: () =>
			rest('activity_log?select=id', null, { method: 'HEAD', headers: { prefer: 'count=exact' } }),
		refused: err(401)
	},
	{
		name: 'service role reads the log through the Data API (it has no privilege on it)',
		attack: () => asService('activity_log?select=*'),
		refused: err(403, '42501')
	},
	{
		name: 'admin of A reads the sessions of a user of B (rpc/user_sessions)',
		attack: (w) => rest(`rpc/user_sessions?user_id=${w.strangerMember.id}`, w.admin.accessToken),
		refused: noRows
	},
	{
		name: 'admin of A reads the sessions of the admin of B with POST rpc/user_sessions',
		attack: (w) =>
			rest('rpc/user_sessions', w.admin.accessToken, {
				method: 'POST',
				body: { user_id: w.strangerAdmin.id }
			}),
		refused: noRows
	},
	{
		name: "member reads the admin's sessions",
		attack: (w) => rest(`rpc/user_sessions?user_id=${w.admin.id}`, w.member.accessToken),
		refused: noRows
	},
	{
		name: "manager reads a member's sessions",
		attack: (w) => rest(`rpc/user_sessions?user_id=${w.member.id}`, w.manager.accessToken),
		refused: noRows
	},
	{
		name: "deactivated admin reads a member's sessions with a still-valid token",
		attack: (w) => rest(`rpc/user_sessions?user_id=${w.member.id}`, w.inactiveAdmin.accessToken),
		refused: noRows
	},
	{
		name: "temporary admin reads a member's sessions",
		attack: (w) => rest(`rpc/user_sessions?user_id=${w.member.id}`, w.temporaryAdmin.accessToken),
		refused: noRows
	},
	{
		name: 'anon calls rpc/user_sessions',
		attack: (w) => rest(`rpc/user_sessions?user_id=${w.member.id}`, null),
		refused: err(401, '42501')
	},
	{
		name: 'admin of A ends the sessions of a user of B',
		attack: (w) =>
			fn('update-user', w.admin.accessToken, {
				user_id: w.strangerMember.id,
				action: 'end_sessions'
			}),
		refused: err(404, 'user_not_found')
	},
	{
		name: "member ends the admin's sessions through update-user",
		attack: (w) =>
			fn('update-user', w.member.accessToken, { user_id: w.admin.id, action: 'end_sessions' }),
		refused: err(403, 'forbidden')
	},

	// ── the activity log: spreadsheet formulas in names (CSV injection) ──────────────────────────
	// Names may start with = + - @: the rules refuse only control and invisible characters. The log
	// keeps them verbatim; the console's CSV export neutralises them (src/, tested there).
	...['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", '@SUM(1)', '-2+3'].map(
		(formula): Attempt => ({
			name: `create-user named ${formula}: recorded verbatim`,
			attack: (w) => createNamed(w, formula),
			refused: recorded(['public.users', 'auth.users'], (w, outcome) => [
				created(w, outcome, formula, formula)
			])
		})
	),
	{
		name: 'create-user named \\t=1+1: trimmed like any name, recorded as =1+1',
		attack: (w) => createNamed(w, '\t=1+1'),
		refused: recorded(['public.users', 'auth.users'], (w, outcome) => [
			created(w, outcome, '=1+1', '=1+1')
		])
	},
	{
		name: 'create-user with a carriage return inside a name (x\\r=1+1): refused',
		attack: (w) => createNamed(w, 'x\r=1+1'),
		refused: err(400, 'invalid_input')
	},
	{
		name: 'admin renames a user to =1+1 through the Data API: recorded verbatim',
		prepare: (w) => fresh(w, 'formula-rename'),
		attack: (w) =>
			patch(`users?id=eq.${scratch['formula-rename']}`, w.admin.accessToken, {
				first_name: '=1+1'
			}),
		refused: recorded(['public.users'], (w) => [
			entry('profile_changed', scratch['formula-rename'], w.admin.id, {
				changes: { first_name: { from: 'formularename', to: '=1+1' } }
			})
		])
	}
];

export const rememberScratch = () =>
	Object.values(scratch).forEach((value) => value && rememberSecret(value));
