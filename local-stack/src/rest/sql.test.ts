import { describe, expect, it } from 'vitest';
import { parseQueryString, QueryParseError } from './parse.ts';
import { findRelationship, planRead, ReadPlanner, type ReadNode } from './read-plan.ts';
import type { Routine } from './schema-cache.ts';
import {
	buildCache,
	column,
	organizations,
	restError,
	transfers,
	users
} from './schema-fixture.ts';
import { parseWriteBody } from './body.ts';
import { callArguments, planCall } from './call-plan.ts';
import { planMutation } from './mutate-plan.ts';
import {
	arrayLiteral,
	callSql,
	castTypeSql,
	callStatement,
	countSql,
	deleteSql,
	insertSql,
	mutateStatement,
	Params,
	quoteIdent,
	readSql,
	readStatement,
	resultStatement,
	updateSql,
	writeStatement
} from './sql.ts';

const cache = buildCache();

function plan(query: string, target = users): ReadNode {
	const params = parseQueryString(query);
	return new ReadPlanner(cache).plan(target, params, {
		rootReference: target.name,
		rootRange: params.ranges.get('') ?? { offset: 0 },
		applyRootConditions: true
	});
}

function read(query: string, target = users): { sql: string; values: Array<string | null> } {
	const params = new Params();
	return { sql: readSql(plan(query, target), { kind: 'table' }, params), values: params.values };
}

describe('identifiers and values', () => {
	it('quotes identifiers as PostgREST does, cutting at NUL', () => {
		expect(quoteIdent('users')).toBe('"users"');
		expect(quoteIdent('we"ird')).toBe('"we""ird"');
		expect(quoteIdent('a\0"; drop table users; --')).toBe('"a"');
	});

	it('builds array literals whose elements cannot escape their quotes', () => {
		expect(arrayLiteral(['admin', 'a,b', 'say "hi"', 'back\\slash'])).toBe(
			'{"admin","a,b","say \\"hi\\"","back\\\\slash"}'
		);
	});

	it('binds every value and keeps hostile text out of the SQL', () => {
		const hostile = "x'); delete from users; --";
		const { sql, values } = read(
			`select=id,${encodeURIComponent('"we\\"ird"')}&first_name=eq.${encodeURIComponent(hostile)}&role=in.(admin,"${encodeURIComponent(hostile)}")`
		);
		expect(sql).not.toContain('delete from');
		expect(sql).toContain('"public"."users"."we""ird"');
		expect(values).toContain(hostile);
		expect(values).toContain(arrayLiteral(['admin', hostile]));
	});
});

describe('casts, aliases and JSON paths (issue 12 #10)', () => {
	it('writes cast types as keywords or quoted names, folded as Postgres folds them', () => {
		expect(castTypeSql('text')).toBe('"text"');
		expect(castTypeSql('TEXT')).toBe('"text"');
		expect(castTypeSql('int')).toBe('int');
		expect(castTypeSql('Integer[]')).toBe('integer[]');
		expect(castTypeSql('char')).toBe('char');
		expect(castTypeSql('public.user_role')).toBe('"public"."user_role"');
		expect(castTypeSql('double precision[]')).toBe('double precision[]');
		expect(castTypeSql('a$b')).toBe('"a$b"');
		for (const hostile of [
			'text $$',
			'text)',
			'int;drop table users',
			'text collate "C"',
			'"text"',
			'a.b.c',
			'',
			'text[1]',
			'double  precision'
		]) {
			expect(() => castTypeSql(hostile)).toThrow(/not a type name/);
		}
	});

	it('writes casts, aliases and JSON keys of a select so none can end its identifier or literal', () => {
		const alias = '"a\\"), (select 1) --"';
		const key = `"') or 1=1 --"`;
		const { sql, values } = read(
			`select=${encodeURIComponent(`${alias}:id::text,role::public.user_role[],email->>${key},first_name->0::int`)}`
		);
		expect(sql).toBe(
			'SELECT CAST( "public"."users"."id" AS "text" ) AS "a""), (select 1) --", CAST( "public"."users"."role" AS "public"."user_role"[] ), ' +
				`"public"."users"."email"->>$1 AS "') or 1=1 --", CAST( "public"."users"."first_name"->$2::int AS int ) AS "first_name" FROM "public"."users"`
		);
		expect(values).toEqual(["') or 1=1 --", '+0']);
	});

	it('never plans a select whose cast is not a type name', () => {
		for (const select of ['id::text $$', 'id::text)', 'id::int;select 1', 'email->>x::text $$']) {
			expect(() => read(`select=${encodeURIComponent(select)}`)).toThrow(QueryParseError);
		}
	});
});

