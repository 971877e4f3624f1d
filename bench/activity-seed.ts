// Set-based seeding of the activity log: one insert of generate_series rows in time order, over
// the users seed.ts made, with the log's secondary indexes built afterwards.
import type pg from 'pg';
import {
	BIG_ORGANIZATION_ID,
	FIRST_NAMES,
	SURNAME_ENDS,
	SURNAME_STARTS,
	bigOrganizationEvery,
	organizationIdSql,
	sqlArray,
	userIdSql,
	type SeedShape
} from './seed.ts';

export interface ActivityShape {
	entries: number;
	/** Entries of the big organization, the one the benchmark's admin reads. */
	bigOrganizationEntries: number;
	/** How far back the log goes. */
	days: number;
}

export interface SeedPhases {
	insertSeconds: number;
	indexSeconds: number;
	vacuumSeconds: number;
}

/**
 * The mix of a real log: mostly sign-ins, a few changes by admins, and what users do to their own
 * passwords (shares of all entries; the rest are sign-ins).
 */
const ACTION_SHARES: Array<[string, number]> = [
	['password_changed', 0.02],
	['profile_changed', 0.03],
	['role_changed', 0.01],
	['user_created', 0.02],
	['password_set', 0.015],
	['temporary_password_replaced', 0.015],
	['password_recovered', 0.01],
	['sessions_ended', 0.015],
	['deactivated', 0.008],
	['activated', 0.007]
];

const USER_AGENTS = [
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
	'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
	'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
	'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
	'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0'
];

const ROLE_CHANGES = [
	['member', 'manager'],
	['manager', 'member'],
	['member', 'admin'],
	['external', 'member'],
	['manager', 'admin'],
	['admin', 'manager']
];

/** The one insert that writes the whole log (see seedActivity). */
export function activityInsertSql(users: SeedShape, shape: ActivityShape): string {
	const every = bigOrganizationEvery(users);
	const others = users.organizations - 1;
	// Moving a target one step within its organization (g ± others) must leave the big one's
	// residue, or the other organizations' users could not be told apart by arithmetic alone.
	if (others % every === 0) throw new Error('organizations − 1 must not be a multiple of every');
	const bigShare = shape.bigOrganizationEntries / shape.entries;
	const adminsOfBig = Math.ceil(users.bigOrganizationUsers / 500);
	let threshold = 0;
	const action = ACTION_SHARES.map(([name, share]) => {
		threshold += share;
		return `when r.r3 < ${threshold} then '${name}'`;
	});
	// A user of another organization o: the m-th number that is o − 2 modulo `others`, m at least
	// 2, moved down one step if it belongs to the big organization (seed.ts's numbering).
	const otherUser = (m: string) => `(o.o - 2) + ${others} * (${m})`;
	const inOrganization = (g: string) =>
		`case when (${g}) % ${every} = 1 then (${g}) - ${others} else (${g}) end`;
	const nameOf = (g: string) => `(${sqlArray(FIRST_NAMES)})[1 + (${g}) % ${FIRST_NAMES.length}]`;
	const surnameOf = (g: string) =>
		`(${sqlArray(SURNAME_STARTS)})[1 + (${g}) / 7 % ${SURNAME_STARTS.length}] || (${sqlArray(SURNAME_ENDS)})[1 + (${g}) / 13 % ${SURNAME_ENDS.length}]`;

	return `
		insert into public.activity_log
		  (organization_id, occurred_at, actor_type, actor_id, target_id, action, changes, details, request_id)
		select
		  case when o.big then '${BIG_ORGANIZATION_ID}'::uuid else ${organizationIdSql('o.o')} end,
		  now() - interval '${shape.days} days'
		    + (r.g - 1 + r.r5) * (${shape.days * 86_400}.0 / ${shape.entries}) * interval '1 second',
		  a.actor_type::public.activity_actor_type,
		  case a.actor when 'target' then ids.target_id when 'admin' then ids.admin_id end,
		  ids.target_id,
		  a.action::public.activity_action,
		  case a.action
		    when 'user_created' then jsonb_build_object(
		      'email', jsonb_build_object('to', lower(${nameOf('u.target')} || '.' || ${surnameOf('u.target')} || '.' || u.target || '@example.test')),
		      'first_name', jsonb_build_object('to', ${nameOf('u.target')}),
		      'last_name', jsonb_build_object('to', ${surnameOf('u.target')}),
		      'role', jsonb_build_object('to', 'member'))
		    when 'profile_changed' then
		      case when r.r5 < 0.3 then jsonb_build_object('first_name', jsonb_build_object('from', ${nameOf('r.g')}, 'to', ${nameOf('r.g + 1')})) else '{}' end
		      || jsonb_build_object('last_name', jsonb_build_object('from', ${surnameOf('r.g')}, 'to', ${surnameOf('r.g + 91')}))
		    when 'role_changed' then jsonb_build_object('role', jsonb_build_object(
		      'from', (${sqlArray(ROLE_CHANGES.map(([from]) => from!))})[1 + r.g % ${ROLE_CHANGES.length}],
		      'to', (${sqlArray(ROLE_CHANGES.map(([, to]) => to!))})[1 + r.g % ${ROLE_CHANGES.length}]))
		    else '{}'
		  end,
		  case a.action
		    when 'signed_in' then jsonb_build_object(
		      'session_id', gen_random_uuid(),
		      'user_agent', (${sqlArray(USER_AGENTS)})[1 + r.g % ${USER_AGENTS.length}],
		      'ip_address', '198.51.100.' || (1 + r.g % 254))
		    when 'password_set' then jsonb_build_object('generated', r.r5 < 0.6)
		    when 'sessions_ended' then jsonb_build_object('count', 1 + floor(r.r5 * 4)::int)
		    else '{}'
		  end,
		  -- What the Edge Functions did carries their request id; sign-ins (Auth) and what a
		  -- script or an operator did carry none.
		  case when a.action <> 'signed_in' and a.actor_type = 'user' then gen_random_uuid()::text end
		from (
		  select g, random() as r1, random() as r2, random() as r3, random() as r4, random() as r5
		  from generate_series(1, ${shape.entries}) as g
		) as r
		cross join lateral (
		  select r.r1 < ${bigShare} as big,
		         2 + floor((r.r1 - ${bigShare}) / (1 - ${bigShare}) * ${others})::int as o
		) as o
		cross join lateral (
		  select case when o.big then 1 + ${every} * floor(${users.bigOrganizationUsers} * r.r2 ^ 3)::int
		              else ${inOrganization(otherUser(`2 + floor(((${users.users} - (o.o - 2)) / ${others} - 2) * r.r2 ^ 3)::int`))} end as target,
		         case when o.big then 1 + ${every} * 500 * floor(r.r4 * ${adminsOfBig})::int
		              else ${inOrganization(otherUser('2 + floor(r.r4 * 3)::int'))} end as admin
		) as u
		cross join lateral (
		  select ${userIdSql('u.target')} as target_id, ${userIdSql('u.admin')} as admin_id
		) as ids
		cross join lateral (
		  select case ${action.join(' ')} else 'signed_in' end as action
		) as pick
		cross join lateral (
		  select pick.action,
		         case
		           when pick.action in ('signed_in', 'password_changed', 'password_recovered', 'temporary_password_replaced') then 'target'
		           when pick.action = 'sessions_ended' and r.r4 < 0.3 then 'target'
		           when pick.action = 'user_created' and r.r4 < 0.1 then null
		           when pick.action = 'role_changed' and r.r4 < 0.05 then null
		           else 'admin'
		         end as actor,
		         case
		           when pick.action = 'user_created' and r.r4 < 0.1 then 'service'
		           when pick.action = 'role_changed' and r.r4 < 0.05 then 'operator'
		           else 'user'
		         end as actor_type
		) as a`;
}

