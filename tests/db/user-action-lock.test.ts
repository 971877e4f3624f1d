// private.begin_user_action and private.begin_user_creation on separate connections, as
// concurrent Edge Function calls reach Postgres: a second action on the same user waits for the
// first and then sees what it committed (an admin deactivated meanwhile is refused), two admins
// acting on each other wait rather than deadlock, and a demotion waits for a creation in flight.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const url = process.env.TEST_DATABASE_URL;
if (!url) throw new Error('TEST_DATABASE_URL is not set: run this through `npm run test:db`.');

const ORG = 'e1000000-0000-4000-8000-000000000000';
// X < Y < M < Z in id order.
const X = 'e1000000-0000-4000-8000-00000000000a';
const Y = 'e1000000-0000-4000-8000-00000000000b';
const M = 'e1000000-0000-4000-8000-00000000000c';
const Z = 'e1000000-0000-4000-8000-00000000000d';
const ROUNDS = 20;

const owner = new pg.Client({ connectionString: url });
const gate = new pg.Client({ connectionString: url });
const one = new pg.Client({ connectionString: url });
const two = new pg.Client({ connectionString: url });

const pidOf = async (c: pg.Client) =>
	(await c.query('select pg_backend_pid() as pid')).rows[0].pid as number;

/** Resolves once every pid waits on a lock; false after ~2 s (a mutant that never makes them wait). */
async function waitUntilWaiting(pids: number[]): Promise<boolean> {
	for (let tries = 0; tries < 200; tries++) {
		const { rows } = await owner.query(
			`select count(*)::int as n from pg_stat_activity where pid = any($1) and wait_event_type = 'Lock'`,
			[pids]
		);
		if (rows[0].n === pids.length) return true;
		await new Promise((r) => setTimeout(r, 10));
	}
	return false;
}

type Result = { ok: true } | { ok: false; code: string; message: string };
async function inTransaction(c: pg.Client, sql: string, params: unknown[]): Promise<Result> {
	try {
		await c.query(sql, params);
		return { ok: true };
	} catch (error) {
		const { code, message } = error as { code: string; message: string };
		return { ok: false, code, message };
	}
}

const reset = () =>
	owner.query(
		`update public.users set role = 'admin', status = 'active' where organization_id = $1`,
		[ORG]
	);

beforeAll(async () => {
	await Promise.all([owner, gate, one, two].map((c) => c.connect()));
	for (const c of [owner, one, two, gate])
		await c.query(`set statement_timeout = '10s'; set lock_timeout = '10s'`);
	const people = [
		[X, 'x'],
		[Y, 'y'],
		[M, 'm'],
		[Z, 'z']
	] as const;
	await owner.query(`insert into public.organizations (id, name) values ($1, 'Lock Inc')`, [ORG]);
	for (const [id, name] of people) {
		await owner.query(
			`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', $2)`,
			[id, `${name}@lock.test`]
		);
		await owner.query(
			`insert into public.users (id, organization_id, email, first_name, last_name, role) values ($1, $2, $3, $4, 'Lock', 'admin')`,
			[id, ORG, `${name}@lock.test`, name.toUpperCase()]
		);
	}
});

// A failed round (a mutant) must not leave a transaction holding locks for the next test.
afterEach(async () => {
	for (const c of [gate, one, two]) await c.query('rollback').catch(() => undefined);
});

afterAll(async () => {
	await Promise.all([owner, gate, one, two].map((c) => c.end()));
});

