// import-users through the stack, with real Auth, Data API, RLS and Deno: a batch of a CSV file's
// rows, each created as create-user creates one, or reported — idempotent by email, partial
// failures per row, a stranger's address not revealed, and only active admins.
import { beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_PASSWORD_PATTERN } from '../../supabase/functions/_shared/password.ts';
import type { ImportResult } from '../../supabase/functions/_shared/import.ts';
import {
	callFunction,
	createOrganization,
	createPersona,
	signIn,
	type Persona
} from './personas.ts';
import { uniqueEmail, withDb } from './stack-under-test.ts';

let orgA: string;
let orgB: string;
let admin: Persona;
let manager: Persona;
let stranger: Persona;

beforeAll(async () => {
	orgA = await createOrganization('Importing');
	orgB = await createOrganization('Elsewhere');
	[admin, manager, stranger] = await Promise.all([
		createPersona(orgA, 'admin', 'importer'),
		createPersona(orgA, 'manager', 'import-manager'),
		createPersona(orgB, 'admin', 'import-stranger')
	]);
});

const row = (label: string, role = 'member') => ({
	first_name: 'Imported',
	last_name: label,
	email: uniqueEmail(`import-${label}`),
	role
});

const importRows = async (token: string, rows: unknown[]) =>
	callFunction('import-users', token, { rows });

async function usersOf(emails: string[]) {
	return withDb(async (db) => {
		const { rows } = await db.query(
			`select u.email, u.organization_id, u.role, u.must_change_password, u.created_by,
			        (select count(*)::int from public.activity_log as a where a.target_id = u.id and a.action = 'user_created') as created_entries
			 from public.users as u where u.email = any($1) order by u.email`,
			[emails]
		);
		return rows;
	});
}