describe('reads', () => {
	it('writes a filtered, ordered, limited select the planner can serve from an index', () => {
		const { sql, values } = read(
			'select=id,email&role=eq.admin&order=first_name.desc.nullslast,id&limit=50&offset=100'
		);
		expect(sql).toBe(
			'SELECT "public"."users"."id", "public"."users"."email" FROM "public"."users" WHERE "public"."users"."role" = $1 ' +
				'ORDER BY "public"."users"."first_name" DESC NULLS LAST, "public"."users"."id" LIMIT $2 OFFSET $3'
		);
		expect(values).toEqual(['admin', '50', '100']);
	});

	it('translates every operator', () => {
		const { sql, values } = read(
			'select=id&email=like.*@x.test&first_name=not.ilike.ad*&role=neq.admin&id=not.in.(a,b)&created_by=is.null&organization_id=isdistinct.x&email=gt.a&email=lte.z&first_name=eq(any).{a,b}'
		);
		expect(sql).toContain('"public"."users"."email" like $1');
		expect(sql).toContain('NOT "public"."users"."first_name" ilike $2');
		expect(sql).toContain('"public"."users"."role" <> $3');
		expect(sql).toContain('NOT "public"."users"."id" = ANY ($4)');
		expect(sql).toContain('"public"."users"."created_by" IS NULL');
		expect(sql).toContain('IS DISTINCT FROM $5');
		expect(sql).toContain('"public"."users"."email" > $6');
		expect(sql).toContain('"public"."users"."email" <= $7');
		expect(sql).toContain('"public"."users"."first_name" = ANY($8)');
		expect(values).toEqual(['%@x.test', 'ad%', 'admin', '{"a","b"}', 'x', 'a', 'z', '{a,b}']);
	});

	it('writes logic trees with their nesting and negation', () => {
		const { sql } = read('select=id&or=(role.eq.admin,not.and(email.like.*a*,first_name.is.null))');
		expect(sql).toContain(
			'WHERE ("public"."users"."role" = $1 OR NOT ("public"."users"."email" like $2 AND "public"."users"."first_name" IS NULL))'
		);
	});

	it('embeds a to-one relationship as an object through a lateral join', () => {
		const { sql } = read('select=email,org:organizations(name)');
		expect(sql).toBe(
			'SELECT "public"."users"."email", row_to_json("users_organizations_1".*)::jsonb AS "org" FROM "public"."users" ' +
				'LEFT JOIN LATERAL ( SELECT "organizations_1"."name" FROM "public"."organizations" AS "organizations_1" ' +
				'WHERE "organizations_1"."id" = "public"."users"."organization_id" ) AS "users_organizations_1" ON TRUE'
		);
	});

	it('embeds a to-many relationship as an array, filtered and limited inside the embed', () => {
		const { sql, values } = read(
			'select=name,users(email)&users.role=eq.admin&users.order=email&users.limit=2',
			organizations
		);
		expect(sql).toContain(
			`COALESCE( "organizations_users_1"."organizations_users_1", '[]') AS "users"`
		);
		expect(sql).toContain(
			'SELECT json_agg("organizations_users_1")::jsonb AS "organizations_users_1" FROM ( SELECT "users_1"."email" FROM "public"."users" AS "users_1" WHERE "users_1"."role" = $1 AND "users_1"."organization_id" = "public"."organizations"."id" ORDER BY "users_1"."email" LIMIT $2 OFFSET $3 )'
		);
		expect(values).toEqual(['admin', '2', '0']);
	});

	it('turns !inner and null filters on embeds into joins and EXISTS in the count', () => {
		const node = plan(
			'select=email,organizations!inner(name)&organizations.name=eq.Acme&created_by=is.null'
		);
		const params = new Params();
		expect(readSql(node, { kind: 'table' }, params)).toContain('INNER JOIN LATERAL');
		const count = countSql(node, { kind: 'table' }, new Params());
		expect(count).toBe(
			'SELECT 1 FROM "public"."users" WHERE "public"."users"."created_by" IS NULL AND EXISTS (SELECT 1 FROM "public"."organizations" AS "organizations_1" ' +
				'WHERE "organizations_1"."name" = $1 AND "organizations_1"."id" = "public"."users"."organization_id" )'
		);
		const antiJoin = countSql(
			plan('select=email,organizations(name)&organizations=is.null'),
			{ kind: 'table' },
			new Params()
		);
		expect(antiJoin).toContain(
			'WHERE NOT EXISTS (SELECT 1 FROM "public"."organizations" AS "organizations_1"'
		);
	});

	it('resolves self-references as PostgREST does: table name = children, column name = parent', () => {
		const { sql } = read('select=email,creator:created_by(email),created:users!created_by(email)');
		expect(sql).toContain('row_to_json("users_created_by_1".*)::jsonb AS "creator"');
		expect(sql).toContain('"users_1"."id" = "public"."users"."created_by"');
		expect(sql).toContain(`COALESCE( "users_users_2"."users_users_2", '[]') AS "created"`);
		expect(sql).toContain('"users_2"."created_by" = "public"."users"."id"');
	});

	it('spreads a to-one embed into the parent and orders by a related column', () => {
		const { sql } = read(
			'select=email,...organizations(org_name:name)&order=organizations(org_name).desc'
		);
		expect(sql).toContain('"users_organizations_1"."org_name"');
		expect(sql).toContain('ORDER BY "users_organizations_1"."org_name" DESC');
	});

	it("wraps the read in PostgREST's statement with count and JSON body built in Postgres", () => {
		const node = plan('select=id&limit=10');
		const params = new Params();
		const statement = resultStatement(
			readSql(node, { kind: 'table' }, params),
			{ kind: 'exact', sql: countSql(node, { kind: 'table' }, params) },
			'SELECT * FROM pgrst_source',
			{
				omit: false,
				singular: false,
				stripNulls: false
			}
		);
		expect(statement).toMatch(
			/^WITH pgrst_source AS \( SELECT .* LIMIT \$1 OFFSET \$2 \), pgrst_source_count AS \( SELECT 1 FROM "public"."users" \) /
		);
		expect(statement).toContain(
			'(SELECT pg_catalog.count(*) FROM pgrst_source_count) AS total_result_set'
		);
		expect(statement).toContain(`coalesce(json_agg(_postgrest_t), '[]')::text AS body`);
		const single = resultStatement('SELECT 1', { kind: 'none' }, 'SELECT * FROM pgrst_source', {
			omit: false,
			singular: true,
			stripNulls: true
		});
		expect(single).toContain(
			`coalesce(json_strip_nulls(json_agg(_postgrest_t)->0), 'null')::text AS body`
		);
		expect(single).toContain('null::bigint AS total_result_set');
	});
});

