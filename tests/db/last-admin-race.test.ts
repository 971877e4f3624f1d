// Two admins of one organization demote or deactivate each other at the same instant, on separate
// connections, the way concurrent Data API requests and Edge Function calls reach Postgres. Every
// round must end with an active admin, one clear winner, and a loser that got the last-admin error
// (or, having lost their admin rights first, a request that matched nothing) — never a deadlock,
// a timeout, or two winners.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const url = process.env.TEST_DATABASE_URL;
if (!url) throw new Error('TEST_DATABASE_URL is not set: run this through `npm run test:db`.');

const ORG = 'd0000000-0000-4000-8000-000000000000';
const ADMIN_A = 'd0000000-0000-4000-8000-00000000000a';
const ADMIN_B = 'd0000000-0000-4000-8000-00000000000b';
/** Each admin is signed in once: the policies serve only tokens whose session still exists. */
const sessionOf = (admin: string) => admin.replace(/^d/, 'e');
const ROUNDS = 100;

type Outcome = { rows: number } | { code: string; message: string };
type Attempt = {
	as: 'authenticated' | 'service_role';
	actor: string;
	change: 'demote' | 'deactivate';
	target: string;
};

const owner = new pg.Client({ connectionString: url });
const gate = new pg.Client({ connectionString: url });
const sideA = new pg.Client({ connectionString: url });
const sideB = new pg.Client({ connectionString: url });

async function attempt(client: pg.Client, a: Attempt): Promise<Outcome> {
	const claims =
		a.as === 'authenticated'
			? {
					sub: a.actor,
					role: 'authenticated',
					aud: 'authenticated',
					session_id: sessionOf(a.actor)
				}
			: { role: 'service_role' };
	const set = a.change === 'demote' ? `role = 'member'` : `status = 'inactive'`;
	try {
		await client.query('begin');
		await client.query(
			`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`,
			[a.as, JSON.stringify(claims)]
		);
		const result = await client.query(`update public.users set ${set} where id = $1`, [a.target]);
		await client.query('commit');
		return { rows: result.rowCount ?? 0 };
	} catch (error) {
		await client.query('rollback');
		const { code, message } = error as { code: string; message: string };
		return { code, message };
	}
}

/** Resolves once both attempts are parked on a lock, or have already finished (then nothing made
 *  them wait: the run below still judges the outcome). */
async function waitUntilBothWait(pids: number[], finished: () => boolean) {
	for (let tries = 0; tries < 1000 && !finished(); tries++) {
		const { rows } = await owner.query(
			`select count(*)::int as waiting from pg_stat_activity where pid = any($1) and wait_event_type = 'Lock'`,
			[pids]
		);
		if (rows[0].waiting === pids.length) return;
		await new Promise((r) => setTimeout(r, 5));
	}
}

const scenarios: Array<[string, Attempt, Attempt]> = [
	[
		'A demotes B while B demotes A (Data API)',
		{ as: 'authenticated', actor: ADMIN_A, change: 'demote', target: ADMIN_B },
		{ as: 'authenticated', actor: ADMIN_B, change: 'demote', target: ADMIN_A }
	],
	[
		'each deactivates the other (service role, as the Edge Function does)',
		{ as: 'service_role', actor: ADMIN_A, change: 'deactivate', target: ADMIN_B },
		{ as: 'service_role', actor: ADMIN_B, change: 'deactivate', target: ADMIN_A }
	],
	[
		'A demotes B while B deactivates A',
		{ as: 'authenticated', actor: ADMIN_A, change: 'demote', target: ADMIN_B },
		{ as: 'service_role', actor: ADMIN_B, change: 'deactivate', target: ADMIN_A }
	]
];

