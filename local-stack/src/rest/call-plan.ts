// From an /rpc request to a call plan checked against the schema cache (PostgREST's
// Plan/CallPlan.hs and callReadPlan in Plan.hs): the overload the argument names select, the
// arguments in its parameter order, the read plan over its result rows, and whether the call may
// write. Pure: sql.ts writes the statement, rpc.ts runs it.
import type { QueryParams, RowRange } from './ast.ts';
import { parseArgumentsBody, type JsonBody } from './body.ts';
import type { CountStrategy } from './count.ts';
import { ambiguousFunction, functionNotFound } from './errors.ts';
import { requireJsonBody } from './media.ts';
import type { Preferences } from './preferences.ts';
import { ReadPlanner, SOURCE, type ReadNode } from './read-plan.ts';
import { tableKey, type Routine, type SchemaCache, type Table } from './schema-cache.ts';
import { closestName } from './schema-lookup.ts';

export interface CallArguments {
	/** A JSON object of the arguments, decoded by Postgres with the parameters' types. */
	json: JsonBody;
	names: string[];
}

/** The arguments of a call: the query string's non-filter parameters on GET/HEAD, the JSON body on POST. */
export function callArguments(request: {
	readMethod: boolean;
	queryArgs: Array<[string, string]>;
	contentType: string | undefined;
	body: string;
}): CallArguments {
	if (request.readMethod) {
		const args = Object.fromEntries(request.queryArgs);
		return { json: { text: JSON.stringify(args), isObject: true }, names: Object.keys(args) };
	}
	requireJsonBody(request.contentType);
	return parseArgumentsBody(request.body);
}

export interface CallPlan {
	routine: Routine;
	/** The arguments given, in the order of the function's parameters. */
	argumentNames: string[];
	args: JsonBody;
	/** Rows with columns: select, filters, order and range apply to them as to a table. */
	result?: ReadNode;
	/** Single values can only be paged. */
	range: RowRange;
	count: CountStrategy;
	/** GET calls and calls of stable or immutable functions run in a read-only transaction. */
	readOnly: boolean;
}

export interface CallRequest {
	schema: string;
	name: string;
	params: QueryParams;
	args: CallArguments;
	readMethod: boolean;
	range: RowRange;
	countPreference: Preferences['count'];
	maxRows: number | undefined;
}

function describe(routine: Routine): string {
	return `${routine.schema}.${routine.name}(${routine.params.map((param) => `${param.name} => ${param.type}`).join(', ')})`;
}

/** The overload whose parameters the arguments name: all required ones given, none unknown. */
export function findRoutine(
	cache: SchemaCache,
	schema: string,
	name: string,
	argumentNames: string[],
	isPost: boolean
): Routine {
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
		hint = `Perhaps you meant to call the function ${schema}.${name}(${overloads[0].params
			.map((param) => param.name)
			.sort()
			.join(', ')})`;
	} else {
		const names = [...cache.routines.keys()]
			.filter((key) => key.startsWith(`${schema}.`))
			.map((key) => key.slice(schema.length + 1));
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

export function planCall(cache: SchemaCache, request: CallRequest): CallPlan {
	const routine = findRoutine(
		cache,
		request.schema,
		request.name,
		request.args.names,
		!request.readMethod
	);
	const result =
		routine.returnKind === 'composite'
			? new ReadPlanner(cache).plan(resultTable(routine), request.params, {
					rootReference: SOURCE,
					rootRange: request.range,
					applyRootConditions: true
				})
			: undefined;
	// PostgREST counts a call's rows only in the statement itself, and never estimates them
	// (Statements.hs mainCall: `shouldCount`, an unlimited count CTE; Query.hs gives a call no
	// EXPLAIN): count=exact and count=estimated are exact, count=planned answers no total (`*`).
	const count: CountStrategy =
		request.countPreference === 'exact' || request.countPreference === 'estimated'
			? { kind: 'exact' }
			: { kind: 'none' };
	return {
		routine,
		argumentNames: routine.params
			.map((param) => param.name)
			.filter((name) => request.args.names.includes(name)),
		args: request.args.json,
		result,
		range: request.range,
		count,
		readOnly: request.readMethod || routine.volatility !== 'volatile'
	};
}
