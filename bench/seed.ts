// Set-based seeding for benchmarks: organizations, Auth users and users rows built by
// generate_series inside Postgres, so a million users take seconds, not an hour of round trips.
import type pg from 'pg';

export interface SeedShape {
	organizations: number;
	users: number;
	/** Users of the first organization, the one the benchmark's admin manages. */
	bigOrganizationUsers: number;
}

export const BIG_ORGANIZATION_ID = 'b1000000-0000-4000-8000-000000000001';

export const FIRST_NAMES = [
	'Ada',
	'Alan',
	'Grace',
	'Linus',
	'Edsger',
	'Barbara',
	'Donald',
	'Frances',
	'Ken',
	'Margaret',
	'Dennis',
	'Radia',
	'John',
	'Hedy',
	'Tim',
	'Katherine',
	'Guido',
	'Sophie',
	'Bjarne',
	'Anita',
	'James',
	'Shafi',
	'Leslie',
	'Mary',
	'Niklaus',
	'Adele',
	'Brian',
	'Jean',
	'Yukihiro',
	'Lynn',
	'Rasmus',
	'Karen',
	'Larry',
	'Evelyn',
	'Whitfield',
	'Ruth',
	'Zoë',
	'Mei',
	'Ravi',
	'Olga',
	'Kwame',
	'Ines',
	'Mateo',
	'Aiko',
	'Lars',
	'Fatima',
	'Omar',
	'Chloé'
];
export const SURNAME_STARTS = [
	'Al',
	'Bar',
	'Cor',
	'Dal',
	'Eng',
	'Fal',
	'Gar',
	'Hol',
	'Ives',
	'Jor',
	'Kel',
	'Lam',
	'Mor',
	'Nor',
	'Ost',
	'Pel',
	'Quin',
	'Ros',
	'Sal',
	'Tor',
	'Ul',
	'Var',
	'Wes',
	'Yor',
	'Zel'
];
export const SURNAME_ENDS = [
	'berg',
	'ton',
	'son',
	'ley',
	'ford',
	'man',
	'ing',
	'dale',
	'wick',
	'more',
	'stead',
	'ham',
	'ski',
	'ez',
	'ini',
	'sen',
	'ova',
	'ard',
	'ett',
	'by'
];

/** Roles in proportions a real organization has: few admins, some managers, mostly members
 *  (k numbers the users of one organization). */
const ROLE_SQL = `case when k % 500 = 0 then 'admin' when k % 10 = 0 then 'manager' when k % 7 = 0 then 'external' else 'member' end::public.user_role`;

export const sqlArray = (values: string[]) =>
	`array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]`;

/** The id of the g-th seeded user (g an SQL expression): the number is readable in the uuid. */
export const userIdSql = (g: string) =>
	`('c' || lpad(to_hex(${g}), 7, '0') || '-0000-4000-8000-' || lpad(to_hex(${g}), 12, '0'))::uuid`;

/** The id of the o-th organization (o an SQL expression, 2 or more; the first is the big one). */
export const organizationIdSql = (o: string) =>
	`('b1000000-0000-4000-8000-' || lpad(to_hex(${o}), 12, '0'))::uuid`;

/**
 * Every n-th user belongs to the big organization, the others are spread over the rest: users of
 * many organizations sign up over the same months, so an organization's rows are scattered over
 * the table rather than stored together (which would flatter every plan). User g is in the big
 * organization when g % every = 1, otherwise in organization 2 + g % (organizations - 1).
 */
export const bigOrganizationEvery = (shape: SeedShape) =>
	Math.round(shape.users / shape.bigOrganizationUsers);

