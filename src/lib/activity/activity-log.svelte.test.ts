import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeActivityApi, makeEntry } from '$lib/testing/fake-activity-api';
import { answerWhenCancelled, makeUser, ORG_ID } from '$lib/testing/fake-users-api';
import {
	ActivityLog,
	UserHistory,
	type ActivityLogOptions,
	type UserHistoryOptions
} from './activity-log.svelte';
import type { ActivityQuery } from './log-query';
import { apiError } from '$lib/users/errors';

const roots: Array<() => void> = [];
afterEach(() => roots.splice(0).forEach((dispose) => dispose()));

const ada = makeUser({ first_name: 'Ada', last_name: 'Lovelace', role: 'admin' });
const grace = makeUser({ first_name: 'Grace', last_name: 'Hopper' });

/** `count` sign-ins of Grace, a minute apart, and every third one at the same instant as the next. */
function seeded(count: number): FakeActivityApi {
	const entries = Array.from({ length: count }, (_, n) =>
		makeEntry({
			minutes: n - (n % 3 === 1 ? 1 : 0),
			actor_id: grace.id,
			target_id: grace.id
		})
	);
	return new FakeActivityApi(entries, [ada, grace]);
}

function build(api: FakeActivityApi, options: ActivityLogOptions = {}): ActivityLog {
	let log!: ActivityLog;
	roots.push(
		$effect.root(
			() =>
				void (log = new ActivityLog(
					() => api,
					() => ORG_ID,
					options
				))
		)
	);
	flushSync();
	return log;
}

async function loaded(api: FakeActivityApi, options: ActivityLogOptions = {}) {
	const log = build(api, options);
	await vi.waitFor(() => expect(log.loaded).toBe(true));
	return log;
}

const ids = (log: { entries: Array<{ id: number }> }) => log.entries.map((entry) => entry.id);
/** The ids of the whole log, newest first, as the server orders them. */
const newestFirst = (api: FakeActivityApi) =>
	[...api.entries]
		.sort((a, b) => Date.parse(b.occurred_at) - Date.parse(a.occurred_at) || b.id - a.id)
		.map((entry) => entry.id);

describe('ActivityLog', () => {
	it('shows the newest page of the organization, asking for one more entry than a page to know there are older ones', async () => {
		const api = seeded(25);
		const log = await loaded(api, { pageSize: 10 });
		expect(api.pageCalls[0]).toEqual({
			organizationId: ORG_ID,
			userId: '',
			action: '',
			from: '',
			to: '',
			cursor: undefined,
			limit: 11
		});
		expect(ids(log)).toEqual(newestFirst(api).slice(0, 10));
		expect(log.hasOlder).toBe(true);
		expect(log.hasNewer).toBe(false);
		await vi.waitFor(() => expect(log.names[grace.id]).toBe('Grace Hopper'));
		// Each person is asked for once, however many entries name them.
		expect(api.names).toHaveBeenCalledTimes(1);
		expect(api.names.mock.calls[0]?.[0]).toEqual([grace.id]);
	});

	it('walks older and newer by keyset without losing or repeating an entry, also across ties', async () => {
		const api = seeded(25);
		const log = await loaded(api, { pageSize: 10 });
		const all = newestFirst(api);
		const last = log.entries.at(-1)!;
		await log.older();
		expect(api.pageCalls.at(-1)?.cursor).toEqual({
			direction: 'older',
			occurredAt: last.occurred_at,
			id: last.id
		});
		expect(ids(log)).toEqual(all.slice(10, 20));
		expect(log.hasNewer).toBe(true);
		await log.older();
		expect(ids(log)).toEqual(all.slice(20));
		expect(log.hasOlder).toBe(false);
		await log.older();
		expect(api.page).toHaveBeenCalledTimes(3);

		await log.newer();
		expect(api.pageCalls.at(-1)?.cursor?.direction).toBe('newer');
		expect(ids(log)).toEqual(all.slice(10, 20));
		expect(log.hasNewer).toBe(true);
		await log.newer();
		expect(ids(log)).toEqual(all.slice(0, 10));
		// Back at the top: nothing newer, and the plain address (no cursor) again.
		expect(log.hasNewer).toBe(false);
		expect(log.query.cursor).toBeUndefined();
	});

	it('tells the address bar every view it shows, the page included', async () => {
		const api = seeded(25);
		const seen: ActivityQuery[] = [];
		const log = await loaded(api, { pageSize: 10, onquery: (query) => seen.push(query) });
		await log.older();
		expect(seen.at(-1)?.cursor).toMatchObject({ direction: 'older' });
		await log.setAction('signed_in');
		expect(seen.at(-1)).toEqual({ userId: '', action: 'signed_in', from: '', to: '' });
	});

	it('starts where the address points, and a page near the top fills up from the newest', async () => {
		const api = seeded(25);
		const all = newestFirst(api);
		const third = api.entries.find((entry) => entry.id === all[2])!;
		const log = await loaded(api, {
			pageSize: 10,
			initial: {
				userId: '',
				action: '',
				from: '',
				to: '',
				cursor: { direction: 'newer', occurredAt: third.occurred_at, id: third.id }
			}
		});
		// Only two entries are newer than the third: the newest page, in full, is shown instead.
		expect(ids(log)).toEqual(all.slice(0, 10));
		expect(log.hasNewer).toBe(false);
		expect(log.query.cursor).toBeUndefined();

		const older = await loaded(api, {
			pageSize: 10,
			initial: {
				userId: '',
				action: '',
				from: '',
				to: '',
				cursor: { direction: 'older', occurredAt: third.occurred_at, id: third.id }
			}
		});
		expect(ids(older)).toEqual(all.slice(3, 13));
		expect(older.hasNewer).toBe(true);
	});

	it('sends the filters, the user as target and the days as instants, and starts again at the newest', async () => {
		const api = new FakeActivityApi(
			[
				makeEntry({ action: 'role_changed', actor_id: ada.id, target_id: grace.id }),
				makeEntry({ action: 'signed_in', actor_id: ada.id, target_id: ada.id }),
				...Array.from({ length: 12 }, () => makeEntry({ target_id: grace.id }))
			],
			[ada, grace]
		);
		const log = await loaded(api, { pageSize: 5 });
		await log.older();
		await log.setUser(grace.id, 'Grace Hopper');
		expect(api.pageCalls.at(-1)).toMatchObject({ userId: grace.id, cursor: undefined });
		expect(log.userName).toBe('Grace Hopper');
		await log.setAction('role_changed');
		expect(ids(log)).toEqual([api.entries[0]!.id]);
		expect(log.hasFilters).toBe(true);
		await log.setFrom('2026-12-01');
		await log.setTo('2026-12-01');
		const sent = api.pageCalls.at(-1)!;
		expect(Date.parse(sent.to) - Date.parse(sent.from)).toBe(24 * 3600 * 1000);
		expect(new Date(sent.from).getDate()).toBe(1);
		await log.clearFilters();
		expect(api.pageCalls.at(-1)).toMatchObject({ userId: '', action: '', from: '', to: '' });
		expect(log.hasFilters).toBe(false);
	});

	it('looks up the name of a user the address filters by', async () => {
		const api = seeded(3);
		const log = await loaded(api, {
			initial: { userId: ada.id, action: '', from: '', to: '' }
		});
		await vi.waitFor(() => expect(log.userName).toBe('Ada Lovelace'));
	});

	it('asks nothing for a range that ends before it starts, and says so', async () => {
		const api = seeded(3);
		const log = await loaded(api);
		const calls = api.page.mock.calls.length;
		await log.setFrom('2026-12-05');
		await log.setTo('2026-12-01');
		expect(log.rangeError).toBe('The end date is before the start date.');
		expect(log.entries).toEqual([]);
		expect(api.page.mock.calls.length).toBe(calls + 1);
	});

	it('shows an error, keeps the page it was asked for, and tries again', async () => {
		const api = seeded(25);
		const log = await loaded(api, { pageSize: 10 });
		api.nextError = apiError('network');
		await log.older();
		expect(log.error?.code).toBe('network');
		await log.load();
		expect(log.error).toBeNull();
		expect(ids(log)).toEqual(newestFirst(api).slice(10, 20));
	});

	it('cancels the request a newer view replaces, and never shows its late answer', async () => {
		const api = seeded(25);
		const log = await loaded(api, { pageSize: 10 });
		let cancelled = false;
		api.page.mockImplementationOnce((_params, options) => {
			options?.signal?.addEventListener('abort', () => (cancelled = true));
			return answerWhenCancelled(options);
		});
		const slow = log.setAction('deactivated');
		await log.setAction('');
		await slow;
		expect(cancelled).toBe(true);
		expect(log.error).toBeNull();
		expect(log.entries).toHaveLength(10);
	});
});

