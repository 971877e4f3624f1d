import { SEARCH_MAX_LENGTH } from '$shared/user-input.ts';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeUsersApi, listOrder, makeUser, ORG_ID } from '$lib/testing/fake-users-api';
import type { ListCount, ListParams, ListResult, Result } from './api';
import { apiError } from './errors';
import { DEFAULT_QUERY, FIRST_PAGE, listQueryParams, parseListQuery } from './list-query';
import type { ListQuery } from './list-query';
import type { UserRow } from './types';
import { UsersList, type ListSource, type UsersListOptions } from './users-list.svelte';

const roots: Array<() => void> = [];
afterEach(() => {
	roots.splice(0).forEach((dispose) => dispose());
	vi.useRealTimers();
});

const seeded = (count: number) => new FakeUsersApi(Array.from({ length: count }, () => makeUser()));

/** The ids of the fake's users in the table's order (by name unless told). */
const inOrder = (
	api: FakeUsersApi,
	order: Pick<ListParams, 'sort' | 'ascending'> = { sort: 'name', ascending: true }
) => [...api.users].sort(listOrder(order)).map((user) => user.id);
const idsOf = (rows: readonly UserRow[]) => rows.map((row) => row.id);
const lastPosition = (api: FakeUsersApi) => api.listCalls.at(-1)?.position;

/** The fake's pages with another total: a count that stopped early, or an estimate. */
function countedAs(api: FakeUsersApi, total: ListCount): ListSource {
	return {
		names: (ids) => api.names(ids),
		list: async (params) => {
			const result = await api.list(params);
			return result.ok && result.data.total
				? { ok: true, data: { ...result.data, total } }
				: result;
		}
	};
}

/** A list as a component builds it (inside an effect root); it asks for its first page at once. */
function build(
	source: ListSource,
	options: UsersListOptions = {},
	organizationId: () => string = () => ORG_ID
): UsersList {
	let list!: UsersList;
	roots.push(
		$effect.root(() => void (list = new UsersList(() => source, organizationId, options)))
	);
	flushSync();
	return list;
}

async function loaded(source: ListSource, pageSize?: number): Promise<UsersList> {
	return settled(build(source, { pageSize }));
}

async function settled(list: UsersList): Promise<UsersList> {
	await vi.waitFor(() => expect([list.loaded, list.loading]).toEqual([true, false]));
	return list;
}

