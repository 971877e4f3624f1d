// Auth (GoTrue) contract: what supabase-js's auth and auth.admin clients send, answered as GoTrue
// answers it. Plain fetch covers what supabase-js cannot express (error body shapes, malformed
// requests); the database checks need SUPABASE_DB_URL when run against another Supabase.
import {
	type AdminUserAttributes,
	type Session,
	type SupabaseClient,
	type User
} from '@supabase/supabase-js';
import { randomUUID } from 'node:crypto';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createNodeClient } from '../../scripts/lib/supabase-node.ts';
import { createAuthUser, newPassword, stack, uniqueEmail, withDb } from './stack-under-test.ts';

function client(key: string): SupabaseClient {
	return createNodeClient(stack().apiUrl, key) as unknown as SupabaseClient;
}

const anonClient = () => client(stack().anonKey);
const serviceClient = () => client(stack().serviceRoleKey);

const hasDb = stack().dbUrl !== null;
const hasSecret = stack().jwtSecret !== null;
const NEW_ERROR_SHAPE = { 'X-Supabase-Api-Version': '2024-01-01' };

interface RawResponse {
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	headers: Headers;
}

/** A request to /auth/v1 as any HTTP client could send it. */
async function authFetch(
	path: string,
	options: {
		method?: string;
		token?: string;
		body?: unknown;
		rawBody?: string;
		headers?: Record<string, string>;
	} = {}
): Promise<RawResponse> {
	const headers: Record<string, string> = {
		apikey: stack().anonKey,
		'content-type': 'application/json',
		...options.headers
	};
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	const body =
		options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
	const response = await fetch(`${stack().apiUrl}/auth/v1${path}`, {
		method: options.method ?? 'GET',
		headers,
		body
	});
	const text = await response.text();
	return {
		status: response.status,
		body: text ? JSON.parse(text) : null,
		headers: response.headers
	};
}

const createUser = (attributes: AdminUserAttributes = {}) => createAuthUser('auth', attributes);

async function signIn(email: string, password: string): Promise<Session> {
	const { data, error } = await anonClient().auth.signInWithPassword({ email, password });
	if (error || !data.session) throw error ?? new Error('no session');
	return data.session;
}

const signInError = async (email: string, password: string) =>
	(await anonClient().auth.signInWithPassword({ email, password })).error;
const refresh = (refreshToken: string) =>
	anonClient().auth.refreshSession({ refresh_token: refreshToken });
const sessionIdOf = (session: Session) => decodeJwt(session.access_token).session_id as string;

const sessionCount = (userId: string) =>
	withDb(async (db) =>
		Number(
			(await db.query('select count(*) from auth.sessions where user_id = $1', [userId])).rows[0]
				.count
		)
	);

/** Makes the session's refresh tokens look older than GoTrue's 10-second reuse interval. */
const ageRefreshTokens = (sessionId: string) =>
	withDb((db) =>
		db.query(
			`update auth.refresh_tokens set updated_at = now() - interval '11 seconds' where session_id = $1`,
			[sessionId]
		)
	);

describe('health and settings', () => {
	it('answers GET /health as GoTrue', async () => {
		const response = await authFetch('/health');
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({
			name: 'GoTrue',
			description: expect.stringContaining('GoTrue')
		});
	});

	it('answers GET /settings from config.toml', async () => {
		const response = await authFetch('/settings');
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({
			external: { email: true, phone: false, anonymous_users: false, google: false },
			// config.toml closes sign-up: admins create users through the create-user function.
			disable_signup: true,
			mailer_autoconfirm: true
		});
	});
});