beforeAll(async () => {
	await Promise.all([owner, gate, sideA, sideB].map((c) => c.connect()));
	for (const c of [sideA, sideB]) {
		// A hang or a deadlock must surface as an error, not stall the suite (deadlock_timeout, 1 s by
		// default, is the superuser's to change; these connections are postgres, as on Supabase).
		await c.query(`set statement_timeout = '10s'; set lock_timeout = '10s'`);
	}
	await owner.query(
		`insert into public.organizations (id, name) values ($1, 'Race Inc');
		 insert into auth.users (id, aud, role, email) values ($2, 'authenticated', 'authenticated', 'a@race.test'),
		                                                     ($3, 'authenticated', 'authenticated', 'b@race.test');
		 insert into public.users (id, organization_id, email, first_name, last_name, role)
		 values ($2, $1, 'a@race.test', 'Ann', 'Race', 'admin'), ($3, $1, 'b@race.test', 'Bob', 'Race', 'admin');
		 insert into auth.sessions (id, user_id, created_at, updated_at, aal)
		 values ($4, $2, now(), now(), 'aal1'), ($5, $3, now(), now(), 'aal1');`
			.replaceAll('$1', `'${ORG}'`)
			.replaceAll('$2', `'${ADMIN_A}'`)
			.replaceAll('$3', `'${ADMIN_B}'`)
			.replaceAll('$4', `'${sessionOf(ADMIN_A)}'`)
			.replaceAll('$5', `'${sessionOf(ADMIN_B)}'`)
	);
});

afterAll(async () => {
	await Promise.all([owner, gate, sideA, sideB].map((c) => c.end()));
});

describe('two admins removing each other at the same instant', () => {
	it(`keeps an active admin in ${ROUNDS} of ${ROUNDS} rounds, with a clear loser`, async () => {
		const tally = { lastAdminErrors: 0, lostRightsFirst: 0, gatedRounds: 0 };
		const [pidA, pidB] = await Promise.all(
			[sideA, sideB].map(
				async (c) => (await c.query('select pg_backend_pid() as pid')).rows[0].pid as number
			)
		);

		for (let round = 0; round < ROUNDS; round++) {
			await owner.query(
				`update public.users set role = 'admin', status = 'active' where organization_id = $1`,
				[ORG]
			);
			const [name, first, second] = scenarios[round % scenarios.length]!;
			// Every other round, hold the organization lock until both requests are parked on it, so
			// both have passed their access checks before either commits: the race in its worst form.
			const gated = round % 2 === 0;
			if (gated) {
				tally.gatedRounds++;
				await gate.query('begin');
				await gate.query('select 1 from public.organizations where id = $1 for no key update', [
					ORG
				]);
			}
			let finished = false;
			const outcomes = Promise.all([attempt(sideA, first), attempt(sideB, second)]).finally(
				() => (finished = true)
			);
			if (gated) {
				await waitUntilBothWait([pidA!, pidB!], () => finished);
				await gate.query('commit');
			}
			const results = await outcomes;

			const { rows } = await owner.query(
				`select count(*)::int as n from public.users where organization_id = $1 and role = 'admin' and status = 'active'`,
				[ORG]
			);
			const context = `round ${round} (${name}${gated ? ', gated' : ''}): ${JSON.stringify(results)}`;
			expect(rows[0].n, context).toBe(1);

			const winners = results.filter((r) => 'rows' in r && r.rows === 1);
			expect(winners, context).toHaveLength(1);
			const loser = results.find((r) => r !== winners[0])!;
			if ('code' in loser) {
				expect(loser, context).toEqual({
					code: 'PT409',
					message: 'an organization must keep at least one active admin'
				});
				tally.lastAdminErrors++;
			} else {
				// Only a Data API request can lose this way: its author was demoted before it started.
				expect(loser.rows, context).toBe(0);
				tally.lostRightsFirst++;
			}
			if (gated)
				expect(
					'code' in loser,
					`${context}: both passed their checks, so the loser must be refused`
				).toBe(true);
		}

		console.log(
			`last-admin race: ${ROUNDS} rounds, ${tally.gatedRounds} gated; loser refused with last_admin ${tally.lastAdminErrors}×, had already lost admin rights ${tally.lostRightsFirst}×`
		);
		expect(tally.lastAdminErrors).toBeGreaterThanOrEqual(tally.gatedRounds);
	});
});
