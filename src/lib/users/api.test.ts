import { FunctionsFetchError, FunctionsHttpError } from '@supabase/supabase-js';
import { describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '$shared/error-codes.ts';
import type { AppClient } from '$lib/supabase/client';
import { fakeFrom, type RecordedQuery } from '$lib/testing/fake-query';
import { makeUser as user, ORG_ID } from '$lib/testing/fake-users-api';
import { REQUEST_TIMEOUT_MS } from '$lib/supabase/deadline';
import { cursorRow, staleSignInBefore, UsersApi, type ListParams } from './api';
import { CLIENT_ERRORS } from './errors';

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

type FunctionAnswer = { data: unknown; error: Error | null };

function apiWith(
	answer: Parameters<typeof fakeFrom>[0] = () => ({ data: [], error: null, count: 0 }),
	functionAnswer: FunctionAnswer = { data: { user: {} }, error: null }
) {
	const log: RecordedQuery[] = [];
	const invoke = vi.fn(
		async (_name: string, _options: { body: unknown; signal?: AbortSignal }) => functionAnswer
	);
	const from = fakeFrom(answer, log);
	// rpc() starts a query like from() does; its arguments are recorded as the first call.
	const rpc = (fn: string, args: unknown, options: unknown) => {
		const query = from(`rpc/${fn}`) as Record<string, (...a: unknown[]) => unknown>;
		return query.rpc!(args, options);
	};
	const client = { from, rpc, functions: { invoke } } as unknown as AppClient;
	return { api: new UsersApi(client), log, invoke };
}

const countersAnswer =
	(rows: Array<{ users: number }>, pageAnswer: ReturnType<Parameters<typeof fakeFrom>[0]>) =>
	(query: RecordedQuery) =>
		query.table === 'organization_user_counts' ? { data: rows, error: null } : pageAnswer;

describe('UsersApi.list', () => {
	it('always filters by the organization, asks for one range, and takes the total from the counters', async () => {
		const { api, log } = apiWith(
			countersAnswer([{ users: 4000 }, { users: 321 }], { data: [], error: null, count: null })
		);
		const result = await api.list({ ...params, page: 3 });
		expect(result).toEqual({ ok: true, data: { rows: [], total: 4321 } });
		const page = log.find((q) => q.table === 'users')!.calls;
		// No count asked of the page: the total comes from the counters.
		expect(page[0]).toEqual(['select', [expect.stringContaining('email'), undefined]]);
		expect(page).toContainEqual(['eq', ['organization_id', ORG_ID]]);
		// The order matches the (organization_id, last_name, first_name, id) index.
		expect(page.filter(([name]) => name === 'order').map(([, args]) => args[0])).toEqual([
			'last_name',
			'first_name',
			'id'
		]);
		expect(page.find(([name]) => name === 'range')).toEqual(['range', [150, 199]]);
		// Every request carries a signal: it times out, and the list cancels one it no longer needs.
		expect(page.at(-1)).toEqual(['abortSignal', [expect.any(AbortSignal)]]);
		const counters = log.find((q) => q.table === 'organization_user_counts')!.calls;
		expect(counters).toEqual([
			['select', ['users']],
			['eq', ['organization_id', ORG_ID]],
			['abortSignal', [expect.any(AbortSignal)]]
		]);
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
		await api.list({
			...params,
			withCount: false,
			role: 'manager',
			status: 'inactive',
			sort: 'created_at',
			ascending: false
		});
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
		expect(calls.filter(([name]) => name === 'order').map(([, args]) => args[0])).toEqual([
			'last_name',
			'first_name',
			'id'
		]);
	});

	it('pages by keyset after a row: index-friendly bound, tie-breaks, no offset', async () => {
		const { api, log } = apiWith();
		const row = {
			last_name: "O'Brien, Jr.",
			first_name: 'Ann "Al"',
			id: '00000000-0000-4000-8000-000000000001'
		};
		await api.list({
			...params,
			page: 1800,
			withCount: false,
			cursor: { direction: 'after', row }
		});
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
		const result = await api.list({
			...params,
			withCount: false,
			cursor: { direction: 'before', row }
		});
		expect(result.ok && result.data.rows.map((r) => r.id)).toEqual(['a', 'b']);
		const calls = log[0]!.calls;
		expect(calls).toContainEqual(['lte', ['last_name', 'M']]);
		expect(calls.filter(([name]) => name === 'order').map(([, args]) => args)).toEqual([
			['last_name', { ascending: false }],
			['first_name', { ascending: false }],
			['id', { ascending: false }]
		]);
	});
});

const orders = (calls: RecordedQuery['calls']) =>
	calls.filter(([name]) => name === 'order').map(([, args]) => args);
const T = '2026-11-30T08:15:42.123456+00:00';
const ID = '00000000-0000-4000-8000-000000000007';

describe('UsersApi.list by last sign-in', () => {
	it('sorts as the index reads: never first ascending, last descending, then by id', async () => {
		const { api, log } = apiWith();
		await api.list({ ...params, sort: 'last_sign_in_at', withCount: false });
		expect(orders(log[0]!.calls)).toEqual([
			['last_sign_in_at', { ascending: true, nullsFirst: true }],
			['id', { ascending: true }]
		]);
		await api.list({ ...params, sort: 'last_sign_in_at', ascending: false, withCount: false });
		expect(orders(log[1]!.calls)).toEqual([
			['last_sign_in_at', { ascending: false, nullsFirst: false }],
			['id', { ascending: false }]
		]);
	});

	it('pages after a sign-in time by keyset, with the time as the database wrote it', async () => {
		const { api, log } = apiWith();
		const row = cursorRow('last_sign_in_at', { ...user(), last_sign_in_at: T, id: ID })!;
		expect(row).toEqual({ last_sign_in_at: T, id: ID });
		await api.list({
			...params,
			sort: 'last_sign_in_at',
			page: 3,
			withCount: false,
			cursor: { direction: 'after', row }
		});
		const calls = log[0]!.calls;
		expect(calls).toContainEqual(['gte', ['last_sign_in_at', T]]);
		expect(calls).toContainEqual([
			'or',
			[`last_sign_in_at.gt."${T}",and(last_sign_in_at.eq."${T}",id.gt.${ID})`]
		]);
		expect(calls).toContainEqual(['limit', [50]]);
		expect(calls.some(([name]) => name === 'range')).toBe(false);
	});

	it('pages before a sign-in time backwards: earlier times and every never come before it', async () => {
		const { api, log } = apiWith(() => ({ data: [{ id: 'b' }, { id: 'a' }], error: null }));
		const result = await api.list({
			...params,
			sort: 'last_sign_in_at',
			withCount: false,
			cursor: { direction: 'before', row: { last_sign_in_at: T, id: ID } }
		});
		expect(result.ok && result.data.rows.map((r) => r.id)).toEqual(['a', 'b']);
		const calls = log[0]!.calls;
		expect(calls).toContainEqual([
			'or',
			[
				`last_sign_in_at.lt."${T}",last_sign_in_at.is.null,and(last_sign_in_at.eq."${T}",id.lt.${ID})`
			]
		]);
		expect(orders(calls)[0]).toEqual(['last_sign_in_at', { ascending: false, nullsFirst: false }]);
	});

	it('pages around a user who never signed in: the other nevers by id, then every time', async () => {
		const { api, log } = apiWith();
		const row = { last_sign_in_at: null, id: ID };
		await api.list({
			...params,
			sort: 'last_sign_in_at',
			withCount: false,
			cursor: { direction: 'after', row }
		});
		expect(log[0]!.calls).toContainEqual([
			'or',
			[`and(last_sign_in_at.is.null,id.gt.${ID}),last_sign_in_at.not.is.null`]
		]);
		await api.list({
			...params,
			sort: 'last_sign_in_at',
			withCount: false,
			cursor: { direction: 'before', row }
		});
		expect(log[1]!.calls).toContainEqual(['is', ['last_sign_in_at', null]]);
		expect(log[1]!.calls).toContainEqual(['lt', ['id', ID]]);
		// Descending, "after" walks towards the nevers: the same filter as ascending "before".
		await api.list({
			...params,
			sort: 'last_sign_in_at',
			ascending: false,
			withCount: false,
			cursor: { direction: 'after', row }
		});
		expect(log[2]!.calls).toContainEqual(['lt', ['id', ID]]);
	});

	it('keys pages only in the orders an index serves that way', () => {
		const row = { ...user(), last_name: 'L', first_name: 'F', id: ID };
		expect(cursorRow('name', row)).toEqual({ last_name: 'L', first_name: 'F', id: ID });
		expect(cursorRow('email', row)).toBeUndefined();
		expect(cursorRow('created_at', row)).toBeUndefined();
	});

	it('filters those who never signed in, counting them exactly with the page (no counters)', async () => {
		const { api, log } = apiWith(() => ({ data: [], error: null, count: 17 }));
		const result = await api.list({ ...params, signedIn: 'never', role: 'member' });
		expect(result).toEqual({ ok: true, data: { rows: [], total: 17 } });
		expect(log.map((q) => q.table)).toEqual(['users']);
		const calls = log[0]!.calls;
		expect(calls[0]).toEqual(['select', [expect.any(String), { count: 'exact' }]]);
		expect(calls).toContainEqual(['is', ['last_sign_in_at', null]]);
		expect(calls).toContainEqual(['eq', ['role', 'member']]);
	});

	it('filters those not signed in for 90 days: never, or before the moment the view fixed', async () => {
		const { api, log } = apiWith(() => ({ data: [], error: null, count: 3 }));
		const before = '2026-09-02T10:00:00.000Z';
		await api.list({ ...params, signedIn: 'not_in_90_days', signedInBefore: before });
		expect(log[0]!.calls).toContainEqual([
			'or',
			[`last_sign_in_at.is.null,last_sign_in_at.lt."${before}"`]
		]);
		// Without one given: 90 days before now.
		await api.list({ ...params, signedIn: 'not_in_90_days' });
		const sent = String(log.at(-1)!.calls.find(([name]) => name === 'or')?.[1][0]);
		const cutoff = Date.parse(/lt\."(.+)"$/.exec(sent)![1]!);
		expect(Math.abs(cutoff - (Date.now() - 90 * 86_400_000))).toBeLessThan(60_000);
		expect(staleSignInBefore(Date.parse('2026-12-01T00:00:00Z'))).toBe('2026-09-02T00:00:00.000Z');
	});

	it('combines a sign-in filter with a search, both counted together', async () => {
		const { api, log } = apiWith(() => ({ data: [], error: null, count: 2 }));
		await api.list({ ...params, search: 'ada', signedIn: 'never' });
		expect(log.map((q) => q.table)).toEqual(['rpc/search_users']);
		expect(log[0]!.calls[0]).toEqual(['rpc', [{ search: 'ada' }, { get: true, count: 'exact' }]]);
		expect(log[0]!.calls).toContainEqual(['is', ['last_sign_in_at', null]]);
	});
});

describe('UsersApi sessions', () => {
	it('reads a user’s sessions from public.user_sessions with a GET', async () => {
		const session = { id: 's1', current: true };
		const { api, log } = apiWith(() => ({ data: [session], error: null }));
		expect(await api.sessions('u1')).toEqual({ ok: true, data: [session] });
		expect(log[0]!.table).toBe('rpc/user_sessions');
		expect(log[0]!.calls[0]).toEqual(['rpc', [{ user_id: 'u1' }, { get: true }]]);
		expect(log[0]!.calls.at(-1)).toEqual(['abortSignal', [expect.any(AbortSignal)]]);
	});

	it('ends every session of a user through update-user end_sessions', async () => {
		const { api, invoke } = apiWith(undefined, {
			data: { user: { id: 'u1' }, ended: 2 },
			error: null
		});
		expect(await api.endSessions('u1')).toEqual({
			ok: true,
			data: { user: { id: 'u1' }, ended: 2 }
		});
		expect(invoke).toHaveBeenCalledWith('update-user', {
			body: { user_id: 'u1', action: 'end_sessions' },
			signal: expect.any(AbortSignal)
		});
	});
});

/** What supabase-js gives for a function's non-2xx answer. */
const httpError = (status: number, body: unknown) =>
	new FunctionsHttpError(
		new Response(typeof body === 'string' ? body : JSON.stringify(body), {
			status,
			headers: { 'content-type': 'application/json' }
		})
	);

describe('UsersApi writes', () => {
	it('saves another user’s names, email and role in one update_profile request', async () => {
		const { api, invoke, log } = apiWith(undefined, {
			data: { user: { id: 'u1', first_name: 'Gracie' } },
			error: null
		});
		const result = await api.updateProfile('u1', {
			first_name: 'Gracie',
			email: 'gracie@demo.test',
			role: 'manager'
		});
		expect(result).toEqual({ ok: true, data: { user: { id: 'u1', first_name: 'Gracie' } } });
		expect(invoke).toHaveBeenCalledTimes(1);
		expect(invoke).toHaveBeenCalledWith('update-user', {
			body: {
				user_id: 'u1',
				action: 'update_profile',
				first_name: 'Gracie',
				email: 'gracie@demo.test',
				role: 'manager'
			},
			signal: expect.any(AbortSignal)
		});
		// Nothing went to the Data API.
		expect(log).toEqual([]);
	});

	it('sends the values the screen showed, so a change made meanwhile is refused, not overwritten', async () => {
		const { api, invoke } = apiWith();
		await api.updateProfile('u1', { last_name: 'Murray' }, { last_name: 'Hopper' });
		expect(invoke.mock.calls[0]?.[1].body).toEqual({
			user_id: 'u1',
			action: 'update_profile',
			last_name: 'Murray',
			expected: { last_name: 'Hopper' }
		});
	});

	it('hands on the current row that comes with a user_changed refusal', async () => {
		const now = { id: 'u1', last_name: 'Murray' };
		const { api } = apiWith(undefined, {
			data: null,
			error: httpError(409, { error: { code: 'user_changed', message: 'x', user: now } })
		});
		expect(await api.updateProfile('u1', { last_name: 'M' }, { last_name: 'H' })).toEqual({
			ok: false,
			error: {
				code: 'user_changed',
				message: ERROR_CODES.user_changed.message,
				status: 409,
				user: now
			}
		});
	});

	it('tells a cancelled request and one that ran out of time from a network failure', async () => {
		const hanging = (_name: string, options: { signal?: AbortSignal }) =>
			new Promise<FunctionAnswer>((resolve) =>
				options.signal?.addEventListener('abort', () =>
					resolve({ data: null, error: new FunctionsFetchError(options.signal!.reason) })
				)
			);
		const { api, invoke } = apiWith();
		invoke.mockImplementation(hanging);
		const controller = new AbortController();
		const cancelled = api.setActive('u1', false, { signal: controller.signal });
		controller.abort();
		expect(await cancelled).toMatchObject({ ok: false, error: { code: 'cancelled' } });

		const impatient = new UsersApi({ functions: { invoke } } as unknown as AppClient, 20);
		expect(await impatient.setActive('u1', false)).toMatchObject({
			ok: false,
			error: { code: 'timeout', message: CLIENT_ERRORS.timeout }
		});
		expect(CLIENT_ERRORS.timeout).toContain(`${REQUEST_TIMEOUT_MS / 1000} seconds`);
	});

	it('reads a Data API answer with no HTTP status as the network failing, not the database', async () => {
		const { api } = apiWith(() => ({
			data: null,
			error: { code: '', message: 'TypeError: Failed to fetch' },
			status: 0
		}));
		expect(await api.get('u1')).toMatchObject({ ok: false, error: { code: 'network' } });
	});

	it('shows a function’s refusal in the shared words for its code, whatever the server wrote', async () => {
		const { api } = apiWith(undefined, {
			data: null,
			error: httpError(409, {
				error: { code: 'last_admin', message: 'some other wording', request_id: 'r1' }
			})
		});
		expect(await api.updateProfile('u1', { role: 'member' })).toEqual({
			ok: false,
			error: { code: 'last_admin', message: ERROR_CODES.last_admin.message, status: 409 }
		});
	});

	it('keeps the field issues a function sends', async () => {
		const fields = { email: 'This email is already in use' };
		const { api } = apiWith(undefined, {
			data: null,
			error: httpError(409, { error: { code: 'email_taken', message: 'x', fields } })
		});
		expect(await api.updateProfile('u1', { email: 'taken@demo.test' })).toEqual({
			ok: false,
			error: { code: 'email_taken', message: ERROR_CODES.email_taken.message, fields, status: 409 }
		});
	});

	it('says so when an answer is not the functions’ error shape, or nothing answered', async () => {
		const proxy = apiWith(undefined, {
			data: null,
			error: httpError(502, '<html>Bad gateway</html>')
		});
		expect(await proxy.api.setActive('u1', false)).toMatchObject({
			ok: false,
			error: { code: 'unexpected_response', status: 502 }
		});
		const unknownCode = apiWith(undefined, {
			data: null,
			error: httpError(418, { error: { code: 'teapot', message: 'short and stout' } })
		});
		expect(await unknownCode.api.setActive('u1', false)).toMatchObject({
			ok: false,
			error: { code: 'unexpected_response' }
		});
		const offline = apiWith(undefined, {
			data: null,
			error: new FunctionsFetchError(new TypeError('fetch failed'))
		});
		expect(await offline.api.setActive('u1', true)).toMatchObject({
			ok: false,
			error: { code: 'network' }
		});
	});

	it('saves one’s own names through the Data API', async () => {
		const { api, log, invoke } = apiWith(() => ({
			data: { id: 'me', first_name: 'Ada' },
			error: null
		}));
		expect(await api.updateOwnNames('me', { first_name: 'Ada', last_name: 'Lovelace' })).toEqual({
			ok: true,
			data: { id: 'me', first_name: 'Ada' }
		});
		expect(log[0]?.calls.slice(0, 2)).toEqual([
			['update', [{ first_name: 'Ada', last_name: 'Lovelace' }]],
			['eq', ['id', 'me']]
		]);
		expect(invoke).not.toHaveBeenCalled();
	});

	it('changes one’s own names only while they are still the ones shown, and says when they were not', async () => {
		const now = { id: 'me', first_name: 'Adele', last_name: 'Lovelace' };
		// The update matches no row (names changed meanwhile); the re-read shows the newer names.
		const { api, log } = apiWith((query) =>
			query.calls.some(([name]) => name === 'update')
				? { data: null, error: null }
				: { data: now, error: null }
		);
		const result = await api.updateOwnNames(
			'me',
			{ first_name: 'Ada', last_name: 'Byron' },
			{ first_name: 'Ada', last_name: 'Lovelace' }
		);
		expect(log[0]?.calls).toContainEqual(['eq', ['first_name', 'Ada']]);
		expect(log[0]?.calls).toContainEqual(['eq', ['last_name', 'Lovelace']]);
		expect(result).toMatchObject({ ok: false, error: { code: 'user_changed', user: now } });
	});

	it('asks for the names of several users at once, and nothing for none', async () => {
		const { api, log } = apiWith(() => ({
			data: [{ id: 'a', first_name: 'Ada', last_name: 'L' }],
			error: null
		}));
		expect(await api.names([])).toEqual({ ok: true, data: [] });
		expect(log).toEqual([]);
		expect(await api.names(['a', 'b'])).toMatchObject({ ok: true, data: [{ id: 'a' }] });
		expect(log[0]?.calls).toContainEqual(['in', ['id', ['a', 'b']]]);
		// With the organization, the ids are read within it (the planner's guess otherwise reads all).
		await api.names(['a'], { organizationId: 'org-1' });
		expect(log[1]?.calls).toContainEqual(['eq', ['organization_id', 'org-1']]);
	});

	it.each([
		['PT409', 'anything at all', 'last_admin'],
		['PT403', 'anything at all', 'cannot_change_self'],
		['42501', 'permission denied for table users', 'forbidden'],
		['PGRST001', 'could not connect', 'service_unavailable'],
		['XX000', 'at least one active admin', 'database_error']
	] as const)('maps the Data API’s %s by its code alone to %s', async (code, message, expected) => {
		const { api } = apiWith(() => ({ data: null, error: { code, message } }));
		expect(await api.updateOwnNames('me', { first_name: 'A', last_name: 'B' })).toEqual({
			ok: false,
			error: { code: expected, message: ERROR_CODES[expected].message }
		});
	});

	it('puts a check-constraint refusal (23514) on the field the constraint guards', async () => {
		const { api } = apiWith(() => ({
			data: null,
			error: {
				code: '23514',
				message: 'new row for relation "users" violates check constraint "users_last_name_length"'
			}
		}));
		expect(await api.updateOwnNames('me', { first_name: 'A', last_name: 'B' })).toEqual({
			ok: false,
			error: {
				code: 'invalid_input',
				message: ERROR_CODES.invalid_input.message,
				fields: { last_name: ERROR_CODES.invalid_input.message }
			}
		});
	});

	it('says "no such user" when the row is not visible', async () => {
		const { api } = apiWith(() => ({ data: null, error: null }));
		expect(await api.get('missing')).toEqual({
			ok: false,
			error: { code: 'user_not_found', message: ERROR_CODES.user_not_found.message }
		});
	});
});
