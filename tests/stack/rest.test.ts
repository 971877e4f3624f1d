// The Data API (/rest/v1) against the real schema and its row-level security: supabase-js for what
// the SPA and the Edge Functions send, plain fetch for what a client library would never send.
// Personas are created directly in the database and their access tokens minted with the
// project's JWT secret, so these tests do not depend on /auth/v1.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { createNodeClient } from '../../scripts/lib/supabase-node.ts';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../supabase/functions/_shared/database.types.ts';
import { stack, uniqueEmail, withDb } from './stack-under-test.ts';

type Role = Database['public']['Enums']['user_role'];
type Status = Database['public']['Enums']['user_status'];

interface Persona {
	id: string;
	email: string;
	token: string;
}

const suffix = randomUUID().slice(0, 8);
const orgA = { id: randomUUID(), name: `Rest A ${suffix}` };
const orgB = { id: randomUUID(), name: `Rest B ${suffix}` };
/** Where write tests create users, so reads of A and B stay predictable. */
const orgC = { id: randomUUID(), name: `Rest C ${suffix}` };
// Scratch objects for what the project schema has no use for (deletes, functions); dropped afterwards.
const scratchTable = `rest_contract_scratch_${suffix}`;
const fn = (name: string) => `rest_contract_${name}_${suffix}`;

const people = {} as Record<
	'adminA' | 'secondAdminA' | 'memberA' | 'managerA' | 'inactiveAdminA' | 'adminB' | 'memberB',
	Persona
>;

async function mint(
	claims: Record<string, unknown>,
	options: { secret?: string; expiresIn?: number } = {}
): Promise<string> {
	const now = Math.floor(Date.now() / 1000);
	const key = new TextEncoder().encode(options.secret ?? (stack().jwtSecret as string));
	return new SignJWT({
		aud: 'authenticated',
		iat: now,
		exp: now + (options.expiresIn ?? 3600),
		...claims
	})
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.sign(key);
}

/** A token of a session Auth has (the policies serve only tokens whose session still exists). */
async function userToken(persona: { id: string; email: string }): Promise<string> {
	const sessionId = randomUUID();
	await withDb((db) =>
		db.query(
			`insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ($1, $2, now(), now(), 'aal1')`,
			[sessionId, persona.id]
		)
	);
	return mint({
		sub: persona.id,
		email: persona.email,
		role: 'authenticated',
		session_id: sessionId,
		is_anonymous: false
	});
}

function clientWith(token: string): SupabaseClient<Database> {
	return createNodeClient(stack().apiUrl, stack().anonKey, {
		global: { headers: { Authorization: `Bearer ${token}` } }
	});
}

/** For the scratch table and functions, which the generated types do not know. */
function untypedClient(token: string): SupabaseClient {
	return createNodeClient(stack().apiUrl, stack().anonKey, {
		global: { headers: { Authorization: `Bearer ${token}` } }
	}) as unknown as SupabaseClient;
}

const asPersona = (name: keyof typeof people) => clientWith(people[name].token);
const anonClient = () => clientWith(stack().anonKey);
const serviceClient = () => clientWith(stack().serviceRoleKey);

function rest(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	headers.set('apikey', stack().anonKey);
	if (!headers.has('authorization'))
		headers.set('authorization', `Bearer ${init.token ?? stack().anonKey}`);
	return fetch(`${stack().apiUrl}/rest/v1${path}`, { ...init, headers });
}