describe('UsersList paging', () => {
	it('loads the first page with the organization and a count', async () => {
		const api = seeded(25);
		const list = await loaded(api, 10);
		expect(api.listCalls).toHaveLength(1);
		expect(api.listCalls[0]).toMatchObject({
			organizationId: ORG_ID,
			position: { from: 'start' },
			pageSize: 10,
			withCount: true,
			sort: 'name',
			ascending: true
		});
		expect(idsOf(list.rows)).toEqual(inOrder(api).slice(0, 10));
		expect(list.total).toEqual({ users: 25, accuracy: 'exact' });
		expect([list.pageCount, list.pageNumber]).toEqual([3, 1]);
		expect(list.place).toEqual(FIRST_PAGE);
		expect([list.hasPrevious, list.hasNext]).toEqual([false, true]);
	});

	it('continues after the last row on screen, and before the first, without recounting', async () => {
		const api = seeded(25);
		const ids = inOrder(api);
		const list = await loaded(api, 10);
		await list.next();
		expect(api.listCalls[1]).toMatchObject({ position: { after: ids[9] }, withCount: false });
		expect(list.place).toEqual({ index: 1, fromEnd: false, after: ids[9] });
		expect(idsOf(list.rows)).toEqual(ids.slice(10, 20));
		expect([list.pageNumber, list.hasPrevious, list.hasNext]).toEqual([2, true, true]);

		await list.next();
		expect(lastPosition(api)).toEqual({ after: ids[19] });
		expect(idsOf(list.rows)).toEqual(ids.slice(20));
		expect([list.pageNumber, list.hasPrevious, list.hasNext]).toEqual([3, true, false]);
		// Nothing lies beyond the last page: no request.
		await list.next();
		expect(api.listCalls).toHaveLength(3);

		await list.previous();
		expect(lastPosition(api)).toEqual({ before: ids[20] });
		expect(list.place).toEqual({ index: 1, fromEnd: false, before: ids[20] });
		expect(idsOf(list.rows)).toEqual(ids.slice(10, 20));
		expect([list.pageNumber, list.hasPrevious, list.hasNext]).toEqual([2, true, true]);
		// The known total stays: only the first load counted.
		expect(api.listCalls.map((call) => call.withCount)).toEqual([true, false, false, false]);
		expect(list.total).toEqual({ users: 25, accuracy: 'exact' });
	});

	it('goes back from the second page to the first page itself, not to the rows before a user', async () => {
		const api = seeded(25);
		const list = await loaded(api, 10);
		await list.next();
		await list.previous();
		expect(lastPosition(api)).toEqual({ from: 'start' });
		expect(list.place).toEqual(FIRST_PAGE);
		expect(idsOf(list.rows)).toEqual(inOrder(api).slice(0, 10));
		expect([list.hasPrevious, list.hasNext]).toEqual([false, true]);
		// Nothing lies before the first page.
		await list.previous();
		expect(api.listCalls).toHaveLength(3);
	});

	it('reads the last page from the end, holding what is left after full pages when the total is exact', async () => {
		const api = seeded(25);
		const ids = inOrder(api);
		const list = await loaded(api, 10);
		await list.last();
		expect(lastPosition(api)).toEqual({ from: 'end', size: 5 });
		expect(list.place).toEqual({ index: 0, fromEnd: true });
		expect(idsOf(list.rows)).toEqual(ids.slice(20));
		expect([list.pageNumber, list.pageCount]).toEqual([3, 3]);
		expect([list.hasPrevious, list.hasNext]).toEqual([true, false]);

		await list.previous();
		expect(lastPosition(api)).toEqual({ before: ids[20] });
		expect(list.place).toEqual({ index: 1, fromEnd: true, before: ids[20] });
		expect(idsOf(list.rows)).toEqual(ids.slice(10, 20));
		expect(list.pageNumber).toBe(2);

		await list.next();
		expect(lastPosition(api)).toEqual({ from: 'end', size: 5 });
		expect(list.place).toEqual({ index: 0, fromEnd: true });

		await list.first();
		expect(lastPosition(api)).toEqual({ from: 'start' });
		expect(list.place).toEqual(FIRST_PAGE);
	});

	it('reads a full last page when the pages come out even', async () => {
		const api = seeded(30);
		const list = await loaded(api, 10);
		await list.last();
		expect(lastPosition(api)).toEqual({ from: 'end' });
		expect(idsOf(list.rows)).toEqual(inOrder(api).slice(20));
		expect(list.pageNumber).toBe(3);
	});

	it('counts pages from the end when the total is not exact, and learns it at the start', async () => {
		const api = seeded(25);
		const ids = inOrder(api);
		const list = await loaded(countedAs(api, { users: 20, accuracy: 'more_than' }), 10);
		expect([list.pageCount, list.pageNumber, list.hasNext]).toEqual([null, 1, true]);

		await list.last();
		// No size: how many the last page holds is not known.
		expect(lastPosition(api)).toEqual({ from: 'end' });
		expect(list.place).toEqual({ index: 0, fromEnd: true });
		expect(idsOf(list.rows)).toEqual(ids.slice(15));
		expect([list.pageNumber, list.hasPrevious, list.hasNext]).toEqual([null, true, false]);

		await list.previous();
		expect(lastPosition(api)).toEqual({ before: ids[15] });
		expect(list.place).toEqual({ index: 1, fromEnd: true, before: ids[15] });
		expect(idsOf(list.rows)).toEqual(ids.slice(5, 15));
		expect([list.pageNumber, list.hasPrevious, list.hasNext]).toEqual([null, true, true]);
		expect(list.total).toEqual({ users: 20, accuracy: 'more_than' });

		// The second page from the end continues forwards to the last page itself.
		await list.next();
		expect(lastPosition(api)).toEqual({ from: 'end' });
		expect(list.place).toEqual({ index: 0, fromEnd: true });
		await list.previous();
		await list.previous();
		// The start, reached from the end: 2 full pages and 5 make 25, exactly. Those 5 do not line
		// up with the pages numbered from the first: then the first page, in full.
		expect(api.listCalls.slice(-2).map((call) => call.position)).toEqual([
			{ before: ids[5] },
			{ from: 'start' }
		]);
		expect(list.total).toEqual({ users: 25, accuracy: 'exact' });
		expect(list.place).toEqual(FIRST_PAGE);
		expect(idsOf(list.rows)).toEqual(ids.slice(0, 10));
		expect([list.pageNumber, list.pageCount, list.hasPrevious]).toEqual([1, 3, false]);
		await list.next();
		expect(idsOf(list.rows)).toEqual(ids.slice(10, 20));
		// No count asked for any of this.
		expect(api.listCalls.filter((call) => call.withCount)).toHaveLength(1);
	});

	it('keeps pages counted from the end as they are when they come out even', async () => {
		const api = seeded(20);
		const ids = inOrder(api);
		const list = await loaded(countedAs(api, { users: 46_000, accuracy: 'estimate' }), 10);
		await list.last();
		await list.previous();
		expect(list.total).toEqual({ users: 20, accuracy: 'exact' });
		expect(list.place).toEqual({ index: 1, fromEnd: true, before: ids[10] });
		expect([list.pageNumber, list.pageCount]).toEqual([1, 2]);
		expect(idsOf(list.rows)).toEqual(ids.slice(0, 10));
	});

	it('learns the exact total when paging forwards reaches the end', async () => {
		const api = seeded(25);
		const list = await loaded(countedAs(api, { users: 46_000, accuracy: 'estimate' }), 10);
		await list.next();
		expect(list.total).toEqual({ users: 46_000, accuracy: 'estimate' });
		expect([list.pageNumber, list.pageCount]).toEqual([2, null]);
		await list.next();
		expect(list.total).toEqual({ users: 25, accuracy: 'exact' });
		expect([list.pageNumber, list.pageCount, list.hasNext]).toEqual([3, 3, false]);
		// Now the last page lines up with the pages from the first.
		await list.first();
		await list.last();
		expect(lastPosition(api)).toEqual({ from: 'end', size: 5 });
		expect(list.pageNumber).toBe(3);
	});

	it('knows a view of one short page exactly, whatever the count said', async () => {
		const api = seeded(4);
		const list = await loaded(countedAs(api, { users: 1200, accuracy: 'estimate' }), 10);
		expect(list.total).toEqual({ users: 4, accuracy: 'exact' });
		expect([list.pageCount, list.hasPrevious, list.hasNext]).toEqual([1, false, false]);
	});

	it('restarts at the first page with a fresh count when a filter changes', async () => {
		const api = new FakeUsersApi([
			makeUser({ role: 'admin' }),
			...Array.from({ length: 12 }, () => makeUser())
		]);
		const list = await loaded(api, 5);
		await list.next();
		await list.setRole('admin');
		expect(list.place).toEqual(FIRST_PAGE);
		expect(list.total).toEqual({ users: 1, accuracy: 'exact' });
		expect(api.listCalls.at(-1)).toMatchObject({
			role: 'admin',
			position: { from: 'start' },
			withCount: true
		});
		expect(list.hasFilters).toBe(true);
		await list.last();
		await list.clearFilters();
		expect(list.place).toEqual(FIRST_PAGE);
		expect(api.listCalls.at(-1)).toMatchObject({ position: { from: 'start' }, withCount: true });
		expect(list.total).toEqual({ users: 13, accuracy: 'exact' });
		expect(list.hasFilters).toBe(false);
	});

	it('sorts from the first page, keeping the total', async () => {
		const api = seeded(12);
		const list = await loaded(api, 5);
		await list.next();
		await list.sortBy('email');
		expect(api.listCalls.at(-1)).toMatchObject({
			sort: 'email',
			position: { from: 'start' },
			withCount: false
		});
		expect(list.place).toEqual(FIRST_PAGE);
		expect(idsOf(list.rows)).toEqual(inOrder(api, { sort: 'email', ascending: true }).slice(0, 5));
	});

	it('starts again at the first page when the user a page continues from is gone', async () => {
		const api = seeded(25);
		const ids = inOrder(api);
		const list = await loaded(api, 10);
		await list.next();
		// Another admin's change: the last user on screen is no longer in the organization.
		api.users = api.users.filter((user) => user.id !== ids[19]);
		await list.next();
		expect(api.listCalls.slice(-2).map((call) => call.position)).toEqual([
			{ after: ids[19] },
			{ from: 'start' }
		]);
		expect(list.place).toEqual(FIRST_PAGE);
		expect(list.error).toBeNull();
		expect(idsOf(list.rows)).toEqual(ids.slice(0, 10));
		// Said, not silent; and said only until the admin moves on.
		expect(list.notice).toMatch(/first page: the user that page continued from is no longer/);
		await list.next();
		expect(list.notice).toBeNull();
	});

	it('counts the view it starts over at when the address’s page start is gone', async () => {
		const api = seeded(7);
		const gone = 'c0000001-0000-4000-8000-000000000001';
		const list = await settled(
			build(api, {
				pageSize: 5,
				initial: { ...DEFAULT_QUERY, place: { index: 3, fromEnd: false, after: gone } }
			})
		);
		expect(api.listCalls.map((call) => [call.position, call.withCount])).toEqual([
			[{ after: gone }, true],
			[{ from: 'start' }, true]
		]);
		expect(list.place).toEqual(FIRST_PAGE);
		expect(list.total).toEqual({ users: 7, accuracy: 'exact' });
		expect(list.rows).toHaveLength(5);
	});

	it('goes to the last page when nothing is left after the page’s start', async () => {
		const api = seeded(7);
		const ids = inOrder(api);
		// An old address: the seventh page after the last user.
		const list = await settled(
			build(api, {
				pageSize: 5,
				initial: { ...DEFAULT_QUERY, place: { index: 6, fromEnd: false, after: ids[6]! } }
			})
		);
		expect(api.listCalls.map((call) => call.position)).toEqual([
			{ after: ids[6] },
			{ from: 'end', size: 2 }
		]);
		expect(list.place).toEqual({ index: 0, fromEnd: true });
		expect(idsOf(list.rows)).toEqual(ids.slice(5));
		expect([list.pageNumber, list.hasPrevious, list.hasNext]).toEqual([2, true, false]);
		expect(list.notice).toMatch(/^At the last page now/);
	});

	it('goes to the first page when nothing is left before the page’s start', async () => {
		const api = seeded(25);
		const ids = inOrder(api);
		const list = await loaded(api, 10);
		await list.last();
		await list.previous();
		// Everyone before the page's first user left the organization meanwhile.
		api.users = api.users.filter((user) => ids.indexOf(user.id) >= 20);
		await list.load(false);
		expect(api.listCalls.slice(-2).map((call) => call.position)).toEqual([
			{ before: ids[20] },
			{ from: 'start' }
		]);
		expect(list.place).toEqual(FIRST_PAGE);
		expect(idsOf(list.rows)).toEqual(ids.slice(20));
		expect(list.notice).toMatch(/^Back at the first page: nobody is left/);
		await list.setRole('member');
		expect(list.notice).toBeNull();
	});

	it('starts from the view and page the address gives, and reports each view for the address', async () => {
		const api = new FakeUsersApi(Array.from({ length: 12 }, () => makeUser({ status: 'active' })));
		const byEmail = inOrder(api, { sort: 'email', ascending: true });
		const seen: ListQuery[] = [];
		const list = await settled(
			build(api, {
				pageSize: 5,
				initial: {
					...DEFAULT_QUERY,
					status: 'active',
					sort: 'email',
					place: { index: 1, fromEnd: false, after: byEmail[4]! }
				},
				onquery: (query) => seen.push(query)
			})
		);
		expect(api.listCalls[0]).toMatchObject({
			status: 'active',
			sort: 'email',
			position: { after: byEmail[4] },
			withCount: true
		});
		expect(idsOf(list.rows)).toEqual(byEmail.slice(5, 10));
		expect([list.pageNumber, list.pageCount, list.hasPrevious]).toEqual([2, 3, true]);
		await list.next();
		await list.sortBy('role');
		expect(seen.map((query) => listQueryParams(query).toString())).toEqual([
			`status=active&sort=email&page=2&after=${byEmail[4]}`,
			`status=active&sort=email&page=3&after=${byEmail[9]}`,
			'status=active&sort=role'
		]);

		// The address of the third page brings back the third page.
		const again = new FakeUsersApi(api.users);
		const restored = await settled(
			build(again, {
				pageSize: 5,
				initial: parseListQuery(listQueryParams(seen[1]!))
			})
		);
		expect(restored.query).toEqual(seen[1]);
		expect(again.listCalls[0]?.position).toEqual({ after: byEmail[9] });
		expect(idsOf(restored.rows)).toEqual(byEmail.slice(10));
	});

	it('brings back the last page of an address, lined up with the pages from the first', async () => {
		const api = seeded(25);
		const seen: string[] = [];
		const list = await settled(
			build(api, {
				pageSize: 10,
				initial: parseListQuery(new URLSearchParams('from_end=1')),
				onquery: (query) => seen.push(listQueryParams(query).toString())
			})
		);
		// The total is not known when the page is asked for: a full page, of which the last 5 show.
		expect(api.listCalls[0]).toMatchObject({ position: { from: 'end' }, withCount: true });
		expect(idsOf(list.rows)).toEqual(inOrder(api).slice(20));
		expect([list.pageNumber, list.pageCount, list.hasPrevious, list.hasNext]).toEqual([
			3,
			3,
			true,
			false
		]);
		expect(seen).toEqual(['from_end=1']);
		await list.previous();
		expect(idsOf(list.rows)).toEqual(inOrder(api).slice(10, 20));
	});
});