/**
 * Seeds the activity log of the users `users` describes. Entry g (1…entries) happens at the g-th
 * step of `days`, so one insert in series order writes the log as it grows in real life, ids in
 * time order, with no sort. Each entry picks its organization (the big one for its share) and its
 * target by arithmetic on seed.ts's numbering instead of a join, which would give up that order:
 * targets are skewed (a few people sign in all day, most now and then), so there are users with
 * thousands of entries and users with a handful.
 */
export async function seedActivity(
	db: pg.Client,
	users: SeedShape,
	shape: ActivityShape
): Promise<SeedPhases> {
	const phases: SeedPhases = { insertSeconds: 0, indexSeconds: 0, vacuumSeconds: 0 };
	const timed = async (phase: keyof SeedPhases, work: () => Promise<unknown>) => {
		const started = process.hrtime.bigint();
		await work();
		phases[phase] += Number(process.hrtime.bigint() - started) / 1e9;
	};
	await db.query('begin');
	// Building the secondary indexes once afterwards is several times faster than keeping four
	// of them in step with ten million inserts; they are rebuilt from their own definitions.
	const { rows: indexes } = await db.query<{ name: string; definition: string }>(
		`select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
		 from pg_index as i join pg_class as c on c.oid = i.indexrelid
		 where i.indrelid = 'public.activity_log'::regclass and not i.indisprimary`
	);
	for (const index of indexes) await db.query(`drop index public.${index.name}`);
	await db.query(`select setseed(0.15)`);
	await timed('insertSeconds', () => db.query(activityInsertSql(users, shape)));
	await timed('indexSeconds', async () => {
		for (const index of indexes) await db.query(index.definition);
	});
	await db.query('commit');
	await timed('vacuumSeconds', () => db.query('vacuum analyze public.activity_log'));
	return phases;
}
