import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { FakeUsersApi, makeUser, ORG_ID } from '$lib/testing/fake-users-api';
import { UsersImport } from './import.svelte';

const file = (lines: string[], name = 'team.csv') => ({
	name,
	text: async () => ['First name,Last name,Email,Role', ...lines].join('\r\n')
});
const kinds = (importing: UsersImport) => importing.rows.map((row) => row.state.kind);

describe('UsersImport', () => {
	const existing = makeUser({ email: 'here@demo.test' });
	const elsewhere = makeUser({ email: 'there@other.test', organization_id: 'other-org' });

	it('judges every row before anything is created, and lets the admin fix or drop rows', async () => {
		const api = new FakeUsersApi([existing, elsewhere]);
		const importing = new UsersImport(() => api);
		await importing.open(
			file([
				'Ada,Lovelace,ada@demo.test,admin',
				'Grace,Hopper,grace@demo.test,Manager',
				'Bad,Address,nope,member',
				'Ada,Twice,ADA@demo.test,member',
				'Here,Already,here@demo.test,member',
				'There,Elsewhere,there@other.test,member'
			])
		);
		expect(importing.phase).toBe('preview');
		expect(kinds(importing)).toEqual(['new', 'new', 'invalid', 'duplicate', 'exists', 'taken']);
		expect([importing.ready, importing.problems]).toEqual([2, 3]);
		// Nothing was created to find that out.
		expect(api.users).toHaveLength(2);

		await importing.edit(4, 'email', 'bad@demo.test');
		expect(importing.rows[2]!.state.kind).toBe('new');
		await importing.drop(5);
		expect(importing.rows[3]).toMatchObject({ dropped: true });
		expect([importing.ready, importing.problems]).toEqual([3, 1]);
	});

	it('creates the rows ready to be, counts them, and hands the passwords over as a CSV file', async () => {
		const api = new FakeUsersApi([existing]);
		const importing = new UsersImport(() => api);
		const rows = Array.from({ length: 60 }, (_, i) => `P${i},Person,p${i}@demo.test,member`);
		await importing.open(file([...rows, 'Here,Already,here@demo.test,member']));
		expect(importing.ready).toBe(60);
		await importing.create();
		expect(importing.phase).toBe('done');
		expect([importing.done, importing.failed, importing.left]).toEqual([60, 0, 0]);
		// Two batches of at most 50 rows.
		const created = api.importBatch.mock.calls.filter(([, options]) => !options?.checkOnly);
		expect(created.map(([batch]) => batch.length)).toEqual([50, 10]);
		const [header, ...lines] = Papa.parse<string[]>(
			(await (await importing.passwordsFile()).text()).replace(/^\uFEFF/, ''),
			{ skipEmptyLines: true }
		).data;
		expect(header).toEqual(['Email', 'First name', 'Last name', 'Temporary password']);
		expect(lines).toHaveLength(60);
		expect(lines[0]?.slice(0, 3)).toEqual(['p0@demo.test', 'P0', 'Person']);
		expect(lines[0]?.[3]).toMatch(/^Temp-/);

		// The same file again: everyone is there already; nobody is created twice.
		await importing.open(file([...rows, 'Here,Already,here@demo.test,member']));
		expect(importing.ready).toBe(0);
		expect(new Set(kinds(importing))).toEqual(new Set(['exists']));
		importing.reset();
		expect([importing.rows, importing.phase]).toEqual([[], 'choose']);
	});

	it('stops after the batch in flight when cancelled, keeping its answers', async () => {
		const api = new FakeUsersApi([]);
		const importing = new UsersImport(() => api);
		await importing.open(
			file(Array.from({ length: 120 }, (_, i) => `P${i},X,c${i}@demo.test,member`))
		);
		const running = importing.create();
		importing.cancel();
		await running;
		expect([importing.done, importing.left]).toEqual([50, 70]);
		expect(kinds(importing).filter((kind) => kind === 'created')).toHaveLength(50);
		expect(api.users.filter((user) => user.organization_id === ORG_ID)).toHaveLength(50);
	});

	it('says why a file cannot be read', async () => {
		const importing = new UsersImport(() => new FakeUsersApi());
		await importing.open({ name: 'x.csv', text: async () => 'Name;Mail\nA;b@c.test' });
		expect(importing.phase).toBe('choose');
		expect(importing.error).toMatch(/no column for first name, last name, role/);
	});
});
