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
import { staleSignInBefore, UsersApi } from '../src/lib/users/api.ts';
import { benchActivity, type ActivityResult } from './activity.ts';
import { time } from './measure.ts';
import { RecordingDatabase, type Replay } from './replay.ts';
import {
	BIG_ORGANIZATION_ID,
	benchAdminId,
	organizationIdSql,
	seedUsers,
	type SeedShape
} from './seed.ts';
import { measureUsersViews, usersViews, type UsersQueryFigure } from './users.ts';

export interface UsersScenario {
	shape: SeedShape;
	seedSeconds: number;
	/** The big organization's views, then a small organization's beside it. */
	queries: UsersQueryFigure[];
}

export interface DataPathResult {
	postgresMajor: number;
	scenarios: UsersScenario[];
	activity: ActivityResult;
}

/**
 * The scenarios: a million users in one organization and a million across 999 others (with the
 * activity log on the same database), and the earlier 100,000 among a million, which keeps its
 * budgets. Quick: 50,000 in one organization of 100,000.
 */
const SCENARIOS = (quick: boolean): SeedShape[] =>
	quick
		? [{ organizations: 100, users: 100_000, bigOrganizationUsers: 50_000 }]
		: [
				{ organizations: 1_000, users: 2_000_000, bigOrganizationUsers: 1_000_000 },
				{ organizations: 1_000, users: 1_000_000, bigOrganizationUsers: 100_000 }
			];

export async function benchDataPath(options: {
	quick: boolean;
	/** PostgreSQL major; config.toml's by default. */
	major?: number;
	log: (line: string) => void;
}): Promise<DataPathResult> {
	const scenarios: UsersScenario[] = [];
	let activity: ActivityResult | undefined;
	let postgresMajor = 0;
	for (const [index, shape] of SCENARIOS(options.quick).entries()) {
		const run = await benchScenario({ ...options, shape, withActivity: index === 0 });
		scenarios.push(run.scenario);
		activity ??= run.activity;
		postgresMajor = run.postgresMajor;
	}
	return { postgresMajor, scenarios, activity: activity! };
}

/** Signed in once, as Auth would record it: the policies serve only tokens of a live session. */
async function signIn(owner: pg.Client, jwt: Jwt, userId: string, exp: number) {
	const sessionId = crypto.randomUUID();
	await owner.query(
		`insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ($1, $2, now(), now(), 'aal1')`,
		[sessionId, userId]
	);
	const token = await jwt.sign({
		sub: userId,
		role: 'authenticated',
		aud: 'authenticated',
		exp,
		session_id: sessionId
	});
	const claims = JSON.stringify({
		sub: userId,
		role: 'authenticated',
		aud: 'authenticated',
		session_id: sessionId
	});
	return { token, claims };
}

async function benchScenario(options: {
	quick: boolean;
	major?: number;
	shape: SeedShape;
	withActivity: boolean;
	log: (line: string) => void;
}): Promise<{ scenario: UsersScenario; activity?: ActivityResult; postgresMajor: number }> {
	const { shape } = options;
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
			`seeding ${shape.users.toLocaleString('en')} users in ${shape.organizations} organizations, ${shape.bigOrganizationUsers.toLocaleString('en')} in the admin's…`
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
		const clientFor = (token: string) =>
			createNodeClient(ctx.apiUrl, ctx.keys.anonKey, {
				global: {
					fetch: async (input, init) =>
						app.request(input instanceof Request ? input : String(input), init),
					headers: { Authorization: `Bearer ${token}` }
				}
			});
		const admin = await signIn(owner, jwt, adminId, exp);
		const client = clientFor(admin.token);
		const api = new UsersApi(client);

		// A small organization beside the big one, and its admin.
		const smallOrganizationId = (
			await owner.query<{ id: string }>(`select ${organizationIdSql('2')} as id`)
		).rows[0]!.id;
		const smallAdminId = (
			await owner.query<{ id: string }>(
				`select id from public.users where organization_id = $1 and role = 'admin' and status = 'active' order by id limit 1`,
				[smallOrganizationId]
			)
		).rows[0]!.id;
		const smallUsers = (
			await owner.query<{ users: number }>(
				'select count(*)::int as users from public.users where organization_id = $1',
				[smallOrganizationId]
			)
		).rows[0]!.users;
		const smallAdmin = await signIn(owner, jwt, smallAdminId, exp);

		const replayClient = new pg.Client({ connectionString: cluster.adminUrl });
		await replayClient.connect();
		const secondClient = new pg.Client({ connectionString: cluster.adminUrl });
		await secondClient.connect();
		const replay: Replay = {
			client: replayClient,
			second: secondClient,
			claims: admin.claims,
			runs,
			log: options.log
		};
		const queries: UsersQueryFigure[] = [];
		let activity: ActivityResult | undefined;
		try {
			const signedInBefore = staleSignInBefore();
			queries.push(
				...(await measureUsersViews({
					views: await usersViews(owner, BIG_ORGANIZATION_ID, { signedInBefore }),
					api,
					db,
					owner,
					replay,
					organizationUsers: shape.bigOrganizationUsers
				}))
			);
			queries.push(
				...(await measureUsersViews({
					views: await usersViews(owner, smallOrganizationId, { small: true, signedInBefore }),
					api: new UsersApi(clientFor(smallAdmin.token)),
					db,
					owner,
					replay: { ...replay, claims: smallAdmin.claims },
					organizationUsers: smallUsers,
					prefix: `small organization (${smallUsers.toLocaleString('en')} users): `
				}))
			);
			if (options.withActivity)
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
			await secondClient.end();
		}
		return {
			scenario: { shape, seedSeconds: seedMs / 1000, queries },
			activity,
			postgresMajor: cluster.major
		};
	} finally {
		await owner.end().catch(() => {});
		await db.close();
		await cluster.stop();
	}
}