describe('admin: create user', () => {
	it('creates a confirmed user with metadata, an email identity and GoTrue app_metadata', async () => {
		const email = uniqueEmail('Create').toUpperCase();
		const { data, error } = await serviceClient().auth.admin.createUser({
			email,
			password: newPassword(),
			email_confirm: true,
			app_metadata: { organization_id: 'org-1' },
			user_metadata: { first_name: 'Ada' }
		});
		expect(error).toBeNull();
		const user = data.user as User;
		expect(user.email).toBe(email.toLowerCase());
		expect(user.aud).toBe('authenticated');
		expect(user.role).toBe('authenticated');
		expect(user.email_confirmed_at).toEqual(expect.any(String));
		expect(user.app_metadata).toEqual({
			provider: 'email',
			providers: ['email'],
			organization_id: 'org-1'
		});
		expect(user.user_metadata).toEqual({ first_name: 'Ada', email_verified: true });
		expect(user.identities).toHaveLength(1);
		expect(user.identities?.[0]).toMatchObject({
			id: user.id,
			user_id: user.id,
			provider: 'email',
			identity_data: {
				sub: user.id,
				email: email.toLowerCase(),
				email_verified: false,
				phone_verified: false
			}
		});
	});

	it.runIf(hasDb)('stores a bcrypt cost-10 hash and the password nowhere in clear', async () => {
		const { user, password } = await createUser();
		await signIn(user.email as string, password);
		const stored = await withDb(async (db) => {
			const row = (
				await db.query('select encrypted_password, instance_id from auth.users where id = $1', [
					user.id
				])
			).rows[0];
			const plaintextRows: number[] = [];
			for (const table of [
				'users',
				'identities',
				'sessions',
				'refresh_tokens',
				'audit_log_entries'
			]) {
				const { rows } = await db.query(
					`select count(*) from auth.${table} t where t::text like '%' || $1 || '%'`,
					[password]
				);
				plaintextRows.push(Number(rows[0].count));
			}
			return { ...row, plaintextRows };
		});
		expect(stored.encrypted_password).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
		expect(stored.instance_id).toBe('00000000-0000-0000-0000-000000000000');
		expect(stored.plaintextRows).toEqual([0, 0, 0, 0, 0]);
	});

	it('refuses an email already registered, whatever its case', async () => {
		const { email } = await createUser();
		const { error } = await serviceClient().auth.admin.createUser({
			email: email.toUpperCase(),
			password: newPassword()
		});
		expect(error).toMatchObject({
			status: 422,
			code: 'email_exists',
			message: 'A user with this email address has already been registered'
		});
	});

	it('refuses a weak password with its reasons, and one over 72 bytes', async () => {
		const weak = await serviceClient().auth.admin.createUser({
			email: uniqueEmail(),
			password: 'abc'
		});
		expect(weak.error).toMatchObject({
			name: 'AuthWeakPasswordError',
			status: 422,
			code: 'weak_password',
			reasons: ['length']
		});
		expect(weak.error?.message).toBe('Password should be at least 12 characters.');

		const long = await serviceClient().auth.admin.createUser({
			email: uniqueEmail(),
			password: 'é'.repeat(37)
		});
		expect(long.error).toMatchObject({
			status: 400,
			code: 'validation_failed',
			message: 'Password cannot be longer than 72 characters'
		});
	});

	it('refuses a malformed email and a user with neither email nor phone', async () => {
		const malformed = await serviceClient().auth.admin.createUser({
			email: 'not an email',
			password: newPassword()
		});
		expect(malformed.error).toMatchObject({
			status: 400,
			code: 'validation_failed',
			message: 'Unable to validate email address: invalid format'
		});
		const empty = await serviceClient().auth.admin.createUser({ password: newPassword() });
		expect(empty.error).toMatchObject({
			status: 400,
			code: 'validation_failed',
			message: 'Cannot create a user without either an email or phone'
		});
	});

	it('refuses a ban duration that is not a Go duration', async () => {
		const { error } = await serviceClient().auth.admin.createUser({
			email: uniqueEmail(),
			password: newPassword(),
			ban_duration: '1d'
		});
		expect(error).toMatchObject({
			status: 400,
			code: 'validation_failed',
			message: 'invalid format for ban duration: time: unknown unit "d" in duration "1d"'
		});
	});

	it('answers bad JSON and mistyped fields with bad_json and Go’s wording', async () => {
		const service = { token: stack().serviceRoleKey, method: 'POST', headers: NEW_ERROR_SHAPE };
		const broken = await authFetch('/admin/users', { ...service, rawBody: '{"email": ' });
		expect(broken.status).toBe(400);
		expect(broken.body).toEqual({
			code: 'bad_json',
			message: 'Could not parse request body as JSON: unexpected end of JSON input'
		});
		const mistyped = await authFetch('/admin/users', {
			...service,
			body: { email: uniqueEmail(), email_confirm: 'yes' }
		});
		expect(mistyped.body).toEqual({
			code: 'bad_json',
			message:
				'Could not parse request body as JSON: json: cannot unmarshal string into Go struct field AdminUserParams.email_confirm of type bool'
		});
	});

	it.runIf(hasDb)('signs in a user whose hash pgcrypto wrote, as the seed does', async () => {
		const { user } = await createUser();
		const password = newPassword();
		await withDb((db) =>
			db.query(
				`update auth.users set encrypted_password = extensions.crypt($2, extensions.gen_salt('bf', 10)) where id = $1`,
				[user.id, password]
			)
		);
		const session = await signIn(user.email as string, password);
		expect(session.user.id).toBe(user.id);
	});
});

