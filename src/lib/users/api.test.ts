import { FunctionsFetchError, FunctionsHttpError } from '@supabase/supabase-js';
import { describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '$shared/error-codes.ts';
import type { AppClient } from '$lib/supabase/client';
import { fakeFrom, type RecordedQuery } from '$lib/testing/fake-query';
import { ORG_ID } from '$lib/testing/fake-users-api';
import { REQUEST_TIMEOUT_MS } from '$lib/supabase/deadline';
import { staleSignInBefore, UsersApi, type ListParams } from './api';
import { CLIENT_ERRORS } from './errors';
import { USER_COLUMNS } from './types';

const params: ListParams = {
	organizationId: ORG_ID,
	search: '',
	role: '',
	status: '',
	sort: 'name',
	ascending: true,
	position: { from: 'start' },
	pageSize: 50,
	withCount: false
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

const ID = '00000000-0000-4000-8000-000000000007';
/** Rows as list_users returns them, in display order (only their ids matter here). */
const rowsWith = (...ids: string[]) => ids.map((id) => ({ id }));
const idsOf = (result: Awaited<ReturnType<UsersApi['list']>>) =>
	result.ok ? result.data.rows.map((row) => row.id) : result;
/** What one database function was called with: its JSON body and its rpc() options. */
const rpcCall = (log: RecordedQuery[], fn: string) =>
	log.find((query) => query.table === `rpc/${fn}`)?.calls[0];
/** The body list_users gets for the default view (first page, by name, ascending, 50 a page). */
const PLAIN_PAGE = { search: '', sort: 'name', descending: false, page_size: 51 };

describe('UsersApi.list', () => {
	it('asks list_users for the first page by POST: the view, one row more than shown, the table’s columns', async () => {
		const { api, log } = apiWith(() => ({ data: [], error: null }));
		const result = await api.list(params);
		expect(result).toEqual({ ok: true, data: { rows: [], total: null, more: false } });
		// Nothing but the page: the total is asked only with withCount.
		expect(log.map((query) => query.table)).toEqual(['rpc/list_users']);
		const calls = log[0]!.calls;
		// No rpc options: POST (a GET would read "cs.lewis" as a filter), no count of the page.
		expect(calls[0]).toEqual(['rpc', [PLAIN_PAGE, undefined]]);
		expect(calls).toContainEqual(['select', [USER_COLUMNS]]);
		// Every request carries a signal: it times out, and the list cancels one it no longer needs.
		expect(calls.at(-1)).toEqual(['abortSignal', [expect.any(AbortSignal)]]);
		// The organization is the caller's own: the database decides it, nothing filters by it here.
		expect(JSON.stringify(calls)).not.toContain(ORG_ID);
	});

	it.each([
		['right after a user', { after: ID }, { after: ID, page_size: 51 }],
		['right before a user', { before: ID }, { before: ID, page_size: 51 }],
		['the last page, a full one', { from: 'end' }, { last_page: true, page_size: 51 }],
		['the last page with what is left', { from: 'end', size: 5 }, { last_page: true, page_size: 6 }]
	] as const)('asks for the page %s', async (_label, position, body) => {
		const { api, log } = apiWith(() => ({ data: [], error: null }));
		await api.list({ ...params, position });
		expect(rpcCall(log, 'list_users')).toEqual(['rpc', [{ ...PLAIN_PAGE, ...body }, undefined]]);
	});

	it('sends the filters, the search trimmed, the order and its direction', async () => {
		const { api, log } = apiWith(() => ({ data: [], error: null }));
		await api.list({
			...params,
			search: '  ada lovelace ',
			role: 'manager',
			status: 'inactive',
			signedIn: 'never',
			sort: 'created_at',
			ascending: false,
			pageSize: 10
		});
		expect(rpcCall(log, 'list_users')).toEqual([
			'rpc',
			[
				{
					search: 'ada lovelace',
					role: 'manager',
					status: 'inactive',
					never_signed_in: true,
					sort: 'created_at',
					descending: true,
					page_size: 11
				},
				undefined
			]
		]);
	});

	it('filters those not signed in for 90 days by the moment the view fixed, or 90 days ago', async () => {
		const { api, log } = apiWith(() => ({ data: [], error: null }));
		const before = '2026-09-02T10:00:00.000Z';
		await api.list({ ...params, signedIn: 'not_in_90_days', signedInBefore: before });
		expect(rpcCall(log, 'list_users')?.[1][0]).toEqual({
			...PLAIN_PAGE,
			signed_in_before: before
		});
		// Without one given: 90 days before now.
		await api.list({ ...params, signedIn: 'not_in_90_days' });
		const body = log.at(-1)!.calls[0]![1][0] as { signed_in_before: string };
		expect(body).not.toHaveProperty('never_signed_in');
		const cutoff = Date.parse(body.signed_in_before);
		expect(Math.abs(cutoff - (Date.now() - 90 * 86_400_000))).toBeLessThan(60_000);
		expect(staleSignInBefore(Date.parse('2026-12-01T00:00:00Z'))).toBe('2026-09-02T00:00:00.000Z');
	});

	it('drops the extra row read forwards (the last) and says more follow', async () => {
		const { api } = apiWith(() => ({ data: rowsWith('a', 'b', 'c', 'd'), error: null }));
		const page = await api.list({ ...params, pageSize: 3 });
		expect(idsOf(page)).toEqual(['a', 'b', 'c']);
		expect(page.ok && page.data.more).toBe(true);
		const after = await api.list({ ...params, pageSize: 3, position: { after: ID } });
		expect(idsOf(after)).toEqual(['a', 'b', 'c']);
		expect(after.ok && after.data.more).toBe(true);
	});

	it.each([
		['before a user', { before: ID }, 3],
		['at the end', { from: 'end' }, 3],
		['at the end with what is left', { from: 'end', size: 2 }, 2]
	] as const)(
		'drops the extra row of a page read backwards %s (the first, in display order)',
		async (_label, position, size) => {
			const shown = ['b', 'c', 'd'].slice(-size);
			const { api } = apiWith(() => ({ data: rowsWith('a', ...shown), error: null }));
			const page = await api.list({ ...params, pageSize: 3, position });
			expect(idsOf(page)).toEqual(shown);
			expect(page.ok && page.data.more).toBe(true);
		}
	);

	it('keeps every row of a page that is the end of the list, with nothing more beyond', async () => {
		const { api } = apiWith(() => ({ data: rowsWith('a', 'b', 'c'), error: null }));
		for (const position of [{ from: 'start' }, { before: ID }, { from: 'end' }] as const) {
			const page = await api.list({ ...params, pageSize: 3, position });
			expect(page).toEqual({
				ok: true,
				data: { rows: rowsWith('a', 'b', 'c'), total: null, more: false }
			});
		}
		const short = await api.list({ ...params, pageSize: 3, position: { from: 'end', size: 2 } });
		// Two asked for, two and the one before came: the one before is dropped.
		expect(idsOf(short)).toEqual(['b', 'c']);
	});

	it('counts the view through count_users with the page, only when asked', async () => {
		const { api, log } = apiWith((query) =>
			query.table === 'rpc/count_users'
				? { data: { users: 1000, accuracy: 'more_than' }, error: null }
				: { data: rowsWith('a'), error: null }
		);
		const result = await api.list({
			...params,
			search: ' ada ',
			role: 'admin',
			signedIn: 'never',
			position: { after: ID },
			withCount: true
		});
		expect(result).toEqual({
			ok: true,
			data: { rows: rowsWith('a'), total: { users: 1000, accuracy: 'more_than' }, more: false }
		});
		// The view alone: no order, no page.
		expect(rpcCall(log, 'count_users')).toEqual([
			'rpc',
			[{ search: 'ada', role: 'admin', never_signed_in: true }, undefined]
		]);
		const count = log.find((query) => query.table === 'rpc/count_users')!.calls;
		expect(count).toContainEqual(['abortSignal', [expect.any(AbortSignal)]]);
		expect(count.at(-1)).toEqual(['maybeSingle', []]);
	});

	it.each([
		[
			{ users: 4321, accuracy: 'exact' },
			{ users: 4321, accuracy: 'exact' }
		],
		[
			{ users: 46_000, accuracy: 'estimate' },
			{ users: 46_000, accuracy: 'estimate' }
		],
		// Not an active admin: the function returns no row at all.
		[null, { users: 0, accuracy: 'exact' }]
	])('reads the count %j as %j', async (answer, total) => {
		// A full page with more after it: the page cannot tell the total.
		const { api } = apiWith((query) =>
			query.table === 'rpc/count_users'
				? { data: answer, error: null }
				: { data: rowsWith('a', 'b', 'c', 'd'), error: null }
		);
		const result = await api.list({ ...params, pageSize: 3, withCount: true });
		expect(result.ok && result.data.total).toEqual(total);
	});

	it('takes a first page with nothing after it as the exact total, whatever the count said', async () => {
		const { api, log } = apiWith((query) =>
			query.table === 'rpc/count_users'
				? { data: { users: 66, accuracy: 'estimate' }, error: null }
				: { data: rowsWith('a', 'b'), error: null }
		);
		const result = await api.list({ ...params, search: 'zelford', pageSize: 3, withCount: true });
		expect(result.ok && result.data.total).toEqual({ users: 2, accuracy: 'exact' });
		// Asked at once, not one after the other.
		expect(log.map((query) => query.table).sort()).toEqual(['rpc/count_users', 'rpc/list_users']);
		// Elsewhere in the list a short page says nothing of the rows before it: the count stands.
		const later = await api.list({
			...params,
			search: 'zelford',
			pageSize: 3,
			position: { after: ID },
			withCount: true
		});
		expect(later.ok && later.data.total).toEqual({ users: 66, accuracy: 'estimate' });
	});

	it('says the page’s start is gone when list_users refuses it (PT404)', async () => {
		const { api } = apiWith((query) =>
			query.table === 'rpc/list_users'
				? {
						data: null,
						error: { code: 'PT404', message: 'the page starts at a user who is not in the list' }
					}
				: { data: { users: 3, accuracy: 'exact' }, error: null }
		);
		expect(await api.list({ ...params, position: { after: ID }, withCount: true })).toEqual({
			ok: false,
			error: { code: 'page_start_gone', message: ERROR_CODES.page_start_gone.message }
		});
	});

	it('fails as a whole when the count fails, in the console’s words', async () => {
		const { api } = apiWith((query) =>
			query.table === 'rpc/count_users'
				? { data: null, error: { code: 'PGRST001', message: 'could not connect' } }
				: { data: rowsWith('a', 'b'), error: null }
		);
		expect(await api.list({ ...params, pageSize: 1, withCount: true })).toEqual({
			ok: false,
			error: { code: 'service_unavailable', message: ERROR_CODES.service_unavailable.message }
		});
		const offline = apiWith(() => ({
			data: null,
			error: { code: '', message: 'TypeError: Failed to fetch' },
			status: 0
		}));
		expect(await offline.api.list(params)).toMatchObject({ ok: false, error: { code: 'network' } });
	});

	it('tells a cancelled page from a network failure', async () => {
		const controller = new AbortController();
		const { api } = apiWith(() => {
			controller.abort();
			return { data: null, error: { code: '20', message: 'AbortError' }, status: 0 };
		});
		expect(await api.list(params, { signal: controller.signal })).toMatchObject({
			ok: false,
			error: { code: 'cancelled' }
		});
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

describe('UsersApi.importBatch', () => {
	const rows = [
		{ first_name: 'Ada', last_name: 'Lovelace', email: 'ada@demo.test', role: 'admin' as const }
	];

	it('sends a batch to import-users, checking only when asked, and hands on the results', async () => {
		const results = [{ status: 'new' }];
		const { api, invoke } = apiWith(undefined, { data: { results }, error: null });
		expect(await api.importBatch(rows, { checkOnly: true })).toEqual({
			ok: true,
			data: { results }
		});
		expect(invoke).toHaveBeenCalledWith('import-users', {
			body: { rows, check_only: true },
			signal: expect.any(AbortSignal)
		});
		await api.importBatch(rows);
		expect(invoke.mock.calls[1]?.[1].body).toEqual({ rows });
	});
});
