import { describe, expect, it } from 'vitest';
import type { AppClient } from '$lib/supabase/client';
import { fakeFrom, type RecordedQuery } from '$lib/testing/fake-query';
import { ORG_ID } from '$lib/testing/fake-users-api';
import { describeDataError, UsersApi, type ListParams } from './api';

const params: ListParams = {
	organizationId: ORG_ID,
	search: '',
	role: '',
	status: '',
	sort: 'name',
	ascending: true,
	page: 0,
	pageSize: 50,
	withCount: true
};

function apiWith(answer: Parameters<typeof fakeFrom>[0] = () => ({ data: [], error: null, count: 0 })) {
	const log: RecordedQuery[] = [];
	const from = fakeFrom(answer, log);
	// rpc() starts a query like from() does; its arguments are recorded as the first call.
	const rpc = (fn: string, args: unknown, options: unknown) => {
		const query = from(`rpc/${fn}`) as Record<string, (...a: unknown[]) => unknown>;
		return query.rpc!(args, options);
	};
	const client = { from, rpc } as unknown as AppClient;
	return { api: new UsersApi(client), log };
}

const countersAnswer = (rows: Array<{ users: number }>, pageAnswer: ReturnType<Parameters<typeof fakeFrom>[0]>) => (query: RecordedQuery) =>
	query.table === 'organization_user_counts' ? { data: rows, error: null } : pageAnswer;

describe('UsersApi.list', () => {
	it('always filters by the organization, asks for one range, and takes the total from the counters', async () => {
		const { api, log } = apiWith(countersAnswer([{ users: 4000 }, { users: 321 }], { data: [], error: null, count: null }));
		const result = await api.list({ ...params, page: 3 });
		expect(result).toEqual({ ok: true, data: { rows: [], total: 4321 } });
		const page = log.find((q) => q.table === 'users')!.calls;
		expect(page[0]).toEqual(['select', [expect.stringContaining('email')]]);
		expect(page).toContainEqual(['eq', ['organization_id', ORG_ID]]);
		// The order matches the (organization_id, last_name, first_name, id) index.
		expect(page.filter(([name]) => name === 'order').map(([, args]) => args[0])).toEqual(['last_name', 'first_name', 'id']);
		expect(page.at(-1)).toEqual(['range', [150, 199]]);
		const counters = log.find((q) => q.table === 'organization_user_counts')!.calls;
		expect(counters).toEqual([['select', ['users']], ['eq', ['organization_id', ORG_ID]]]);
	});

	it('counts a filtered view from the counters of that role and status', async () => {
		const { api, log } = apiWith(countersAnswer([{ users: 7 }], { data: [], error: null }));
		const result = await api.list({ ...params, role: 'manager', status: 'inactive' });
		expect(result.ok && result.data.total).toBe(7);
		const counters = log.find((q) => q.table === 'organization_user_counts')!.calls;
		expect(counters).toContainEqual(['eq', ['role', 'manager']]);
		expect(counters).toContainEqual(['eq', ['status', 'inactive']]);
	});

	it('skips counting when paging, and applies the filters', async () => {
		const { api, log } = apiWith();
		await api.list({ ...params, withCount: false, role: 'manager', status: 'inactive', sort: 'created_at', ascending: false });
		expect(log.map((q) => q.table)).toEqual(['users']);
		const calls = log[0]!.calls;
		expect(calls).toContainEqual(['eq', ['role', 'manager']]);
		expect(calls).toContainEqual(['eq', ['status', 'inactive']]);
		expect(calls).toContainEqual(['order', ['created_at', { ascending: false }]]);
	});

	it('searches through search_users, counting the matches with the page', async () => {
		const { api, log } = apiWith(() => ({ data: [], error: null, count: 12 }));
		const result = await api.list({ ...params, search: '  ada lovelace ', role: 'admin' });
		expect(result).toEqual({ ok: true, data: { rows: [], total: 12 } });
		expect(log.map((q) => q.table)).toEqual(['rpc/search_users']);
		const calls = log[0]!.calls;
		expect(calls[0]).toEqual(['rpc', [{ search: 'ada lovelace' }, { get: true, count: 'exact' }]]);
		expect(calls).toContainEqual(['eq', ['role', 'admin']]);
		expect(calls.filter(([name]) => name === 'order').map(([, args]) => args[0])).toEqual(['last_name', 'first_name', 'id']);
	});

	it('pages by keyset after a row: index-friendly bound, tie-breaks, no offset', async () => {
		const { api, log } = apiWith();
		const row = { last_name: "O'Brien, Jr.", first_name: 'Ann "Al"', id: '00000000-0000-4000-8000-000000000001' };
		await api.list({ ...params, page: 1800, withCount: false, cursor: { direction: 'after', row } });
		const calls = log[0]!.calls;
		expect(calls).toContainEqual(['gte', ['last_name', "O'Brien, Jr."]]);
		expect(calls).toContainEqual([
			'or',
			[
				`last_name.gt."O'Brien, Jr.",and(last_name.eq."O'Brien, Jr.",first_name.gt."Ann \\"Al\\""),and(last_name.eq."O'Brien, Jr.",first_name.eq."Ann \\"Al\\"",id.gt.${row.id})`
			]
		]);
		expect(calls).toContainEqual(['limit', [50]]);
		expect(calls.some(([name]) => name === 'range')).toBe(false);
	});

	it('reads a previous page backwards and returns it in display order', async () => {
		const { api, log } = apiWith(() => ({ data: [{ id: 'b' }, { id: 'a' }], error: null }));
		const row = { last_name: 'M', first_name: 'N', id: 'x' };
		const result = await api.list({ ...params, withCount: false, cursor: { direction: 'before', row } });
		expect(result.ok && result.data.rows.map((r) => r.id)).toEqual(['a', 'b']);
		const calls = log[0]!.calls;
		expect(calls).toContainEqual(['lte', ['last_name', 'M']]);
		expect(calls.filter(([name]) => name === 'order').map(([, args]) => args)).toEqual([
			['last_name', { ascending: false }],
			['first_name', { ascending: false }],
			['id', { ascending: false }]
		]);
	});

	it('turns database refusals into words', async () => {
		const { api } = apiWith(() => ({ data: null, error: { code: 'PT409', message: 'an organization must keep at least one active admin' } }));
		const result = await api.update('id', { role: 'member' });
		expect(result).toMatchObject({ ok: false, error: { code: 'last_admin', message: expect.stringMatching(/at least one active admin/) } });
	});
});

