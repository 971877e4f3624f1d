// /rpc/<function>: functions of the exposed schema called with named arguments, from a JSON body
// (POST) or the query string (GET/HEAD, read-only). Results that are rows can be shaped with
// select, filters, order and ranges like a table.
import { parseJsonBody } from './body.ts';
import { ambiguousFunction, functionNotFound, invalidBody, invalidRpcMethod, singularityError } from './errors.ts';
import { negotiateResponse, requireJsonBody } from './media.ts';
import { parseQueryString } from './parse.ts';
import { ReadPlanner } from './plan.ts';
import { topLevelRange } from './range.ts';
import { planCount, readResponse } from './read.ts';
import {
	GATEWAY_PARAMS,
	closestName,
	execute,
	isReadMethod,
	planWithCache,
	profileHeaders,
	type PreparedRequest,
	type RestResponse,
	type RestService,
	type ResultRow
} from './request.ts';
import { tableKey, type Routine, type SchemaCache, type Table } from './schema-cache.ts';
import { callSql, Params, readSql, resultStatement, scalarResultSql, SOURCE, type CountMode } from './sql.ts';

function describe(routine: Routine): string {
	return `${routine.schema}.${routine.name}(${routine.params.map((param) => `${param.name} => ${param.type}`).join(', ')})`;
}

/** The overload whose parameters the arguments name: all required ones given, none unknown. */
export function findRoutine(cache: SchemaCache, schema: string, name: string, argumentNames: string[], isPost: boolean): Routine {
	const overloads = cache.routines.get(tableKey(schema, name)) ?? [];
	const matches = overloads.filter(
		(routine) =>
			argumentNames.every((argument) => routine.params.some((param) => param.name === argument)) &&
			routine.params.every((param) => param.hasDefault || argumentNames.includes(param.name))
	);
	if (matches.length === 1) return matches[0] as Routine;
	if (matches.length > 1) throw ambiguousFunction(matches.map(describe));
	let hint: string | null = null;
	if (overloads[0]) {
		hint = `Perhaps you meant to call the function ${schema}.${name}(${overloads[0].params.map((param) => param.name).sort().join(', ')})`;
	} else {
		const names = [...cache.routines.keys()].filter((key) => key.startsWith(`${schema}.`)).map((key) => key.slice(schema.length + 1));
		const closest = closestName(name, names);
		if (closest) hint = `Perhaps you meant to call the function ${schema}.${closest}`;
	}
	throw functionNotFound(`${schema}.${name}`, [...argumentNames].sort(), isPost, hint);
}

/** A function's result rows seen as a table, so select, filters and order resolve against them. */
function resultTable(routine: Routine): Table {
	if (routine.resultTable) return routine.resultTable;
	return {
		schema: routine.schema,
		name: routine.name,
		columns: routine.resultColumns,
		columnsByName: new Map(routine.resultColumns.map((column) => [column.name, column])),
		primaryKey: [],
		uniqueKeys: []
	};
}

function callArguments(prepared: PreparedRequest, queryArgs: Array<[string, string]>): { text: string; names: string[] } {
	const { request } = prepared;
	if (isReadMethod(request.method)) {
		const args = Object.fromEntries(queryArgs);
		return { text: JSON.stringify(args), names: Object.keys(args) };
	}
	requireJsonBody(request.headers.get('content-type') ?? undefined);
	if (request.body.trim() === '') return { text: '{}', names: [] };
	const value = parseJsonBody(request.body);
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidBody();
	return { text: request.body, names: Object.keys(value) };
}

export async function handleRpc(service: RestService, prepared: PreparedRequest): Promise<RestResponse> {
	const { request, preferences } = prepared;
	if (!['GET', 'HEAD', 'POST'].includes(request.method)) throw invalidRpcMethod(request.method);
	const readMethod = isReadMethod(request.method);
	const params = parseQueryString(request.rawQuery, { rpcRead: readMethod, ignore: GATEWAY_PARAMS });
	const media = negotiateResponse(request.headers.get('accept') ?? undefined);
	const args = callArguments(prepared, params.rpcArgs);
	const range = topLevelRange(params.ranges.get(''), readMethod ? (request.headers.get('range') ?? undefined) : undefined, service.config.maxRows);

	const { cache, routine, plan } = await planWithCache(service, (cache) => {
		const routine = findRoutine(cache, prepared.schema, request.target.name, args.names, !readMethod);
		const plan =
			routine.returnKind === 'composite'
				? new ReadPlanner(cache).plan(resultTable(routine), params, { rootReference: SOURCE, rootRange: range, applyRootConditions: true })
				: undefined;
		return { cache, routine, plan };
	});

	const sqlParams = new Params();
	const names = routine.params.map((param) => param.name).filter((name) => args.names.includes(name));
	const source = callSql(routine, names, { text: args.text, isObject: true }, sqlParams);
	const count = plan ? planCount(preferences.count, plan, { kind: 'cte' }, sqlParams, service.config.maxRows) : undefined;
	const countMode: CountMode = count?.mode ?? (preferences.count ? { kind: 'exact', sql: `SELECT 1 FROM ${SOURCE}` } : { kind: 'none' });
	const select = plan ? readSql(plan, { kind: 'cte' }, sqlParams) : scalarResultSql(range, sqlParams);
	const statement = resultStatement(source, countMode, select, {
		omit: request.method === 'HEAD' || routine.returnKind === 'void',
		singular: media.singular,
		stripNulls: media.stripNulls,
		scalar: routine.returnKind !== 'composite',
		single: !routine.returnsSet
	});

	const readOnly = readMethod || routine.volatility !== 'volatile';
	const { row, pageTotal, total } = await execute(service, prepared, cache, readOnly, async (sql) => {
		const row = (await sql.query<ResultRow>(statement, sqlParams.values)).rows[0] as ResultRow;
		const pageTotal = Number(row.page_total);
		const exact = row.total_result_set === null ? undefined : Number(row.total_result_set);
		const total = count ? await count.finish(sql, exact) : exact;
		if (media.singular && pageTotal !== 1) throw singularityError(pageTotal);
		return { row, pageTotal, total };
	});

	if (routine.returnKind === 'void') return { status: 204, headers: profileHeaders(prepared), body: null };
	return readResponse(prepared, row, range, pageTotal, total, media.contentType, {});
}