describe('admin routes need a service-role token', () => {
	it('refuses the anon key and a user token with 403 not_admin', async () => {
		const asAnon = await anonClient().auth.admin.listUsers();
		expect(asAnon.error).toMatchObject({
			status: 403,
			code: 'not_admin',
			message: 'User not allowed'
		});

		const { email, password } = await createUser();
		const session = await signIn(email, password);
		const asUser = await authFetch('/admin/users', {
			token: session.access_token,
			headers: NEW_ERROR_SHAPE
		});
		expect(asUser.status).toBe(403);
		expect(asUser.body).toEqual({ code: 'not_admin', message: 'User not allowed' });
	});

	it('answers a missing bearer token with 401 and a broken one with 403 bad_jwt', async () => {
		const missing = await authFetch('/admin/users', { headers: NEW_ERROR_SHAPE });
		expect(missing.status).toBe(401);
		expect(missing.body).toEqual({
			code: 'no_authorization',
			message: 'This endpoint requires a valid Bearer token'
		});

		const garbage = await authFetch('/admin/users', {
			token: 'not.a.jwt',
			headers: NEW_ERROR_SHAPE
		});
		expect(garbage.status).toBe(403);
		expect(garbage.body.code).toBe('bad_jwt');
		expect(garbage.body.message).toMatch(/^invalid JWT: unable to parse or verify signature, /);
	});

	it.runIf(hasSecret)('refuses an expired service-role token', async () => {
		const secret = new TextEncoder().encode(stack().jwtSecret as string);
		const past = Math.floor(Date.now() / 1000) - 7200;
		const expired = await new SignJWT({ role: 'service_role', iat: past, exp: past + 60 })
			.setProtectedHeader({ alg: 'HS256' })
			.sign(secret);
		const response = await authFetch('/admin/users', { token: expired, headers: NEW_ERROR_SHAPE });
		expect(response.status).toBe(403);
		expect(response.body).toEqual({
			code: 'bad_jwt',
			message:
				'invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired'
		});
	});
});

describe('admin: get, list, update, delete', () => {
	it('gets a user by id, and answers unknown and malformed ids with 404', async () => {
		const { user } = await createUser();
		const found = await serviceClient().auth.admin.getUserById(user.id);
		expect(found.data.user).toMatchObject({
			id: user.id,
			email: user.email,
			identities: [expect.objectContaining({ provider: 'email' })]
		});

		const unknown = await serviceClient().auth.admin.getUserById(randomUUID());
		expect(unknown.error).toMatchObject({
			status: 404,
			code: 'user_not_found',
			message: 'User not found'
		});
		const malformed = await authFetch('/admin/users/not-a-uuid', {
			token: stack().serviceRoleKey,
			headers: NEW_ERROR_SHAPE
		});
		expect(malformed.status).toBe(404);
		expect(malformed.body).toEqual({
			code: 'validation_failed',
			message: 'user_id must be an UUID'
		});
	});

	it('lists users newest first, page by page, with x-total-count and link headers', async () => {
		const newest = (await createUser()).user;
		const { data, error } = await serviceClient().auth.admin.listUsers({ page: 1, perPage: 1 });
		expect(error).toBeNull();
		expect(data.users.map((user) => user.id)).toEqual([newest.id]);
		const total = (data as { total: number }).total;
		expect(total).toBeGreaterThan(1);
		// auth-js reads only the first digit of a page number, so lastPage is checked on the raw header.
		expect(data).toMatchObject({ aud: 'authenticated', nextPage: 2 });

		const raw = await authFetch('/admin/users?page=2&per_page=1', {
			token: stack().serviceRoleKey
		});
		expect(raw.status).toBe(200);
		expect(raw.body.users).toHaveLength(1);
		expect(raw.headers.get('x-total-count')).toBe(String(total));
		expect(raw.headers.get('link')).toBe(
			`</admin/users?page=3&per_page=1>; rel="next", </admin/users?page=${total}&per_page=1>; rel="last"`
		);
	});

	it('refuses pagination that is not a number', async () => {
		const response = await authFetch('/admin/users?page=abc', {
			token: stack().serviceRoleKey,
			headers: NEW_ERROR_SHAPE
		});
		expect(response.status).toBe(400);
		expect(response.body).toEqual({
			code: 'validation_failed',
			message: 'Bad Pagination Parameters: strconv.ParseUint: parsing "abc": invalid syntax'
		});
	});

	it('merges app_metadata and user_metadata: given keys replace, null removes, others stay', async () => {
		const { user } = await createUser({
			app_metadata: { organization_id: 'a', stale: 1 },
			user_metadata: { first_name: 'Ada', nickname: 'A' }
		});
		const { data, error } = await serviceClient().auth.admin.updateUserById(user.id, {
			app_metadata: { organization_id: 'b', stale: null, role: 'admin' },
			user_metadata: { nickname: null, last_name: 'Lovelace' }
		});
		expect(error).toBeNull();
		expect(data.user?.app_metadata).toEqual({
			provider: 'email',
			providers: ['email'],
			organization_id: 'b',
			role: 'admin'
		});
		expect(data.user?.user_metadata).toEqual({
			first_name: 'Ada',
			last_name: 'Lovelace',
			email_verified: true
		});
	});

	it('changes the email of a user and its email identity; the new address signs in', async () => {
		const { user, password } = await createUser();
		const email = uniqueEmail('renamed');
		const { data, error } = await serviceClient().auth.admin.updateUserById(user.id, {
			email,
			email_confirm: true
		});
		expect(error).toBeNull();
		expect(data.user?.email).toBe(email);
		expect(data.user?.identities?.[0]?.identity_data).toMatchObject({
			email,
			email_verified: true
		});
		expect((await signIn(email, password)).user.id).toBe(user.id);
		expect((await signInError(user.email as string, password))?.code).toBe('invalid_credentials');
	});

	it('answers an email taken by another user as GoTrue does: a database error', async () => {
		const taken = (await createUser()).email;
		const { user } = await createUser();
		const response = await authFetch(`/admin/users/${user.id}`, {
			method: 'PUT',
			token: stack().serviceRoleKey,
			body: { email: taken },
			headers: NEW_ERROR_SHAPE
		});
		expect(response.status).toBe(500);
		expect(response.body).toEqual({ code: 'unexpected_failure', message: 'Error updating user' });
		expect((await serviceClient().auth.admin.getUserById(user.id)).data.user?.email).toBe(
			user.email
		);
	});

	it.runIf(hasDb)(
		'sets a password: the old one fails, the new one works, every session ends',
		async () => {
			const { user, email, password } = await createUser();
			const session = await signIn(email, password);
			const replacement = newPassword();
			const { error } = await serviceClient().auth.admin.updateUserById(user.id, {
				password: replacement
			});
			expect(error).toBeNull();
			expect(await sessionCount(user.id)).toBe(0);
			expect((await refresh(session.refresh_token)).error?.code).toBe('refresh_token_not_found');
			expect((await signInError(email, password))?.code).toBe('invalid_credentials');
			expect((await signIn(email, replacement)).user.id).toBe(user.id);
		}
	);

	it.runIf(hasDb)('deletes a user with its identities and sessions', async () => {
		const { user, email, password } = await createUser();
		await signIn(email, password);
		const { error } = await serviceClient().auth.admin.deleteUser(user.id);
		expect(error).toBeNull();
		expect((await serviceClient().auth.admin.getUserById(user.id)).error?.code).toBe(
			'user_not_found'
		);
		const left = await withDb(async (db) => ({
			identities: (
				await db.query('select count(*) from auth.identities where user_id = $1', [user.id])
			).rows[0].count,
			sessions: (await db.query('select count(*) from auth.sessions where user_id = $1', [user.id]))
				.rows[0].count
		}));
		expect(left).toEqual({ identities: '0', sessions: '0' });
		expect((await signInError(email, password))?.code).toBe('invalid_credentials');
	});

	it.runIf(hasDb)(
		'cannot delete a user public.users references, and answers a database error',
		async () => {
			const { user } = await createUser();
			await withDb(async (db) => {
				const organization = (
					await db.query(
						`insert into public.organizations (name) values ('Auth contract') returning id`
					)
				).rows[0].id;
				await db.query(
					`insert into public.users (id, organization_id, email, first_name, last_name) values ($1, $2, $3, 'Kept', 'User')`,
					[user.id, organization, user.email]
				);
			});

			// supabase-js 2.109 (the last for Node 20) reports every 5xx as retryable, without the
			// body's message; the body itself is checked below.
			const { error } = await serviceClient().auth.admin.deleteUser(user.id);
			expect(error).toMatchObject({ status: 500 });

			const legacyShape = await authFetch(`/admin/users/${user.id}`, {
				method: 'DELETE',
				token: stack().serviceRoleKey
			});
			expect(legacyShape.status).toBe(500);
			// 23503 on PostgreSQL 15; newer servers report ON DELETE RESTRICT as 23001.
			expect(legacyShape.body).toMatchObject({
				code: expect.stringMatching(/^23(503|001)$/),
				message: expect.stringContaining('foreign key constraint')
			});
			expect((await serviceClient().auth.admin.getUserById(user.id)).data.user?.id).toBe(user.id);
		}
	);
});

