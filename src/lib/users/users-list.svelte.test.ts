import { SEARCH_MAX_LENGTH } from '$shared/user-input.ts';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeUsersApi, makeUser, ORG_ID } from '$lib/testing/fake-users-api';
import type { ListParams, ListResult, Result } from './api';
import { apiError } from './errors';
import { DEFAULT_QUERY } from './list-query';
import { UsersList, type ListSource, type UsersListOptions } from './users-list.svelte';

const roots: Array<() => void> = [];
afterEach(() => {
	roots.splice(0).forEach((dispose) => dispose());
	vi.useRealTimers();
});

const seeded = (count: number) => new FakeUsersApi(Array.from({ length: count }, () => makeUser()));

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
	const list = build(source, { pageSize });
	await vi.waitFor(() => expect(list.loaded).toBe(true));
	return list;
}

describe('UsersList', () => {
	it('loads one page with the organization and a count, then pages without recounting', async () => {
		const api = seeded(25);
		const list = await loaded(api, 10);
		expect(list.rows).toHaveLength(10);
		expect(list.total).toBe(25);
		expect(list.pageCount).toBe(3);
		expect(api.listCalls[0]).toMatchObject({
			organizationId: ORG_ID,
			page: 0,
			pageSize: 10,
			withCount: true,
			sort: 'name',
			ascending: true
		});
		await list.goTo(2);
		expect(list.rows).toHaveLength(5);
		expect(list.firstIndex).toBe(20);
		expect(api.listCalls[1]).toMatchObject({ page: 2, withCount: false });
		await list.goTo(99);
		expect(list.page).toBe(2);
	});

	it('continues from the rows on screen for next and previous when sorted by name', async () => {
		const api = seeded(25);
		const list = await loaded(api, 10);
		const last = list.rows.at(-1)!;
		await list.goTo(1);
		expect(api.listCalls[1]?.cursor).toEqual({
			direction: 'after',
			row: { last_name: last.last_name, first_name: last.first_name, id: last.id }
		});
		const first = list.rows[0]!;
		await list.goTo(2);
		await list.goTo(1);
		expect(api.listCalls.at(-1)?.cursor?.direction).toBe('before');
		// A reload asks for the same page the same way.
		const before = api.listCalls.at(-1)?.cursor;
		await list.load(true);
		expect(api.listCalls.at(-1)?.cursor).toEqual(before);
		await list.goTo(0);
		expect(api.listCalls.at(-1)?.cursor).toBeUndefined();
		expect(first).toBeDefined();
		await list.setStatus('active');
		expect(api.listCalls.at(-1)?.cursor).toBeUndefined();
	});

	it('continues from the rows on screen by last sign-in too, and by offset in other orders', async () => {
		const api = new FakeUsersApi(
			Array.from({ length: 25 }, (_, n) =>
				makeUser({
					last_sign_in_at: n % 3 ? `2026-11-${String(n + 1).padStart(2, '0')}T08:00:00Z` : null
				})
			)
		);
		const list = await loaded(api, 10);
		await list.sortBy('last_sign_in_at');
		const last = list.rows.at(-1)!;
		await list.goTo(1);
		expect(api.listCalls.at(-1)?.cursor).toEqual({
			direction: 'after',
			row: { last_sign_in_at: last.last_sign_in_at, id: last.id }
		});
		await list.sortBy('email');
		await list.goTo(1);
		expect(api.listCalls.at(-1)).toMatchObject({ sort: 'email', page: 1 });
		expect(api.listCalls.at(-1)?.cursor).toBeUndefined();
	});

	it('filters by sign-in from the first page, counted afresh, the 90 days fixed while paging', async () => {
		const old = '2025-01-01T00:00:00Z';
		const api = new FakeUsersApi([
			...Array.from({ length: 7 }, () => makeUser({ last_sign_in_at: null })),
			...Array.from({ length: 5 }, () => makeUser({ last_sign_in_at: old })),
			...Array.from({ length: 4 }, () => makeUser({ last_sign_in_at: new Date().toISOString() }))
		]);
		const list = await loaded(api, 5);
		await list.goTo(1);
		await list.setSignedIn('never');
		expect([list.page, list.total, list.hasFilters]).toEqual([0, 7, true]);
		expect(api.listCalls.at(-1)).toMatchObject({ signedIn: 'never', page: 0, withCount: true });
		await list.setSignedIn('not_in_90_days');
		expect(list.total).toBe(12);
		const first = api.listCalls.at(-1)!;
		const cutoff = Date.parse(first.signedInBefore!);
		expect(Math.abs(cutoff - (Date.now() - 90 * 86_400_000))).toBeLessThan(60_000);
		await list.goTo(2);
		expect(api.listCalls.at(-1)?.signedInBefore).toBe(first.signedInBefore);
		expect(list.query.signedIn).toBe('not_in_90_days');
		await list.clearFilters();
		expect([list.signedIn, list.total]).toEqual(['', 16]);
		expect(api.listCalls.at(-1)?.signedInBefore).toBeUndefined();
	});

	it('restarts at the first page with a fresh count when a filter changes', async () => {
		const api = new FakeUsersApi([
			makeUser({ role: 'admin' }),
			...Array.from({ length: 12 }, () => makeUser())
		]);
		const list = await loaded(api, 5);
		await list.goTo(1);
		await list.setRole('admin');
		expect(list.page).toBe(0);
		expect(list.total).toBe(1);
		expect(api.listCalls.at(-1)).toMatchObject({ role: 'admin', page: 0, withCount: true });
		expect(list.hasFilters).toBe(true);
		await list.clearFilters();
		expect(list.total).toBe(13);
		expect(list.hasFilters).toBe(false);
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
		expect(api.listCalls[1]).toMatchObject({ search: 'ada', withCount: true });
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
		const source = {
			names: async () => ({ ok: true as const, data: [] }),
			list: vi.fn((params: ListParams) =>
				params.role === 'admin'
					? Promise.resolve({ ok: true as const, data: { rows: [newer], total: 1 } })
					: slow
			)
		};
		// Building it asks for the first page: the slow answer.
		const list = build(source);
		await list.setRole('admin');
		resolveSlow({ ok: true, data: { rows: [makeUser({ first_name: 'Older' })], total: 1 } });
		await slow;
		await Promise.resolve();
		expect(list.rows.map((row) => row.first_name)).toEqual(['Newer']);
	});

	it('keeps the rows and reports the error when a load fails', async () => {
		const api = seeded(2);
		const list = await loaded(api);
		api.nextError = apiError('network');
		await list.goTo(0);
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
		const source = {
			names: async () => ({ ok: true as const, data: [] }),
			list: vi.fn(() => new Promise<Result<ListResult>>((resolve) => (resolveSlow = resolve)))
		};
		const list = build(source);
		resolveSlow({ ok: true, data: { rows: [user], total: 1 } });
		await vi.waitFor(() => expect(list.loaded).toBe(true));
		void list.load(true);
		const deactivated = {
			...user,
			status: 'inactive' as const,
			updated_at: '2026-12-01T10:00:05.000000+00:00'
		};
		list.replace(deactivated);
		// The page was read before the deactivation committed.
		resolveSlow({ ok: true, data: { rows: [user], total: 1 } });
		await vi.waitFor(() => expect(list.loading).toBe(false));
		expect(list.rows[0]?.status).toBe('inactive');
		// A page read after it is the truth again, even if it is older than a local guess.
		void list.load(true);
		resolveSlow({ ok: true, data: { rows: [{ ...user, first_name: 'Later' }], total: 1 } });
		await vi.waitFor(() => expect(list.loading).toBe(false));
		expect(list.rows[0]).toMatchObject({ first_name: 'Later', status: 'active' });
	});

	it('follows its organization getter: a new organization starts over at its first page', async () => {
		const api = new FakeUsersApi([makeUser(), makeUser({ organization_id: 'other-org' })]);
		let organizationId = $state(ORG_ID);
		let list!: UsersList;
		roots.push(
			$effect.root(
				() =>
					void (list = new UsersList(
						() => api,
						() => organizationId
					))
			)
		);
		flushSync();
		await vi.waitFor(() => expect(list.loaded).toBe(true));
		await list.goTo(0);
		organizationId = 'other-org';
		flushSync();
		await vi.waitFor(() =>
			expect(api.listCalls.at(-1)).toMatchObject({
				organizationId: 'other-org',
				page: 0,
				withCount: true
			})
		);
		await vi.waitFor(() =>
			expect(list.rows.map((row) => row.organization_id)).toEqual(['other-org'])
		);
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
		await vi.waitFor(() => expect(list.loaded).toBe(true));
		await list.setRole('manager');
		await list.goTo(2);
		const calls = api.list.mock.calls.length;
		me = { organization_id: ORG_ID, first_name: 'Ada' };
		flushSync();
		await Promise.resolve();
		expect(api.list.mock.calls.length).toBe(calls);
		expect([list.role, list.page, list.rows.length]).toEqual(['manager', 2, 3]);
	});

	it('starts from the view the address gives and reports every view it asks for', async () => {
		const api = new FakeUsersApi(Array.from({ length: 12 }, () => makeUser({ status: 'active' })));
		const seen: string[] = [];
		const list = build(api, {
			pageSize: 5,
			initial: { ...DEFAULT_QUERY, status: 'active', sort: 'email', page: 1 },
			onquery: (query) => seen.push(`${query.status}/${query.sort}/${query.page}`)
		});
		await vi.waitFor(() => expect(list.loaded).toBe(true));
		expect(api.listCalls[0]).toMatchObject({ status: 'active', sort: 'email', page: 1 });
		expect(list.rows).toHaveLength(5);
		await list.sortBy('role');
		expect(seen).toEqual(['active/email/1', 'active/role/0']);
	});

	it('falls back to the last page that exists when the address points past the end', async () => {
		const api = seeded(7);
		const list = build(api, { pageSize: 5, initial: { ...DEFAULT_QUERY, page: 40 } });
		await vi.waitFor(() => expect(list.page).toBe(1));
		await vi.waitFor(() => expect(list.rows).toHaveLength(2));
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
