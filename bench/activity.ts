// The activity log at ten million entries (a million of them the admin's organization's), on the
// data path's database: the Activity page's and a user's history's requests as the SPA sends them
// (src/lib/activity/api.ts through the Data API, recorded and replayed as for users), and what
// writing an entry adds to a change — the same change timed with the recording trigger switched
// off and on, alternately, in the same run.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Hono } from 'hono';
import pg from 'pg';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import type { Database } from '../supabase/functions/_shared/database.types.ts';
import { createNodeClient } from '../scripts/lib/supabase-node.ts';
import { ActivityApi, type ActivityEntry, type PageParams } from '../src/lib/activity/api.ts';
import type { UsersApi } from '../src/lib/users/api.ts';
import { seedActivity, type ActivityShape, type SeedPhases } from './activity-seed.ts';
import { interleave, time, type Timing } from './measure.ts';
import {
	measureQuery,
	splitRequests,
	type QueryFigure,
	type RecordedRequest,
	type RecordingDatabase,
	type Replay,
	type Statement
} from './replay.ts';
import { BIG_ORGANIZATION_ID, userIdSql, type SeedShape } from './seed.ts';

/** The Activity page's PAGE_SIZE and a history's HISTORY_SIZE (activity-log.svelte.ts), each
 *  asked for with one more entry: whether there is an older page, without counting. */
const PAGE_SIZE = 50;
const HISTORY_SIZE = 20;

export interface WriteFigure {
	name: string;
	/** The recording trigger(s) disabled. */
	before: Timing;
	/** As deployed. */
	after: Timing;
	/** after.median − before.median. */
	difference: number;
	/** Entries the changes wrote while recording was on (checked against the changes made). */
	entriesWritten: number;
}

export interface ActivityResult {
	shape: ActivityShape;
	seedSeconds: number;
	seedPhases: SeedPhases;
	queries: QueryFigure[];
	writes: WriteFigure[];
}

export interface ActivityBenchOptions {
	quick: boolean;
	users: SeedShape;
	cluster: { url: string; adminUrl: string };
	/** Superuser. */
	owner: pg.Client;
	/** The in-process stack's database. */
	db: RecordingDatabase;
	/** supabase-js as the benchmark's admin, through the in-process Data API. */
	client: SupabaseClient<Database>;
	usersApi: UsersApi;
	/** The in-process stack: /rest/v1 and /auth/v1. */
	app: Hono;
	apiUrl: string;
	anonKey: string;
	adminId: string;
	replay: Replay;
}

type View = { name: string; params: PageParams };

