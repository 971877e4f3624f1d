// Runs last (files run in name order, one worker): after every other spec has signed people in and
// created, renamed, promoted, deactivated and reset users through the console, the activity log
// must account for all of it. Each user's names, email and role are what their log says last, each
// was created exactly once, each status is the last activation or deactivation recorded, and every
// sign-in Auth recorded (its audit log, written in the transaction that opened the session) is in
// the log exactly once.
import pg from 'pg';
import { env, expect, test } from './support/fixtures.ts';

async function rows<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
	const db = new pg.Client({ connectionString: env('E2E_DB_URL') });
	await db.connect();
	try {
		return (await db.query<T>(sql)).rows;
	} finally {
		await db.end();
	}
}

test('every change and sign-in of the whole suite is in the activity log, once', async () => {
	const [totals] = await rows<{
		users: number;
		entries: number;
		sign_ins: number;
	}>(`select (select count(*)::int from public.users) as users,
	           (select count(*)::int from public.activity_log) as entries,
	           (select count(*)::int from public.activity_log where action = 'signed_in') as sign_ins`);
	const { users, entries, sign_ins } = totals!;
	console.log(
		`activity log after the suite: ${entries} entries (${sign_ins} sign-ins) for ${users} users`
	);
	// The suite did sign people in; a log that missed all of them would pass every check below.
	expect(sign_ins).toBeGreaterThan(20);

	expect(
		await rows(`select u.email, count(l.id)::int as creations
		            from public.users as u
		            left join public.activity_log as l on l.target_id = u.id and l.action = 'user_created'
		            group by u.id, u.email
		            having count(l.id) <> 1`),
		'users not created exactly once in the log'
	).toEqual([]);

	expect(
		await rows(`with said as (
		              select distinct on (l.target_id, f.key) l.target_id, f.key, f.value ->> 'to' as value
		              from public.activity_log as l, jsonb_each(l.changes) as f
		              where l.action in ('user_created', 'profile_changed', 'role_changed')
		              order by l.target_id, f.key, l.id desc
		            )
		            select u.email, field, said.value as logged, to_jsonb(u) ->> field as now
		            from public.users as u
		            cross join unnest(array['email', 'first_name', 'last_name', 'role']) as field
		            left join said on said.target_id = u.id and said.key = field
		            where said.value is distinct from to_jsonb(u) ->> field`),
		'fields whose last logged value is not the user’s'
	).toEqual([]);

	expect(
		await rows(`select distinct on (u.id) u.email, l.action, u.status
		            from public.users as u
		            join public.activity_log as l on l.target_id = u.id and l.action in ('activated', 'deactivated')
		            order by u.id, l.id desc`).then((last) =>
			last.filter(
				(row) => (row.action === 'deactivated') !== ((row.status as string) === 'inactive')
			)
		),
		'statuses the last logged (de)activation does not explain'
	).toEqual([]);

	expect(
		await rows(`with auth_logins as (
		              select (a.payload ->> 'actor_id')::uuid as id, count(*)::int as n
		              from auth.audit_log_entries as a
		              where a.payload ->> 'action' = 'login'
		              group by 1
		            ), logged as (
		              select l.target_id as id, count(*)::int as n
		              from public.activity_log as l
		              where l.action = 'signed_in'
		              group by 1
		            )
		            select u.email, coalesce(a.n, 0) as auth, coalesce(l.n, 0) as logged
		            from public.users as u
		            left join auth_logins as a on a.id = u.id
		            left join logged as l on l.id = u.id
		            where coalesce(a.n, 0) <> coalesce(l.n, 0)`),
		'users whose sign-ins in Auth and in the log differ'
	).toEqual([]);
});