describe('plan errors', () => {
	it('reports unknown columns as Postgres does (42703)', () => {
		expect(restError(() => plan('select=nope')).toJSON()).toMatchObject({
			code: '42703',
			message: 'column users.nope does not exist'
		});
		expect(restError(() => plan('select=id,organizations(nope)')).message).toBe(
			'column organizations_1.nope does not exist'
		);
		expect(restError(() => plan('nope=eq.1')).code).toBe('42703');
		expect(restError(() => plan('order=nope')).code).toBe('42703');
	});

	it('reports missing and ambiguous relationships', () => {
		const missing = restError(() => plan('select=id,transfers!nope(id)'));
		expect(missing.toJSON()).toMatchObject({
			code: 'PGRST200',
			message: "Could not find a relationship between 'users' and 'transfers' in the schema cache"
		});
		expect(missing.status).toBe(400);
		const ambiguous = restError(() => plan('select=id,users(email)', transfers));
		expect(ambiguous.status).toBe(300);
		expect(ambiguous.code).toBe('PGRST201');
		expect(ambiguous.details).toHaveLength(2);
		expect(ambiguous.hint).toContain("'users!transfers_from_user_fkey'");
		expect(findRelationship(cache, transfers, 'users', 'to_user').constraint).toBe(
			'transfers_to_user_fkey'
		);
	});

	it('refuses filters on resources that are not embedded, and bad operators on embeds', () => {
		expect(restError(() => plan('select=id&organizations.name=eq.x')).code).toBe('PGRST108');
		expect(restError(() => plan('select=id,organizations(id)&organizations=eq.x')).code).toBe(
			'PGRST120'
		);
		expect(restError(() => plan('select=name,users(id)&order=users(id)', organizations)).code).toBe(
			'PGRST118'
		);
		expect(restError(() => plan('select=count()')).code).toBe('PGRST123');
		expect(restError(() => plan('select=...users(id)', organizations)).code).toBe('PGRST119');
	});
});