export async function seedUsers(db: pg.Client, shape: SeedShape): Promise<void> {
	const every = bigOrganizationEvery(shape);
	const organizationOf = `case when g % ${every} = 1 then '${BIG_ORGANIZATION_ID}'::uuid
		else ${organizationIdSql(`2 + (g % ${shape.organizations - 1})`)} end`;
	await db.query('begin');
	// The activity log is seeded on its own, spread over two years in time order (activity-seed.ts):
	// a million user_created entries stamped with the moment of seeding would be no organization's
	// history, and would make this seed several times slower.
	await db.query('alter table public.users disable trigger record_user_change');
	// The users table's order, search and filter indexes are built once afterwards from their own
	// definitions: several times faster than keeping twenty of them in step with every insert.
	// The primary key and the unique email stay (the inserts rely on them).
	const { rows: indexes } = await db.query<{ name: string; definition: string }>(
		`select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
		 from pg_index as i join pg_class as c on c.oid = i.indexrelid
		 where i.indrelid = 'public.users'::regclass and not i.indisprimary and not i.indisunique`
	);
	for (const index of indexes) await db.query(`drop index public.${index.name}`);
	await db.query(`
		insert into public.organizations (id, name)
		select case when o = 1 then '${BIG_ORGANIZATION_ID}'::uuid else ${organizationIdSql('o')} end,
		       'Organization ' || o
		from generate_series(1, ${shape.organizations}) as o`);
	await db.query(`
		create temporary table bench_people on commit drop as
		select g,
		       ${userIdSql('g')} as id,
		       ${organizationOf} as organization_id,
		       (${sqlArray(FIRST_NAMES)})[1 + g % ${FIRST_NAMES.length}] as first_name,
		       (${sqlArray(SURNAME_STARTS)})[1 + (g / 7) % ${SURNAME_STARTS.length}]
		         || (${sqlArray(SURNAME_ENDS)})[1 + (g / 13) % ${SURNAME_ENDS.length}] as last_name,
		       ${ROLE_SQL} as role,
		       case when k % 23 = 0 then 'inactive' else 'active' end::public.user_status as status
		from generate_series(1, ${shape.users}) as g, lateral (select g / ${every} as k) as numbering`);
	await db.query(`
		insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, last_sign_in_at)
		select '00000000-0000-0000-0000-000000000000', p.id, 'authenticated', 'authenticated',
		       lower(p.first_name || '.' || p.last_name || '.' || p.g || '@org' || p.g % 1000 || '.test'),
		       now(), '{"provider":"email","providers":["email"]}', '{}', now() - (p.g || ' minutes')::interval, now(),
		       -- A quarter never signed in; the others at some minute of the last year, in no
		       -- relation to when they were created (public.users copies it on insert).
		       case when (p.g::bigint * 2654435761) % 100 >= 25 then now() - ((p.g::bigint * 7919) % 525600 || ' minutes')::interval end
		from bench_people as p`);
	await db.query(`
		insert into public.users (id, organization_id, email, first_name, last_name, role, status, created_at)
		select p.id, p.organization_id, lower(p.first_name || '.' || p.last_name || '.' || p.g || '@org' || p.g % 1000 || '.test'),
		       p.first_name, p.last_name, p.role,
		       -- every organization keeps its first admin active
		       case when p.role = 'admin' then 'active'::public.user_status else p.status end,
		       now() - (p.g || ' minutes')::interval
		from bench_people as p`);
	// The big organization's benchmark admin: a known, active admin.
	await db.query(
		`update public.users set role = 'admin', status = 'active' where id = (select id from bench_people where g = 1)`
	);
	await db.query(`set local maintenance_work_mem = '512MB'`);
	for (const index of indexes) await db.query(index.definition);
	await db.query('alter table public.users enable trigger record_user_change');
	await db.query('commit');
	await db.query('vacuum analyze public.users, public.organizations, auth.users');
}

/** The active admin of the big organization (user 1). */
export async function benchAdminId(db: pg.Client): Promise<string> {
	const { rows } = await db.query(
		`select id from public.users where organization_id = $1 and role = 'admin' and status = 'active' order by created_at desc limit 1`,
		[BIG_ORGANIZATION_ID]
	);
	return rows[0].id as string;
}
