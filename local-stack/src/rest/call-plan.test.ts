import { describe, expect, it } from 'vitest';
import { callArguments, findRoutine, planCall, type CallRequest } from './call-plan.ts';
import { parseQueryString } from './parse.ts';
import { buildCache, restError, routines } from './schema-fixture.ts';

const cache = buildCache();

function request(
	name: string,
	options: {
		get?: string;
		post?: string;
		query?: string;
		count?: CallRequest['countPreference'];
		maxRows?: number;
	} = {}
): CallRequest {
	const readMethod = options.get !== undefined;
	const params = parseQueryString(options.get ?? options.query ?? '', { rpcRead: readMethod });
	const args = callArguments({
		readMethod,
		queryArgs: params.rpcArgs,
		contentType: 'application/json',
		body: options.post ?? ''
	});
	return {
		schema: 'public',
		name,
		params,
		args,
		readMethod,
		range: params.ranges.get('') ?? { offset: 0 },
		countPreference: options.count,
		maxRows: options.maxRows
	};
}

const plan = (...args: Parameters<typeof request>) => planCall(cache, request(...args));

describe('call arguments', () => {
	it('takes GET arguments from the query string and POST arguments from a JSON object', () => {
		const fromQuery = callArguments({
			readMethod: true,
			queryArgs: [
				['search', 'a'],
				['max', '5']
			],
			contentType: undefined,
			body: ''
		});
		expect(fromQuery).toEqual({
			json: { text: '{"search":"a","max":"5"}', isObject: true },
			names: ['search', 'max']
		});
		expect(
			callArguments({
				readMethod: false,
				queryArgs: [],
				contentType: 'application/json',
				body: '{"max": 5.0}'
			})
		).toEqual({ json: { text: '{"max": 5.0}', isObject: true }, names: ['max'] });
		expect(
			callArguments({ readMethod: false, queryArgs: [], contentType: undefined, body: '  ' })
		).toEqual({ json: { text: '{}', isObject: true }, names: [] });
	});

	it('refuses bodies that are not one JSON object, and other media types', () => {
		expect(
			restError(() =>
				callArguments({
					readMethod: false,
					queryArgs: [],
					contentType: 'application/json',
					body: '[1]'
				})
			).code
		).toBe('PGRST102');
		expect(
			restError(() =>
				callArguments({ readMethod: false, queryArgs: [], contentType: 'text/csv', body: '{}' })
			).status
		).toBe(415);
	});
});

describe('finding the function', () => {
	it('picks the overload whose parameters the arguments name, defaults optional', () => {
		expect(findRoutine(cache, 'public', 'over', ['a'], true)).toBe(routines.overNumber);
		expect(findRoutine(cache, 'public', 'over', ['a', 'b'], true)).toBe(routines.overText);
		expect(findRoutine(cache, 'public', 'search_users', ['search'], false)).toBe(
			routines.searchUsers
		);
	});

	it('answers missing and ambiguous functions as PostgREST does, with a hint', () => {
		const missing = restError(() => plan('search_users', { post: '{"max":1}' }));
		expect(missing.toJSON()).toMatchObject({
			code: 'PGRST202',
			message: 'Could not find the function public.search_users(max) in the schema cache',
			hint: 'Perhaps you meant to call the function public.search_users(max, search)'
		});
		expect(missing.status).toBe(404);
		expect(restError(() => plan('serch_users', { post: '{}' })).hint).toBe(
			'Perhaps you meant to call the function public.search_users'
		);
		const unknownArgument = restError(() => plan('add', { get: 'a=1&b=2&c=3' }));
		expect([unknownArgument.code, unknownArgument.details]).toEqual([
			'PGRST202',
			'Searched for the function public.add with parameters a, b, c, but no matches were found in the schema cache.'
		]);
		// With a default for b, `over(a)` could be either overload.
		const ambiguous = {
			...routines.overText,
			params: [
				{ name: 'a', type: 'text', hasDefault: false },
				{ name: 'b', type: 'text', hasDefault: true }
			]
		};
		const twice = {
			...cache,
			routines: new Map([['public.over', [routines.overNumber, ambiguous]]])
		};
		expect(
			restError(() => findRoutine(twice, 'public', 'over', ['a'], true)).toJSON()
		).toMatchObject({ code: 'PGRST203' });
	});
});

describe('call plans', () => {
	it('passes the given arguments in the order of the parameters', () => {
		const call = plan('search_users', { post: '{"max":3,"search":"a"}' });
		expect([call.routine, call.argumentNames, call.args]).toEqual([
			routines.searchUsers,
			['search', 'max'],
			{ text: '{"max":3,"search":"a"}', isObject: true }
		]);
	});

	it('reads rows through a read plan on the result, single values only by range', () => {
		const rows = plan('search_users', {
			get: 'search=a&select=id,organizations(name)&role=eq.admin&order=email&limit=5'
		});
		expect(rows.argumentNames).toEqual(['search']);
		expect(rows.result).toMatchObject({
			table: { name: 'users' },
			range: { offset: 0, limit: 5 },
			order: [{ field: { name: 'email' } }]
		});
		expect(rows.result?.where).toHaveLength(1);
		expect(rows.result?.embeds[0]?.relationship.constraint).toBe('users_organization_id_fkey');
		expect(
			plan('counts', { get: 'select=label&n=gt.1' }).result?.table.columns.map(
				(column) => column.name
			)
		).toEqual(['label', 'n']);
		const value = plan('add', { get: 'a=1&b=2&limit=1' });
		expect([value.result, value.range]).toEqual([undefined, { offset: 0, limit: 1 }]);
		expect(restError(() => plan('counts', { get: 'select=nope' })).toJSON()).toMatchObject({
			code: '42703',
			message: 'column pgrst_source.nope does not exist'
		});
	});

	it('runs GET calls and calls of stable or immutable functions read-only', () => {
		expect(plan('search_users', { get: 'search=a' }).readOnly).toBe(true);
		expect(plan('search_users', { post: '{"search":"a"}' }).readOnly).toBe(true);
		expect(plan('add', { post: '{"a":1,"b":2}' }).readOnly).toBe(true);
		expect(plan('touch', { post: '{}' }).readOnly).toBe(false);
		expect(plan('touch', { get: '' }).readOnly).toBe(true);
	});

	it('counts a call only exactly, as PostgREST does: planned gives no total, estimated an exact one', () => {
		expect(plan('search_users', { get: 'search=a', count: 'exact' }).count).toEqual({
			kind: 'exact'
		});
		expect(plan('search_users', { get: 'search=a', count: 'planned' }).count).toEqual({
			kind: 'none'
		});
		expect(
			plan('search_users', { get: 'search=a', count: 'estimated', maxRows: 10 }).count
		).toEqual({ kind: 'exact' });
		expect(plan('search_users', { get: 'search=a' }).count).toEqual({ kind: 'none' });
		expect(plan('add', { get: 'a=1&b=2', count: 'planned' }).count).toEqual({ kind: 'none' });
		expect(plan('add', { get: 'a=1&b=2', count: 'estimated' }).count).toEqual({ kind: 'exact' });
		expect(plan('add', { get: 'a=1&b=2' }).count).toEqual({ kind: 'none' });
	});
});
