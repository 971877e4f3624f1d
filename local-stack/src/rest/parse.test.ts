import { describe, expect, it } from 'vitest';
import {
	MAX_NESTING,
	parseFilterValue,
	parseLogicTree,
	parseOrder,
	parseQueryString,
	parseSelect,
	QueryParseError
} from './parse.ts';

function parseFailure(run: () => unknown): QueryParseError {
	try {
		run();
	} catch (error) {
		if (error instanceof QueryParseError) return error;
		throw error;
	}
	throw new Error('expected a parse error');
}

describe('select', () => {
	it('parses columns, aliases, casts and star', () => {
		expect(parseSelect('id,name:first_name,id::text,*')).toEqual([
			{
				kind: 'field',
				field: { name: 'id', jsonPath: [] },
				alias: undefined,
				cast: undefined,
				aggregate: undefined
			},
			{
				kind: 'field',
				field: { name: 'first_name', jsonPath: [] },
				alias: 'name',
				cast: undefined,
				aggregate: undefined
			},
			{
				kind: 'field',
				field: { name: 'id', jsonPath: [] },
				alias: undefined,
				cast: 'text',
				aggregate: undefined
			},
			{ kind: 'field', field: { name: '*', jsonPath: [] } }
		]);
	});

	it('parses embedded resources with alias, hint, join type and nesting', () => {
		const [embed] = parseSelect(
			'org:organizations!users_organization_id_fkey!inner(id,owner:users(email))'
		);
		expect(embed).toMatchObject({
			kind: 'relation',
			relation: 'organizations',
			alias: 'org',
			hint: 'users_organization_id_fkey',
			joinType: 'inner',
			children: [
				{ kind: 'field', field: { name: 'id' } },
				{ kind: 'relation', relation: 'users', alias: 'owner' }
			]
		});
	});

	it('parses spreads, empty embeds and JSON paths', () => {
		expect(parseSelect('...organizations(name)')[0]).toMatchObject({
			kind: 'spread',
			relation: 'organizations'
		});
		expect(parseSelect('organizations()')[0]).toMatchObject({ kind: 'relation', children: [] });
		expect(parseSelect('data->tags->>0')[0]).toMatchObject({
			field: {
				name: 'data',
				jsonPath: [
					{ arrow: '->', operand: 'tags', isIndex: false },
					{ arrow: '->>', operand: '+0', isIndex: true }
				]
			}
		});
	});

	it('keeps quoted names whole, commas and quotes included', () => {
		expect(parseSelect('"a,b","we\\"ird"')).toMatchObject([
			{ field: { name: 'a,b' } },
			{ field: { name: 'we"ird' } }
		]);
	});

	it('accepts an empty select (no columns)', () => {
		expect(parseSelect('')).toEqual([]);
	});

	it('marks aggregates so they can be refused', () => {
		expect(parseSelect('count()')[0]).toMatchObject({ aggregate: 'count' });
		expect(parseSelect('id.sum()')[0]).toMatchObject({ aggregate: 'sum' });
	});

	it('reports where a select stops making sense', () => {
		const error = parseFailure(() => parseSelect('id,clients(name[])'));
		expect(error.message).toBe(
			'"failed to parse select parameter (id,clients(name[]))" (line 1, column 16)'
		);
		expect(error.details).toMatch(/^unexpected "\[" expecting/);
		expect(parseFailure(() => parseSelect('id,organizations(name')).details).toContain(
			'end of input'
		);
		expect(parseFailure(() => parseSelect('*!hint')).message).toContain('column 2');
	});
});

describe('select: only names reach the statement (issue 12 #10)', () => {
	it('takes a cast only when it is a type name: plain, schema-qualified, [] or of several SQL words', () => {
		const castOf = (select: string) => (parseSelect(select)[0] as { cast?: string }).cast;
		expect(castOf('id::text')).toBe('text');
		expect(castOf('id::TEXT ')).toBe('TEXT');
		expect(castOf('id::public.user_role')).toBe('public.user_role');
		expect(castOf('id::text[]')).toBe('text[]');
		expect(castOf('id::int[][]')).toBe('int[][]');
		expect(castOf('id::double precision')).toBe('double precision');
		expect(castOf('id::timestamp with time zone')).toBe('timestamp with time zone');
		expect(castOf('id::a$b')).toBe('a$b');
		expect(parseSelect('n::int.sum()')[0]).toMatchObject({ cast: 'int', aggregate: 'sum' });
		expect(parseSelect('data->x::text,id')).toHaveLength(2);
	});

	it.each([
		'id::text $$',
		'id::text $$ ) from pg_authid --',
		'id::text)',
		'id::text);select 1',
		'id::int;drop table users',
		"id::text'",
		'id::"text"',
		'id::text collate "C"',
		'id::text or true',
		'id::$1',
		'id::1text',
		'id::',
		'id:: text',
		'id::varchar(10)',
		'id::text[1]',
		'id::public.',
		'id::a.b.c',
		'id::text--',
		'id::text/**/',
		'id.sum()::text $$',
		'count()::int $$'
	])('refuses the cast in %j with PGRST100', (select) => {
		expect(parseFailure(() => parseSelect(select))).toBeInstanceOf(QueryParseError);
	});

	it('points at what follows the type name', () => {
		const error = parseFailure(() => parseSelect('id::text $$'));
		expect(error.message).toBe(
			'"failed to parse select parameter (id::text $$)" (line 1, column 10)'
		);
		expect(error.details).toMatch(/^unexpected "\$" expecting/);
	});

	it('refuses aliases and JSON keys that would be written as an empty identifier', () => {
		for (const select of ['"":id', ' :id', '"\u0000":id', '"":organizations(name)', 'data->""']) {
			expect([select, parseFailure(() => parseSelect(select))]).toEqual([
				select,
				expect.any(QueryParseError)
			]);
		}
		expect(parseSelect('"a\\"b":id')[0]).toMatchObject({ alias: 'a"b' });
		expect(parseSelect('key:data->""')[0]).toMatchObject({
			alias: 'key',
			field: { jsonPath: [{ operand: '' }] }
		});
	});
});

