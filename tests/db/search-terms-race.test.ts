// private.users_search_terms under concurrent writers (separate connections, as two Edge Functions
// reach Postgres): a term survives as long as one user has it, whichever transaction commits first,
// and its count stays exact.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const url = process.env.TEST_DATABASE_URL;
if (!url) throw new Error('TEST_DATABASE_URL is not set: run this through `npm run test:db`.');

const ORG = 'e3000000-0000-4000-8000-000000000000';
const LEAVING = 'e3000000-0000-4000-8000-00000000000a';
const ARRIVING = 'e3000000-0000-4000-8000-00000000000b';

const owner = new pg.Client({ connectionString: url });
const renaming = new pg.Client({ connectionString: url });
const inserting = new pg.Client({ connectionString: url });

const usersOf = async (term: string) =>
	(
		await owner.query(
			`select users from private.users_search_terms where organization_id = $1 and field = 'last_name' and term = $2`,
			[ORG, term]
		)
	).rows[0]?.users as number | undefined;

const createAuthUser = (id: string, email: string) =>
	owner.query(
		`insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', $2)`,
		[id, email]
	);

beforeAll(async () => {
	await Promise.all([owner, renaming, inserting].map((c) => c.connect()));
	for (const c of [owner, renaming, inserting]) await c.query(`set lock_timeout = '5s'`);
	await owner.query(`insert into public.organizations (id, name) values ($1, 'Terms Inc')`, [ORG]);
	await createAuthUser(LEAVING, 'leaving@terms.test');
	await owner.query(
		`insert into public.users (id, organization_id, email, first_name, last_name, role) values ($1, $2, 'leaving@terms.test', 'Lee', 'Solo', 'admin')`,
		[LEAVING, ORG]
	);
	await createAuthUser(ARRIVING, 'arriving@terms.test');
});

afterEach(async () => {
	for (const c of [renaming, inserting]) await c.query('rollback').catch(() => undefined);
});

afterAll(async () => {
	await Promise.all([owner, renaming, inserting].map((c) => c.end()));
});

describe('a search term', () => {
	it('stays when its last user is renamed away while another user with it is being added', async () => {
		expect(await usersOf('solo')).toBe(1);
		await inserting.query('begin');
		await inserting.query(
			`insert into public.users (id, organization_id, email, first_name, last_name, role) values ($1, $2, 'arriving@terms.test', 'Ari', 'Solo', 'member')`,
			[ARRIVING, ORG]
		);
		// The rename waits for the insert's lock on the term, then sees it is not the last.
		await renaming.query('begin');
		const renamed = renaming.query(`update public.users set last_name = 'Duo' where id = $1`, [
			LEAVING
		]);
		await new Promise((resolve) => setTimeout(resolve, 200));
		await inserting.query('commit');
		await renamed;
		await renaming.query('commit');

		expect(await usersOf('solo')).toBe(1);
		expect(await usersOf('duo')).toBe(1);
		const { rows } = await owner.query(
			`select count(*)::int as n from public.users where organization_id = $1 and lower(last_name) = 'solo'`,
			[ORG]
		);
		expect(rows[0].n).toBe(1);
	});
});
