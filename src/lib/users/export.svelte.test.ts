import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { FakeUsersApi, answerWhenCancelled, listView, makeUser } from '$lib/testing/fake-users-api';
import { apiError } from './errors';
import { USERS_CSV_FIELDS, exportFileName } from './csv';
import { CsvStream } from '$lib/csv/file';
import { UsersExport } from './export.svelte';

const view = listView;

/** The cells as a spreadsheet reads them back (quotes undone, the byte-order mark dropped). */
const cells = async (blob: Blob | null) =>
	Papa.parse<string[]>((await blob!.text()).replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;

const users = Array.from({ length: 12 }, (_, i) =>
	makeUser({
		email: `user${String(i).padStart(2, '0')}@demo.test`,
		role: i % 3 === 0 ? 'admin' : 'member',
		last_sign_in_at: i === 0 ? null : '2026-11-30T08:15:00.5+01:00'
	})
);

describe('UsersExport', () => {
	it('writes every page of the view, in its order, the header once and the times in UTC', async () => {
		const api = new FakeUsersApi(users);
		const exporting = new UsersExport(() => api, 5);
		const blob = await exporting.run(view(), { users: 12, accuracy: 'exact' });
		expect(blob?.type).toBe('text/csv;charset=utf-8');
		expect((await blob!.text()).startsWith('\uFEFF')).toBe(true);
		const [header, ...rows] = await cells(blob);
		expect(header).toEqual([...USERS_CSV_FIELDS]);
		expect(rows.map((row) => row[2])).toEqual(users.map((user) => user.email));
		expect(rows[0]?.[6]).toBe('');
		expect(rows[1]?.slice(3)).toEqual([
			'member',
			'active',
			'2026-01-15T10:00:00.000Z',
			'2026-11-30T07:15:00.500Z'
		]);
		// Three pages, each after the last row of the one before; no count asked for.
		expect(api.listCalls.map((call) => [call.position, call.withCount])).toEqual([
			[{ from: 'start' }, false],
			[{ after: users[4]!.id }, false],
			[{ after: users[9]!.id }, false]
		]);
		expect([exporting.rows, exporting.running, exporting.error]).toEqual([12, false, null]);
	});

	it('applies the search, filters and sort of the view', async () => {
		const api = new FakeUsersApi(users);
		const blob = await new UsersExport(() => api, 2).run(
			view({ role: 'admin', sort: 'email', ascending: false }),
			null
		);
		const [, ...rows] = await cells(blob);
		expect(rows.map((row) => row[2])).toEqual(
			users
				.filter((user) => user.role === 'admin')
				.map((user) => user.email)
				.reverse()
		);
	});

	it('neutralises every cell a spreadsheet would run as a formula', async () => {
		const evil = ['=', '+', '-', '@', '\t', '\r'].map((start, i) =>
			makeUser({
				first_name: `${start}cmd|' /C calc'!A0`,
				last_name: `${start}1+1`,
				email: `e${i}@demo.test`
			})
		);
		const blob = await new UsersExport(() => new FakeUsersApi(evil), 4).run(view(), null);
		const [, ...rows] = await cells(blob);
		expect(rows).toHaveLength(evil.length);
		for (const [i, row] of rows.entries()) {
			expect(row[0]).toBe(`'${evil[i]!.first_name}`);
			for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
		}
	});

	it('gives nothing when cancelled, and no error', async () => {
		const api = new FakeUsersApi(users);
		const exporting = new UsersExport(() => api, 5);
		api.list.mockImplementationOnce(async (params) => {
			api.listCalls.push(params);
			return { ok: true, data: { rows: users.slice(0, 5), more: true, total: null } };
		});
		api.list.mockImplementationOnce((_params, options) => answerWhenCancelled(options));
		const running = exporting.run(view(), null);
		await Promise.resolve();
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(exporting.running).toBe(true);
		exporting.cancel();
		expect(await running).toBeNull();
		expect([exporting.running, exporting.error]).toEqual([false, null]);
	});

	it('stops at a failed page and says why', async () => {
		const api = new FakeUsersApi(users);
		const exporting = new UsersExport(() => api, 5);
		api.list.mockImplementationOnce(async () => ({
			ok: false,
			error: apiError('network')
		}));
		expect(await exporting.run(view(), null)).toBeNull();
		expect(exporting.error?.code).toBe('network');
	});
});

/** A streamed download's end as the page sees it: `hang` makes every write wait until aborted. */
function fakeDownload(options: { hang?: boolean; failAfter?: number } = {}) {
	const chunks: Uint8Array[] = [];
	let abort: (reason: Error) => void = () => undefined;
	const aborted = new Promise<never>((_, reject) => (abort = reject));
	aborted.catch(() => undefined);
	const state = { chunks, closed: false, aborted: false };
	return {
		state,
		sink: {
			write: async (chunk: Uint8Array) => {
				if (options.failAfter !== undefined && chunks.length >= options.failAfter)
					throw new Error('download cancelled');
				if (options.hang) await aborted;
				chunks.push(chunk);
			},
			close: async () => void (state.closed = true),
			abort: () => {
				state.aborted = true;
				abort(new Error('stopped'));
			}
		}
	};
}

describe('UsersExport into a streamed download', () => {
	it('writes the same file, BOM first, page by page as the download takes them', async () => {
		const api = new FakeUsersApi(users);
		const exporting = new UsersExport(() => api, 5);
		const download = fakeDownload();
		const stream = new CsvStream(download.sink);
		expect(await exporting.write(view(), null, stream)).toBe(true);
		await stream.close();
		expect(download.state.chunks).toHaveLength(3);
		const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(
			new Uint8Array(download.state.chunks.flatMap((chunk) => [...chunk]))
		);
		const blob = await new UsersExport(() => api, 5).run(view(), null);
		expect(text).toBe(await blob!.text());
		expect(text.charCodeAt(0)).toBe(0xfeff);
		expect(download.state.closed).toBe(true);
	});

	it('on Cancel ends at once, even while the download takes nothing', async () => {
		const api = new FakeUsersApi(users);
		const exporting = new UsersExport(() => api, 5);
		const download = fakeDownload({ hang: true });
		const running = exporting.write(view(), null, new CsvStream(download.sink));
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(exporting.running).toBe(true);
		exporting.cancel();
		expect(await running).toBe(false);
		expect([exporting.running, exporting.error, download.state.aborted]).toEqual([
			false,
			null,
			true
		]);
	});

	it('says so when the browser stops taking the file (the download cancelled there)', async () => {
		const api = new FakeUsersApi(users);
		const exporting = new UsersExport(() => api, 5);
		const download = fakeDownload({ failAfter: 1 });
		expect(await exporting.write(view(), null, new CsvStream(download.sink))).toBe(false);
		expect(exporting.error?.message).toMatch(/download cancelled.*the download is incomplete/);
		expect(exporting.running).toBe(false);
	});
});

describe('exportFileName', () => {
	const day = new Date(2026, 11, 1, 12);
	it('names the day, and what narrows the view', () => {
		expect(exportFileName(view(), day)).toBe('users-2026-12-01.csv');
		expect(
			exportFileName(view({ role: 'admin', status: 'inactive', search: ' Ada Lovelace/ü ' }), day)
		).toBe('users-admin-inactive-ada-lovelace-ü-2026-12-01.csv');
		expect(exportFileName(view({ signedIn: 'not_in_90_days', search: '../..' }), day)).toBe(
			'users-not-in-90-days-2026-12-01.csv'
		);
	});
});