describe('writes', () => {
	it('inserts from a JSON body typed by the table, with upsert and returning', () => {
		const params = new Params();
		const sql = insertSql(
			{
				kind: 'insert',
				table: users,
				columns: [column('id', 'uuid'), column('email'), column('role', 'public.user_role')],
				body: { text: '[{"id":"1","email":"a@x.test","role":"admin"}]', isObject: false },
				applyDefaults: false,
				onConflict: { resolution: 'merge-duplicates', columns: ['id'] },
				returning: ['*']
			},
			params
		);
		expect(sql).toBe(
			'INSERT INTO "public"."users"("id", "email", "role") SELECT pgrst_body."id", pgrst_body."email", pgrst_body."role" ' +
				'FROM (SELECT $1::json AS json_data) pgrst_payload, LATERAL (SELECT "id", "email", "role" FROM json_to_recordset(pgrst_payload.json_data) AS _("id" uuid, "email" text, "role" public.user_role) ) pgrst_body ' +
				`WHERE set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) + 1)::text, true) <> '0' ` +
				'ON CONFLICT("id") DO UPDATE SET "id" = EXCLUDED."id", "email" = EXCLUDED."email", "role" = EXCLUDED."role" ' +
				`WHERE set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) - 1)::text, true) <> '-1' RETURNING "public"."users".*`
		);
		expect(params.values).toEqual(['[{"id":"1","email":"a@x.test","role":"admin"}]']);
	});

	it('fills missing keys with column defaults when asked (missing=default)', () => {
		const params = new Params();
		const sql = insertSql(
			{
				kind: 'insert',
				table: users,
				columns: [
					column('email'),
					column('role', 'public.user_role', `'member'::public.user_role`)
				],
				body: { text: '{"email":"a"}', isObject: true },
				applyDefaults: true,
				returning: []
			},
			params
		);
		expect(sql).toContain(
			`LATERAL (SELECT jsonb_build_object($2::text, 'member'::public.user_role) || pgrst_payload.json_data AS val) pgrst_json_defs`
		);
		expect(sql).toContain('jsonb_to_record(pgrst_json_defs.val)');
		expect(sql).toMatch(/ RETURNING 1$/);
		expect(params.values).toEqual(['{"email":"a"}', 'role']);
	});

	it('inserts default rows for empty objects', () => {
		const sql = insertSql(
			{
				kind: 'insert',
				table: organizations,
				columns: [],
				body: { text: '{}', isObject: true },
				applyDefaults: false,
				returning: ['id']
			},
			new Params()
		);
		expect(sql).toBe(
			'INSERT INTO "public"."organizations" SELECT  FROM (SELECT $1::json AS json_data) pgrst_payload, LATERAL (SELECT  FROM (values(1)) _ ) pgrst_body RETURNING "public"."organizations"."id"'
		);
	});

	it('updates with the request filters and returns nothing for an empty body', () => {
		const conditions = new ReadPlanner(cache).conditions(
			users,
			parseQueryString('id=eq.42&or=(role.eq.admin,role.eq.member)')
		);
		const params = new Params();
		const sql = updateSql(
			{
				kind: 'update',
				table: users,
				columns: [column('first_name')],
				body: { text: '{"first_name":"Ada"}', isObject: true },
				conditions,
				returning: []
			},
			params
		);
		expect(sql).toBe(
			'UPDATE "public"."users" SET "first_name" = pgrst_body."first_name" FROM (SELECT $1::json AS json_data) pgrst_payload, ' +
				'LATERAL (SELECT "first_name" FROM json_to_record(pgrst_payload.json_data) AS _("first_name" text) ) pgrst_body ' +
				'WHERE "public"."users"."id" = $2 AND ("public"."users"."role" = $3 OR "public"."users"."role" = $4) RETURNING 1'
		);
		expect(
			updateSql(
				{
					kind: 'update',
					table: users,
					columns: [],
					body: { text: '{}', isObject: true },
					conditions,
					returning: []
				},
				new Params()
			)
		).toBe('SELECT NULL FROM "public"."users" WHERE false');
	});

	it('deletes with filters and reads the response back from the CTE', () => {
		const params = new Params();
		const conditions = new ReadPlanner(cache).conditions(users, parseQueryString('id=eq.42'));
		const write = deleteSql(
			{ kind: 'delete', table: users, conditions, returning: ['id', 'organization_id'] },
			params
		);
		expect(write).toBe(
			'DELETE FROM "public"."users" WHERE "public"."users"."id" = $1 RETURNING "public"."users"."id", "public"."users"."organization_id"'
		);
		const response = new ReadPlanner(cache).plan(
			users,
			parseQueryString('select=id,organizations(name)'),
			{ rootReference: 'pgrst_source', rootRange: { offset: 0 }, applyRootConditions: false }
		);
		const select = readSql(response, { kind: 'cte' }, params);
		expect(select).toContain('FROM "pgrst_source" LEFT JOIN LATERAL');
		expect(select).toContain('"organizations_1"."id" = "pgrst_source"."organization_id"');
		const statement = writeStatement(
			write,
			select,
			{ omit: false, singular: false, stripNulls: false },
			false
		);
		expect(statement.startsWith('WITH pgrst_source AS ( DELETE FROM')).toBe(true);
		expect(statement).toContain(
			`'' AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total`
		);
	});
});