describe('filters', () => {
	it('parses operators, negation and values verbatim', () => {
		expect(parseFilterValue('eq.admin')).toEqual({
			negated: false,
			operation: { kind: 'quant', operator: 'eq', quantifier: undefined, value: 'admin' }
		});
		expect(parseFilterValue('not.neq.a.b,c')).toEqual({
			negated: true,
			operation: { kind: 'simple', operator: 'neq', value: 'a.b,c' }
		});
		expect(parseFilterValue('ilike.*ad*')).toMatchObject({
			operation: { operator: 'ilike', value: '*ad*' }
		});
		expect(parseFilterValue('like(any).{a*,b*}')).toMatchObject({
			operation: { operator: 'like', quantifier: 'any', value: '{a*,b*}' }
		});
		expect(parseFilterValue('gte.2024-01-01')).toMatchObject({ operation: { operator: 'gte' } });
	});

	it('parses in-lists with quoted elements', () => {
		expect(parseFilterValue('in.(admin,"a,b","say \\"hi\\"")')).toEqual({
			negated: false,
			operation: { kind: 'in', values: ['admin', 'a,b', 'say "hi"'] }
		});
		expect(parseFilterValue('not.in.()')).toEqual({
			negated: true,
			operation: { kind: 'in', values: [''] }
		});
	});

	it('parses is, isdistinct and full-text search', () => {
		expect(parseFilterValue('is.NULL')).toMatchObject({ operation: { kind: 'is', value: 'null' } });
		expect(parseFilterValue('not.is.not_null')).toMatchObject({
			negated: true,
			operation: { kind: 'is', value: 'not_null' }
		});
		expect(parseFilterValue('isdistinct.x')).toMatchObject({
			operation: { kind: 'isdistinct', value: 'x' }
		});
		expect(parseFilterValue('wfts(english).cat dog')).toMatchObject({
			operation: { kind: 'fts', operator: 'wfts', language: 'english', value: 'cat dog' }
		});
	});

	it('refuses unknown operators with PostgREST message shape', () => {
		const error = parseFailure(() => parseFilterValue('noop.0'));
		expect(error.message).toBe('"failed to parse filter (noop.0)" (line 1, column 1)');
		expect(error.details).toBe('unexpected "n" expecting "not" or operator (eq, gt, ...)');
		expect(parseFailure(() => parseFilterValue('eq')).details).toContain('delimiter (.)');
		expect(parseFailure(() => parseFilterValue('is.maybe')).details).toContain('isVal');
		expect(parseFailure(() => parseFilterValue('in.(a,b')).details).toContain('end of input');
	});
});

describe('logic trees', () => {
	it('parses nested and/or with negation', () => {
		expect(
			parseLogicTree('or', '(role.eq.admin,not.and(status.eq.active,first_name.ilike.*a*))')
		).toEqual({
			kind: 'expr',
			negated: false,
			operator: 'or',
			children: [
				{
					kind: 'filter',
					filter: {
						field: { name: 'role', jsonPath: [] },
						expr: {
							negated: false,
							operation: { kind: 'quant', operator: 'eq', quantifier: undefined, value: 'admin' }
						}
					}
				},
				{
					kind: 'expr',
					negated: true,
					operator: 'and',
					children: [
						{
							kind: 'filter',
							filter: {
								field: { name: 'status', jsonPath: [] },
								expr: {
									negated: false,
									operation: {
										kind: 'quant',
										operator: 'eq',
										quantifier: undefined,
										value: 'active'
									}
								}
							}
						},
						{
							kind: 'filter',
							filter: {
								field: { name: 'first_name', jsonPath: [] },
								expr: {
									negated: false,
									operation: {
										kind: 'quant',
										operator: 'ilike',
										quantifier: undefined,
										value: '*a*'
									}
								}
							}
						}
					]
				}
			]
		});
	});

	it('takes quoted values, arrays and in-lists inside trees', () => {
		const tree = parseLogicTree(
			'or',
			'(email.eq."a,b@x.test",tags.cs.{a,b},role.in.(admin,member))'
		);
		expect(tree).toMatchObject({
			children: [
				{ filter: { expr: { operation: { value: 'a,b@x.test' } } } },
				{ filter: { expr: { operation: { operator: 'cs', value: '{a,b}' } } } },
				{ filter: { expr: { operation: { kind: 'in', values: ['admin', 'member'] } } } }
			]
		});
	});

	it('refuses malformed trees', () => {
		expect(parseFailure(() => parseLogicTree('or', '(role.eq.admin')).message).toContain(
			'failed to parse logic tree ((role.eq.admin)'
		);
		expect(parseFailure(() => parseLogicTree('or', 'role.eq.admin')).details).toBe(
			'unexpected "r" expecting "("'
		);
		expect(() => parseLogicTree('or', '()')).toThrow(QueryParseError);
	});
});

