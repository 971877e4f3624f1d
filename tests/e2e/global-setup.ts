// Starts everything the e2e suite needs: a throwaway PostgreSQL 17, the embedded stack on it, the
// SPA built and served from build/ with that stack's URL and anon key, passwords for the demo
// personas, and a second organization of a few thousand users seeded with set-based SQL.
// What the tests need is handed over in process.env (workers inherit it).
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { BIG_ORG_SIZE } from './support/seed.ts';
import { startTestStack } from '../support/test-stack.ts';
import { startPausableProxy } from './support/pausable-proxy.ts';
import { serveSpa } from './support/static-server.ts';

const root = resolve(import.meta.dirname, '../..');

export default async function globalSetup(): Promise<() => Promise<void>> {
	const started = Date.now();
	const { stack, logs, stop } = await startTestStack();
	const cleanups: Array<() => Promise<void> | void> = [stop];
	const teardown = async () => {
		for (const step of cleanups.reverse()) await step();
	};
	try {
		// test.sh builds right before; standalone runs build here so they never test a stale bundle.
		if (!process.env.E2E_SKIP_BUILD)
			execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], {
				cwd: root,
				stdio: ['ignore', 'ignore', 'inherit']
			});
		// The build reads its Supabase settings from /_app/env.js at run time ($env/dynamic/public):
		// the server answers it with this stack's URL and anon key, as a deployment would.
		// The SPA reaches the stack through a relay the tests can make hang or go down.
		const relay = await startPausableProxy(new URL(stack.apiUrl));
		cleanups.push(() => relay.close());
		const app = await serveSpa(join(root, 'build'), {
			PUBLIC_SUPABASE_URL: relay.url,
			PUBLIC_SUPABASE_ANON_KEY: stack.keys.anonKey
		});
		cleanups.push(() => app.close());

		// Plain fetch to the Auth admin API: supabase-js wants a native WebSocket, which Node 20 lacks.
		const service = authAdmin(stack.apiUrl, stack.keys.serviceRoleKey);
		const db = new pg.Client({ connectionString: stack.dbUrl });
		await db.connect();
		cleanups.push(() => db.end());
		const memberPassword = `Member-${crypto.randomUUID()}`;
		const managerPassword = `Manager-${crypto.randomUUID()}`;
		await setPassword(db, service, 'member@demo.test', memberPassword);
		await setPassword(db, service, 'manager@demo.test', managerPassword);

		const bigAdminPassword = `BigAdmin-${crypto.randomUUID()}`;
		const bigOrg = await seedBigOrganization(db, service, bigAdminPassword);

		Object.assign(process.env, {
			E2E_APP_URL: app.url,
			E2E_RELAY_CONTROL_URL: relay.controlUrl,
			E2E_MAIL_URL: stack.mailUrl,
			E2E_API_URL: stack.apiUrl,
			E2E_ANON_KEY: stack.keys.anonKey,
			E2E_SERVICE_ROLE_KEY: stack.keys.serviceRoleKey,
			E2E_DB_URL: stack.dbUrl,
			E2E_ADMIN_EMAIL: stack.demoAdmin.email,
			E2E_ADMIN_PASSWORD: stack.demoAdmin.password,
			E2E_MEMBER_PASSWORD: memberPassword,
			E2E_MANAGER_PASSWORD: managerPassword,
			E2E_BIG_ADMIN_EMAIL: bigOrg.adminEmail,
			E2E_BIG_ADMIN_PASSWORD: bigAdminPassword,
			E2E_BIG_ORG_ID: bigOrg.id
		});
		console.log(
			`e2e: stack, SPA and ${BIG_ORG_SIZE} seeded users ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${app.url})`
		);
		return teardown;
	} catch (error) {
		console.error(logs.slice(-50).join('\n'));
		await teardown();
		throw error;
	}
}

type AuthAdmin = ReturnType<typeof authAdmin>;

function authAdmin(apiUrl: string, serviceKey: string) {
	const call = async (method: string, path: string, body: object): Promise<{ id: string }> => {
		const response = await fetch(`${apiUrl}/auth/v1/admin/users${path}`, {
			method,
			headers: {
				apikey: serviceKey,
				authorization: `Bearer ${serviceKey}`,
				'content-type': 'application/json'
			},
			body: JSON.stringify(body)
		});
		if (!response.ok)
			throw new Error(`auth admin ${method} ${path}: ${response.status} ${await response.text()}`);
		return (await response.json()) as { id: string };
	};
	return {
		createUser: (email: string, password: string) =>
			call('POST', '', { email, password, email_confirm: true }),
		setPassword: (id: string, password: string) => call('PUT', `/${id}`, { password })
	};
}

async function setPassword(
	db: pg.Client,
	service: AuthAdmin,
	email: string,
	password: string
): Promise<void> {
	const { rows } = await db.query<{ id: string }>('select id from public.users where email = $1', [
		email
	]);
	if (!rows[0]) throw new Error(`${email} is not seeded`);
	await service.setPassword(rows[0].id, password);
}

/**
 * "Globex": an admin created the product's way (Auth admin API, then the users row), then
 * BIG_ORG_SIZE users in two set-based statements, with names, roles and statuses spread so that
 * search, filters and sorting have something to find.
 */
async function seedBigOrganization(db: pg.Client, service: AuthAdmin, adminPassword: string) {
	const adminEmail = 'boss@globex.test';
	const { rows: orgRows } = await db.query<{ id: string }>(
		`insert into public.organizations (name) values ('Globex') returning id`
	);
	const orgId = orgRows[0]!.id;
	const admin = await service.createUser(adminEmail, adminPassword);
	await db.query(
		`insert into public.users (id, organization_id, email, first_name, last_name, role) values ($1, $2, $3, 'Gloria', 'Boss', 'admin')`,
		[admin.id, orgId, adminEmail]
	);
	await db.query('begin');
	await db.query(
		`create temporary table seed on commit drop as
		 select gen_random_uuid() as id, n,
		        (array['Ada','Grace','Linus','Edsger','Barbara','Donald','Frances','Ken','Margaret','Alan'])[1 + n % 10] as first_name,
		        'Person' || lpad(n::text, 5, '0') as last_name,
		        'person' || lpad(n::text, 5, '0') || '@globex.test' as email,
		        (array['member','member','member','manager','external','admin'])[1 + n % 6]::public.user_role as role,
		        case when n % 7 = 0 then 'inactive' else 'active' end::public.user_status as status,
		        now() - make_interval(hours => n) as created_at
		 from generate_series(1, $1::int) as n`,
		[BIG_ORG_SIZE]
	);
	await db.query(
		`insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
		 select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated', email, now(),
		        jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'), 'organization_id', $1::uuid), '{}'::jsonb, created_at, created_at
		 from seed`,
		[orgId]
	);
	await db.query(
		`insert into public.users (id, organization_id, email, first_name, last_name, role, status, created_at, updated_at, created_by)
		 select id, $1::uuid, email, first_name, last_name, role, status, created_at, created_at, $2::uuid from seed`,
		[orgId, admin.id]
	);
	await db.query('commit');
	await db.query('analyze public.users');
	return { id: orgId, adminEmail };
}
