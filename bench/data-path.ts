// Part 1: the data path on real PostgreSQL (the configured major) at a million users. The queries are the SPA's own
// (src/lib/users/api.ts builds them with supabase-js), sent through the local stack's Data API
// in-process so the exact SQL it runs is recorded; then that SQL is replayed as the Data API runs
// it (one transaction, `set local role authenticated` and the admin's claims) and, as the floor,
// the same statement as a superuser without RLS.
import { Hono } from 'hono';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import type { StackContext } from '../local-stack/src/context.ts';
import { Database, type Sql, type TransactionOptions } from '../local-stack/src/database.ts';
import { Jwt } from '../local-stack/src/jwt.ts';
import { createRestApp } from '../local-stack/src/rest/index.ts';
import { prepareDatabase, supabaseDir } from '../scripts/lib/database.ts';
import { configuredMajor, startPostgres } from '../local-stack/src/postgres.ts';
import { createNodeClient } from '../scripts/lib/supabase-node.ts';
import { UsersApi, type ListParams } from '../src/lib/users/api.ts';
import { interleave, time, type Timing } from './measure.ts';
import { BIG_ORGANIZATION_ID, benchAdminId, seedUsers, type SeedShape } from './seed.ts';

interface Statement {
	text: string;
	params: unknown[];
}

/** The Data API's database, recording the statements of every request (one transaction each). */
class RecordingDatabase extends Database {
	requests: Statement[][] = [];

	override transaction<T>(
		work: (sql: Sql) => Promise<T>,
		options?: TransactionOptions
	): Promise<T> {
		const statements: Statement[] = [];
		this.requests.push(statements);
		return super.transaction(
			(sql) =>
				work({
					query: (text, params) => {
						statements.push({ text, params: params ?? [] });
						return sql.query(text, params);
					}
				}),
			options
		);
	}
}

/** Statements that set up the request (role, claims, settings), as opposed to the query itself. */
const isSetup = (statement: Statement) =>
	/set_config\(|^\s*set\s|^\s*reset\s/i.test(statement.text);

export interface QueryFigure {
	name: string;
	rls: Timing;
	floor: Timing;
	ratio: number;
	seqScanOnUsers: boolean;
	plan: string;
}

export interface DataPathResult {
	shape: SeedShape;
	postgresMajor: number;
	seedSeconds: number;
	queries: QueryFigure[];
}

function planNodes(plan: Record<string, unknown>): Array<Record<string, unknown>> {
	const children = (plan.Plans as Array<Record<string, unknown>> | undefined) ?? [];
	return [plan, ...children.flatMap(planNodes)];
}

function planSummary(plan: Record<string, unknown>, depth = 0): string {
	const relation = plan['Relation Name'] ? ` on ${plan['Relation Name']}` : '';
	const index = plan['Index Name'] ? ` using ${plan['Index Name']}` : '';
	const line = `${'  '.repeat(depth)}${plan['Node Type']}${index}${relation}`;
	const children = (plan.Plans as Array<Record<string, unknown>> | undefined) ?? [];
	return [line, ...children.map((child) => planSummary(child, depth + 1))].join('\n');
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
		const app = new Hono().route('/rest/v1', createRestApp(ctx));
		const adminToken = await jwt.sign({
			sub: adminId,
			role: 'authenticated',
			aud: 'authenticated',
			exp,
			session_id: crypto.randomUUID()
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
		const replay = new pg.Client({ connectionString: cluster.adminUrl });
		await replay.connect();
		try {
			for (const [name, params] of scenarios) {
				db.requests = [];
				const result = await api.list(params);
				if (!result.ok)
					throw new Error(`${name}: the Data API refused the SPA's query: ${result.error.message}`);
				if (result.data.rows.length === 0)
					throw new Error(`${name}: no rows — the scenario measures nothing`);
				// What the page sends for this view: the page of rows, and the total when it is shown.
				const requests = db.requests.map((statements) => ({
					setup: statements.filter(isSetup),
					main: statements.filter((s) => !isSetup(s))
				}));
				if (process.env.BENCH_SQL)
					options.log(
						requests
							.flatMap((r) => [...r.setup, ...r.main])
							.map((s) => `${s.text}  -- ${JSON.stringify(s.params)}`)
							.join('\n')
					);
				const claims = JSON.stringify({
					sub: adminId,
					role: 'authenticated',
					aud: 'authenticated'
				});

				// RLS cost is the queries' own time: each request's setup (role, claims) runs untimed
				// first. The floor runs the same queries as the superuser, who bypasses RLS, with the
				// admin's claims still set (search_users checks the caller itself).
				const run = async (asDataApi: boolean) => {
					let elapsed = 0;
					for (const request of requests) {
						await replay.query('begin read only');
						if (asDataApi) for (const s of request.setup) await replay.query(s.text, s.params);
						else await replay.query(`select set_config('request.jwt.claims', $1, true)`, [claims]);
						elapsed += (
							await time(async () => {
								for (const s of request.main) await replay.query(s.text, s.params);
							})
						)[0];
						await replay.query('commit');
					}
					return elapsed;
				};
				// Alternate the two so that caching and noise from the rest of the machine hit both alike.
				const { rls, floor } = await interleave(
					() => run(true),
					() => run(false),
					runs
				);

				// The plan that matters is the page of rows (the first request).
				const page = requests[0]!;
				const statement = page.main[page.main.length - 1]!;
				await replay.query('begin read only');
				for (const s of page.setup) await replay.query(s.text, s.params);
				const explained = await replay.query(
					`explain (format json) ${statement.text}`,
					statement.params
				);
				await replay.query('rollback');
				const plan = explained.rows[0]['QUERY PLAN'][0].Plan as Record<string, unknown>;
				const seqScanOnUsers = planNodes(plan).some(
					(node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'users'
				);
				if (process.env.BENCH_EXPLAIN) {
					await replay.query('begin read only');
					for (const s of page.setup) await replay.query(s.text, s.params);
					const analyzed = await replay.query(
						`explain (analyze, costs off) ${statement.text}`,
						statement.params
					);
					await replay.query('rollback');
					options.log(`--- ${name}\n${analyzed.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
				}
				queries.push({
					name,
					rls,
					floor,
					ratio: rls.median / floor.median,
					seqScanOnUsers,
					plan: planSummary(plan)
				});
				options.log(
					`  ${name}: ${rls.median.toFixed(2)} ms under RLS, ${floor.median.toFixed(2)} ms floor`
				);
			}
		} finally {
			await replay.end();
		}
		return { shape, postgresMajor: cluster.major, seedSeconds: seedMs / 1000, queries };
	} finally {
		await owner.end().catch(() => {});
		await db.close();
		await cluster.stop();
	}
}