describe('order', () => {
	it('parses directions, null ordering and related orders', () => {
		expect(parseOrder('last_name.desc.nullslast,first_name,organizations(name).asc')).toEqual([
			{ field: { name: 'last_name', jsonPath: [] }, direction: 'desc', nulls: 'last' },
			{ field: { name: 'first_name', jsonPath: [] } },
			{ relation: 'organizations', field: { name: 'name', jsonPath: [] }, direction: 'asc' }
		]);
	});

	it('refuses unknown modifiers', () => {
		expect(parseFailure(() => parseOrder('id.ac')).details).toContain('"asc"');
		expect(() => parseOrder('id.desc.nullsmiddle')).toThrow(QueryParseError);
	});
});

describe('nesting', () => {
	it('refuses embeds and logic trees nested deeper than the limit, instead of overflowing the stack', () => {
		expect(parseSelect(`${'users('.repeat(MAX_NESTING)}id${')'.repeat(MAX_NESTING)}`)).toHaveLength(
			1
		);
		const select = parseFailure(() => parseSelect(`${'users('.repeat(5000)}id${')'.repeat(5000)}`));
		expect(select.details).toContain(`at most ${MAX_NESTING} levels of nesting`);
		const logic = parseFailure(() =>
			parseLogicTree('or', `(${'and('.repeat(5000)}a.eq.1${')'.repeat(5001)}`)
		);
		expect(logic.details).toContain('levels of nesting');
	});
});

describe('query string', () => {
	it('sorts parameters into select, filters, logic, order and ranges', () => {
		const params = parseQueryString(
			'select=id,organizations(name)&role=eq.admin&organizations.name=like.A*&or=(a.eq.1,b.eq.2)&order=id.desc&limit=10&offset=20&organizations.limit=1&apikey=secret',
			{ ignore: ['apikey'] }
		);
		expect(params.select).toHaveLength(2);
		expect(params.filters.map((f) => [f.path, f.filter.field.name])).toEqual([
			[[], 'role'],
			[['organizations'], 'name']
		]);
		expect(params.logic).toHaveLength(1);
		expect(params.order[0]?.terms[0]).toMatchObject({ direction: 'desc' });
		expect(params.ranges.get('')).toEqual({ offset: 20, limit: 10 });
		expect(params.ranges.get('organizations')).toEqual({ offset: 0, limit: 1 });
		expect(params.canonical).not.toContain('apikey');
	});

	it('decodes percent-escapes and plus signs the way URLSearchParams encodes them', () => {
		const search = new URLSearchParams({
			first_name: 'ilike.*jean luc+x*',
			select: 'id'
		}).toString();
		expect(parseQueryString(search).filters[0]?.filter.expr.operation).toMatchObject({
			value: '*jean luc+x*'
		});
	});

	it('refuses a filter without operator on tables, and makes it an argument on rpc reads', () => {
		expect(() => parseQueryString('first_name=Ada')).toThrow(QueryParseError);
		expect(parseQueryString('name=Ada&id=eq.1', { rpcRead: true }).rpcArgs).toEqual([
			['name', 'Ada']
		]);
	});

	it('ignores limits that are not numbers and keeps negative ones for the range check', () => {
		expect(parseQueryString('limit=ten').ranges.size).toBe(0);
		expect(parseQueryString('limit=-1').ranges.get('')).toEqual({ offset: 0, limit: -1 });
	});

	it('parses hostile names and values as plain data', () => {
		const params = parseQueryString(
			`${encodeURIComponent('"x\\"; drop table users; --"')}=eq.${encodeURIComponent("'; delete from users; --")}`
		);
		expect(params.filters[0]?.filter.field.name).toBe('x"; drop table users; --');
		expect(params.filters[0]?.filter.expr.operation).toMatchObject({
			value: "'; delete from users; --"
		});
	});

	it('survives malformed percent-escapes', () => {
		const params = parseQueryString('first_name=eq.%E0%A4%A&id=eq.%zz');
		expect(params.filters.map((f) => f.filter.expr.operation)).toMatchObject([
			{ value: '%E0%A4%A' },
			{ value: '%zz' }
		]);
	});
});
