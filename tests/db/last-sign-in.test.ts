// The sign-in copy (private.copy_last_sign_in_at, a trigger on auth.users) on separate connections,
// as Auth and an Edge Function reach Postgres: a sign-in never waits for a users row an admin
// action holds (the action waits for Auth, which would wait for the sign-in: a deadlock through
// HTTP that Postgres cannot see), and the row catches up when it is next written.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const url = process.env.TEST_DATABASE_URL;
if (!url) throw new Error('TEST_DATABASE_URL is not set: run this through `npm run test:db`.');

const ORG = 'e2000000-0000-4000-8000-000000000000';
const ADMIN = 'e2000000-0000-4000-8000-00000000000a';
const USER = 'e2000000-0000-4000-8000-00000000000b';

const owner = new pg.Client({ connectionString: url });
/** The Edge Function's transaction. */
const action = new pg.Client({ connectionString: url });
/** Auth's sign-in transaction. */
const signIn = new pg.Client({ connectionString: url });

const lastSignIn = async (c: pg.Client) =>
	(await c.query('select last_sign_in_at from public.users where id = $1', [USER])).rows[0]
		.last_sign_in_at as Date | null;

beforeAll(async () => {
	await Promise.all([owner, action, signIn].map((c) => c.connect()));
	// A mutant that waits must fail this test quickly, not hang it.
	for (const c of [owner, action, signIn]) await c.query(`set lock_timeout = '2s'`);
	await owner.query(`insert into public.organizations (id, name) values ($1, 'Sign-in Inc')`, [
		ORG
	]);
	for (const [id, name, role] of [
		[ADMIN, 'a', 'admin'],
		[USER, 'u', 'member']
	] as const) {
		await owner.query(
			`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', $2)`,
			[id, `${name}@signin.test`]
		);
		await owner.query(
			`insert into public.users (id, organization_id, email, first_name, last_name, role) values ($1, $2, $3, 'S', 'Ignin', $4)`,
			[id, ORG, `${name}@signin.test`, role]
		);
	}
});

afterEach(async () => {
	for (const c of [action, signIn]) await c.query('rollback').catch(() => undefined);
});

afterAll(async () => {
	await Promise.all([owner, action, signIn].map((c) => c.end()));
});

describe('the sign-in copy', () => {
	it('does not wait for a row an admin action holds, and the row catches up at its next write', async () => {
		// The admin action: the user's row locked, as while the function calls Auth.
		await action.query('begin');
		await action.query('select private.begin_user_action($1, $2)', [ADMIN, USER]);

		// Auth's sign-in: session row lock on auth.users, then last_sign_in_at; must commit at once.
		await signIn.query('begin');
		await signIn.query(`update auth.users set last_sign_in_at = now() where id = $1`, [USER]);
		await signIn.query('commit');
		const auth = (await owner.query('select last_sign_in_at from auth.users where id = $1', [USER]))
			.rows[0].last_sign_in_at as Date;

		// The action writes the row (as set_password and deactivate do) and commits: the row has it.
		await action.query('update public.users set must_change_password = true where id = $1', [USER]);
		await action.query('commit');
		expect((await lastSignIn(owner))?.getTime()).toBe(auth.getTime());
	});

	it('copies at once when nobody holds the row', async () => {
		await owner.query(
			`update auth.users set last_sign_in_at = '2026-12-02 10:00:00+00' where id = $1`,
			[USER]
		);
		expect((await lastSignIn(owner))?.toISOString()).toBe('2026-12-02T10:00:00.000Z');
	});
});