describe('password sign-in', () => {
	it('returns a session whose access token carries GoTrue’s claims', async () => {
		const { user, email, password } = await createUser({
			app_metadata: { organization_id: 'org-9' }
		});
		const session = await signIn(email, password);
		expect(session).toMatchObject({
			token_type: 'bearer',
			expires_in: 3600,
			user: { id: user.id, email }
		});
		expect(session.refresh_token).toMatch(/^[a-z0-9]{12}$/);
		expect(session.user.last_sign_in_at).toEqual(expect.any(String));

		const claims = decodeJwt(session.access_token);
		expect(claims).toMatchObject({
			iss: `${stack().apiUrl}/auth/v1`,
			sub: user.id,
			aud: 'authenticated',
			email,
			phone: '',
			role: 'authenticated',
			aal: 'aal1',
			app_metadata: { provider: 'email', providers: ['email'], organization_id: 'org-9' },
			user_metadata: { email_verified: true },
			is_anonymous: false,
			session_id: expect.any(String),
			amr: [{ method: 'password', timestamp: expect.any(Number) }]
		});
		expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
		expect(session.expires_at).toBe(claims.exp);
	});

	it.runIf(hasSecret)('signs access tokens with the project JWT secret (HS256)', async () => {
		const { email, password } = await createUser();
		const session = await signIn(email, password);
		const { protectedHeader } = await jwtVerify(
			session.access_token,
			new TextEncoder().encode(stack().jwtSecret as string)
		);
		expect(protectedHeader.alg).toBe('HS256');
	});

	it.runIf(hasDb)('keeps one session row and one refresh token row per sign-in', async () => {
		const { user, email, password } = await createUser();
		const first = await signIn(email, password);
		const second = await signIn(email, password);
		const rows = await withDb(async (db) => ({
			sessions: (
				await db.query(
					'select id, aal::text from auth.sessions where user_id = $1 order by created_at',
					[user.id]
				)
			).rows,
			tokens: (
				await db.query(
					'select token, revoked, parent, session_id from auth.refresh_tokens where user_id = $1 order by id',
					[user.id]
				)
			).rows
		}));
		expect(rows.sessions).toEqual([
			{ id: sessionIdOf(first), aal: 'aal1' },
			{ id: sessionIdOf(second), aal: 'aal1' }
		]);
		expect(rows.tokens).toEqual([
			{ token: first.refresh_token, revoked: false, parent: null, session_id: sessionIdOf(first) },
			{ token: second.refresh_token, revoked: false, parent: null, session_id: sessionIdOf(second) }
		]);
	});

	it('refuses a wrong password and an unknown email alike', async () => {
		const { email } = await createUser();
		const wrong = await signInError(email, 'wrong-password');
		expect(wrong).toMatchObject({
			name: 'AuthApiError',
			status: 400,
			code: 'invalid_credentials',
			message: 'Invalid login credentials'
		});
		const unknown = await signInError(uniqueEmail('nobody'), 'whatever-password');
		expect(unknown).toMatchObject({
			status: 400,
			code: 'invalid_credentials',
			message: 'Invalid login credentials'
		});
	});

	it('refuses a user whose email is not confirmed', async () => {
		const { email, password } = await createUser({ email_confirm: false });
		expect(await signInError(email, password)).toMatchObject({
			status: 400,
			code: 'email_not_confirmed',
			message: 'Email not confirmed'
		});
	});

	it('compares only the first 72 bytes of a password, as bcrypt and GoTrue do', async () => {
		const password = 'p'.repeat(72);
		const { email } = await createUser({ password });
		const session = await signIn(email, `${password}ignored-by-bcrypt`);
		expect(session.access_token).toEqual(expect.any(String));
	});

	it.runIf(hasDb)('signs in with a correct but weak password and says so', async () => {
		const { user, email } = await createUser();
		await withDb((db) =>
			db.query(
				`update auth.users set encrypted_password = extensions.crypt('abc', extensions.gen_salt('bf', 10)) where id = $1`,
				[user.id]
			)
		);
		const { data, error } = await anonClient().auth.signInWithPassword({ email, password: 'abc' });
		expect(error).toBeNull();
		expect(data.session?.access_token).toEqual(expect.any(String));
		expect((data as { weakPassword?: unknown }).weakPassword).toEqual({
			message: 'Password should be at least 12 characters.',
			reasons: ['length']
		});
	});

	it('answers an unknown grant type, a missing email and bad JSON with GoTrue’s errors', async () => {
		const grant = await authFetch('/token?grant_type=magic', {
			method: 'POST',
			body: {},
			headers: NEW_ERROR_SHAPE
		});
		expect(grant.status).toBe(400);
		expect(grant.body).toEqual({ code: 'invalid_credentials', message: 'unsupported_grant_type' });

		const missing = await authFetch('/token?grant_type=password', {
			method: 'POST',
			body: { password: 'x' },
			headers: NEW_ERROR_SHAPE
		});
		expect(missing.body).toEqual({ code: 'validation_failed', message: 'missing email or phone' });

		const broken = await authFetch('/token?grant_type=password', {
			method: 'POST',
			rawBody: 'email=a',
			headers: NEW_ERROR_SHAPE
		});
		expect(broken.status).toBe(400);
		expect(broken.body).toEqual({
			code: 'bad_json',
			message:
				"Could not parse request body as JSON: invalid character 'e' looking for beginning of value"
		});
	});
});

