// auth.users and auth.identities, read and written as GoTrue's models package does, and the user
// JSON GoTrue answers with (field order and omitempty rules of its models.User and Identity).
import type { Sql } from '../database.ts';
import { goMapOrder } from './go-json.ts';

/** GoTrue runs single-instance: every row it reads or writes carries the nil instance id. */
export const INSTANCE_ID = '00000000-0000-0000-0000-000000000000';
/** GOTRUE_JWT_AUD and GOTRUE_JWT_DEFAULT_GROUP_NAME defaults. */
export const DEFAULT_AUDIENCE = 'authenticated';
export const DEFAULT_ROLE = 'authenticated';

type Metadata = Record<string, unknown>;

export interface UserRecord {
	id: string;
	aud: string | null;
	role: string | null;
	email: string | null;
	phone: string | null;
	encrypted_password: string | null;
	is_anonymous: boolean;
	raw_app_meta_data: Metadata | null;
	raw_user_meta_data: Metadata | null;
	email_change: string | null;
	phone_change: string | null;
	/** banned_until lies in the future, by the database clock. */
	banned: boolean;
	email_confirmed_at: string | null;
	invited_at: string | null;
	phone_confirmed_at: string | null;
	confirmation_sent_at: string | null;
	confirmed_at: string | null;
	recovery_sent_at: string | null;
	email_change_sent_at: string | null;
	phone_change_sent_at: string | null;
	reauthentication_sent_at: string | null;
	last_sign_in_at: string | null;
	created_at: string | null;
	updated_at: string | null;
	banned_until: string | null;
	deleted_at: string | null;
}

export interface IdentityRecord {
	id: string;
	provider_id: string;
	user_id: string;
	identity_data: Metadata | null;
	provider: string;
	email: string | null;
	last_sign_in_at: string | null;
	created_at: string | null;
	updated_at: string | null;
}

/** A timestamp as Go's time.Time marshals it (RFC 3339, UTC, fraction without trailing zeros). */
export function goTime(column: string): string {
	return `regexp_replace(to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '\\.?0+$', '') || 'Z'`;
}

const USER_TIMESTAMPS = [
	'email_confirmed_at',
	'invited_at',
	'phone_confirmed_at',
	'confirmation_sent_at',
	'confirmed_at',
	'recovery_sent_at',
	'email_change_sent_at',
	'phone_change_sent_at',
	'reauthentication_sent_at',
	'last_sign_in_at',
	'created_at',
	'updated_at',
	'banned_until',
	'deleted_at'
] as const;

const USER_SELECT = `
	select u.id, u.aud, u.role, u.email, u.phone, u.encrypted_password, u.is_anonymous,
	       u.raw_app_meta_data, u.raw_user_meta_data, u.email_change, u.phone_change,
	       coalesce(u.banned_until > now(), false) as banned,
	       ${USER_TIMESTAMPS.map((column) => `${goTime(`u.${column}`)} as ${column}`).join(',\n\t       ')}
	from auth.users u`;

const IDENTITY_SELECT = `
	select i.id, i.provider_id, i.user_id, i.identity_data, i.provider, i.email,
	       ${goTime('i.last_sign_in_at')} as last_sign_in_at, ${goTime('i.created_at')} as created_at,
	       ${goTime('i.updated_at')} as updated_at
	from auth.identities i`;

export async function findUserById(sql: Sql, id: string): Promise<UserRecord | null> {
	const { rows } = await sql.query<UserRecord>(
		`${USER_SELECT} where u.instance_id = $1 and u.id = $2`,
		[INSTANCE_ID, id]
	);
	return rows[0] ?? null;
}

/** GoTrue's FindUserByEmailAndAudience: case-insensitive, SSO accounts excluded. */
export async function findUserByEmail(
	sql: Sql,
	email: string,
	aud: string
): Promise<UserRecord | null> {
	const { rows } = await sql.query<UserRecord>(
		`${USER_SELECT} where u.instance_id = $1 and lower(u.email) = lower($2) and u.aud = $3 and u.is_sso_user = false limit 1`,
		[INSTANCE_ID, email, aud]
	);
	return rows[0] ?? null;
}

export async function findUserByPhone(
	sql: Sql,
	phone: string,
	aud: string
): Promise<UserRecord | null> {
	const { rows } = await sql.query<UserRecord>(
		`${USER_SELECT} where u.instance_id = $1 and u.phone = $2 and u.aud = $3 and u.is_sso_user = false limit 1`,
		[INSTANCE_ID, phone, aud]
	);
	return rows[0] ?? null;
}

