// Fault: the create-user function is killed (SIGKILL of its Deno process) after it created the Auth
// user and before its row write got through. The row write is held by a test trigger (an advisory
// lock), the process killed, then the write fails: exactly the state a crash leaves, an Auth user
// without a users row. `npm run repair-orphans` must find and remove it, after which creating the
// user again works once: no orphan and no duplicate.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, type Persona } from '../stack/personas.ts';
import { stack, withDb } from '../stack/stack-under-test.ts';
import { fn, persona, rememberSecret } from '../attacks/support.ts';
import { authAndRowCounts as counts, heldUserInsert, waitFor } from './held-user-insert.ts';

const run = promisify(execFile);
const projectRoot = resolve(import.meta.dirname, '../..');
const held = heldUserInsert({
	name: 'fault_hold_orphan_row',
	emailPrefix: 'orphan',
	lockKey: 7_007_007,
	thenFail: 'fault injection: the function died before this row was written'
});

let admin: Persona;

beforeAll(async () => {
	admin = await persona(await createOrganization('Orphans'), 'admin', 'orphan-admin');
	await held.install();
});

afterAll(() => held.remove());

/** The pids of this stack's Deno processes running `name` (found by their SUPABASE_URL). */
function functionPids(name: string): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
			if (!cmdline.includes(`${name}/index.ts`) || !/deno/.test(cmdline)) continue;
			const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
			if (environ.includes(`SUPABASE_URL=${stack().apiUrl}`)) pids.push(Number(entry));
		} catch {
			// The process ended meanwhile, or is not ours to read.
		}
	}
	return pids;
}

describe('create-user killed between the Auth user and the row', () => {
	it(
		'leaves an orphan that npm run repair-orphans removes; creating the user again then works once',
		{ timeout: 90_000 },
		async () => {
			const email = `orphan.${Date.now().toString(36)}@fault.test`;
			const body = { email, first_name: 'Orphan', last_name: 'Fault', role: 'member' };
			let call: ReturnType<typeof fn> | undefined;
			const release = await held.hold();
			try {
				call = fn('create-user', admin.accessToken, body);
				// The Auth user exists and the row insert waits on the lock: the function is between its steps.
				await waitFor(
					'the Auth user and the held row write',
					async () =>
						(await counts(email)).auth === 1 &&
						(await withDb(
							async (db) =>
								(
									await db.query(
										`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'advisory'`
									)
								).rows[0].n
						)) > 0
				);
				const pids = functionPids('create-user');
				expect(pids.length, 'the create-user Deno process of this stack').toBeGreaterThan(0);
				for (const pid of pids) process.kill(pid, 'SIGKILL');
			} finally {
				await release();
			}
			const killed = await call;
			expect(killed?.status, JSON.stringify(killed?.body)).toBeGreaterThanOrEqual(500);
			expect(killed?.code).toBeTruthy();
			await held.remove();

			// The crash left an orphan, and it blocks the email.
			expect(await counts(email)).toEqual({ auth: 1, rows: 0 });
			const blocked = await fn('create-user', admin.accessToken, body);
			expect([blocked.status, blocked.code]).toEqual([409, 'email_taken']);

			// The documented repair: a dry run names it, the run removes it (and nothing else).
			const env = {
				...process.env,
				SUPABASE_URL: stack().apiUrl,
				SUPABASE_SERVICE_ROLE_KEY: stack().serviceRoleKey
			};
			const before = await withDb(
				async (db) =>
					(await db.query('select count(*)::int as n from auth.users')).rows[0].n as number
			);
			const dry = await run(
				'npx',
				['tsx', 'scripts/repair-orphans.ts', '--dry-run', '--min-age', '0'],
				{ cwd: projectRoot, env }
			);
			expect(dry.stdout).toContain(`would remove`);
			expect(dry.stdout).toContain(email);
			const repaired = await run('npx', ['tsx', 'scripts/repair-orphans.ts', '--min-age', '0'], {
				cwd: projectRoot,
				env
			});
			console.log(`repair-orphans: ${repaired.stdout.trim()}`);
			expect(repaired.stdout).toContain(`removed`);
			expect(await counts(email)).toEqual({ auth: 0, rows: 0 });
			const after = await withDb(
				async (db) =>
					(await db.query('select count(*)::int as n from auth.users')).rows[0].n as number
			);
			const orphansLeft = await withDb(
				async (db) =>
					(
						await db.query(
							'select count(*)::int as n from auth.users a where not exists (select 1 from public.users u where u.id = a.id)'
						)
					).rows[0].n as number
			);
			expect(orphansLeft).toBe(0);
			expect(before - after).toBeGreaterThanOrEqual(1);

			// The function was restarted on demand; the next attempt creates the user, once.
			const again = await fn('create-user', admin.accessToken, body);
			expect(again.status, JSON.stringify(again.body)).toBe(201);
			rememberSecret(again.body.password);
			expect(await counts(email)).toEqual({ auth: 1, rows: 1 });
			const twice = await fn('create-user', admin.accessToken, body);
			expect([twice.status, twice.code]).toEqual([409, 'email_taken']);
			expect(await counts(email)).toEqual({ auth: 1, rows: 1 });
		}
	);
});