describe('get user', () => {
	it('returns the signed-in user with identities', async () => {
		const { user, email, password } = await createUser({ user_metadata: { first_name: 'Grace' } });
		const session = await signIn(email, password);
		const { data, error } = await anonClient().auth.getUser(session.access_token);
		expect(error).toBeNull();
		expect(data.user).toMatchObject({
			id: user.id,
			email,
			user_metadata: { first_name: 'Grace' },
			identities: [expect.objectContaining({ provider: 'email' })]
		});
	});

	it('answers a missing, a broken and a subject-less token as GoTrue', async () => {
		const missing = await authFetch('/user', { headers: NEW_ERROR_SHAPE });
		expect(missing.status).toBe(401);
		expect(missing.body.code).toBe('no_authorization');

		const broken = await authFetch('/user', { token: 'abc.def.ghi', headers: NEW_ERROR_SHAPE });
		expect(broken.status).toBe(403);
		expect(broken.body.code).toBe('bad_jwt');

		const apiKeyToken = await authFetch('/user', {
			token: stack().anonKey,
			headers: NEW_ERROR_SHAPE
		});
		expect(apiKeyToken.status).toBe(403);
		expect(apiKeyToken.body).toEqual({
			code: 'bad_jwt',
			message: 'invalid claim: missing sub claim'
		});
	});

	it('refuses the token of a deleted user with 403 user_not_found', async () => {
		const { user, email, password } = await createUser();
		const session = await signIn(email, password);
		await serviceClient().auth.admin.deleteUser(user.id);
		const response = await authFetch('/user', {
			token: session.access_token,
			headers: NEW_ERROR_SHAPE
		});
		expect(response.status).toBe(403);
		expect(response.body).toEqual({
			code: 'user_not_found',
			message: 'User from sub claim in JWT does not exist'
		});
	});

	it.runIf(hasDb)('treats a token whose session was ended server-side as signed out', async () => {
		const { user, email, password } = await createUser();
		const session = await signIn(email, password);
		await withDb((db) => db.query('delete from auth.sessions where user_id = $1', [user.id]));

		const raw = await authFetch('/user', { token: session.access_token, headers: NEW_ERROR_SHAPE });
		expect(raw.status).toBe(403);
		expect(raw.body).toEqual({
			code: 'session_not_found',
			message: 'Session from session_id claim in JWT does not exist'
		});
		const viaClient = await anonClient().auth.getUser(session.access_token);
		expect(viaClient.error?.name).toBe('AuthSessionMissingError');
		expect((await refresh(session.refresh_token)).error).toMatchObject({
			status: 400,
			code: 'refresh_token_not_found'
		});
	});
});