function history(api: FakeActivityApi, userId: () => string, options: UserHistoryOptions = {}) {
	let result!: UserHistory;
	roots.push(
		$effect.root(
			() =>
				void (result = new UserHistory(
					() => api,
					() => ORG_ID,
					userId,
					options
				))
		)
	);
	flushSync();
	return result;
}

describe('UserHistory', () => {
	it('shows the newest entries about one user, then older ones below on demand', async () => {
		const api = new FakeActivityApi(
			[
				...Array.from({ length: 7 }, () => makeEntry({ target_id: grace.id, actor_id: ada.id })),
				makeEntry({ target_id: ada.id })
			],
			[ada, grace]
		);
		const list = history(api, () => grace.id, { pageSize: 3 });
		await vi.waitFor(() => expect(list.loaded).toBe(true));
		const graces = newestFirst(api).filter(
			(id) => api.entries.find((entry) => entry.id === id)!.target_id === grace.id
		);
		expect(ids(list)).toEqual(graces.slice(0, 3));
		expect(api.pageCalls[0]).toMatchObject({ userId: grace.id, limit: 4, cursor: undefined });
		expect(list.hasOlder).toBe(true);
		await list.showOlder();
		await list.showOlder();
		expect(ids(list)).toEqual(graces);
		expect(list.hasOlder).toBe(false);
		await vi.waitFor(() => expect(list.names[ada.id]).toBe('Ada Lovelace'));
		// Refresh: the newest again, the entries shown staying until they come.
		await list.reload();
		expect(ids(list)).toEqual(graces.slice(0, 3));
	});

	it('follows the user id: another user’s page shows their history', async () => {
		const api = new FakeActivityApi(
			[makeEntry({ target_id: grace.id }), makeEntry({ target_id: ada.id })],
			[ada, grace]
		);
		let userId = $state(grace.id);
		const list = history(api, () => userId);
		await vi.waitFor(() => expect(list.loaded).toBe(true));
		expect(list.entries.map((entry) => entry.target_id)).toEqual([grace.id]);
		userId = ada.id;
		flushSync();
		await vi.waitFor(() => expect(list.entries.map((entry) => entry.target_id)).toEqual([ada.id]));
	});
});