/**
 * GoTrue's IsDuplicatedEmail: another user of the audience owning the address, through any of
 * its identities or its users row.
 */
export async function findUserWithEmail(
	sql: Sql,
	email: string,
	aud: string,
	exceptUserId?: string
): Promise<UserRecord | null> {
	const { rows } = await sql.query<UserRecord>(
		`${USER_SELECT}
		 where u.instance_id = $1 and u.aud = $2 and u.is_sso_user = false and u.id is distinct from $4
		   and (lower(u.email) = lower($3)
		        or exists (select from auth.identities i where i.user_id = u.id and i.email = lower($3)))
		 limit 1`,
		[INSTANCE_ID, aud, email, exceptUserId ?? null]
	);
	return rows[0] ?? null;
}

export async function findIdentities(sql: Sql, userId: string): Promise<IdentityRecord[]> {
	const { rows } = await sql.query<IdentityRecord>(
		`${IDENTITY_SELECT} where i.user_id = $1 order by i.created_at, i.id`,
		[userId]
	);
	return rows;
}

export interface UserPage {
	users: UserRecord[];
	total: number;
}

/** GoTrue's FindUsersInAudience: newest first, optional filter on email and full_name. */
export async function listUsers(
	sql: Sql,
	options: { aud: string; page: number; perPage: number; filter: string }
): Promise<UserPage> {
	const conditions = ['u.instance_id = $1', 'u.aud = $2'];
	const params: unknown[] = [INSTANCE_ID, options.aud];
	if (options.filter) {
		params.push(`%${options.filter}%`);
		conditions.push(`(u.email like $3 or u.raw_user_meta_data->>'full_name' ilike $3)`);
	}
	const where = conditions.join(' and ');
	const count = await sql.query<{ total: string }>(
		`select count(*) as total from auth.users u where ${where}`,
		params
	);
	const { rows } = await sql.query<UserRecord>(
		`${USER_SELECT} where ${where} order by u.created_at desc limit $${params.length + 1} offset $${params.length + 2}`,
		[
			...params,
			options.perPage,
			Math.min((options.page - 1) * options.perPage, Number.MAX_SAFE_INTEGER)
		]
	);
	return { users: rows, total: Number(count.rows[0]?.total ?? 0) };
}

export interface NewUser {
	id: string;
	aud: string;
	role: string;
	email: string | null;
	phone: string | null;
	encryptedPassword: string;
	appMetadata: Metadata;
	userMetadata: Metadata;
	emailConfirmed: boolean;
	phoneConfirmed: boolean;
	/** Ban length in microseconds; null for no ban. */
	banMicros: bigint | null;
}

export async function insertUser(sql: Sql, user: NewUser): Promise<void> {
	// GoTrue writes its token columns as '' (Go zero values), never NULL.
	await sql.query(
		`insert into auth.users (
		   instance_id, id, aud, role, email, phone, encrypted_password,
		   email_confirmed_at, phone_confirmed_at,
		   confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current,
		   phone_change, phone_change_token, reauthentication_token,
		   raw_app_meta_data, raw_user_meta_data, is_sso_user, is_anonymous, banned_until, created_at, updated_at)
		 values ($1, $2, $3, $4, $5, $6, $7,
		   case when $8 then now() end, case when $9 then now() end,
		   '', '', '', '', '', '', '', '',
		   $10, $11, false, false, now() + $12::bigint * interval '1 microsecond', now(), now())`,
		[
			INSTANCE_ID,
			user.id,
			user.aud,
			user.role,
			user.email,
			user.phone,
			user.encryptedPassword,
			user.emailConfirmed,
			user.phoneConfirmed,
			user.appMetadata,
			user.userMetadata,
			user.banMicros === null ? null : user.banMicros.toString()
		]
	);
}

/** Columns an update may set, so that column names never come from a request. */
export type UserColumn =
	| 'role'
	| 'email'
	| 'phone'
	| 'raw_app_meta_data'
	| 'raw_user_meta_data'
	| 'last_sign_in_at'
	| 'email_confirmed_at'
	| 'phone_confirmed_at';

/** Sets the given columns to values, or to now() for the ones named in `toNow`; bumps updated_at. */
export async function updateUser(
	sql: Sql,
	id: string,
	values: Partial<Record<UserColumn, unknown>>,
	toNow: UserColumn[] = []
): Promise<void> {
	const assignments = ['updated_at = now()'];
	const params: unknown[] = [id];
	for (const [column, value] of Object.entries(values)) {
		params.push(value);
		assignments.push(`${column} = $${params.length}`);
	}
	for (const column of toNow) assignments.push(`${column} = now()`);
	await sql.query(`update auth.users set ${assignments.join(', ')} where id = $1`, params);
}

