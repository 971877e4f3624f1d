import { describe, expect, it } from 'vitest';
import { parseWriteBody } from './body.ts';
import { mergesDuplicates, planMutation, type MutateRequest } from './mutate-plan.ts';
import { parseQueryString } from './parse.ts';
import { buildCache, restError } from './schema-fixture.ts';

const cache = buildCache();

function request(
	kind: 'insert' | 'update' | 'delete',
	query: string,
	body: string | undefined,
	preferences: MutateRequest['preferences'] = {},
	name = 'users'
): MutateRequest {
	const base = { schema: 'public', name, params: parseQueryString(query), preferences };
	return kind === 'delete'
		? { ...base, kind }
		: { ...base, kind, body: parseWriteBody(body ?? '{}') };
}

const plan = (...args: Parameters<typeof request>) => planMutation(cache, request(...args));
const names = (columns: Array<{ name: string }>) => columns.map((column) => column.name);

describe('write bodies', () => {
	it('accepts one object or an array of objects, keeping the text for Postgres to decode', () => {
		expect(parseWriteBody('{"n": 1.50}')).toEqual({
			json: { text: '{"n": 1.50}', isObject: true },
			rows: [{ n: 1.5 }]
		});
		expect(parseWriteBody('[{"a":1},{"a":2}]').json.isObject).toBe(false);
		expect(restError(() => parseWriteBody('[1]')).code).toBe('PGRST102');
		expect(restError(() => parseWriteBody('"text"')).code).toBe('PGRST102');
		expect(restError(() => parseWriteBody('{')).code).toBe('PGRST102');
	});
});

describe('inserts', () => {
	it("writes the body's keys, or the columns parameter, each looked up in the table", () => {
		const insert = plan('insert', '', '{"email":"a@x.test","id":"1"}').mutation;
		expect(insert).toMatchObject({
			kind: 'insert',
			applyDefaults: false,
			onConflict: undefined,
			returning: []
		});
		expect(insert.kind === 'insert' && names(insert.columns)).toEqual(['email', 'id']);
		const listed = plan('insert', 'columns=id,email,id', '{"id":"1","ignored":true}', {
			missing: 'default'
		}).mutation;
		expect(listed.kind === 'insert' && [names(listed.columns), listed.applyDefaults]).toEqual([
			['id', 'email'],
			true
		]);
	});

	it('refuses unknown columns (PGRST204) and arrays whose objects have different keys', () => {
		expect(restError(() => plan('insert', '', '{"nope":1}')).toJSON()).toMatchObject({
			code: 'PGRST204',
			message: "Could not find the 'nope' column of 'users' in the schema cache"
		});
		expect(restError(() => plan('insert', 'columns=id,nope', '{"id":"1"}')).code).toBe('PGRST204');
		expect(
			restError(() => plan('insert', '', '[{"id":"1"},{"email":"b"}]')).toJSON()
		).toMatchObject({ code: 'PGRST102', message: 'All object keys must match' });
		expect(
			names(
				(
					plan('insert', '', '[{"id":"1","email":"a"},{"email":"b","id":"2"}]').mutation as {
						columns: Array<{ name: string }>;
					}
				).columns
			)
		).toEqual(['id', 'email']);
	});

	it('upserts on the primary key, or on on_conflict, only when a resolution is preferred', () => {
		const merge = plan('insert', '', '{"id":"1"}', { resolution: 'merge-duplicates' }).mutation;
		expect(merge).toMatchObject({
			onConflict: { resolution: 'merge-duplicates', columns: ['id'] }
		});
		expect(mergesDuplicates(merge)).toBe(true);
		const ignore = plan('insert', 'on_conflict=email', '{"id":"1"}', {
			resolution: 'ignore-duplicates'
		}).mutation;
		expect(ignore).toMatchObject({
			onConflict: { resolution: 'ignore-duplicates', columns: ['email'] }
		});
		expect(mergesDuplicates(ignore)).toBe(false);
		expect(plan('insert', 'on_conflict=email', '{"id":"1"}').mutation).toMatchObject({
			onConflict: undefined
		});
		// Without a primary key there is nothing to conflict on: a plain insert.
		expect(
			plan('insert', '', '{"message":"m"}', { resolution: 'merge-duplicates' }, 'audit_log')
				.mutation
		).toMatchObject({ onConflict: undefined });
		expect(
			restError(() =>
				plan('insert', 'on_conflict=nope', '{"id":"1"}', { resolution: 'merge-duplicates' })
			).toJSON()
		).toMatchObject({
			code: '42703',
			message: 'column "nope" does not exist'
		});
	});
});

describe('the response of a write', () => {
	it('returns nothing but a row count unless the representation is asked for', () => {
		const minimal = plan('insert', 'select=id', '{"id":"1"}', { return: 'minimal' });
		expect([minimal.representation, minimal.mutation.returning]).toEqual([false, []]);
		expect(plan('delete', '', undefined, { return: 'representation' }).mutation.returning).toEqual([
			'*'
		]);
		expect(
			plan('delete', 'select=*,organizations(name)', undefined, { return: 'representation' })
				.mutation.returning
		).toEqual(['*']);
	});

	it("returns the selected columns and the join keys the response's embeds need", () => {
		const { mutation, response, representation } = plan(
			'update',
			'select=email,organizations(name),created_by(email)&id=eq.1',
			'{"first_name":"A"}',
			{ return: 'representation' }
		);
		expect(representation).toBe(true);
		expect(mutation.returning).toEqual(['email', 'organization_id', 'created_by']);
		expect(response.embeds.map((embed) => embed.name)).toEqual(['organizations', 'created_by']);
	});

	it('still checks the select when no representation is returned', () => {
		expect(restError(() => plan('delete', 'select=nope', undefined)).toJSON()).toMatchObject({
			code: '42703',
			message: 'column pgrst_source.nope does not exist'
		});
	});

	it('applies top-level filters to the write and embedded ones to the response', () => {
		const { mutation, response } = plan(
			'update',
			'select=id,organizations(name)&id=eq.1&or=(role.eq.admin)&organizations.name=eq.Acme',
			'{"first_name":"A"}'
		);
		expect(mutation.kind === 'update' && mutation.conditions.map((logic) => logic.kind)).toEqual([
			'filter',
			'expr'
		]);
		expect(response.where).toEqual([]);
		expect(response.embeds[0]?.node.where).toHaveLength(1);
	});
});

describe('updates and deletes', () => {
	it('plan the written columns and the narrowing filters against the table', () => {
		const update = plan('update', 'id=eq.1', '{"first_name":"A","role":"admin"}').mutation;
		expect(update.kind === 'update' && [names(update.columns), update.body]).toEqual([
			['first_name', 'role'],
			{ text: '{"first_name":"A","role":"admin"}', isObject: true }
		]);
		const remove = plan('delete', 'id=in.(1,2)', undefined).mutation;
		expect(remove).toMatchObject({
			kind: 'delete',
			conditions: [{ kind: 'filter', field: { name: 'id' } }]
		});
	});

	it('refuse unknown tables with a hint, and filters on unknown columns', () => {
		expect(restError(() => plan('delete', '', undefined, {}, 'user')).toJSON()).toMatchObject({
			code: 'PGRST205',
			hint: "Perhaps you meant the table 'public.users'"
		});
		expect(restError(() => plan('update', 'nope=eq.1', '{"email":"x"}')).toJSON()).toMatchObject({
			code: '42703',
			message: 'column users.nope does not exist'
		});
	});
});