describe('refresh tokens', () => {
	it.runIf(hasDb)(
		'rotate: a new token in the same session, the old one revoked and its parent',
		async () => {
			const { email, password } = await createUser();
			const session = await signIn(email, password);
			const { data, error } = await refresh(session.refresh_token);
			expect(error).toBeNull();
			const next = data.session as Session;
			expect(next.refresh_token).not.toBe(session.refresh_token);
			expect(sessionIdOf(next)).toBe(sessionIdOf(session));

			const rows = await withDb(
				async (db) =>
					(
						await db.query(
							'select token, revoked, parent from auth.refresh_tokens where session_id = $1 order by id',
							[sessionIdOf(session)]
						)
					).rows
			);
			expect(rows).toEqual([
				{ token: session.refresh_token, revoked: true, parent: null },
				{ token: next.refresh_token, revoked: false, parent: session.refresh_token }
			]);
		}
	);

	it('hand back the current token when the previous one is replayed (a lost response)', async () => {
		const { email, password } = await createUser();
		const session = await signIn(email, password);
		const first = (await refresh(session.refresh_token)).data.session as Session;
		const replay = await refresh(session.refresh_token);
		expect(replay.error).toBeNull();
		expect(replay.data.session?.refresh_token).toBe(first.refresh_token);
	});

	it.runIf(hasDb)(
		'refuse an older token after the reuse interval and revoke the whole session family',
		async () => {
			const { email, password } = await createUser();
			const session = await signIn(email, password);
			const second = (await refresh(session.refresh_token)).data.session as Session;
			const third = (await refresh(second.refresh_token)).data.session as Session;
			await ageRefreshTokens(sessionIdOf(session));

			const reused = await refresh(session.refresh_token);
			expect(reused.error).toMatchObject({
				name: 'AuthApiError',
				status: 400,
				code: 'refresh_token_already_used',
				message: 'Invalid Refresh Token: Already Used'
			});
			const revoked = await withDb(
				async (db) =>
					(
						await db.query(
							'select bool_and(revoked) as all_revoked from auth.refresh_tokens where session_id = $1',
							[sessionIdOf(session)]
						)
					).rows[0]
			);
			expect(revoked.all_revoked).toBe(true);

			await ageRefreshTokens(sessionIdOf(session));
			expect((await refresh(third.refresh_token)).error?.code).toBe('refresh_token_already_used');
		}
	);

	it('refuse an unknown token, and ask for one when it is missing', async () => {
		const unknown = await refresh('abcdefghijkl');
		expect(unknown.error).toMatchObject({
			status: 400,
			code: 'refresh_token_not_found',
			message: 'Invalid Refresh Token: Refresh Token Not Found'
		});

		const missing = await authFetch('/token?grant_type=refresh_token', {
			method: 'POST',
			body: {},
			headers: NEW_ERROR_SHAPE
		});
		expect(missing.status).toBe(400);
		expect(missing.body).toEqual({
			error: 'invalid_request',
			error_description: 'refresh_token required'
		});
	});
});

