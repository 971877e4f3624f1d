import { createClient } from '@supabase/supabase-js';
import { describe, expect, it, vi } from 'vitest';
import type { Database } from '$shared/database.types.ts';
import { FakeUsersApi, makeUser, ORG_ID } from '$lib/testing/fake-users-api';
import { ActivityApi, type PageParams } from './api';

const USER = '0f8fad5b-d9cb-469f-a165-70867728950e';
const AT = '2026-12-01T14:35:18.123456+00:00';
const params: PageParams = {
	organizationId: ORG_ID,
	userId: '',
	action: '',
	from: '',
	to: '',
	limit: 51
};

/** The real supabase-js client over a fetch that records each request: what the Data API would get. */
function apiWith(
	answer: (url: URL) => { status: number; body: unknown },
	users = new FakeUsersApi()
) {
	const requests: URL[] = [];
	const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
		const url = new URL(input instanceof Request ? input.url : String(input));
		requests.push(url);
		// As fetch does with a signal already aborted.
		init?.signal?.throwIfAborted();
		const { status, body } = answer(url);
		return new Response(JSON.stringify(body), {
			status,
			headers: { 'content-type': 'application/json' }
		});
	});
	const client = createClient<Database>('http://stack.test', 'anon-key', {
		auth: { persistSession: false, autoRefreshToken: false },
		global: { fetch }
	});
	return { api: new ActivityApi(client, users), requests };
}

const rows = (ids: number[]) =>
	ids.map((id) => ({
		id,
		occurred_at: AT,
		actor_type: 'user',
		actor_id: null,
		target_id: USER,
		action: 'signed_in',
		changes: {},
		details: {},
		request_id: null
	}));

describe('ActivityApi.page', () => {
	it('asks for the newest entries of the organization through the (organization, time, id) index', async () => {
		const { api, requests } = apiWith(() => ({ status: 200, body: rows([3, 2]) }));
		const result = await api.page(params);
		expect(result).toEqual({ ok: true, data: rows([3, 2]) });
		const url = requests[0]!;
		expect(url.pathname).toBe('/rest/v1/activity_log');
		expect(url.searchParams.get('select')).toBe(
			'id,occurred_at,actor_type,actor_id,target_id,action,changes,details,request_id'
		);
		expect(url.searchParams.get('organization_id')).toBe(`eq.${ORG_ID}`);
		expect(url.searchParams.get('order')).toBe('occurred_at.desc,id.desc');
		expect(url.searchParams.get('limit')).toBe('51');
		expect(url.searchParams.has('offset')).toBe(false);
		expect(url.searchParams.has('or')).toBe(false);
	});

	it('sends the filters: the user as target, the action, and the range as instants', async () => {
		const { api, requests } = apiWith(() => ({ status: 200, body: [] }));
		await api.page({
			...params,
			userId: USER,
			action: 'role_changed',
			from: '2026-11-01T04:00:00.000Z',
			to: '2026-11-02T05:00:00.000Z'
		});
		const search = requests[0]!.searchParams;
		expect(search.get('target_id')).toBe(`eq.${USER}`);
		expect(search.get('action')).toBe('eq.role_changed');
		expect(search.getAll('occurred_at')).toEqual([
			'gte.2026-11-01T04:00:00.000Z',
			'lt.2026-11-02T05:00:00.000Z'
		]);
	});

	it('pages older by keyset: a bound the index scan starts at, and the tie on the same instant by id', async () => {
		const { api, requests } = apiWith(() => ({ status: 200, body: [] }));
		await api.page({ ...params, cursor: { direction: 'older', occurredAt: AT, id: 4711 } });
		const search = requests[0]!.searchParams;
		expect(search.get('occurred_at')).toBe(`lte.${AT}`);
		expect(search.get('or')).toBe(
			`(occurred_at.lt."${AT}",and(occurred_at.eq."${AT}",id.lt.4711))`
		);
		expect(search.get('order')).toBe('occurred_at.desc,id.desc');
		// The + of the zone reaches the server as a plus, not as a space.
		expect(requests[0]!.search).toContain('%2B00%3A00');
	});

	it('pages newer walking up the index, and hands the page back newest first', async () => {
		const { api, requests } = apiWith(() => ({ status: 200, body: rows([5, 6, 7]) }));
		const result = await api.page({
			...params,
			cursor: { direction: 'newer', occurredAt: AT, id: 4 }
		});
		expect(result.ok && result.data.map((entry) => entry.id)).toEqual([7, 6, 5]);
		const search = requests[0]!.searchParams;
		expect(search.get('occurred_at')).toBe(`gte.${AT}`);
		expect(search.get('or')).toBe(`(occurred_at.gt."${AT}",and(occurred_at.eq."${AT}",id.gt.4))`);
		expect(search.get('order')).toBe('occurred_at.asc,id.asc');
	});

	it('says what went wrong in the console’s words', async () => {
		const { api } = apiWith(() => ({
			status: 401,
			body: { code: '42501', message: 'permission denied for table activity_log' }
		}));
		const result = await api.page(params);
		expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
		const cancelled = new AbortController();
		cancelled.abort();
		const { api: hung } = apiWith(() => ({ status: 200, body: [] }));
		expect(await hung.page(params, { signal: cancelled.signal })).toMatchObject({
			ok: false,
			error: { code: 'cancelled' }
		});
	});
});

describe('ActivityApi names, people and search', () => {
	it('takes names and the search from the users API', async () => {
		const grace = makeUser({ first_name: 'Grace', last_name: 'Hopper' });
		const users = new FakeUsersApi([grace, makeUser()]);
		const { api, requests } = apiWith(() => ({ status: 200, body: [] }), users);
		expect(await api.names([grace.id])).toEqual({
			ok: true,
			data: [{ id: grace.id, first_name: 'Grace', last_name: 'Hopper' }]
		});
		const found = await api.searchUsers(ORG_ID, 'hopper');
		expect(found).toEqual({
			ok: true,
			data: [{ id: grace.id, first_name: 'Grace', last_name: 'Hopper', email: grace.email }]
		});
		expect(users.listCalls[0]).toMatchObject({ search: 'hopper', pageSize: 8, withCount: false });
		expect(requests).toHaveLength(0);
	});

	it('looks people up with their addresses in requests of at most 150 ids', async () => {
		const ids = Array.from(
			{ length: 320 },
			(_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
		);
		const { api, requests } = apiWith((url) => ({
			status: 200,
			body: (url.searchParams.get('id') ?? '')
				.replace(/^in\.\(|\)$/g, '')
				.split(',')
				.map((id) => ({ id, first_name: 'A', last_name: 'B', email: `${id}@demo.test` }))
		}));
		const result = await api.people(ids);
		expect(result.ok && result.data.map((person) => person.id)).toEqual(ids);
		expect(requests.map((url) => url.searchParams.get('select'))).toEqual(
			Array(3).fill('id,first_name,last_name,email')
		);
		expect(requests.map((url) => url.searchParams.get('id')!.split(',').length)).toEqual([
			150, 150, 20
		]);
	});
});
