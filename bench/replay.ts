// Replaying what the Data API ran: the stack's database records each request's statements, and
// they are run again as the Data API runs them (its role and the caller's claims, under RLS) and,
// as the floor, as the superuser without RLS, alternately, with the page's plan checked.
import type pg from 'pg';
import { Database, type Sql, type TransactionOptions } from '../local-stack/src/database.ts';
import { interleave, time, type Timing } from './measure.ts';

export interface Statement {
	text: string;
	params: unknown[];
}

export interface RecordedTransaction {
	statements: Statement[];
	/** From taking a connection to the end of the commit (or rollback). */
	ms: number;
}

/** The stack's database, recording the statements of every request (one transaction each). */
export class RecordingDatabase extends Database {
	requests: RecordedTransaction[] = [];

	override async transaction<T>(
		work: (sql: Sql) => Promise<T>,
		options?: TransactionOptions
	): Promise<T> {
		const recorded: RecordedTransaction = { statements: [], ms: 0 };
		this.requests.push(recorded);
		const started = process.hrtime.bigint();
		try {
			return await super.transaction(
				(sql) =>
					work({
						query: (text, params) => {
							recorded.statements.push({ text, params: params ?? [] });
							return sql.query(text, params);
						}
					}),
				options
			);
		} finally {
			recorded.ms = Number(process.hrtime.bigint() - started) / 1e6;
		}
	}
}

/** Statements that set up the request (role, claims, settings), as opposed to the query itself. */
const isSetup = (statement: Statement) =>
	/set_config\(|^\s*set\s|^\s*reset\s/i.test(statement.text);

/** One Data API request: what set it up (role, claims) and the statements that answered it. */
export interface RecordedRequest {
	setup: Statement[];
	main: Statement[];
}

export const splitRequests = (requests: RecordedTransaction[]): RecordedRequest[] =>
	requests.map(({ statements }) => ({
		setup: statements.filter(isSetup),
		main: statements.filter((s) => !isSetup(s))
	}));

export interface QueryFigure {
	name: string;
	rls: Timing;
	floor: Timing;
	ratio: number;
	/** The table the query reads, whose plan is checked. */
	relation: string;
	/** A sequential scan of `relation` in the page's plan. */
	seqScan: boolean;
	/** A sort above a scan of `relation`: rows read and then ordered, not read in the index's order. */
	sorted: boolean;
	plan: string;
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

/** Whether a sort node has a scan of `relation` below it. */
function sortsRelation(plan: Record<string, unknown>, relation: string): boolean {
	return planNodes(plan).some(
		(node) =>
			/Sort$/.test(String(node['Node Type'])) &&
			planNodes(node).some((below) => below['Relation Name'] === relation)
	);
}

/** Where recorded requests are replayed: a superuser connection, the caller's claims, how often. */
export interface Replay {
	client: pg.Client;
	/**
	 * A second connection: a view's requests that the SPA sends at once (a page and its count) are
	 * replayed at once, one on each, and timed together, as the person waits for them.
	 */
	second?: pg.Client;
	/** The caller's JWT claims (request.jwt.claims), as JSON. */
	claims: string;
	runs: number;
	log: (line: string) => void;
}

/**
 * Replays the requests of one view as the Data API ran them and, as the floor, as the superuser
 * (no RLS) with the caller's claims still set (search_users checks the caller itself). Each
 * request's setup (role, claims) runs untimed first: RLS cost is the queries' own time. The plan
 * checked is the first request's (the page of rows).
 */
export async function measureQuery(
	replay: Replay,
	name: string,
	requests: RecordedRequest[],
	relation: string,
	/** The requests were sent at once (Promise.all): timed together on two connections. */
	concurrent = false
): Promise<QueryFigure> {
	const db = replay.client;
	if (process.env.BENCH_SQL)
		replay.log(
			requests
				.flatMap((r) => [...r.setup, ...r.main])
				.map((s) => `${s.text}  -- ${JSON.stringify(s.params)}`)
				.join('\n')
		);
	const begin = async (connection: pg.Client, request: RecordedRequest, asDataApi: boolean) => {
		await connection.query('begin read only');
		if (asDataApi) for (const s of request.setup) await connection.query(s.text, s.params);
		else
			await connection.query(`select set_config('request.jwt.claims', $1, true)`, [replay.claims]);
	};
	const main = async (connection: pg.Client, request: RecordedRequest) => {
		for (const s of request.main) await connection.query(s.text, s.params);
	};
	const run = async (asDataApi: boolean) => {
		const second = replay.second;
		if (concurrent && second && requests.length === 2) {
			const [first, other] = requests as [RecordedRequest, RecordedRequest];
			await begin(db, first, asDataApi);
			await begin(second, other, asDataApi);
			const [elapsed] = await time(() => Promise.all([main(db, first), main(second, other)]));
			await db.query('commit');
			await second.query('commit');
			return elapsed;
		}
		let elapsed = 0;
		for (const request of requests) {
			await begin(db, request, asDataApi);
			elapsed += (await time(() => main(db, request)))[0];
			await db.query('commit');
		}
		return elapsed;
	};
	// Alternate the two so that caching and noise from the rest of the machine hit both alike.
	const { rls, floor } = await interleave(
		() => run(true),
		() => run(false),
		replay.runs
	);

	const page = requests[0]!;
	const statement = page.main[page.main.length - 1]!;
	await db.query('begin read only');
	for (const s of page.setup) await db.query(s.text, s.params);
	const explained = await db.query(`explain (format json) ${statement.text}`, statement.params);
	await db.query('rollback');
	const plan = explained.rows[0]['QUERY PLAN'][0].Plan as Record<string, unknown>;
	if (process.env.BENCH_EXPLAIN) {
		await db.query('begin read only');
		for (const s of page.setup) await db.query(s.text, s.params);
		const analyzed = await db.query(
			`explain (analyze, costs off) ${statement.text}`,
			statement.params
		);
		await db.query('rollback');
		replay.log(`--- ${name}\n${analyzed.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
	}
	replay.log(
		`  ${name}: ${rls.median.toFixed(2)} ms under RLS, ${floor.median.toFixed(2)} ms floor`
	);
	return {
		name,
		rls,
		floor,
		ratio: rls.median / floor.median,
		relation,
		seqScan: planNodes(plan).some(
			(node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === relation
		),
		sorted: sortsRelation(plan, relation),
		plan: planSummary(plan)
	};
}