/**
 * GoTrue's UpdatePassword: the new hash, and every pending confirmation, recovery and change token
 * cleared, because whoever asked for them may be the one the password change locks out.
 */
export async function setPassword(sql: Sql, id: string, encryptedPassword: string): Promise<void> {
	await sql.query(
		`update auth.users
		 set encrypted_password = $2, updated_at = now(),
		     confirmation_token = '', confirmation_sent_at = null, recovery_token = '', recovery_sent_at = null,
		     email_change_token_current = '', email_change_token_new = '', email_change_sent_at = null,
		     phone_change_token = '', phone_change_sent_at = null, reauthentication_token = '', reauthentication_sent_at = null
		 where id = $1`,
		[id, encryptedPassword]
	);
}

/** GoTrue's ClearAllPendingTokens, run when an admin reassigns a user's email or phone. */
export async function clearPendingChanges(sql: Sql, id: string): Promise<void> {
	await sql.query(
		`update auth.users
		 set confirmation_token = '', confirmation_sent_at = null, recovery_token = '', recovery_sent_at = null,
		     email_change = '', email_change_token_current = '', email_change_token_new = '', email_change_sent_at = null,
		     email_change_confirm_status = 0, phone_change = '', phone_change_token = '', phone_change_sent_at = null,
		     reauthentication_token = '', reauthentication_sent_at = null
		 where id = $1`,
		[id]
	);
}

/** GoTrue's Ban: a duration from now, or lifted when the duration is zero. */
export async function banUser(sql: Sql, id: string, banMicros: bigint): Promise<void> {
	await sql.query(
		`update auth.users
		 set banned_until = case when $2::bigint = 0 then null else now() + $2::bigint * interval '1 microsecond' end,
		     updated_at = now()
		 where id = $1`,
		[id, banMicros.toString()]
	);
}

/** GoTrue's metadata update: keys in `updates` replace, keys set to null are removed, others stay. */
export function mergeMetadata(current: Metadata | null, updates: Metadata): Metadata {
	const merged: Metadata = { ...(current ?? {}) };
	for (const [key, value] of Object.entries(updates)) {
		if (value === null) delete merged[key];
		// defineProperty, so that a "__proto__" key is stored as data rather than changing the prototype.
		else
			Object.defineProperty(merged, key, {
				value,
				enumerable: true,
				writable: true,
				configurable: true
			});
	}
	return merged;
}

export async function insertIdentity(
	sql: Sql,
	userId: string,
	provider: 'email' | 'phone',
	identityData: Metadata
): Promise<void> {
	// provider_id is the user id for GoTrue's own email and phone identities.
	await sql.query(
		`insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
		 values (gen_random_uuid(), $1, $2, $3, $4, now(), now(), now())`,
		[userId, userId, identityData, provider]
	);
}

/** GoTrue's UpdateIdentityData: merges keys into identity_data. */
export async function updateIdentityData(
	sql: Sql,
	userId: string,
	provider: 'email' | 'phone',
	updates: Metadata
): Promise<boolean> {
	const { rowCount } = await sql.query(
		`update auth.identities set identity_data = identity_data || $3::jsonb, updated_at = now()
		 where provider_id = $1 and provider = $2`,
		[userId, provider, updates]
	);
	return rowCount > 0;
}

export async function deleteUser(sql: Sql, id: string): Promise<void> {
	await sql.query(`delete from auth.users where id = $1`, [id]);
}

function identityJson(identity: IdentityRecord): Record<string, unknown> {
	// Go struct order; GoTrue swaps the names: `identity_id` is the row id, `id` the provider's.
	const json: Record<string, unknown> = {
		identity_id: identity.id,
		id: identity.provider_id,
		user_id: identity.user_id
	};
	if (identity.identity_data && Object.keys(identity.identity_data).length > 0)
		json.identity_data = goMapOrder(identity.identity_data);
	json.provider = identity.provider;
	if (identity.last_sign_in_at) json.last_sign_in_at = identity.last_sign_in_at;
	json.created_at = identity.created_at ?? '0001-01-01T00:00:00Z';
	json.updated_at = identity.updated_at ?? '0001-01-01T00:00:00Z';
	if (identity.email) json.email = identity.email;
	return json;
}

/**
 * The user as GoTrue's models.User marshals it. `identities` is null where GoTrue does not load
 * them (the admin list), which it then sends as JSON null.
 */