const entriesOf = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'entry' : 'entries'}`;

export async function benchActivity(options: ActivityBenchOptions): Promise<ActivityResult> {
	const { owner, db, replay } = options;
	const log = replay.log;
	const shape: ActivityShape = options.quick
		? { entries: 200_000, bigOrganizationEntries: 20_000, days: 730 }
		: { entries: 10_000_000, bigOrganizationEntries: 1_000_000, days: 730 };
	log(
		`seeding ${shape.entries.toLocaleString('en')} activity entries, ${shape.bigOrganizationEntries.toLocaleString('en')} of them the admin's organization's…`
	);
	const [seedMs, seedPhases] = await time(() => seedActivity(owner, options.users, shape));
	log(`  seeded in ${(seedMs / 1000).toFixed(1)} s`);

	const api = new ActivityApi(options.client, options.usersApi);
	const base: PageParams = {
		organizationId: BIG_ORGANIZATION_ID,
		userId: '',
		action: '',
		from: '',
		to: '',
		limit: PAGE_SIZE + 1
	};
	const entryAt = async (rank: number, action?: string) => {
		const { rows } = await owner.query<{ id: string; occurred_at: string }>(
			// As the Data API writes the instant (to microseconds): the cursor the page sends back.
			`select id, to_json(occurred_at) #>> '{}' as occurred_at from public.activity_log
			 where organization_id = $1 ${action ? 'and action = $3::public.activity_action' : ''}
			 order by occurred_at desc, id desc offset $2 limit 1`,
			[BIG_ORGANIZATION_ID, rank - 1, ...(action ? [action] : [])]
		);
		if (!rows[0]) throw new Error(`no activity entry at rank ${rank}`);
		return { direction: 'older' as const, id: Number(rows[0].id), occurredAt: rows[0].occurred_at };
	};
	const deepRank = Math.round(shape.bigOrganizationEntries / 2);
	const {
		rows: [roleChanges]
	} = await owner.query<{ count: number }>(
		`select count(*)::int as count from public.activity_log where organization_id = $1 and action = 'role_changed'`,
		[BIG_ORGANIZATION_ID]
	);
	const deepRoleRank = Math.round(roleChanges!.count / 2);
	const {
		rows: [range]
	} = await owner.query<{ from: Date; to: Date }>(
		`select date_trunc('day', now() - interval '400 days') as from, date_trunc('day', now() - interval '370 days') as to`
	);
	const targets = async (order: 'desc' | 'asc') => {
		const { rows } = await owner.query<{ target_id: string; entries: number }>(
			`select target_id, count(*)::int as entries from public.activity_log where organization_id = $1
			 group by target_id order by entries ${order}, target_id limit 1`,
			[BIG_ORGANIZATION_ID]
		);
		return rows[0]!;
	};
	const busy = await targets('desc');
	const quiet = await targets('asc');

	const history = (userId: string): PageParams => ({ ...base, userId, limit: HISTORY_SIZE + 1 });
	const views: View[] = [
		{ name: 'first page of 50, newest first', params: base },
		{
			name: `page deep in the log (entry ${deepRank.toLocaleString('en')})`,
			params: { ...base, cursor: await entryAt(deepRank) }
		},
		{ name: 'filter by action (role changed)', params: { ...base, action: 'role_changed' } },
		{
			name: `filter by action, deep (role change ${deepRoleRank.toLocaleString('en')})`,
			params: {
				...base,
				action: 'role_changed',
				cursor: await entryAt(deepRoleRank, 'role_changed')
			}
		},
		{
			name: 'date range (30 days, a year back)',
			params: { ...base, from: range!.from.toISOString(), to: range!.to.toISOString() }
		},
		{ name: `a user's history (${entriesOf(busy.entries)})`, params: history(busy.target_id) },
		{ name: `a user's history (${entriesOf(quiet.entries)})`, params: history(quiet.target_id) }
	];

	const queries: QueryFigure[] = [];
	let firstPage: ActivityEntry[] | undefined;
	for (const view of views) {
		db.requests = [];
		const page = await api.page(view.params);
		if (!page.ok)
			throw new Error(`${view.name}: the Data API refused the SPA's query: ${page.error.message}`);
		if (page.data.length === 0) throw new Error(`${view.name}: no entries — it measures nothing`);
		firstPage ??= page.data.slice(0, PAGE_SIZE);
		queries.push(await measureQuery(replay, view.name, splitRequests(db.requests), 'activity_log'));
	}
	// What the page asks for next, to write its sentences: the names of the people its entries
	// name (NameBook: actors and targets, once each, within the organization), from users through
	// the users API.
	db.requests = [];
	const ids = namedIds(firstPage!);
	const names = await api.names(ids, { organizationId: BIG_ORGANIZATION_ID });
	if (!names.ok || names.data.length === 0)
		throw new Error(`names for the first page: ${names.ok ? 'none found' : names.error.message}`);
	queries.push(
		await measureQuery(
			replay,
			`names for the first page (${ids.length} users)`,
			splitRequests(db.requests),
			'users'
		)
	);

	const writes = await benchWrites(options);
	return { shape, seedSeconds: seedMs / 1000, seedPhases, queries, writes };
}

/** The ids NameBook.learn asks names for: actors and targets of the entries shown, once each. */
function namedIds(entries: readonly ActivityEntry[]): string[] {
	const ids = entries.flatMap((entry) => [entry.actor_id, entry.target_id]);
	return [...new Set(ids.filter((id): id is string => !!id))];
}

interface Toggle {
	table: string;
	trigger: string;
}