describe('begin_user_action serialises actions on a user', () => {
	it(`a second action waits for the first, then sees it: M deactivated meanwhile is refused (${ROUNDS} rounds)`, async () => {
		const pidTwo = await pidOf(two);
		const tally = { refusedAfterDeactivation: 0, allowedAfterRollback: 0 };
		for (let round = 0; round < ROUNDS; round++) {
			await reset();
			// Connection 1: Y acts on M (e.g. deactivates them) and holds the transaction open, as the
			// function does while it calls Auth.
			await one.query('begin');
			await one.query('select private.begin_user_action($1, $2)', [Y, M]);
			// Connection 2: M, still an active admin as far as any snapshot shows, acts on X.
			await two.query('begin');
			const second = inTransaction(two, 'select private.begin_user_action($1, $2)', [M, X]);
			expect(await waitUntilWaiting([pidTwo]), `round ${round}: M's action waits for Y's`).toBe(
				true
			);
			const deactivates = round % 4 !== 3;
			if (deactivates) {
				await one.query(`update public.users set status = 'inactive' where id = $1`, [M]);
				await one.query('commit');
			} else {
				await one.query('rollback');
			}
			const result = await second;
			await two.query(result.ok ? 'commit' : 'rollback');
			if (deactivates) {
				expect(result, `round ${round}`).toEqual({
					ok: false,
					code: 'UA403',
					message: `caller ${M} is not an active admin`
				});
				tally.refusedAfterDeactivation++;
			} else {
				expect(result, `round ${round}: nothing committed, M may act`).toEqual({ ok: true });
				tally.allowedAfterRollback++;
			}
		}
		console.log(
			`begin_user_action lock: ${ROUNDS} rounds; refused after the deactivation ${tally.refusedAfterDeactivation}×, allowed after a rollback ${tally.allowedAfterRollback}×`
		);
	});

	it('two admins acting on each other wait rather than deadlock, also when released at the same instant', async () => {
		await reset();
		const [pidOne, pidTwo] = await Promise.all([pidOf(one), pidOf(two)]);
		for (let round = 0; round < 5; round++) {
			// The gate holds Y. Y's action (on X) queues first for Y's row, then X's action (on Y): an
			// implementation that locks the caller's row before the target's would now hold X for X's
			// action while Y's action, first in line for Y, gets Y and waits for X — a deadlock. In id
			// order (X < Y) Y's action takes X first, and X's action waits behind it.
			await gate.query('begin');
			await gate.query('select 1 from public.users where id = $1 for update', [Y]);
			// Each commits as soon as its locks are granted and checked, as a function call ends.
			const act = async (c: pg.Client, caller: string, target: string) => {
				await c.query('begin');
				const result = await inTransaction(c, 'select private.begin_user_action($1, $2)', [
					caller,
					target
				]);
				await c.query(result.ok ? 'commit' : 'rollback');
				return result;
			};
			const second = act(two, Y, X);
			expect(
				await waitUntilWaiting([pidTwo]),
				`round ${round}: Y's action waits for the gate`
			).toBe(true);
			const first = act(one, X, Y);
			expect(await waitUntilWaiting([pidOne, pidTwo]), `round ${round}: both wait`).toBe(true);
			await gate.query('commit');
			const results = Promise.all([first, second]);
			const [a, b] = await results;
			expect([a, b], `round ${round}`).toEqual([{ ok: true }, { ok: true }]);
		}
	});
});

describe('begin_user_creation', () => {
	it('a demotion waits for a creation in flight; a creation after it is refused', async () => {
		await reset();
		const pidTwo = await pidOf(two);
		await one.query('begin');
		await one.query('select private.begin_user_creation($1, $2)', [Z, ORG]);
		const demotion = inTransaction(two, `update public.users set role = 'member' where id = $1`, [
			Z
		]);
		expect(await waitUntilWaiting([pidTwo]), 'the demotion waits for the creation').toBe(true);
		await one.query('commit');
		expect(await demotion).toEqual({ ok: true });
		await one.query('begin');
		const after = await inTransaction(one, 'select private.begin_user_creation($1, $2)', [Z, ORG]);
		await one.query('rollback');
		expect(after).toEqual({
			ok: false,
			code: 'UA403',
			message: `caller ${Z} is not an active admin of organization ${ORG}`
		});
	});
});