describe('banned users', () => {
	it('can neither sign in nor refresh nor use their token until the ban is lifted with "none"', async () => {
		const { user, email, password } = await createUser();
		const session = await signIn(email, password);

		const banned = await serviceClient().auth.admin.updateUserById(user.id, {
			ban_duration: '24h'
		});
		expect(banned.error).toBeNull();
		const until = Date.parse(banned.data.user?.banned_until as string);
		expect(until - Date.now()).toBeGreaterThan(23.9 * 3600_000);
		expect(until - Date.now()).toBeLessThan(24.1 * 3600_000);

		expect(await signInError(email, password)).toMatchObject({
			status: 400,
			code: 'user_banned',
			message: 'User is banned'
		});
		expect((await refresh(session.refresh_token)).error).toMatchObject({
			status: 400,
			code: 'user_banned',
			message: 'Invalid Refresh Token: User Banned'
		});
		const withToken = await authFetch('/user', {
			token: session.access_token,
			headers: NEW_ERROR_SHAPE
		});
		expect(withToken.status).toBe(403);
		expect(withToken.body.code).toBe('user_banned');

		const lifted = await serviceClient().auth.admin.updateUserById(user.id, {
			ban_duration: 'none'
		});
		expect(lifted.error).toBeNull();
		expect(lifted.data.user?.banned_until).toBeUndefined();
		expect((await signIn(email, password)).user.id).toBe(user.id);
		expect((await refresh(session.refresh_token)).error).toBeNull();
	});

	it('can be banned from creation for 100 years ("876000h")', async () => {
		const { user, email, password } = await createUser({ ban_duration: '876000h' });
		expect(Date.parse(user.banned_until as string) - Date.now()).toBeGreaterThan(
			99 * 365 * 24 * 3600_000
		);
		expect((await signInError(email, password))?.code).toBe('user_banned');
	});
});

describe('sign out', () => {
	it.runIf(hasDb)('global: ends every session of the user', async () => {
		const { user, email, password } = await createUser();
		const elsewhere = await signIn(email, password);
		const client = anonClient();
		const here = (await client.auth.signInWithPassword({ email, password })).data
			.session as Session;

		const { error } = await client.auth.signOut({ scope: 'global' });
		expect(error).toBeNull();
		expect(await sessionCount(user.id)).toBe(0);
		for (const session of [here, elsewhere]) {
			expect((await refresh(session.refresh_token)).error?.code).toBe('refresh_token_not_found');
		}
		expect((await anonClient().auth.getUser(here.access_token)).error?.name).toBe(
			'AuthSessionMissingError'
		);
	});

	it.runIf(hasDb)('local: ends only this session; others: every session but this one', async () => {
		const { user, email, password } = await createUser();
		const other = await signIn(email, password);
		const client = anonClient();
		const here = (await client.auth.signInWithPassword({ email, password })).data
			.session as Session;

		const viaAdmin = await serviceClient().auth.admin.signOut(here.access_token, 'others');
		expect(viaAdmin.error).toBeNull();
		expect(await sessionCount(user.id)).toBe(1);
		expect((await refresh(other.refresh_token)).error?.code).toBe('refresh_token_not_found');

		expect((await client.auth.signOut({ scope: 'local' })).error).toBeNull();
		expect(await sessionCount(user.id)).toBe(0);
	});

	it('answers POST /logout with 204 and refuses an unknown scope', async () => {
		const { email, password } = await createUser();
		const session = await signIn(email, password);
		const bad = await authFetch('/logout?scope=everywhere', {
			method: 'POST',
			token: session.access_token,
			headers: NEW_ERROR_SHAPE
		});
		expect(bad.status).toBe(400);
		expect(bad.body).toEqual({
			code: 'validation_failed',
			message: 'Unsupported logout scope "everywhere"'
		});

		const ok = await authFetch('/logout?scope=local', {
			method: 'POST',
			token: session.access_token
		});
		expect(ok.status).toBe(204);
		expect(ok.body).toBeNull();
	});
});

describe('update own user', () => {
	it.runIf(hasDb)(
		'changes the password: old fails, new works, other sessions end, this one stays',
		async () => {
			const { user, email, password } = await createUser();
			const other = await signIn(email, password);
			const client = anonClient();
			await client.auth.signInWithPassword({ email, password });
			const replacement = newPassword();

			const { data, error } = await client.auth.updateUser({ password: replacement });
			expect(error).toBeNull();
			expect(data.user?.id).toBe(user.id);
			expect(await sessionCount(user.id)).toBe(1);
			expect((await refresh(other.refresh_token)).error?.code).toBe('refresh_token_not_found');
			expect((await client.auth.refreshSession()).error).toBeNull();

			expect((await signInError(email, password))?.code).toBe('invalid_credentials');
			expect((await signIn(email, replacement)).user.id).toBe(user.id);
			const hash = await withDb(
				async (db) =>
					(await db.query('select encrypted_password from auth.users where id = $1', [user.id]))
						.rows[0].encrypted_password
			);
			expect(hash).toMatch(/^\$2a\$10\$/);
		}
	);

	it('refuses a weak password, the same password, and app_metadata', async () => {
		const { email, password } = await createUser();
		const client = anonClient();
		await client.auth.signInWithPassword({ email, password });

		const weak = await client.auth.updateUser({ password: '12345' });
		expect(weak.error).toMatchObject({
			name: 'AuthWeakPasswordError',
			status: 422,
			code: 'weak_password',
			reasons: ['length']
		});
		const same = await client.auth.updateUser({ password });
		expect(same.error).toMatchObject({
			status: 422,
			code: 'same_password',
			message: 'New password should be different from the old password.'
		});

		const session = (await client.auth.getSession()).data.session as Session;
		const appMetadata = await authFetch('/user', {
			method: 'PUT',
			token: session.access_token,
			body: { app_metadata: { role: 'admin' } },
			headers: NEW_ERROR_SHAPE
		});
		expect(appMetadata.status).toBe(403);
		expect(appMetadata.body).toEqual({
			code: 'not_admin',
			message: 'Updating app_metadata requires admin privileges'
		});
	});

	it('merges user_metadata given as data', async () => {
		const { email, password } = await createUser({
			user_metadata: { first_name: 'Ada', nickname: 'A' }
		});
		const client = anonClient();
		await client.auth.signInWithPassword({ email, password });
		const { data, error } = await client.auth.updateUser({
			data: { nickname: null, last_name: 'Lovelace' }
		});
		expect(error).toBeNull();
		expect(data.user?.user_metadata).toEqual({
			first_name: 'Ada',
			last_name: 'Lovelace',
			email_verified: true
		});
	});
});