const RECORD_USER_CHANGE: Toggle = { table: 'public.users', trigger: 'record_user_change' };
const RECORD_SIGN_IN: Toggle = { table: 'auth.sessions', trigger: 'record_sign_in' };

async function benchWrites(options: ActivityBenchOptions): Promise<WriteFigure[]> {
	const { owner, db, replay, adminId } = options;
	const replayDb = replay.client;
	// A millisecond is a small share of a change and of the noise of a shared machine: more runs
	// than for the reads (each takes a few milliseconds).
	const runs = options.quick ? 40 : 100;
	// Two active members of the big organization (the n-th and the next seeded), one to sign in,
	// one whose role changes.
	const member = async (n: number) => {
		const { rows } = await owner.query<{ id: string; email: string }>(
			`select id, email from public.users
			 where id = any(array(select ${userIdSql('g')} from generate_series(1, 1000) as g))
			   and organization_id = $1 and role = 'member' and status = 'active'
			 order by id offset $2 limit 1`,
			[BIG_ORGANIZATION_ID, n]
		);
		if (!rows[0]) throw new Error(`no active member among the big organization's first users`);
		return rows[0];
	};

	const entries = async (targetId: string, action: string) => {
		const { rows } = await owner.query<{ count: number }>(
			`select count(*)::int as count from public.activity_log where organization_id = $1 and target_id = $2 and action = $3::public.activity_action`,
			[BIG_ORGANIZATION_ID, targetId, action]
		);
		return rows[0]!.count;
	};
	const setTriggers = async (toggles: Toggle[], on: boolean) => {
		for (const { table, trigger } of toggles)
			await owner.query(`alter table ${table} ${on ? 'enable' : 'disable'} trigger ${trigger}`);
	};

	/**
	 * The same change with its recording switched off (before) and on (after), alternately, so that
	 * caching and the rest of the machine hit both alike; `change` returns its own timed part. The
	 * entries written must be exactly one per change made while recording was on.
	 */
	const beforeAfter = async (
		name: string,
		toggles: Toggle[],
		change: () => Promise<number>,
		count: () => Promise<number>,
		entriesPerChange = 1
	): Promise<WriteFigure> => {
		const initial = await count();
		let recorded = 0;
		let timings: { rls: Timing; floor: Timing };
		try {
			timings = await interleave(
				async () => {
					await setTriggers(toggles, true);
					recorded++;
					return change();
				},
				async () => {
					await setTriggers(toggles, false);
					return change();
				},
				runs
			);
		} finally {
			await setTriggers(toggles, true);
		}
		const written = (await count()) - initial;
		if (written !== recorded * entriesPerChange)
			throw new Error(
				`${name}: ${written} entries for ${recorded} recorded changes — the figure would measure something else`
			);
		const { rls: after, floor: before } = timings;
		replay.log(
			`  ${name}: ${before.median.toFixed(2)} → ${after.median.toFixed(2)} ms (${(after.median - before.median).toFixed(2)} ms)`
		);
		return {
			name,
			before,
			after,
			difference: after.median - before.median,
			entriesWritten: written
		};
	};

	/**
	 * Replays one recorded transaction: its setup (role, claims) untimed, then its statements and
	 * the commit timed. Before the clock starts the connection reads users once: the ALTER that
	 * switched the trigger made it drop its description of the table, rebuilt here for both alike.
	 */
	const replayWrite = async (client: pg.Client, setup: Statement[], main: Statement[]) => {
		await client.query('begin');
		for (const s of setup) await client.query(s.text, s.params);
		await client.query('select from public.users where false');
		const [ms] = await time(async () => {
			for (const s of main) await client.query(s.text, s.params);
			await client.query('commit');
		});
		return ms;
	};

	const writes: WriteFigure[] = [];

	// 1. An admin renames themselves, as the settings page sends it: PATCH users through the Data API
	// with the names the screen showed (updateOwnNames), there and back.
	const { rows: adminRows } = await owner.query<{ first_name: string; last_name: string }>(
		`select first_name, last_name from public.users where id = $1`,
		[adminId]
	);
	const shown = adminRows[0]!;
	const renamed = { first_name: shown.first_name, last_name: `${shown.last_name}-Renamed` };
	const renames: RecordedRequest[] = [];
	for (const [names, expected] of [
		[renamed, shown],
		[shown, renamed]
	] as const) {
		db.requests = [];
		const result = await options.usersApi.updateOwnNames(adminId, names, expected);
		if (!result.ok) throw new Error(`rename refused: ${result.error.message}`);
		renames.push(...splitRequests(db.requests));
	}
	if (renames.length !== 2) throw new Error(`a rename took ${renames.length / 2} requests, not 1`);
	let renameTurn = 0;
	writes.push(
		await beforeAfter(
			'rename (Data API, PATCH users)',
			[RECORD_USER_CHANGE],
			() => {
				const request = renames[renameTurn++ % 2]!;
				return replayWrite(replayDb, request.setup, request.main);
			},
			() => entries(adminId, 'profile_changed')
		)
	);
	if (renameTurn % 2 !== 0) throw new Error('the renames did not end where they began');

	// 2. A role change, as update-user's update_profile runs it on the functions' own connection
	// (the `postgres` login): actAs, begin_user_action (locks, re-checks the caller), the update.
	const target = await member(2);
	const functions = new pg.Client({ connectionString: options.cluster.url });
	await functions.connect();
	try {
		let role: 'member' | 'manager' = 'member';
		writes.push(
			await beforeAfter(
				'role change (update-user)',
				[RECORD_USER_CHANGE],
				() => {
					role = role === 'member' ? 'manager' : 'member';
					return replayWrite(
						functions,
						[
							{
								text: `select set_config('request.jwt.claims', $1, true), set_config('activity.request_id', $2, true)`,
								params: [
									JSON.stringify({ sub: adminId, role: 'service_role' }),
									crypto.randomUUID()
								]
							}
						],
						[
							{
								text: `select to_jsonb(t) as row from private.begin_user_action($1, $2) as t`,
								params: [adminId, target.id]
							},
							{
								text: `update public.users set "role" = $1 where id = $2 returning to_jsonb(users) as row`,
								params: [role, target.id]
							}
						]
					);
				},
				() => entries(target.id, 'role_changed')
			)
		);
	} finally {
		await functions.end();
	}

	// 3. A sign-in: the password grant through the stack's Auth (in-process, its own code and
	// transaction), timed from that transaction's start to its commit — the session, its refresh
	// token, last_sign_in_at (copied into public.users, where record_user_change runs too) and
	// Auth's audit row. Recording off means both triggers off. bcrypt is outside that transaction;
	// the benchmark's hash has cost 4 so that its hundreds of sign-ins take seconds, not minutes.
	const signer = await member(1);
	const password = `Bench-${crypto.randomUUID()}`;
	await owner.query(`update auth.users set encrypted_password = $2 where id = $1`, [
		signer.id,
		await bcryptHash(password, 4)
	]);
	const anon = createNodeClient(options.apiUrl, options.anonKey, {
		global: {
			fetch: async (input, init) =>
				options.app.request(input instanceof Request ? input : String(input), init),
			headers: {
				'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
				'x-forwarded-for': '198.51.100.7'
			}
		}
	});
	const signIn = async () => {
		db.requests = [];
		const { error } = await anon.auth.signInWithPassword({ email: signer.email, password });
		if (error) throw new Error(`sign-in refused: ${error.message}`);
		const grant = db.requests.find((r) =>
			r.statements.some((s) => /insert into auth\.sessions/.test(s.text))
		);
		if (!grant) throw new Error('no transaction opened a session');
		return grant.ms;
	};
	writes.push(
		await beforeAfter(
			'sign-in (Auth, password grant)',
			[RECORD_SIGN_IN, RECORD_USER_CHANGE],
			// The first sign-in after the switch lets the connection rebuild what the ALTER dropped.
			async () => {
				await signIn();
				return signIn();
			},
			() => entries(signer.id, 'signed_in'),
			2
		)
	);
	return writes;
}