async function createPersona(
	organizationId: string,
	role: Role,
	status: Status,
	firstName: string,
	createdBy: string | null = null
): Promise<Persona> {
	const id = randomUUID();
	const email = uniqueEmail(`rest-${role}`);
	await withDb(async (db) => {
		await db.query(
			`insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, created_at, updated_at) values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), now(), now())`,
			[id, email]
		);
		await db.query(
			`insert into public.users (id, organization_id, email, first_name, last_name, role, status, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
			[id, organizationId, email, firstName, `Rest${role}`, role, status, createdBy]
		);
	});
	return { id, email, token: await userToken({ id, email }) };
}

/** An Auth user without a public.users row yet, for inserts through the Data API. */
async function createAuthUser(): Promise<{ id: string; email: string }> {
	const id = randomUUID();
	const email = uniqueEmail('rest-new');
	await withDb((db) =>
		db.query(
			`insert into auth.users (instance_id, id, aud, role, email, created_at, updated_at) values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), now())`,
			[id, email]
		)
	);
	return { id, email };
}

beforeAll(async () => {
	await withDb(async (db) => {
		await db.query(
			`insert into public.organizations (id, name) values ($1, $2), ($3, $4), ($5, $6)`,
			[orgA.id, orgA.name, orgB.id, orgB.name, orgC.id, orgC.name]
		);
		await db.query(
			`create table public.${scratchTable} (id int primary key, label text not null default 'unlabelled', note text)`
		);
		await db.query(
			`grant select, insert, update, delete on public.${scratchTable} to service_role`
		);
		await db.query(
			`create function public.${fn('add')}(a int, b int default 1) returns int language sql immutable as 'select a + b'`
		);
		await db.query(
			`create function public.${fn('users_of')}(org uuid) returns setof public.users language sql stable as 'select * from public.users where organization_id = org order by last_name, first_name'`
		);
		await db.query(
			`create function public.${fn('whoami')}() returns json language sql stable as $$ select json_build_object('current_user', current_user, 'session_user', session_user, 'claims', current_setting('request.jwt.claims', true)::json, 'method', current_setting('request.method', true), 'path', current_setting('request.path', true), 'read_only', current_setting('transaction_read_only'), 'search_path', current_setting('search_path'), 'statement_timeout', current_setting('statement_timeout')) $$`
		);
		await db.query(
			`create function public.${fn('series')}(n int) returns setof int language sql immutable as 'select generate_series(1, n)'`
		);
		await db.query(
			`create function public.${fn('numbered')}(n int) returns table (n int, label text) language sql immutable as 'select i, i::text from generate_series(1, n) as i'`
		);
		await db.query(
			`create function public.${fn('touch')}() returns void language sql volatile as $$ insert into public.${scratchTable} (id) values (-1) $$`
		);
		await db.query(`grant execute on function public.${fn('touch')}() to service_role`);
	});
	people.adminA = await createPersona(orgA.id, 'admin', 'active', 'Ada');
	people.secondAdminA = await createPersona(orgA.id, 'admin', 'active', 'Alan');
	people.memberA = await createPersona(orgA.id, 'member', 'active', 'Mia', people.adminA.id);
	people.managerA = await createPersona(orgA.id, 'manager', 'active', 'Max', people.adminA.id);
	people.inactiveAdminA = await createPersona(orgA.id, 'admin', 'inactive', 'Ines');
	people.adminB = await createPersona(orgB.id, 'admin', 'active', 'Bea');
	people.memberB = await createPersona(orgB.id, 'member', 'active', 'Ben', people.adminB.id);
});

afterAll(async () => {
	await withDb(async (db) => {
		await db.query(
			`drop function if exists public.${fn('add')}(int, int), public.${fn('users_of')}(uuid), public.${fn('whoami')}(), public.${fn('touch')}(), public.${fn('series')}(int), public.${fn('numbered')}(int)`
		);
		await db.query(`drop table if exists public.${scratchTable}`);
	});
});

const orgAIds = () =>
	[people.adminA, people.secondAdminA, people.memberA, people.managerA, people.inactiveAdminA]
		.map((p) => p.id)
		.sort();

describe('reads through row-level security', () => {
	it("lets an admin read every user of their organization and nobody else's", async () => {
		const { data, error, status } = await asPersona('adminA')
			.from('users')
			.select('id, organization_id');
		expect(error).toBeNull();
		expect(status).toBe(200);
		expect(data?.map((row) => row.id).sort()).toEqual(orgAIds());
		expect(new Set(data?.map((row) => row.organization_id))).toEqual(new Set([orgA.id]));
	});

	it('lets a member read only their own row', async () => {
		const { data, error } = await asPersona('memberA').from('users').select('id, email');
		expect(error).toBeNull();
		expect(data).toEqual([{ id: people.memberA.id, email: people.memberA.email }]);
	});

	it('gives an inactive admin nothing, even with a valid token', async () => {
		const { data, error } = await asPersona('inactiveAdminA').from('users').select('id');
		expect(error).toBeNull();
		expect(data).toEqual([]);
		const organizations = await asPersona('inactiveAdminA').from('organizations').select('id');
		expect(organizations.data).toEqual([]);
	});

	it('refuses anon with 401 and the permission error', async () => {
		const { data, error, status } = await anonClient().from('users').select('id');
		expect(data).toBeNull();
		expect(status).toBe(401);
		expect(error).toMatchObject({ code: '42501', message: 'permission denied for table users' });
	});

	it("hides another organization's rows from an admin, whatever the filter", async () => {
		const { data } = await asPersona('adminB')
			.from('users')
			.select('id')
			.eq('organization_id', orgA.id);
		expect(data).toEqual([]);
		const viaOr = await asPersona('adminB')
			.from('users')
			.select('id')
			.or(`organization_id.eq.${orgA.id},id.eq.${people.adminA.id}`);
		expect(viaOr.data).toEqual([]);
		const counted = await asPersona('adminB')
			.from('users')
			.select('id', { count: 'exact', head: true })
			.eq('organization_id', orgA.id);
		expect(counted.count).toBe(0);
	});

	it('embeds the organization (to-one) and the users of an organization (to-many), within the policies', async () => {
		const toOne = await asPersona('memberA')
			.from('users')
			.select('email, organizations(name)')
			.single();
		expect(toOne.error).toBeNull();
		expect(toOne.data).toEqual({ email: people.memberA.email, organizations: { name: orgA.name } });

		const toMany = await asPersona('adminA')
			.from('organizations')
			.select('name, users(email)')
			.eq('id', orgA.id)
			.single();
		expect(toMany.data?.name).toBe(orgA.name);
		expect(toMany.data?.users).toHaveLength(5);

		const member = await asPersona('memberA')
			.from('organizations')
			.select('name, users(email)')
			.single();
		expect(member.data).toEqual({ name: orgA.name, users: [{ email: people.memberA.email }] });
	});

	it('embeds through the self-reference: the creator (to-one) and the users created (to-many)', async () => {
		const { data, error } = await asPersona('adminA')
			.from('users')
			.select('email, creator:created_by(email), created:users!created_by(email)')
			.in('id', [people.adminA.id, people.memberA.id])
			.order('first_name');
		expect(error).toBeNull();
		expect(data).toEqual([
			{
				email: people.adminA.email,
				creator: null,
				created: expect.arrayContaining([
					{ email: people.memberA.email },
					{ email: people.managerA.email }
				])
			},
			{ email: people.memberA.email, creator: { email: people.adminA.email }, created: [] }
		]);
	});

	it('filters parents by an embedded resource with !inner, and by its absence with is.null', async () => {
		const inner = await asPersona('adminA')
			.from('organizations')
			.select('name, users!inner(email)')
			.eq('users.role', 'manager');
		expect(inner.data).toEqual([{ name: orgA.name, users: [{ email: people.managerA.email }] }]);
		const withoutCreator = await asPersona('adminA')
			.from('users')
			.select('id, creator:created_by(id)')
			.is('creator', null);
		expect(withoutCreator.data?.map((row) => row.id).sort()).toEqual(
			[people.adminA.id, people.secondAdminA.id, people.inactiveAdminA.id].sort()
		);
	});
});

describe('filters, order and ranges', () => {
	const idsOf = (rows: Array<{ id: string }> | null) => (rows ?? []).map((row) => row.id).sort();

	it('supports eq, neq, in and is', async () => {
		const admin = asPersona('adminA');
		expect(idsOf((await admin.from('users').select('id').eq('role', 'manager')).data)).toEqual([
			people.managerA.id
		]);
		expect(idsOf((await admin.from('users').select('id').neq('role', 'admin')).data)).toEqual(
			[people.memberA.id, people.managerA.id].sort()
		);
		expect(
			idsOf((await admin.from('users').select('id').in('role', ['member', 'manager'])).data)
		).toEqual([people.memberA.id, people.managerA.id].sort());
		expect(
			idsOf((await admin.from('users').select('id').not('created_by', 'is', null)).data)
		).toEqual([people.memberA.id, people.managerA.id].sort());
		expect(
			idsOf(
				(await admin.from('users').select('id').is('created_by', null).eq('status', 'inactive'))
					.data
			)
		).toEqual([people.inactiveAdminA.id]);
	});

	it('supports gt, gte, lt, lte on text and timestamps', async () => {
		const admin = asPersona('adminA');
		expect(idsOf((await admin.from('users').select('id').gt('first_name', 'Ines')).data)).toEqual(
			[people.managerA.id, people.memberA.id].sort()
		);
		expect(idsOf((await admin.from('users').select('id').gte('first_name', 'Ines')).data)).toEqual(
			[people.inactiveAdminA.id, people.managerA.id, people.memberA.id].sort()
		);
		expect(idsOf((await admin.from('users').select('id').lt('first_name', 'Alan')).data)).toEqual([
			people.adminA.id
		]);
		expect(idsOf((await admin.from('users').select('id').lte('first_name', 'Alan')).data)).toEqual(
			[people.adminA.id, people.secondAdminA.id].sort()
		);
		const future = new Date(Date.now() + 86_400_000).toISOString();
		expect((await admin.from('users').select('id').lt('created_at', future)).data).toHaveLength(5);
		expect((await admin.from('users').select('id').gte('created_at', future)).data).toEqual([]);
	});

	it('supports like and ilike with * wildcards, and negation', async () => {
		const admin = asPersona('adminA');
		expect(idsOf((await admin.from('users').select('id').like('first_name', 'M*')).data)).toEqual(
			[people.managerA.id, people.memberA.id].sort()
		);
		expect(idsOf((await admin.from('users').select('id').ilike('first_name', '*A*')).data)).toEqual(
			[people.adminA.id, people.secondAdminA.id, people.managerA.id, people.memberA.id].sort()
		);
		expect(
			idsOf((await admin.from('users').select('id').not('first_name', 'ilike', '*a*')).data)
		).toEqual([people.inactiveAdminA.id]);
		expect(
			idsOf(
				(
					await admin
						.from('users')
						.select('id')
						.ilike('email', `%${people.managerA.email.slice(5, 15)}%`)
				).data
			)
		).toEqual([people.managerA.id]);
	});

	it('supports or with nested and, and or on an embedded resource', async () => {
		const admin = asPersona('adminA');
		const { data } = await admin
			.from('users')
			.select('id')
			.or('role.eq.manager,and(role.eq.admin,status.eq.inactive)');
		expect(idsOf(data)).toEqual([people.managerA.id, people.inactiveAdminA.id].sort());
		const embedded = await admin
			.from('organizations')
			.select('name, users(first_name)')
			.eq('id', orgA.id)
			.or('first_name.eq.Mia,first_name.eq.Max', { referencedTable: 'users' })
			.single();
		expect(embedded.data?.users.map((user) => user.first_name).sort()).toEqual(['Max', 'Mia']);
	});

	it('ands several or trees with each other and the other filters, as PostgREST does', async () => {
		// What the users table sends for "not signed in lately" on a page continued by keyset.
		const admin = asPersona('adminA');
		const { data } = await admin
			.from('users')
			.select('id')
			.or('role.eq.manager,role.eq.member')
			.or('first_name.eq.Mia,created_by.is.null')
			.neq('status', 'inactive');
		expect(idsOf(data)).toEqual([people.memberA.id]);
	});

	it('orders by several columns, in both directions, with nulls placed as asked', async () => {
		const admin = asPersona('adminA');
		const byName = await admin
			.from('users')
			.select('first_name')
			.order('role')
			.order('first_name', { ascending: false });
		expect(byName.data?.map((row) => row.first_name)).toEqual([
			'Ines',
			'Alan',
			'Ada',
			'Max',
			'Mia'
		]);
		const nullsFirst = await admin
			.from('users')
			.select('first_name')
			.order('created_by', { nullsFirst: true })
			.order('first_name');
		expect(nullsFirst.data?.slice(0, 3).map((row) => row.first_name)).toEqual([
			'Ada',
			'Alan',
			'Ines'
		]);
		const nullsLast = await admin
			.from('users')
			.select('first_name')
			.order('created_by', { nullsFirst: false })
			.order('first_name');
		expect(nullsLast.data?.slice(2).map((row) => row.first_name)).toEqual(['Ada', 'Alan', 'Ines']);
	});

	it('pages with range and counts exactly, answering 206 and Content-Range like PostgREST', async () => {
		const { data, count, status } = await asPersona('adminA')
			.from('users')
			.select('first_name', { count: 'exact' })
			.order('first_name')
			.range(1, 2);
		expect(status).toBe(206);
		expect(count).toBe(5);
		expect(data).toEqual([{ first_name: 'Alan' }, { first_name: 'Ines' }]);

		const raw = await rest('/users?select=id&order=first_name&offset=0&limit=2', {
			token: people.adminA.token,
			headers: { prefer: 'count=exact' }
		});
		expect(raw.status).toBe(206);
		expect(raw.headers.get('content-range')).toBe('0-1/5');
		const all = await rest('/users?select=id', {
			token: people.adminA.token,
			headers: { prefer: 'count=exact' }
		});
		expect(all.status).toBe(200);
		expect(all.headers.get('content-range')).toBe('0-4/5');
		const none = await rest('/users?select=id', {
			token: people.inactiveAdminA.token,
			headers: { prefer: 'count=exact' }
		});
		expect(none.headers.get('content-range')).toBe('*/0');
		const uncounted = await rest('/users?select=id&limit=2', { token: people.adminA.token });
		expect([uncounted.status, uncounted.headers.get('content-range')]).toEqual([200, '0-1/*']);
	});

	it('honours the Range header and answers 416 past the last row', async () => {
		const ranged = await rest('/users?select=id&order=first_name', {
			token: people.adminA.token,
			headers: { range: '0-2', 'range-unit': 'items' }
		});
		expect((await ranged.json()).length).toBe(3);
		const beyond = await rest('/users?select=id&offset=10', {
			token: people.adminA.token,
			headers: { prefer: 'count=exact' }
		});
		expect(beyond.status).toBe(416);
		expect(await beyond.json()).toEqual({
			code: 'PGRST103',
			details: 'An offset of 10 was requested, but there are only 5 rows.',
			hint: null,
			message: 'Requested range not satisfiable'
		});
		const negative = await rest('/users?select=id&limit=-1', { token: people.adminA.token });
		expect(negative.status).toBe(416);
	});

	it('answers head requests with the count and no body, and gives planned and estimated counts', async () => {
		const head = await asPersona('adminA')
			.from('users')
			.select('*', { count: 'exact', head: true });
		expect([head.status, head.count, head.data]).toEqual([200, 5, null]);
		const raw = await rest('/users?select=id', {
			method: 'HEAD',
			token: people.adminA.token,
			headers: { prefer: 'count=exact' }
		});
		expect(raw.headers.get('content-range')).toBe('0-4/5');
		expect(await raw.text()).toBe('');
		const planned = await asPersona('adminA')
			.from('users')
			.select('id', { count: 'planned', head: true });
		expect(planned.count).toEqual(expect.any(Number));
		const estimated = await asPersona('adminA')
			.from('users')
			.select('id', { count: 'estimated', head: true });
		expect(estimated.count).toBe(5);
	});

	it('returns a single object for single() and 406 PGRST116 when not exactly one row', async () => {
		const one = await asPersona('adminA')
			.from('users')
			.select('id, email')
			.eq('id', people.memberA.id)
			.single();
		expect(one.data).toEqual({ id: people.memberA.id, email: people.memberA.email });
		const none = await asPersona('adminA')
			.from('users')
			.select('id')
			.eq('id', people.adminB.id)
			.single();
		expect(none.status).toBe(406);
		expect(none.error).toMatchObject({
			code: 'PGRST116',
			details: 'The result contains 0 rows',
			message: 'Cannot coerce the result to a single JSON object'
		});
		const many = await asPersona('adminA').from('users').select('id').single();
		expect(many.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 5 rows' });
	});

	it('answers maybeSingle() with null for no row and an error for several', async () => {
		const none = await asPersona('adminA')
			.from('users')
			.select('id')
			.eq('id', people.adminB.id)
			.maybeSingle();
		expect([none.data, none.error, none.status]).toEqual([null, null, 200]);
		const one = await asPersona('adminA')
			.from('users')
			.select('id')
			.eq('id', people.adminA.id)
			.maybeSingle();
		expect(one.data).toEqual({ id: people.adminA.id });
		const many = await asPersona('adminA').from('users').select('id').maybeSingle();
		expect(many.error?.code).toBe('PGRST116');
	});

	it('applies aliases and casts in select', async () => {
		const { data } = await asPersona('memberA')
			.from('users')
			.select('given:first_name, id::text, role')
			.single();
		expect(data).toEqual({ given: 'Mia', id: people.memberA.id, role: 'member' });
	});
});

describe('writes', () => {
	it('inserts organizations and users with the service role and returns the representation', async () => {
		const service = serviceClient();
		const organization = await service
			.from('organizations')
			.insert({ name: `Rest D ${suffix}` })
			.select()
			.single();
		expect(organization.status).toBe(201);
		expect(organization.data).toMatchObject({
			name: `Rest D ${suffix}`,
			id: expect.any(String),
			created_at: expect.any(String)
		});

		const [first, second] = [await createAuthUser(), await createAuthUser()];
		const inserted = await service
			.from('users')
			.insert([
				{
					id: first.id,
					organization_id: orgC.id,
					email: first.email,
					first_name: 'Cleo',
					last_name: 'One',
					role: 'admin'
				},
				{
					id: second.id,
					organization_id: orgC.id,
					email: second.email,
					first_name: 'Cole',
					last_name: 'Two',
					role: 'member'
				}
			])
			.select('id, role, status, organizations(name)');
		expect(inserted.status).toBe(201);
		// Like PostgREST, the representation is read back through a join: rows come in no promised order.
		expect(inserted.data).toHaveLength(2);
		expect(inserted.data).toEqual(
			expect.arrayContaining([
				{ id: first.id, role: 'admin', status: 'active', organizations: { name: orgC.name } },
				{ id: second.id, role: 'member', status: 'active', organizations: { name: orgC.name } }
			])
		);
	});

	it('answers return=minimal with 201, no body and Content-Range */*', async () => {
		const response = await rest('/organizations', {
			method: 'POST',
			token: stack().serviceRoleKey,
			headers: { 'content-type': 'application/json', prefer: 'return=minimal' },
			body: JSON.stringify({ name: `Rest E ${suffix}` })
		});
		expect(response.status).toBe(201);
		expect(response.headers.get('content-range')).toBe('*/*');
		expect(await response.text()).toBe('');
	});

	it('upserts with merge-duplicates (200 when nothing new) and ignore-duplicates', async () => {
		const service = serviceClient();
		const merged = await service
			.from('organizations')
			.upsert({ id: orgC.id, name: `Rest C renamed ${suffix}` })
			.select('id, name')
			.single();
		expect(merged.status).toBe(200);
		expect(merged.data).toEqual({ id: orgC.id, name: `Rest C renamed ${suffix}` });
		const fresh = await service
			.from('organizations')
			.upsert({ id: randomUUID(), name: `Rest F ${suffix}` })
			.select('name');
		expect(fresh.status).toBe(201);

		const scratch = untypedClient(stack().serviceRoleKey).from(scratchTable);
		expect((await scratch.insert({ id: 1, label: 'kept' })).status).toBe(201);
		const ignored = await scratch
			.upsert({ id: 1, label: 'ignored' }, { ignoreDuplicates: true })
			.select();
		expect(ignored.data).toEqual([]);
		expect((await scratch.select('label').eq('id', 1).single()).data).toEqual({ label: 'kept' });
	});

	it('fills omitted columns with their defaults when defaultToNull is false (missing=default)', async () => {
		const scratch = untypedClient(stack().serviceRoleKey).from(scratchTable);
		const { data, error } = await scratch
			.insert(
				[
					{ id: 2, note: 'x' },
					{ id: 3, label: 'given' }
				],
				{ defaultToNull: false }
			)
			.select('id, label, note')
			.order('id');
		expect(error).toBeNull();
		expect(data).toEqual([
			{ id: 2, label: 'unlabelled', note: 'x' },
			{ id: 3, label: 'given', note: null }
		]);
	});

	it('updates with the service role and returns the changed row', async () => {
		const { data, status } = await serviceClient()
			.from('users')
			.update({ last_name: 'Renamed' })
			.eq('id', people.memberB.id)
			.select('id, last_name');
		expect(status).toBe(200);
		expect(data).toEqual([{ id: people.memberB.id, last_name: 'Renamed' }]);
	});

	it('lets an admin rename a user of their organization, and a manager rename themselves', async () => {
		const admin = await asPersona('adminA')
			.from('users')
			.update({ first_name: 'Mia' })
			.eq('id', people.memberA.id)
			.select('first_name');
		expect(admin.data).toEqual([{ first_name: 'Mia' }]);
		const manager = await asPersona('managerA')
			.from('users')
			.update({ last_name: 'Self' })
			.eq('id', people.managerA.id)
			.select('last_name');
		expect(manager.data).toEqual([{ last_name: 'Self' }]);
	});

	it('lets RLS silently skip rows a caller may not update', async () => {
		const member = await asPersona('memberA')
			.from('users')
			.update({ first_name: 'Hacked' })
			.eq('id', people.memberA.id)
			.select('id');
		expect([member.status, member.data]).toEqual([200, []]);
		const otherOrg = await asPersona('adminB')
			.from('users')
			.update({ first_name: 'Hacked' })
			.eq('id', people.memberA.id)
			.select('id');
		expect(otherOrg.data).toEqual([]);
		const unchanged = await withDb((db) =>
			db.query('select first_name from public.users where id = $1', [people.memberA.id])
		);
		expect(unchanged.rows[0].first_name).toBe('Mia');
	});

	it('refuses writes the privileges forbid: 403 for authenticated, 401 for anon', async () => {
		const status = await asPersona('adminA')
			.from('users')
			.update({ status: 'inactive' })
			.eq('id', people.memberA.id);
		expect([status.status, status.error?.code]).toEqual([403, '42501']);
		const { id, email } = await createAuthUser();
		const insert = await asPersona('adminA')
			.from('users')
			.insert({ id, email, organization_id: orgA.id, first_name: 'X', last_name: 'Y' });
		expect([insert.status, insert.error?.code]).toEqual([403, '42501']);
		const anon = await anonClient().from('organizations').insert({ name: 'nope' });
		expect([anon.status, anon.error?.code]).toEqual([401, '42501']);
		const ownRole = await asPersona('adminA')
			.from('users')
			.update({ role: 'member' })
			.eq('id', people.adminA.id);
		expect([ownRole.status, ownRole.error?.code, ownRole.error?.message]).toEqual([
			403,
			'PT403',
			'you cannot change your own role or status'
		]);
	});

	it('keeps the last active admin: 409 PT409 from the trigger', async () => {
		const { status, error } = await serviceClient()
			.from('users')
			.update({ role: 'member' })
			.eq('id', people.adminB.id);
		expect(status).toBe(409);
		expect(error).toMatchObject({
			code: 'PT409',
			message: 'an organization must keep at least one active admin',
			hint: 'Make another user an active admin first.'
		});
		const still = await withDb((db) =>
			db.query('select role from public.users where id = $1', [people.adminB.id])
		);
		expect(still.rows[0].role).toBe('admin');
	});

	it('maps constraint violations to 409 and 400 with Postgres details', async () => {
		const service = serviceClient();
		const duplicate = await service.from('users').insert({
			id: (await createAuthUser()).id,
			email: people.memberA.email,
			organization_id: orgC.id,
			first_name: 'D',
			last_name: 'D'
		});
		expect([duplicate.status, duplicate.error?.code]).toEqual([409, '23505']);
		expect(duplicate.error?.details).toContain('already exists');
		const foreignKey = await service.from('users').insert({
			id: (await createAuthUser()).id,
			email: uniqueEmail('fk'),
			organization_id: randomUUID(),
			first_name: 'F',
			last_name: 'K'
		});
		expect([foreignKey.status, foreignKey.error?.code]).toEqual([409, '23503']);
		const check = await service
			.from('users')
			.update({ first_name: '' })
			.eq('id', people.memberB.id);
		expect([check.status, check.error?.code]).toEqual([400, '23514']);
		const badEnum = await service
			.from('users')
			.update({ role: 'boss' as Role })
			.eq('id', people.memberB.id);
		expect([badEnum.status, badEnum.error?.code]).toEqual([400, '22P02']);
	});

	it('refuses unknown columns in a body (mass assignment) with PGRST204', async () => {
		const { status, error } = await serviceClient()
			.from('organizations')
			.insert({ name: 'x', is_admin: true } as never);
		expect(status).toBe(400);
		expect(error).toMatchObject({
			code: 'PGRST204',
			message: "Could not find the 'is_admin' column of 'organizations' in the schema cache"
		});
		const update = await rest(`/users?id=eq.${people.memberA.id}`, {
			method: 'PATCH',
			token: people.adminA.token,
			headers: { 'content-type': 'application/json' },
			body: '{"superuser":true}'
		});
		expect(update.status).toBe(400);
	});

	it('deletes with filters and return=representation; users themselves are never deleted', async () => {
		const scratch = untypedClient(stack().serviceRoleKey).from(scratchTable);
		const deleted = await scratch.delete().eq('id', 2).select('id, note');
		expect([deleted.status, deleted.data]).toEqual([200, [{ id: 2, note: 'x' }]]);
		const minimal = await rest(`/${scratchTable}?id=eq.3`, {
			method: 'DELETE',
			token: stack().serviceRoleKey
		});
		expect(minimal.status).toBe(204);
		// Not even the service role holds DELETE on users (and a trigger would refuse it anyway).
		const user = await serviceClient().from('users').delete().eq('id', people.memberB.id);
		expect([user.status, user.error?.code, user.error?.message]).toEqual([
			403,
			'42501',
			'permission denied for table users'
		]);
	});

	it('rolls a write back when single() finds a different number of rows', async () => {
		const { error, status } = await serviceClient()
			.from('users')
			.update({ last_name: 'Both' })
			.eq('organization_id', orgB.id)
			.select()
			.single();
		expect([status, error?.code]).toEqual([406, 'PGRST116']);
		const rows = await withDb((db) =>
			db.query(
				`select count(*)::int as n from public.users where organization_id = $1 and last_name = 'Both'`,
				[orgB.id]
			)
		);
		expect(rows.rows[0].n).toBe(0);
	});
});

describe('rpc', () => {
	it('calls a function with named arguments by POST and by GET, defaults applied', async () => {
		const client = untypedClient(people.memberA.token);
		expect((await client.rpc(fn('add'), { a: 2, b: 40 })).data).toBe(42);
		expect((await client.rpc(fn('add'), { a: 2 }, { get: true })).data).toBe(3);
	});

	it("shapes set-returning results with select and filters, under the caller's RLS", async () => {
		const { data, error } = await untypedClient(people.adminA.token)
			.rpc(fn('users_of'), { org: orgA.id })
			.select('first_name')
			.eq('role', 'admin')
			.order('first_name');
		expect(error).toBeNull();
		expect(data).toEqual([{ first_name: 'Ada' }, { first_name: 'Alan' }, { first_name: 'Ines' }]);
		const otherOrg = await untypedClient(people.adminB.token).rpc(fn('users_of'), { org: orgA.id });
		expect(otherOrg.data).toEqual([]);
	});

	it('sets the role, claims and request settings PostgREST sets, read-only for GET', async () => {
		const client = untypedClient(people.memberA.token);
		const post = await client.rpc(fn('whoami'));
		expect(post.data).toMatchObject({
			current_user: 'authenticated',
			session_user: 'authenticator',
			claims: { sub: people.memberA.id, role: 'authenticated', email: people.memberA.email },
			method: 'POST',
			path: `/rpc/${fn('whoami')}`,
			search_path: '"public", "extensions"',
			statement_timeout: '8s'
		});
		expect((await client.rpc(fn('whoami'), {}, { get: true })).data).toMatchObject({
			method: 'GET',
			read_only: 'on'
		});
		expect((await anonClient().rpc(fn('whoami') as never)).data).toMatchObject({
			current_user: 'anon',
			claims: { role: 'anon' },
			statement_timeout: '3s'
		});
	});

	it('caps what a read returns at max_rows from config.toml (1000)', async () => {
		const client = untypedClient(people.memberA.token);
		const capped = await client.rpc(fn('series'), { n: 1500 }, { get: true, count: 'exact' });
		expect([capped.status, capped.data?.length, capped.count]).toEqual([206, 1000, 1500]);
		const asked = await client.rpc(fn('series'), { n: 1500 }).range(1490, 1499);
		expect(asked.data).toEqual([1491, 1492, 1493, 1494, 1495, 1496, 1497, 1498, 1499, 1500]);
	});

	// Issue 12 #9: count=planned (and count=estimated past max_rows) answered 404 42P01 "pgrst_source".
	// PostgREST counts a call's rows only inside its statement (Statements.hs mainCall) and never
	// EXPLAINs a call: count=exact and count=estimated are exact, count=planned gives no total.
	it('counts the rows of rpc/search_users as PostgREST does: exact or estimated exactly, planned without a total', async () => {
		const query = '/rpc/search_users?select=id,email&order=email';
		const plain = await rest(`${query}&search=Rest`, { token: people.adminA.token });
		const rows = await plain.json();
		expect([plain.status, rows.length]).toEqual([200, 5]);
		const cases: Array<[string, string]> = [
			['count=exact', '0-4/5'],
			['count=estimated', '0-4/5'],
			['count=planned', '0-4/*']
		];
		for (const [prefer, contentRange] of cases) {
			const get = await rest(`${query}&search=Rest`, {
				token: people.adminA.token,
				headers: { prefer }
			});
			const post = await rest(query, {
				method: 'POST',
				token: people.adminA.token,
				headers: { prefer, 'content-type': 'application/json' },
				body: JSON.stringify({ search: 'Rest' })
			});
			for (const response of [get, post]) {
				expect([
					prefer,
					response.status,
					response.headers.get('content-range'),
					await response.json()
				]).toEqual([prefer, 200, contentRange, rows]);
			}
		}
		const planned = await asPersona('adminA').rpc(
			'search_users',
			{ search: 'Rest' },
			{ count: 'planned' }
		);
		// supabase-js reads the `*` as NaN, as it does from PostgREST.
		expect([planned.status, planned.error, planned.data?.length]).toEqual([200, null, 5]);
		expect(Number.isFinite(planned.count)).toBe(false);
	});

	it('counts rows of a call past max_rows exactly for count=estimated, and not at all for count=planned', async () => {
		const path = `/rpc/${fn('numbered')}?n=1500&select=n`;
		const estimated = await rest(path, {
			token: people.memberA.token,
			headers: { prefer: 'count=estimated' }
		});
		expect([
			estimated.status,
			estimated.headers.get('content-range'),
			(await estimated.json()).length
		]).toEqual([206, '0-999/1500', 1000]);
		const planned = await rest(path, {
			token: people.memberA.token,
			headers: { prefer: 'count=planned' }
		});
		expect([
			planned.status,
			planned.headers.get('content-range'),
			(await planned.json()).length
		]).toEqual([200, '0-999/*', 1000]);
	});

	it('still estimates a table read for count=planned', async () => {
		const planned = await rest('/users?select=id', {
			token: people.adminA.token,
			headers: { prefer: 'count=planned' }
		});
		expect(planned.status).toBeLessThan(300);
		expect(planned.headers.get('content-range')).toMatch(/^0-4\/\d+$/);
		expect(await planned.json()).toHaveLength(5);
	});

	it('runs GET calls read-only: a writing function answers 405 (25006)', async () => {
		const client = untypedClient(stack().serviceRoleKey);
		const read = await client.rpc(fn('touch'), {}, { get: true });
		expect([read.status, read.error?.code]).toEqual([405, '25006']);
		const write = await client.rpc(fn('touch'));
		expect(write.status).toBe(204);
	});

	it('answers 404 PGRST202 for unknown functions and for functions outside the exposed schema', async () => {
		const client = untypedClient(people.adminA.token);
		const unknown = await client.rpc('no_such_function', { x: 1 });
		expect(unknown.status).toBe(404);
		expect(unknown.error).toMatchObject({
			code: 'PGRST202',
			message: 'Could not find the function public.no_such_function(x) in the schema cache'
		});
		for (const name of [
			'admin_organization_id',
			'active_user_organization_id',
			'keep_one_active_admin',
			'uid',
			'jwt'
		]) {
			const { status, error } = await client.rpc(name);
			expect([name, status, error?.code]).toEqual([name, 404, 'PGRST202']);
		}
		const wrongArguments = await client.rpc(fn('add'), { c: 1 });
		expect([wrongArguments.status, wrongArguments.error?.hint]).toEqual([
			404,
			`Perhaps you meant to call the function public.${fn('add')}(a, b)`
		]);
	});
});

describe('schemas', () => {
	it('refuses other schemas through Accept-Profile and Content-Profile with 406 PGRST106', async () => {
		const read = await (serviceClient() as unknown as SupabaseClient)
			.schema('auth')
			.from('users')
			.select('id');
		expect(read.status).toBe(406);
		expect(read.error).toMatchObject({
			code: 'PGRST106',
			message: 'Invalid schema: auth',
			hint: 'Only the following schemas are exposed: public'
		});
		const write = await (serviceClient() as unknown as SupabaseClient)
			.schema('private')
			.rpc('admin_organization_id');
		expect([write.status, write.error?.code]).toEqual([406, 'PGRST106']);
		const publicProfile = await rest('/organizations?select=id&limit=1', {
			token: stack().serviceRoleKey,
			headers: { 'accept-profile': 'public' }
		});
		expect([publicProfile.status, publicProfile.headers.get('content-profile')]).toEqual([
			200,
			'public'
		]);
	});

	it('does not find tables of other schemas by name', async () => {
		const response = await rest('/sessions', { token: stack().serviceRoleKey });
		expect(response.status).toBe(404);
		expect((await response.json()).code).toBe('PGRST205');
	});
});

describe('JWTs', () => {
	it('refuses a token signed with another secret (PGRST301)', async () => {
		const forged = await mint(
			{ sub: people.adminA.id, role: 'service_role' },
			{ secret: 'not-the-project-secret-not-the-project-secret' }
		);
		const response = await rest('/users?select=id', { token: forged });
		expect(response.status).toBe(401);
		expect(response.headers.get('www-authenticate')).toContain('invalid_token');
		expect(await response.json()).toEqual({
			code: 'PGRST301',
			details: 'None of the keys was able to decode the JWT',
			hint: null,
			message: 'No suitable key or wrong key type'
		});
	});

	it('refuses an expired token (PGRST303) and an unsigned one (alg none)', async () => {
		const expired = await mint(
			{ sub: people.adminA.id, role: 'authenticated' },
			{ expiresIn: -120 }
		);
		const response = await rest('/users?select=id', { token: expired });
		expect([response.status, (await response.json()).code]).toEqual([401, 'PGRST303']);
		const unsigned = new UnsecuredJWT({ sub: people.adminA.id, role: 'service_role' }).encode();
		const refused = await rest('/users?select=id', { token: unsigned });
		expect(refused.status).toBe(401);
		expect(await refused.json()).toMatchObject({
			code: 'PGRST301',
			message: 'Wrong or unsupported encoding algorithm'
		});
	});

	it('refuses roles that do not exist (401) or that the API may not become (403)', async () => {
		const unknown = await rest('/organizations?select=id', {
			token: await mint({ role: 'wizard' })
		});
		expect([unknown.status, (await unknown.json()).message]).toEqual([
			401,
			'role "wizard" does not exist'
		]);
		for (const role of ['postgres', 'supabase_admin', 'supabase_auth_admin']) {
			const response = await rest('/organizations?select=id', { token: await mint({ role }) });
			expect([role, response.status, (await response.json()).code]).toEqual([role, 403, '42501']);
		}
	});

	it('runs requests with the service role past RLS', async () => {
		const { data } = await serviceClient()
			.from('users')
			.select('id')
			.in('id', [people.adminA.id, people.adminB.id]);
		expect(data).toHaveLength(2);
	});
});

describe('malformed requests', () => {
	const admin = () => people.adminA.token;

	it('answers bad JSON, unknown columns, bad filters and unknown tables with PostgREST 4xx errors', async () => {
		const cases: Array<[string, RequestInit, number, string]> = [
			[
				'/organizations',
				{ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":' },
				400,
				'PGRST102'
			],
			[
				'/organizations',
				{
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: '"just a string"'
				},
				400,
				'PGRST102'
			],
			['/users?select=id,password', {}, 400, '42703'],
			['/users?select=id&order=password.desc', {}, 400, '42703'],
			['/users?id=eq', {}, 400, 'PGRST100'],
			['/users?id=equals.1', {}, 400, 'PGRST100'],
			['/users?role=in.(admin', {}, 400, 'PGRST100'],
			['/users?select=id,organizations(name', {}, 400, 'PGRST100'],
			['/users?or=(role.eq.admin', {}, 400, 'PGRST100'],
			['/users?order=id.sideways', {}, 400, 'PGRST100'],
			['/users?select=id,nope(id)', {}, 400, 'PGRST200'],
			['/users?id=eq.not-a-uuid', {}, 400, '22P02'],
			['/no_such_table', {}, 404, 'PGRST205'],
			['/users/extra/segments', {}, 404, 'PGRST125'],
			['/users', { headers: { accept: 'text/html' } }, 406, 'PGRST107'],
			[
				'/users',
				{ method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' },
				405,
				'PGRST117'
			],
			['/users?select=count()', {}, 400, 'PGRST123']
		];
		for (const [path, init, status, code] of cases) {
			const response = await rest(path, { ...init, token: admin() });
			const body = await response.json();
			expect([path, response.status, body.code]).toEqual([path, status, code]);
			expect(Object.keys(body).sort()).toEqual(['code', 'details', 'hint', 'message']);
		}
	});

	// Issue 12 #10: a cast is a type name, or the select does not parse; no generated SQL is echoed.
	it('refuses a cast that is not a type name with PGRST100, before any SQL is written', async () => {
		for (const select of [
			'id::text%20$$',
			'id::text)',
			'id::int;select%201',
			'id::text%20collate%20"C"',
			'"":id',
			'id::text,email::varchar(3)'
		]) {
			const response = await rest(`/users?select=${select}`, { token: admin() });
			const text = await response.text();
			const body = JSON.parse(text);
			expect([select, response.status, body.code]).toEqual([select, 400, 'PGRST100']);
			expect(Object.keys(body).sort()).toEqual(['code', 'details', 'hint', 'message']);
			expect(text).not.toMatch(/CAST|SELECT|pgrst_source|_postgrest_t|"public"\."users"/);
		}
		const cast = await rest('/users?select=id::text,role::public.user_role,n:id::TEXT&limit=1', {
			token: admin()
		});
		expect(cast.status).toBe(200);
		expect(Object.keys((await cast.json())[0])).toEqual(['id', 'role', 'n']);
	});

	it('treats SQL in values and identifiers as data', async () => {
		const value = await rest(
			`/users?select=id&first_name=eq.${encodeURIComponent("'; drop table public.users; --")}`,
			{ token: admin() }
		);
		expect([value.status, await value.json()]).toEqual([200, []]);
		const identifier = await rest(
			`/users?select=${encodeURIComponent('"id; drop table public.users; --"')}`,
			{ token: admin() }
		);
		expect([identifier.status, (await identifier.json()).code]).toEqual([400, '42703']);
		const stillThere = await withDb((db) =>
			db.query(`select to_regclass('public.users') is not null as present`)
		);
		expect(stillThere.rows[0].present).toBe(true);
	});

	it('keeps answering after a burst of garbage', async () => {
		const garbage = [
			'/users?select=((((',
			'/users?%ZZ=eq.1',
			'/users?id=in.("a',
			'/users?or=(and(or(',
			'/users?select=*&limit=99999999999999999999',
			'/users?order=',
			'/rpc/'
		];
		await Promise.all(
			garbage.map((path) =>
				rest(path, { token: admin() }).then((response) => expect(response.status).toBeLessThan(500))
			)
		);
		const { data, error } = await asPersona('memberA').from('users').select('id');
		expect(error).toBeNull();
		expect(data).toEqual([{ id: people.memberA.id }]);
	});
});