describe('UsersList', () => {
	it('filters by sign-in from the first page, counted afresh, the 90 days fixed while paging', async () => {
		const old = '2025-01-01T00:00:00Z';
		const api = new FakeUsersApi([
			...Array.from({ length: 7 }, () => makeUser({ last_sign_in_at: null })),
			...Array.from({ length: 5 }, () => makeUser({ last_sign_in_at: old })),
			...Array.from({ length: 4 }, () => makeUser({ last_sign_in_at: new Date().toISOString() }))
		]);
		const list = await loaded(api, 5);
		await list.next();
		await list.setSignedIn('never');
		expect([list.place, list.total, list.hasFilters]).toEqual([
			FIRST_PAGE,
			{ users: 7, accuracy: 'exact' },
			true
		]);
		expect(api.listCalls.at(-1)).toMatchObject({
			signedIn: 'never',
			position: { from: 'start' },
			withCount: true
		});
		await list.setSignedIn('not_in_90_days');
		expect(list.total).toEqual({ users: 12, accuracy: 'exact' });
		const first = api.listCalls.at(-1)!;
		const cutoff = Date.parse(first.signedInBefore!);
		expect(Math.abs(cutoff - (Date.now() - 90 * 86_400_000))).toBeLessThan(60_000);
		await list.next();
		await list.last();
		expect(api.listCalls.at(-1)?.signedInBefore).toBe(first.signedInBefore);
		expect(list.query.signedIn).toBe('not_in_90_days');
		await list.clearFilters();
		expect([list.signedIn, list.total]).toEqual(['', { users: 16, accuracy: 'exact' }]);
		expect(api.listCalls.at(-1)?.signedInBefore).toBeUndefined();
	});

	it('dims the rows only once loading takes longer than a glance (300 ms)', async () => {
		vi.useFakeTimers();
		const answers: Array<(value: Result<ListResult>) => void> = [];
		const source: ListSource = {
			names: async () => ({ ok: true, data: [] }),
			list: () => new Promise((resolve) => answers.push(resolve))
		};
		const page: Result<ListResult> = {
			ok: true,
			data: { rows: [makeUser()], total: { users: 1, accuracy: 'exact' }, more: false }
		};
		const list = build(source);
		expect([list.loading, list.slow]).toEqual([true, false]);
		await vi.advanceTimersByTimeAsync(299);
		expect(list.slow).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		expect(list.slow).toBe(true);
		answers[0]!(page);
		await vi.advanceTimersByTimeAsync(0);
		expect([list.loading, list.slow]).toEqual([false, false]);

		// A quick answer never dims them.
		void list.load(false);
		await vi.advanceTimersByTimeAsync(200);
		answers[1]!(page);
		await vi.advanceTimersByTimeAsync(0);
		expect(list.loading).toBe(false);
		await vi.advanceTimersByTimeAsync(1000);
		expect(list.slow).toBe(false);
	});

	it('waits for typing to pause before searching', async () => {
		const api = seeded(3);
		const list = await loaded(api);
		vi.useFakeTimers();
		list.setSearch('a');
		list.setSearch('ad');
		list.setSearch('ada');
		expect(api.list).toHaveBeenCalledTimes(1);
		await vi.advanceTimersByTimeAsync(300);
		expect(api.list).toHaveBeenCalledTimes(2);
		expect(api.listCalls[1]).toMatchObject({
			search: 'ada',
			position: { from: 'start' },
			withCount: true
		});
	});

	it('never sends a search longer than the database accepts (a pasted page of text)', async () => {
		const api = seeded(3);
		const list = await loaded(api);
		vi.useFakeTimers();
		list.setSearch('x'.repeat(10_000));
		await vi.advanceTimersByTimeAsync(300);
		expect(api.listCalls.at(-1)?.search).toHaveLength(SEARCH_MAX_LENGTH);
	});

	it('toggles the direction when the sorted column is clicked again', async () => {
		const list = await loaded(seeded(1));
		await list.sortBy('created_at');
		expect([list.sort, list.ascending]).toEqual(['created_at', true]);
		await list.sortBy('created_at');
		expect(list.ascending).toBe(false);
		await list.sortBy('email');
		expect([list.sort, list.ascending]).toEqual(['email', true]);
	});

	it('keeps the newest answer when an older request returns late', async () => {
		let resolveSlow: (value: Result<ListResult>) => void = () => {};
		const slow = new Promise<Result<ListResult>>((resolve) => (resolveSlow = resolve));
		const newer = makeUser({ first_name: 'Newer' });
		const one = { users: 1, accuracy: 'exact' } as const;
		const source = {
			names: async () => ({ ok: true as const, data: [] }),
			list: vi.fn((params: ListParams) =>
				params.role === 'admin'
					? Promise.resolve({
							ok: true as const,
							data: { rows: [newer], total: one, more: false }
						})
					: slow
			)
		};
		// Building it asks for the first page: the slow answer.
		const list = build(source);
		await list.setRole('admin');
		resolveSlow({
			ok: true,
			data: { rows: [makeUser({ first_name: 'Older' })], total: one, more: false }
		});
		await slow;
		await Promise.resolve();
		expect(list.rows.map((row) => row.first_name)).toEqual(['Newer']);
	});

	it('keeps the rows and reports the error when a load fails', async () => {
		const api = seeded(2);
		const list = await loaded(api);
		api.nextError = apiError('network');
		await list.load();
		expect(list.error?.code).toBe('network');
		expect(list.rows).toHaveLength(2);
		await list.load();
		expect(list.error).toBeNull();
	});

	it('replaces a changed row in place', async () => {
		const list = await loaded(seeded(2));
		const changed = { ...list.rows[0]!, status: 'inactive' as const };
		list.replace(changed);
		expect(list.rows[0]?.status).toBe('inactive');
	});

	it('keeps a change made while a page was loading (a search typed just before a deactivation)', async () => {
		let resolveSlow: (value: Result<ListResult>) => void = () => {};
		const user = makeUser({ status: 'active', updated_at: '2026-12-01T10:00:00.000000+00:00' });
		const one = { users: 1, accuracy: 'exact' } as const;
		const source = {
			names: async () => ({ ok: true as const, data: [] }),
			list: vi.fn(() => new Promise<Result<ListResult>>((resolve) => (resolveSlow = resolve)))
		};
		const list = build(source);
		resolveSlow({ ok: true, data: { rows: [user], total: one, more: false } });
		await vi.waitFor(() => expect(list.loaded).toBe(true));
		void list.load(true);
		const deactivated = {
			...user,
			status: 'inactive' as const,
			updated_at: '2026-12-01T10:00:05.000000+00:00'
		};
		list.replace(deactivated);
		// The page was read before the deactivation committed.
		resolveSlow({ ok: true, data: { rows: [user], total: one, more: false } });
		await vi.waitFor(() => expect(list.loading).toBe(false));
		expect(list.rows[0]?.status).toBe('inactive');
		// A page read after it is the truth again, even if it is older than a local guess.
		void list.load(true);
		resolveSlow({
			ok: true,
			data: { rows: [{ ...user, first_name: 'Later' }], total: one, more: false }
		});
		await vi.waitFor(() => expect(list.loading).toBe(false));
		expect(list.rows[0]).toMatchObject({ first_name: 'Later', status: 'active' });
	});

	it('follows its organization getter: a new organization starts over at its first page', async () => {
		const api = new FakeUsersApi([
			...Array.from({ length: 3 }, () => makeUser()),
			makeUser({ organization_id: 'other-org' })
		]);
		let organizationId = $state(ORG_ID);
		let list!: UsersList;
		roots.push(
			$effect.root(
				() =>
					void (list = new UsersList(
						() => api,
						() => organizationId,
						{ pageSize: 2 }
					))
			)
		);
		flushSync();
		await settled(list);
		await list.next();
		organizationId = 'other-org';
		flushSync();
		await vi.waitFor(() =>
			expect(api.listCalls.at(-1)).toMatchObject({
				organizationId: 'other-org',
				position: { from: 'start' },
				withCount: true
			})
		);
		await vi.waitFor(() =>
			expect(list.rows.map((row) => row.organization_id)).toEqual(['other-org'])
		);
		expect(list.place).toEqual(FIRST_PAGE);
	});

	it('keeps its page and filters when the session re-reads the same admin (tab switch, token refresh)', async () => {
		const api = new FakeUsersApi([
			makeUser({ role: 'manager' }),
			...Array.from({ length: 12 }, () => makeUser({ role: 'manager' }))
		]);
		// The admin's row as the session holds it: re-reading replaces the object, not the organization.
		let me = $state({ organization_id: ORG_ID, first_name: 'Ada' });
		let list!: UsersList;
		roots.push(
			$effect.root(
				() =>
					void (list = new UsersList(
						() => api,
						() => me.organization_id,
						{ pageSize: 5 }
					))
			)
		);
		flushSync();
		await settled(list);
		await list.setRole('manager');
		await list.next();
		await list.next();
		const calls = api.list.mock.calls.length;
		const place = list.place;
		me = { organization_id: ORG_ID, first_name: 'Ada' };
		flushSync();
		await Promise.resolve();
		expect(api.list.mock.calls.length).toBe(calls);
		expect([list.role, list.place, list.pageNumber, list.rows.length]).toEqual([
			'manager',
			place,
			3,
			3
		]);
	});

	it('shows a user created here on top until the view changes', async () => {
		const api = seeded(6);
		const list = await loaded(api, 5);
		const created = makeUser({ last_name: 'Zzz' });
		api.users.push(created);
		list.pin(created);
		await list.load(true);
		expect(list.visibleRows[0]?.id).toBe(created.id);
		expect(list.visibleRows.filter((row) => row.id === created.id)).toHaveLength(1);
		expect(list.total).toEqual({ users: 7, accuracy: 'exact' });
		await list.next();
		expect(list.created).toEqual([]);
		await list.sortBy('email');
		expect(list.created).toEqual([]);
	});

	it('names who created the rows on screen, asking once per creator', async () => {
		const creator = makeUser({ first_name: 'Ada', last_name: 'Lovelace' });
		const api = new FakeUsersApi([
			creator,
			makeUser({ created_by: creator.id }),
			makeUser({ created_by: creator.id })
		]);
		const list = await loaded(api);
		await vi.waitFor(() => expect(list.creators[creator.id]).toBe('Ada Lovelace'));
		expect(api.names).toHaveBeenCalledTimes(1);
		expect(api.names.mock.calls[0]?.[0]).toEqual([creator.id]);
		await list.load();
		expect(api.names).toHaveBeenCalledTimes(1);
	});

	it('cancels the request a newer view replaces', async () => {
		const signals: AbortSignal[] = [];
		const source: ListSource = {
			names: async () => ({ ok: true, data: [] }),
			list: (_params, options) => {
				signals.push(options!.signal!);
				return new Promise(() => {});
			}
		};
		const list = build(source);
		void list.setRole('admin');
		expect(signals).toHaveLength(2);
		expect([signals[0]!.aborted, signals[1]!.aborted]).toEqual([true, false]);
	});
});
