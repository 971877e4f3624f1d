import { describe, expect, it } from 'vitest';
import { countStrategy, finishCount } from './count.ts';
import { parseQueryString } from './parse.ts';
import { planRead, type ReadRequest } from './read-plan.ts';
import { buildCache, restError } from './schema-fixture.ts';

const cache = buildCache();

function request(name: string, query: string, options: Partial<ReadRequest> = {}): ReadRequest {
	return {
		schema: 'public',
		name,
		params: parseQueryString(query),
		range: { offset: 0 },
		countPreference: undefined,
		maxRows: undefined,
		...options
	};
}

describe('read plans', () => {
	it("plans a table's rows with the request's range and filters at the top level", () => {
		const { root, count } = planRead(
			cache,
			request('users', 'select=id,email&role=eq.admin', { range: { offset: 10, limit: 5 } })
		);
		expect(root).toMatchObject({
			table: { name: 'users' },
			alias: undefined,
			range: { offset: 10, limit: 5 },
			where: [{ kind: 'filter' }]
		});
		expect(root.select.map((column) => column.field.name)).toEqual(['id', 'email']);
		expect(count).toEqual({ kind: 'none' });
	});

	it('refuses tables the schema cache does not have, naming a close one', () => {
		const missing = restError(() => planRead(cache, request('user', '')));
		expect([missing.status, missing.code, missing.hint]).toEqual([
			404,
			'PGRST205',
			"Perhaps you meant the table 'public.users'"
		]);
		expect(restError(() => planRead(cache, request('xyz', ''))).hint).toBeNull();
		expect(
			restError(() => planRead(cache, { ...request('users', ''), schema: 'private' })).code
		).toBe('PGRST205');
	});
});

describe('count strategies', () => {
	it('follow Prefer: count, estimating only beyond max_rows', () => {
		expect(countStrategy(undefined, 10)).toEqual({ kind: 'none' });
		expect(countStrategy('exact', 10)).toEqual({ kind: 'exact' });
		expect(countStrategy('planned', undefined)).toEqual({ kind: 'planned' });
		expect(countStrategy('estimated', undefined)).toEqual({ kind: 'exact' });
		expect(countStrategy('estimated', 10)).toEqual({ kind: 'estimated', maxRows: 10 });
		expect(
			planRead(cache, request('users', '', { countPreference: 'estimated', maxRows: 3 })).count
		).toEqual({ kind: 'estimated', maxRows: 3 });
	});

	it('report the counted total, or the estimate where the strategy asks for it', async () => {
		const estimate = async () => 500;
		expect(await finishCount({ kind: 'exact' }, 7, estimate)).toBe(7);
		expect(await finishCount({ kind: 'none' }, undefined, estimate)).toBeUndefined();
		expect(await finishCount({ kind: 'planned' }, undefined, estimate)).toBe(500);
		expect(await finishCount({ kind: 'estimated', maxRows: 10 }, 10, estimate)).toBe(10);
		expect(await finishCount({ kind: 'estimated', maxRows: 10 }, 11, estimate)).toBe(500);
		expect(await finishCount({ kind: 'estimated', maxRows: 10 }, 11, async () => 3)).toBe(11);
	});
});
