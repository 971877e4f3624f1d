// The forms and Edge Functions (zod, user-input.ts) and the database (private.is_clean_name in
// public.users' checks) must refuse the same characters in a name, or a form would accept what the
// database then refuses with raw constraint text, or the Data API would store what forms refuse.
// Checked for every Unicode code point, inside a name and at its edges.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstNameSchema } from '../../supabase/functions/_shared/user-input.ts';

const url = process.env.TEST_DATABASE_URL;
if (!url) throw new Error('TEST_DATABASE_URL is not set: run this through `npm run test:db`.');
const db = new pg.Client({ connectionString: url });
beforeAll(() => db.connect());
afterAll(() => db.end());

const codePoints = function* () {
	for (let cp = 1; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) yield cp;
};

async function refusedByDatabase(shape: string): Promise<Set<number>> {
	const { rows } = await db.query<{ cp: number }>(
		`select cp from generate_series(1, 1114111) as cp
		 where cp not between 55296 and 57343 and not private.is_clean_name(${shape})`
	);
	return new Set(rows.map((row) => row.cp));
}

describe('name rules', () => {
	it('refuse the same characters inside a name in the forms and in the database', async () => {
		const database = await refusedByDatabase(`'a' || chr(cp) || 'b'`);
		const forms = new Set(
			[...codePoints()].filter(
				(cp) => !firstNameSchema.safeParse(`a${String.fromCodePoint(cp)}b`).success
			)
		);
		expect([...forms].filter((cp) => !database.has(cp)).map((cp) => cp.toString(16))).toEqual([]);
		expect([...database].filter((cp) => !forms.has(cp)).map((cp) => cp.toString(16))).toEqual([]);
		// The ones that matter, named: zero-width space, right-to-left override, BOM, a tag character.
		for (const cp of [0x200b, 0x202e, 0xfeff, 0xe0001, 0x7]) expect(database.has(cp)).toBe(true);
		for (const cp of [0x200c, 0x200d, 0xe9, 0x674e]) expect(database.has(cp)).toBe(false);
	}, 120_000);

	for (const [edge, shape, sample] of [
		['leading', `chr(cp) || 'a'`, (c: string) => `${c}a`],
		['trailing', `'a' || chr(cp)`, (c: string) => `a${c}`]
	] as const) {
		it(`store what a form sends: a name the form trimmed passes the database (${edge} edge)`, async () => {
			// At the edges, forms trim (JavaScript's trim) and the database refuses what is not
			// trimmed: every edge character the form keeps must be one the database keeps too.
			const database = await refusedByDatabase(shape);
			const kept = [...codePoints()].filter((cp) => {
				const parsed = firstNameSchema.safeParse(sample(String.fromCodePoint(cp)));
				return parsed.success && parsed.data === sample(String.fromCodePoint(cp));
			});
			expect(kept.filter((cp) => database.has(cp)).map((cp) => cp.toString(16))).toEqual([]);
			expect(database.has(0xa0)).toBe(true);
		}, 120_000);
	}

	it("are what the table's checks apply, to first and last names alike", async () => {
		await db.query('begin');
		try {
			await db.query(
				`insert into public.organizations (id, name) values ('e0000000-0000-4000-8000-000000000000', 'Rules Inc')`
			);
			await db.query(
				`insert into auth.users (id, aud, role, email) values ('e0000000-0000-4000-8000-000000000001', 'authenticated', 'authenticated', 'r@rules.test')`
			);
			for (const [column, constraint] of [
				['first_name', 'users_first_name_clean'],
				['last_name', 'users_last_name_clean']
			] as const) {
				await db.query('savepoint attempt');
				const names = { first_name: 'Ada', last_name: 'Lovelace', [column]: 'Ad\u200Ba' };
				const error = await db
					.query(
						`insert into public.users (id, organization_id, email, first_name, last_name) values ('e0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000000', 'r@rules.test', $1, $2)`,
						[names.first_name, names.last_name]
					)
					.then(
						() => null,
						(e: { code: string; constraint: string }) => e
					);
				await db.query('rollback to savepoint attempt');
				expect([error?.code, error?.constraint]).toEqual(['23514', constraint]);
			}
		} finally {
			await db.query('rollback');
		}
	});
});