describe('error shapes', () => {
	it('answers the 2024-01-01 shape to auth-js and the initial shape to clients without the header', async () => {
		const body = { email: uniqueEmail('nobody'), password: 'whatever-password' };
		const current = await authFetch('/token?grant_type=password', {
			method: 'POST',
			body,
			headers: NEW_ERROR_SHAPE
		});
		expect(current.status).toBe(400);
		expect(current.body).toEqual({
			code: 'invalid_credentials',
			message: 'Invalid login credentials'
		});
		expect(current.headers.get('x-supabase-api-version')).toBe('2024-01-01');

		const initial = await authFetch('/token?grant_type=password', { method: 'POST', body });
		expect(initial.body).toEqual({
			code: 400,
			error_code: 'invalid_credentials',
			msg: 'Invalid login credentials'
		});
		expect(initial.headers.get('x-supabase-api-version')).toBeNull();
		expect(initial.headers.get('x-sb-error-code')).toBe('invalid_credentials');
	});

	it('answers weak passwords with their reasons in both shapes', async () => {
		const request = {
			method: 'POST',
			token: stack().serviceRoleKey,
			body: { email: uniqueEmail(), password: 'abc' }
		};
		const current = await authFetch('/admin/users', { ...request, headers: NEW_ERROR_SHAPE });
		expect(current.status).toBe(422);
		expect(current.body).toEqual({
			code: 'weak_password',
			message: 'Password should be at least 12 characters.',
			weak_password: { reasons: ['length'] }
		});
		const initial = await authFetch('/admin/users', request);
		expect(initial.body).toEqual({
			code: 422,
			error_code: 'weak_password',
			msg: 'Password should be at least 12 characters.',
			weak_password: { reasons: ['length'] }
		});
	});

	it('answers malformed requests with 4xx JSON and keeps serving', async () => {
		const service = stack().serviceRoleKey;
		const { email, password } = await createUser();
		const session = await signIn(email, password);
		const requests: Array<[string, Parameters<typeof authFetch>[1]]> = [
			['/token?grant_type=password', { method: 'POST', rawBody: '[]' }],
			['/token?grant_type=password', { method: 'POST', rawBody: '"text"' }],
			['/token?grant_type=password', { method: 'POST', rawBody: '{"email": 5, "password": "x"}' }],
			['/token?grant_type=password', { method: 'POST', rawBody: '' }],
			['/token?grant_type=refresh_token', { method: 'POST', rawBody: '{"refresh_token": ["a"]}' }],
			[
				'/token?grant_type=refresh_token',
				{ method: 'POST', rawBody: '{"refresh_token": "x\' or 1=1 --"}' }
			],
			['/user', { method: 'PUT', token: session.access_token, rawBody: '{"password": ' }],
			['/user', { method: 'PUT', token: session.access_token, rawBody: '{"data": [1, 2]}' }],
			[
				'/admin/users',
				{ method: 'POST', token: service, rawBody: '{"app_metadata": "admin", "email": "x@y.z"}' }
			],
			[
				'/admin/users',
				{ method: 'POST', token: service, body: { email: uniqueEmail(), id: 'not-a-uuid' } }
			],
			['/admin/users?per_page=-1', { token: service }],
			[
				`/admin/users/${randomUUID()}`,
				{ method: 'DELETE', token: service, rawBody: '{"should_soft_delete": "no"}' }
			],
			['/admin/users/%00', { token: service }],
			[
				'/admin/users',
				{ method: 'POST', token: service, rawBody: `{"user_metadata": ${'['.repeat(10_001)}` }
			],
			['/nowhere', { method: 'POST' }]
		];
		for (const [path, options] of requests) {
			const response = await authFetch(path, options);
			expect(response.status, `${path} ${options?.rawBody ?? ''}`).toBeGreaterThanOrEqual(400);
			expect(response.status, path).toBeLessThan(500);
			expect(typeof response.body, path).toBe('object');
		}
		expect((await authFetch('/health')).status).toBe(200);
	});
});
