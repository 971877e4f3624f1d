// From a write request to a mutate plan checked against the schema cache (PostgREST's
// Plan/MutatePlan.hs and mutatePlan in Plan.hs): the table, the columns written, the filters that
// narrow an update or delete, the conflict target of an upsert, and the read plan of the response
// the written rows are read back with. Pure: sql.ts writes the statement, write.ts runs it.
import type { QueryParams } from './ast.ts';
import type { JsonBody, WriteBody } from './body.ts';
import { columnNotFound, invalidBody, RestError } from './errors.ts';
import type { Preferences } from './preferences.ts';
import { ReadPlanner, SOURCE, type PlanLogic, type ReadNode } from './read-plan.ts';
import type { Column, SchemaCache, Table } from './schema-cache.ts';
import { findTable } from './schema-lookup.ts';

export interface InsertMutation {
	kind: 'insert';
	table: Table;
	columns: Column[];
	body: JsonBody;
	/** `Prefer: missing=default`: keys the body leaves out take the column default, not NULL. */
	applyDefaults: boolean;
	onConflict?: { resolution: 'merge-duplicates' | 'ignore-duplicates'; columns: string[] };
	/** Columns the write returns; none still returns a row per write (`RETURNING 1`). */
	returning: string[];
}

export interface UpdateMutation {
	kind: 'update';
	table: Table;
	columns: Column[];
	body: JsonBody;
	conditions: PlanLogic[];
	returning: string[];
}

export interface DeleteMutation {
	kind: 'delete';
	table: Table;
	conditions: PlanLogic[];
	returning: string[];
}

export type Mutation = InsertMutation | UpdateMutation | DeleteMutation;

/** A write and the read of its response from the written rows (PostgREST's MutateReadPlan). */
export interface MutatePlan {
	mutation: Mutation;
	/** Planned even without `return=representation`, so a bad `select` is refused either way. */
	response: ReadNode;
	representation: boolean;
}

export type MutateRequest = {
	schema: string;
	name: string;
	params: QueryParams;
	preferences: Pick<Preferences, 'return' | 'resolution' | 'missing'>;
} & ({ kind: 'insert' | 'update'; body: WriteBody } | { kind: 'delete' });

/** An upsert that merges counts the rows it really inserted, to answer 201 or 200. */
export const mergesDuplicates = (mutation: Mutation) =>
	mutation.kind === 'insert' && mutation.onConflict?.resolution === 'merge-duplicates';

/** Columns written: the `columns` parameter, else the body's keys; each must exist (PGRST204). */
function writtenColumns(table: Table, params: QueryParams, body: WriteBody): Column[] {
	let names = params.columns;
	if (!names) {
		const keySets = body.rows.map((row) => Object.keys(row));
		const first = keySets[0] ?? [];
		if (
			!body.json.isObject &&
			keySets.some(
				(keys) => keys.length !== first.length || keys.some((key) => !first.includes(key))
			)
		) {
			throw invalidBody('All object keys must match');
		}
		names = first;
	}
	return [...new Set(names)].map((name) => {
		const column = table.columnsByName.get(name);
		if (!column) throw columnNotFound(table.name, name);
		return column;
	});
}

/** Columns the write must return so the response can be read back: the selected ones and the embeds' join keys. */
function returnedColumns(response: ReadNode): string[] {
	const selectsAll =
		(response.select.length === 0 && response.embeds.length === 0) ||
		response.select.some((column) => column.field.name === '*');
	if (selectsAll) return ['*'];
	const names = response.select.map((column) => column.field.name);
	for (const embed of response.embeds)
		names.push(...embed.relationship.columns.map(([parentColumn]) => parentColumn));
	return [...new Set(names)];
}

/** An upsert needs `Prefer: resolution=…`; it conflicts on on_conflict's columns, else the primary key. */
function conflictTarget(
	table: Table,
	params: QueryParams,
	resolution: Preferences['resolution']
): InsertMutation['onConflict'] {
	if (!resolution) return undefined;
	const columns = params.onConflict ?? table.primaryKey;
	for (const name of columns) {
		if (!table.columnsByName.has(name))
			throw new RestError(400, '42703', `column "${name}" does not exist`);
	}
	return columns.length > 0 ? { resolution, columns } : undefined;
}

export function planMutation(cache: SchemaCache, request: MutateRequest): MutatePlan {
	const { params, preferences } = request;
	const table = findTable(cache, request.schema, request.name);
	const planner = new ReadPlanner(cache);
	// Top-level filters narrow the write, not the response: the response is every written row.
	const response = planner.plan(table, params, {
		rootReference: SOURCE,
		rootRange: { offset: 0 },
		applyRootConditions: false
	});
	const conditions = planner.conditions(table, params);
	const representation = preferences.return === 'representation';
	const returning = representation ? returnedColumns(response) : [];
	switch (request.kind) {
		case 'insert': {
			const columns = writtenColumns(table, params, request.body);
			const onConflict = conflictTarget(table, params, preferences.resolution);
			const mutation: InsertMutation = {
				kind: 'insert',
				table,
				columns,
				body: request.body.json,
				applyDefaults: preferences.missing === 'default',
				onConflict,
				returning
			};
			return { mutation, response, representation };
		}
		case 'update': {
			const columns = writtenColumns(table, params, request.body);
			return {
				mutation: {
					kind: 'update',
					table,
					columns,
					body: request.body.json,
					conditions,
					returning
				},
				response,
				representation
			};
		}
		case 'delete':
			return {
				mutation: { kind: 'delete', table, conditions, returning },
				response,
				representation
			};
	}
}