describe('calls', () => {
	const routine: Routine = {
		schema: 'public',
		name: 'search_users',
		params: [
			{ name: 'term', type: 'text', hasDefault: false },
			{ name: 'max', type: 'integer', hasDefault: true }
		],
		volatility: 'stable',
		returnsSet: true,
		returnKind: 'scalar',
		resultColumns: []
	};

	it('calls with named arguments decoded from a JSON object', () => {
		const params = new Params();
		expect(callSql(routine, ['term'], { text: '{"term":"x"}', isObject: true }, params)).toBe(
			'SELECT pgrst_call.pgrst_scalar FROM (SELECT $1::json AS json_data) pgrst_payload, LATERAL (SELECT "term" FROM json_to_record(pgrst_payload.json_data) AS _("term" text) LIMIT 1 ) pgrst_body, ' +
				'LATERAL (SELECT "public"."search_users"("term" := pgrst_body."term") pgrst_scalar) pgrst_call'
		);
		expect(
			callSql(
				{ ...routine, returnKind: 'composite' },
				[],
				{ text: '{}', isObject: true },
				new Params()
			)
		).toBe('SELECT pgrst_call.* FROM "public"."search_users"() pgrst_call');
	});
});

describe('statements of planned requests', () => {
	const shape = { omit: false, singular: false, stripNulls: false };

	it('counts a read as its plan says: exactly, up to max_rows + 1, or not in the statement', () => {
		const request = {
			schema: 'public',
			name: 'users',
			params: parseQueryString('select=id&role=eq.admin'),
			range: { offset: 0, limit: 10 },
			maxRows: 10
		};
		const exact = new Params();
		expect(
			readStatement(planRead(cache, { ...request, countPreference: 'exact' }), shape, exact)
		).toContain(
			'pgrst_source_count AS ( SELECT 1 FROM "public"."users" WHERE "public"."users"."role" = $1 )'
		);
		// The count's parameters come first, then the page's.
		expect(exact.values).toEqual(['admin', 'admin', '10', '0']);
		expect(
			readStatement(
				planRead(cache, { ...request, countPreference: 'estimated' }),
				shape,
				new Params()
			)
		).toContain('"public"."users"."role" = $1 LIMIT 11 )');
		const planned = readStatement(
			planRead(cache, { ...request, countPreference: 'planned' }),
			shape,
			new Params()
		);
		expect(planned).not.toContain('pgrst_source_count');
		expect(planned).toContain('null::bigint AS total_result_set');
	});

	it('writes a mutation with its response read back only for return=representation', () => {
		const mutate = (preferences: {
			return?: 'representation' | 'minimal';
			resolution?: 'merge-duplicates';
		}) =>
			mutateStatement(
				planMutation(cache, {
					kind: 'insert',
					schema: 'public',
					name: 'users',
					params: parseQueryString('select=id,organizations(name)'),
					preferences,
					body: parseWriteBody('{"id":"1"}')
				}),
				{ singular: false, stripNulls: false },
				new Params()
			);
		const minimal = mutate({});
		expect(minimal).toMatch(
			/^WITH pgrst_source AS \( INSERT INTO "public"."users"\("id"\) .* RETURNING 1 \) /
		);
		expect(minimal).toContain(`'' AS body`);
		expect(minimal).toContain('FROM ( SELECT * FROM pgrst_source ) _postgrest_t');
		const representation = mutate({ return: 'representation', resolution: 'merge-duplicates' });
		expect(representation).toContain(
			'RETURNING "public"."users"."id", "public"."users"."organization_id" )'
		);
		expect(representation).toContain('FROM "pgrst_source" LEFT JOIN LATERAL');
		expect(representation).toContain(
			`nullif(current_setting('pgrst.inserted', true), '')::int AS inserted`
		);
	});

	it('calls a function, reading rows through the result plan and single values as they are', () => {
		const call = (name: string, query: string, body: string, count?: 'exact') => {
			const params = parseQueryString(query);
			const args = callArguments({
				readMethod: false,
				queryArgs: [],
				contentType: undefined,
				body
			});
			const plan = planCall(cache, {
				schema: 'public',
				name,
				params,
				args,
				readMethod: false,
				range: params.ranges.get('') ?? { offset: 0 },
				countPreference: count,
				maxRows: undefined
			});
			return callStatement(plan, shape, new Params());
		};
		const rows = call('search_users', 'select=id&role=eq.admin', '{"search":"a"}', 'exact');
		expect(rows).toContain(
			'LATERAL "public"."search_users"("search" := pgrst_body."search") pgrst_call'
		);
		expect(rows).toContain(
			'pgrst_source_count AS ( SELECT 1 FROM "pgrst_source" WHERE "pgrst_source"."role" = $2 )'
		);
		expect(rows).toContain(`coalesce(json_agg(_postgrest_t), '[]')::text AS body`);
		const value = call('add', 'limit=1', '{"a":1,"b":2}', 'exact');
		expect(value).toContain('pgrst_source_count AS ( SELECT 1 FROM pgrst_source )');
		expect(value).toContain(
			`coalesce(json_agg(_postgrest_t.pgrst_scalar)->0, 'null')::text AS body`
		);
		expect(value).toContain('FROM ( SELECT * FROM pgrst_source LIMIT $2 OFFSET $3 ) _postgrest_t');
		expect(call('touch', '', '{}')).toContain(`'' AS body`);
	});
});
