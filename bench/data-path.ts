// Part 1: the data path on real PostgreSQL (the configured major) at a million users. The queries are the SPA's own
// (src/lib/users/api.ts builds them with supabase-js), sent through the local stack's Data API
// in-process so the exact SQL it runs is recorded; then that SQL is replayed as the Data API runs
// it (one transaction, `set local role authenticated` and the admin's claims) and, as the floor,
// the same statement as a superuser without RLS. The activity log's part (activity.ts) runs on the
// same database after it.
import { Hono } from 'hono';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { StackContext } from '../local-stack/src/context.ts';
import { Jwt } from '../local-stack/src/jwt.ts';
import { createAuthApp } from '../local-stack/src/auth/index.ts';
import { createRestApp } from '../local-stack/src/rest/index.ts';
import { prepareDatabase, supabaseDir } from '../scripts/lib/database.ts';
import { configuredMajor, startPostgres } from '../local-stack/src/postgres.ts';
import { createNodeClient } from '../scripts/lib/supabase-node.ts';
import { UsersApi, type ListParams } from '../src/lib/users/api.ts';
import { benchActivity, type ActivityResult } from './activity.ts';
import { time } from './measure.ts';
import {
	measureQuery,
	RecordingDatabase,
	splitRequests,
	type QueryFigure,
	type Replay
} from './replay.ts';
import { BIG_ORGANIZATION_ID, benchAdminId, seedUsers, type SeedShape } from './seed.ts';

export interface DataPathResult {
	shape: SeedShape;
	postgresMajor: number;
	seedSeconds: number;
	queries: QueryFigure[];
	activity: ActivityResult;
}

export async function benchDataPath(options: {
	quick: boolean;
	/** PostgreSQL major; config.toml's by default. */
	major?: number;
	log: (line: string) => void;
}): Promise<DataPathResult> {
	const shape: SeedShape = options.quick
		? { organizations: 100, users: 100_000, bigOrganizationUsers: 10_000 }
		: { organizations: 1_000, users: 1_000_000, bigOrganizationUsers: 100_000 };
	const runs = options.quick ? 15 : 40;
	const cluster = await startPostgres({
		major: options.major ?? configuredMajor(supabaseDir),
		settings: { shared_buffers: '512MB', work_mem: '16MB', max_wal_size: '4GB' }
	});
	const owner = new pg.Client({ connectionString: cluster.adminUrl });
	const db = new RecordingDatabase(cluster.adminUrl, { max: 2 });
	try {
		await prepareDatabase(cluster);
		await owner.connect();
		options.log(
			`seeding ${shape.users.toLocaleString('en')} users in ${shape.organizations} organizations…`
		);
		const [seedMs] = await time(() => seedUsers(owner, shape));
		const adminId = await benchAdminId(owner);

		const secret = randomBytes(32).toString('base64url');
		const jwt = new Jwt(secret);
		const exp = Math.floor(Date.now() / 1000) + 3600;
		const ctx: StackContext = {
			db,
			jwt,
			keys: {
				jwtSecret: secret,
				anonKey: await jwt.sign({ role: 'anon', exp }),
				serviceRoleKey: await jwt.sign({ role: 'service_role', exp })
			},
			apiUrl: 'http://bench.local',
			jwtExpiry: 3600,
			supabaseDir,
			dbUrl: cluster.url,
			smtp: { host: '127.0.0.1', port: 0 },
			log: () => {}
		};
		const app = new Hono()
			.route('/rest/v1', createRestApp(ctx))
			.route('/auth/v1', createAuthApp(ctx));
		// Signed in once, as Auth would record it: the policies serve only tokens of a live session.
		const sessionId = crypto.randomUUID();
		await owner.query(
			`insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ($1, $2, now(), now(), 'aal1')`,
			[sessionId, adminId]
		);
		const adminToken = await jwt.sign({
			sub: adminId,
			role: 'authenticated',
			aud: 'authenticated',
			exp,
			session_id: sessionId
		});
		const client = createNodeClient(ctx.apiUrl, ctx.keys.anonKey, {
			global: {
				fetch: async (input, init) =>
					app.request(input instanceof Request ? input : String(input), init),
				headers: { Authorization: `Bearer ${adminToken}` }
			}
		});
		const api = new UsersApi(client);

		const deepRank = Math.round(shape.bigOrganizationUsers * 0.9);
		const {
			rows: [deepRow]
		} = await owner.query(
			`select last_name, first_name, id from public.users where organization_id = $1 order by last_name, first_name, id offset $2 limit 1`,
			[BIG_ORGANIZATION_ID, deepRank - 1]
		);
		const base: ListParams = {
			organizationId: BIG_ORGANIZATION_ID,
			search: '',
			role: '',
			status: '',
			sort: 'name',
			ascending: true,
			page: 0,
			pageSize: 50,
			withCount: false
		};
		const scenarios: Array<[string, ListParams]> = [
			['first page of 50 by last name', base],
			[
				`page deep in the list (rank ${deepRank.toLocaleString('en')})`,
				{ ...base, page: deepRank / 50, cursor: { direction: 'after', row: deepRow } }
			],
			['search by a name fragment, with count', { ...base, search: 'ford', withCount: true }],
			['search by an email fragment, with count', { ...base, search: 'org41.', withCount: true }],
			[
				'role + status filter, with count',
				{ ...base, role: 'manager', status: 'active', withCount: true }
			],
			['the total count shown on the page', { ...base, withCount: true }]
		];

		const queries: QueryFigure[] = [];
		const replayClient = new pg.Client({ connectionString: cluster.adminUrl });
		await replayClient.connect();
		const replay: Replay = {
			client: replayClient,
			claims: JSON.stringify({
				sub: adminId,
				role: 'authenticated',
				aud: 'authenticated',
				session_id: sessionId
			}),
			runs,
			log: options.log
		};
		let activity: ActivityResult;
		try {
			for (const [name, params] of scenarios) {
				db.requests = [];
				const result = await api.list(params);
				if (!result.ok)
					throw new Error(`${name}: the Data API refused the SPA's query: ${result.error.message}`);
				if (result.data.rows.length === 0)
					throw new Error(`${name}: no rows — the scenario measures nothing`);
				// What the page sends for this view: the page of rows, and the total when it is shown.
				queries.push(await measureQuery(replay, name, splitRequests(db.requests), 'users'));
			}
			activity = await benchActivity({
				quick: options.quick,
				users: shape,
				cluster,
				owner,
				db,
				client,
				usersApi: api,
				app,
				anonKey: ctx.keys.anonKey,
				apiUrl: ctx.apiUrl,
				adminId,
				replay
			});
		} finally {
			await replayClient.end();
		}
		return {
			shape,
			postgresMajor: cluster.major,
			seedSeconds: seedMs / 1000,
			queries,
			activity
		};
	} finally {
		await owner.end().catch(() => {});
		await db.close();
		await cluster.stop();
	}
}