export function userJson(
	user: UserRecord,
	identities: IdentityRecord[] | null
): Record<string, unknown> {
	const json: Record<string, unknown> = {
		id: user.id,
		aud: user.aud ?? '',
		role: user.role ?? '',
		email: user.email ?? ''
	};
	const optional = (key: string, value: string | null) => {
		if (value) json[key] = value;
	};
	optional('email_confirmed_at', user.email_confirmed_at);
	optional('invited_at', user.invited_at);
	json.phone = user.phone ?? '';
	optional('phone_confirmed_at', user.phone_confirmed_at);
	optional('confirmation_sent_at', user.confirmation_sent_at);
	optional('confirmed_at', user.confirmed_at);
	optional('recovery_sent_at', user.recovery_sent_at);
	optional('new_email', user.email_change);
	optional('email_change_sent_at', user.email_change_sent_at);
	optional('new_phone', user.phone_change);
	optional('phone_change_sent_at', user.phone_change_sent_at);
	optional('reauthentication_sent_at', user.reauthentication_sent_at);
	optional('last_sign_in_at', user.last_sign_in_at);
	json.app_metadata = goMapOrder(user.raw_app_meta_data);
	json.user_metadata = goMapOrder(user.raw_user_meta_data);
	json.identities = identities === null ? null : identities.map(identityJson);
	json.created_at = user.created_at ?? '0001-01-01T00:00:00Z';
	json.updated_at = user.updated_at ?? '0001-01-01T00:00:00Z';
	optional('banned_until', user.banned_until);
	optional('deleted_at', user.deleted_at);
	json.is_anonymous = user.is_anonymous;
	return json;
}

/** A user's pending recovery, with the database clock, read under a row lock. */
export interface RecoveryState {
	id: string;
	/** GoTrue's hash form ('' once used or never issued). */
	recovery_token: string | null;
	/** recovery_sent_at in Unix milliseconds. */
	recovery_sent_ms: number | null;
	/** The database's clock_timestamp() in Unix milliseconds: every time check uses one clock. */
	now_ms: number;
}

const RECOVERY_STATE_SELECT = `
	select u.id, u.recovery_token,
	       (extract(epoch from u.recovery_sent_at) * 1000)::float8 as recovery_sent_ms,
	       (extract(epoch from clock_timestamp()) * 1000)::float8 as now_ms
	from auth.users u`;

/**
 * Locks the user's row until the transaction ends, so two requests for one user (two recovery
 * mails, two uses of one link) run one after the other.
 */
export async function lockRecoveryState(sql: Sql, userId: string): Promise<RecoveryState | null> {
	const { rows } = await sql.query<RecoveryState>(
		`${RECOVERY_STATE_SELECT} where u.instance_id = $1 and u.id = $2 for update`,
		[INSTANCE_ID, userId]
	);
	return rows[0] ?? null;
}

/**
 * The user holding this recovery token hash, locked (GoTrue's FindUserByRecoveryToken; the local
 * stack keeps the token in auth.users.recovery_token only, having no auth.one_time_tokens). A
 * request that waited for the lock re-reads the row and no longer finds a token used meanwhile.
 */
export async function lockUserByRecoveryToken(
	sql: Sql,
	hash: string
): Promise<RecoveryState | null> {
	if (hash === '') return null;
	const { rows } = await sql.query<RecoveryState>(
		`${RECOVERY_STATE_SELECT} where u.instance_id = $1 and u.recovery_token = $2 limit 1 for update`,
		[INSTANCE_ID, hash]
	);
	return rows[0] ?? null;
}

/** A recovery mail went out: its token hash and the time it was sent (GoTrue's sendPasswordRecovery). */
export async function setRecoveryToken(sql: Sql, userId: string, hash: string): Promise<void> {
	await sql.query(
		`update auth.users set recovery_token = $2, recovery_sent_at = clock_timestamp() where id = $1`,
		[userId, hash]
	);
}

/** GoTrue's Recover: the token is used up; recovery_sent_at stays, so max_frequency still counts from it. */
export async function clearRecoveryToken(sql: Sql, userId: string): Promise<void> {
	await sql.query(`update auth.users set recovery_token = '' where id = $1`, [userId]);
}

/** GoTrue's Confirm: the address is confirmed and user_metadata says email_verified. */
export async function confirmEmail(sql: Sql, userId: string): Promise<void> {
	await sql.query(
		`update auth.users
		 set confirmation_token = '', email_confirmed_at = now(),
		     raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{"email_verified": true}'::jsonb
		 where id = $1`,
		[userId]
	);
}