describe('import-users', () => {
	it('creates each valid row with a password returned once, and reports every other row', async () => {
		const good = [row('one'), row('two', 'manager'), row('three', 'admin')];
		const taken = { ...row('taken'), email: stranger.email };
		const rows = [
			good[0],
			{ ...good[0], first_name: 'Again' },
			{ ...row('bad'), email: 'not an address' },
			{ ...row('role'), role: 'owner' },
			{ ...row('smuggled'), organization_id: orgB },
			taken,
			good[1],
			good[2]
		];
		const { status, body } = await importRows(admin.accessToken, rows);
		expect(status).toBe(200);
		const results = body.results as ImportResult[];
		expect(results.map((result) => result.status)).toEqual([
			'created',
			'duplicate',
			'invalid',
			'invalid',
			'invalid',
			'taken',
			'created',
			'created'
		]);
		expect(results[1]).toEqual({ status: 'duplicate', of: 0 });
		expect(results[2]).toMatchObject({ fields: { email: expect.any(String) } });
		expect(results[3]).toMatchObject({ fields: { role: expect.any(String) } });
		expect(results[4]).toMatchObject({ fields: { organization_id: 'Unknown field' } });
		// Whose the address is, is not said.
		expect(results[5]).toEqual({ status: 'taken' });
		const passwords = results.flatMap((result) =>
			result.status === 'created' ? [result.password] : []
		);
		expect(passwords).toHaveLength(3);
		for (const password of passwords) expect(password).toMatch(GENERATED_PASSWORD_PATTERN);
		expect(new Set(passwords).size).toBe(3);

		const stored = await usersOf(good.map((user) => user.email));
		expect(stored).toHaveLength(3);
		for (const user of stored) {
			expect(user).toMatchObject({
				organization_id: orgA,
				must_change_password: true,
				created_by: admin.id,
				created_entries: 1
			});
		}
		expect(stored.map((user) => user.role).sort()).toEqual(['admin', 'manager', 'member']);
		// The stranger's row is untouched, and nobody was made in their organization.
		expect(await usersOf([stranger.email])).toEqual([
			expect.objectContaining({ organization_id: orgB })
		]);

		// The new users sign in with the passwords handed over.
		const first = results[0] as Extract<ImportResult, { status: 'created' }>;
		await expect(signIn(first.user.email, first.password, orgA)).resolves.toBeTruthy();
	});

	it('checks a batch without creating anyone: new, already here, taken elsewhere, invalid', async () => {
		const here = row('check-here');
		await importRows(admin.accessToken, [here]);
		const fresh = row('check-new');
		const { status, body } = await callFunction('import-users', admin.accessToken, {
			rows: [fresh, here, { ...row('check-taken'), email: stranger.email }, { ...fresh }, {}],
			check_only: true
		});
		expect(status).toBe(200);
		expect(body.results.map((result: ImportResult) => result.status)).toEqual([
			'new',
			'exists',
			'taken',
			'duplicate',
			'invalid'
		]);
		expect(await usersOf([fresh.email])).toHaveLength(0);
	});

	it('creates nobody when the same file runs again, and says they were already created', async () => {
		const rows = [row('rerun-a'), row('rerun-b')];
		const first = await importRows(admin.accessToken, rows);
		expect(first.body.results.map((result: ImportResult) => result.status)).toEqual([
			'created',
			'created'
		]);
		const again = await importRows(admin.accessToken, [...rows, row('rerun-c')]);
		expect(again.body.results.map((result: ImportResult) => result.status)).toEqual([
			'exists',
			'exists',
			'created'
		]);
		expect(JSON.stringify(again.body.results.slice(0, 2))).not.toContain('password');
		expect(await usersOf(rows.map((user) => user.email))).toHaveLength(2);
	});

	it('creates each person once when two runs of the same rows meet (two tabs at the same moment)', async () => {
		const rows = Array.from({ length: 12 }, (_, i) => row(`concurrent-${i}`));
		const [a, b] = await Promise.all([
			importRows(admin.accessToken, rows),
			importRows(admin.accessToken, rows)
		]);
		const statuses = rows.map((_, i) =>
			[a.body.results[i].status, b.body.results[i].status].sort()
		);
		for (const pair of statuses) expect(pair).toEqual(['created', 'exists']);
		expect(await usersOf(rows.map((user) => user.email))).toHaveLength(12);
		const orphans = await withDb(async (db) => {
			const { rows: found } = await db.query(
				`select count(*)::int as n from auth.users as a where a.email = any($1)
				 and not exists (select from public.users as u where u.id = a.id)`,
				[rows.map((user) => user.email)]
			);
			return found[0].n as number;
		});
		expect(orphans).toBe(0);
	});

	it('refuses everyone but active admins, and batches too big or malformed', async () => {
		const byManager = row('by-manager');
		const byAnon = row('anon');
		const managerTry = await importRows(manager.accessToken, [byManager]);
		expect([managerTry.status, managerTry.body.error?.code]).toEqual([403, 'forbidden']);
		const anon = await callFunction('import-users', null, { rows: [byAnon] });
		expect(anon.status).toBe(401);
		const tooMany = await importRows(
			admin.accessToken,
			Array.from({ length: 51 }, (_, i) => row(`many-${i}`))
		);
		expect([tooMany.status, tooMany.body.error?.code]).toEqual([400, 'invalid_input']);
		for (const body of [
			{},
			{ rows: [] },
			{ rows: 'x' },
			{ rows: [row('x')], organization_id: orgB }
		]) {
			const answer = await callFunction('import-users', admin.accessToken, body);
			expect([answer.status, answer.body.error?.code], JSON.stringify(body)).toEqual([
				400,
				'invalid_input'
			]);
		}
		expect(await usersOf([byManager.email, byAnon.email])).toHaveLength(0);
	});

	it('stops a batch when the admin is demoted between batches: the next is refused whole', async () => {
		const demoted = await createPersona(orgA, 'admin', 'import-demoted');
		const before = await importRows(demoted.accessToken, [row('before-demotion')]);
		expect(before.body.results[0].status).toBe('created');
		await withDb((db) =>
			db.query(`update public.users set role = 'member' where id = $1`, [demoted.id])
		);
		const later = row('after-demotion');
		const after = await importRows(demoted.accessToken, [later]);
		expect(after.status).toBe(403);
		expect(await usersOf([later.email])).toHaveLength(0);
	});

	it('stops mid-batch when the admin is demoted: rows after it are not made, nothing half-made', async () => {
		const demoted = await createPersona(orgA, 'admin', 'import-mid-demotion');
		const rows = Array.from({ length: 50 }, (_, i) => row(`mid-${i}`));
		const running = importRows(demoted.accessToken, rows);
		// A few rows in (each costs a bcrypt hash), another admin demotes the importer.
		await new Promise((resolve) => setTimeout(resolve, 400));
		await withDb((db) =>
			db.query(`update public.users set role = 'member' where id = $1`, [demoted.id])
		);
		const { status, body } = await running;
		expect(status).toBe(200);
		const results = body.results as ImportResult[];
		const created = rows.filter((_, i) => results[i]!.status === 'created');
		const stopped = results.filter((result) => result.status === 'not_attempted');
		expect(created.length + stopped.length).toBe(rows.length);
		expect(stopped.length).toBeGreaterThan(0);
		expect(stopped[0]).toEqual({ status: 'not_attempted', code: 'forbidden' });
		expect((await usersOf(created.map((user) => user.email))).length).toBe(created.length);
		// Neither an Auth user nor a row for any row it did not make.
		const notMade = rows
			.filter((_, i) => results[i]!.status !== 'created')
			.map((user) => user.email);
		const leftovers = await withDb(async (db) => {
			const { rows: found } = await db.query(
				`select (select count(*)::int from auth.users where email = any($1)) as auth,
				        (select count(*)::int from public.users where email = any($1)) as users`,
				[notMade]
			);
			return found[0];
		});
		expect(leftovers).toEqual({ auth: 0, users: 0 });
	});
});
