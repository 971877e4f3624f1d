// Fault: a function's database work never ends (here a row insert held on a lock for longer than
// the deadline, as a stranded postgres.js connection holds it). The request must be answered 503
// with its request id at the functions' deadline, leave no half-made user once the hold ends, and
// the function must serve the next request on fresh connections.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, type Persona } from '../stack/personas.ts';
import { stack, withDb } from '../stack/stack-under-test.ts';
import { fn, persona, rememberSecret } from '../attacks/support.ts';

const LOCK_KEY = 7_007_008;
let admin: Persona;

beforeAll(async () => {
	admin = await persona(await createOrganization('Deadline'), 'admin', 'deadline-admin');
	await withDb((db) =>
		db.query(`
		create function public.fault_hold_row() returns trigger language plpgsql security definer set search_path = '' as $$
		begin
			if new.email like 'held.%@fault.test' then perform pg_advisory_xact_lock(${LOCK_KEY}); end if;
			return new;
		end $$;
		revoke all on function public.fault_hold_row() from public, anon, authenticated, service_role;
		create trigger fault_hold_row before insert on public.users for each row execute function public.fault_hold_row();`)
	);
});

afterAll(async () => {
	await withDb((db) =>
		db.query(
			'drop trigger if exists fault_hold_row on public.users; drop function if exists public.fault_hold_row();'
		)
	);
});

const counts = (email: string) =>
	withDb(
		async (db) =>
			(
				await db.query(
					`select (select count(*)::int from auth.users where email = $1) as auth, (select count(*)::int from public.users where email = $1) as rows`,
					[email]
				)
			).rows[0] as { auth: number; rows: number }
	);

describe('a function whose database work never ends', () => {
	it(
		'answers 503 at the deadline, leaves nothing half-made, and serves the next request',
		{ timeout: 60_000 },
		async () => {
			const email = `held.${Date.now().toString(36)}@fault.test`;
			const body = { email, first_name: 'Held', last_name: 'Fault', role: 'member' };
			const holder = new pg.Client({ connectionString: stack().dbUrl ?? '' });
			await holder.connect();
			try {
				await holder.query('select pg_advisory_lock($1)', [LOCK_KEY]);
				const started = Date.now();
				const held = await fn('create-user', admin.accessToken, body);
				expect([held.status, held.code]).toEqual([503, 'service_unavailable']);
				expect(held.body.error.request_id).toMatch(/^[0-9a-f-]{36}$/);
				expect(Date.now() - started).toBeGreaterThanOrEqual(11_000);
			} finally {
				await holder.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
				await holder.end();
			}
			// The held insert's connection was ended with the pool: it rolls back, and the function undoes
			// the Auth user it had made.
			const deadline = Date.now() + 15_000;
			while (JSON.stringify(await counts(email)) !== JSON.stringify({ auth: 0, rows: 0 })) {
				if (Date.now() > deadline)
					throw new Error(`half-made: ${JSON.stringify(await counts(email))}`);
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			await withDb((db) => db.query('drop trigger fault_hold_row on public.users'));
			const again = await fn('create-user', admin.accessToken, body);
			expect(again.status).toBe(201);
			rememberSecret(again.body.password);
			expect(await counts(email)).toEqual({ auth: 1, rows: 1 });
		}
	);
});
