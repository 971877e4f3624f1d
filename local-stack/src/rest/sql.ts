// Read, mutate and call plans to SQL text, shaped like PostgREST's own statements
// (Query/QueryBuilder.hs, SqlFragment.hs, Statements.hs): one statement per request, a
// `pgrst_source` CTE holding the rows, the body aggregated with json_agg in Postgres. Every name is
// quoted (tables, columns and functions were checked against the schema cache); every value from
// the request is a bound parameter.
import type { Field, OpExpr, RowRange } from './ast.ts';
import type { JsonBody } from './body.ts';
import type { CallPlan } from './call-plan.ts';
import type { CountStrategy } from './count.ts';
import {
	mergesDuplicates,
	type DeleteMutation,
	type InsertMutation,
	type MutatePlan,
	type Mutation,
	type UpdateMutation
} from './mutate-plan.ts';
import {
	outputName,
	outputNames,
	SOURCE,
	type EmbedPlan,
	type PlanLogic,
	type PlanOrder,
	type ReadNode,
	type ReadPlan,
	type SelectColumn
} from './read-plan.ts';
import { MULTI_WORD_TYPES } from './parse.ts';
import type { Column, Routine, Table } from './schema-cache.ts';

/** Bound parameters of one statement; `add` returns the placeholder to write. */
export class Params {
	readonly values: Array<string | null> = [];
	add(value: string | null): string {
		this.values.push(value);
		return `$${this.values.length}`;
	}
}

/** PostgREST's escapeIdent: cut at the first NUL, double the quotes, wrap in quotes. */
export function quoteIdent(name: string): string {
	const cut = name.indexOf('\0');
	const clean = cut >= 0 ? name.slice(0, cut) : name;
	return `"${clean.replace(/"/g, '""')}"`;
}

export const qualifiedName = (schema: string, name: string) =>
	`${quoteIdent(schema)}.${quoteIdent(name)}`;
const qualifiedTable = (table: Table) => qualifiedName(table.schema, table.name);

/** A Postgres array literal of text values, passed as one parameter (`= ANY($1)`). */
export function arrayLiteral(values: string[]): string {
	const element = (value: string) => {
		const cut = value.indexOf('\0');
		const clean = cut >= 0 ? value.slice(0, cut) : value;
		return `"${clean.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
	};
	return `{${values.map(element).join(',')}}`;
}

const RESULT = '_postgrest_t';

// ── fragments ─────────────────────────────────────────────────────────────────────────────────

function fieldSql(reference: string, field: Field, params: Params): string {
	let sql = `${reference}.${quoteIdent(field.name)}`;
	for (const step of field.jsonPath) {
		const operand = step.isIndex ? `${params.add(step.operand)}::int` : params.add(step.operand);
		sql += `${step.arrow}${operand}`;
	}
	return sql;
}

/**
 * Types named by SQL keywords rather than by identifiers: `"int"` or `"boolean"` name no type, and
 * `"char"` another one. They are written as keywords; every other type name is quoted.
 */
const KEYWORD_TYPES = new Set([
	'bigint',
	'bit',
	'boolean',
	'char',
	'character',
	'dec',
	'decimal',
	'float',
	'int',
	'integer',
	'interval',
	'nchar',
	'numeric',
	'real',
	'smallint',
	'time',
	'timestamp',
	'varchar'
]);
const CAST_TYPE = /^(?:([a-z_][a-z0-9_$]*)(?:\.([a-z_][a-z0-9_$]*))?)((?:\[\])*)$/;

/**
 * A cast's type as SQL: a keyword type, or the (qualified) name quoted, folded to lower case as
 * Postgres folds unquoted names; `[]` kept. The grammar (parse.ts castType) admits nothing else,
 * and anything else is refused here too rather than written into the statement.
 */
export function castTypeSql(cast: string): string {
	const folded = cast.toLowerCase();
	const arrays = /(?:\[\])*$/.exec(folded)?.[0] ?? '';
	const base = folded.slice(0, folded.length - arrays.length);
	if (MULTI_WORD_TYPES.includes(base)) return `${base}${arrays}`;
	const match = CAST_TYPE.exec(folded);
	if (!match) throw new Error(`not a type name: ${JSON.stringify(cast)}`);
	const [, first, second] = match as unknown as [string, string, string | undefined];
	if (second !== undefined) return `${quoteIdent(first)}.${quoteIdent(second)}${arrays}`;
	return `${KEYWORD_TYPES.has(first) ? first : quoteIdent(first)}${arrays}`;
}

function selectItemSql(reference: string, column: SelectColumn, params: Params): string {
	if (column.field.name === '*') return `${reference}.*`;
	let sql = fieldSql(reference, column.field, params);
	// A type cannot be a parameter: the grammar admits only type names, written quoted or as keywords.
	if (column.cast) sql = `CAST( ${sql} AS ${castTypeSql(column.cast)} )`;
	if (column.alias || column.field.jsonPath.length > 0)
		sql += ` AS ${quoteIdent(outputName(column))}`;
	return sql;
}

const SIMPLE_OPERATORS = {
	neq: '<>',
	cs: '@>',
	cd: '<@',
	ov: '&&',
	sl: '<<',
	sr: '>>',
	nxr: '&<',
	nxl: '&>',
	adj: '-|-'
} as const;
const QUANT_OPERATORS = {
	eq: '=',
	gt: '>',
	gte: '>=',
	lt: '<',
	lte: '<=',
	like: 'like',
	ilike: 'ilike',
	match: '~',
	imatch: '~*'
} as const;
const FTS_FUNCTIONS = {
	fts: 'to_tsquery',
	plfts: 'plainto_tsquery',
	phfts: 'phraseto_tsquery',
	wfts: 'websearch_to_tsquery'
} as const;
const IS_KEYWORDS = {
	null: 'NULL',
	not_null: 'NOT NULL',
	true: 'TRUE',
	false: 'FALSE',
	unknown: 'UNKNOWN'
} as const;

function filterSql(
	reference: string,
	table: Table,
	field: Field,
	expr: OpExpr,
	params: Params
): string {
	const not = expr.negated ? 'NOT ' : '';
	const operation = expr.operation;
	let target = fieldSql(reference, field, params);
	switch (operation.kind) {
		case 'simple':
			return `${not}${target} ${SIMPLE_OPERATORS[operation.operator]} ${params.add(operation.value)}`;
		case 'quant': {
			const isPattern = operation.operator === 'like' || operation.operator === 'ilike';
			const value = params.add(isPattern ? operation.value.replace(/\*/g, '%') : operation.value);
			const operand = operation.quantifier
				? `${operation.quantifier.toUpperCase()}(${value})`
				: value;
			return `${not}${target} ${QUANT_OPERATORS[operation.operator]} ${operand}`;
		}
		case 'is':
			return `${not}${target} IS ${IS_KEYWORDS[operation.value]}`;
		case 'isdistinct':
			return `${not}${target} IS DISTINCT FROM ${params.add(operation.value)}`;
		case 'in':
			if (operation.values.length === 1 && operation.values[0] === '')
				return `${not}${target} = ANY('{}')`;
			return `${not}${target} = ANY (${params.add(arrayLiteral(operation.values))})`;
		case 'fts': {
			const language =
				operation.language === undefined ? '' : `${params.add(operation.language)}, `;
			const column = table.columnsByName.get(field.name);
			if (field.jsonPath.length > 0 || column?.type !== 'tsvector')
				target = `to_tsvector(${language}${target})`;
			return `${not}${target} @@ ${FTS_FUNCTIONS[operation.operator]}(${language}${params.add(operation.value)})`;
		}
	}
}

function logicSql(reference: string, table: Table, logic: PlanLogic, params: Params): string {
	switch (logic.kind) {
		case 'filter':
			return filterSql(reference, table, logic.field, logic.expr, params);
		case 'nullEmbed':
			return `${quoteIdent(logic.embed.aggAlias)} IS ${logic.isNull ? 'NOT ' : ''}DISTINCT FROM NULL`;
		case 'expr': {
			const children = logic.children.map((child) => logicSql(reference, table, child, params));
			return `${logic.negated ? 'NOT ' : ''}(${children.join(logic.operator === 'and' ? ' AND ' : ' OR ')})`;
		}
	}
}

function orderSql(reference: string, order: PlanOrder[], params: Params): string {
	if (order.length === 0) return '';
	const terms = order.map((term) => {
		const target = term.embed
			? fieldSql(quoteIdent(term.embed.aggAlias), term.field, params)
			: fieldSql(reference, term.field, params);
		const direction = term.direction ? ` ${term.direction.toUpperCase()}` : '';
		const nulls = term.nulls ? ` NULLS ${term.nulls.toUpperCase()}` : '';
		return `${target}${direction}${nulls}`;
	});
	return ` ORDER BY ${terms.join(', ')}`;
}

function rangeSql(range: RowRange, params: Params): string {
	if (range.offset === 0 && range.limit === undefined) return '';
	const limit = range.limit === undefined ? 'ALL' : params.add(String(range.limit));
	return ` LIMIT ${limit} OFFSET ${params.add(String(range.offset))}`;
}

function joinConditions(embed: EmbedPlan, parentReference: string): string[] {
	const child = quoteIdent(embed.node.alias as string);
	return embed.relationship.columns.map(
		([parentColumn, childColumn]) =>
			`${child}.${quoteIdent(childColumn)} = ${parentReference}.${quoteIdent(parentColumn)}`
	);
}

// ── reads ─────────────────────────────────────────────────────────────────────────────────────

/** Where a node's rows come from: its table under an alias, its table by name, or the CTE of a write or call. */
export type RowSource = { kind: 'table' } | { kind: 'cte' };

function nodeReference(node: ReadNode, source: RowSource): string {
	if (node.alias) return quoteIdent(node.alias);
	return source.kind === 'cte' ? quoteIdent(SOURCE) : qualifiedTable(node.table);
}

function nodeFrom(node: ReadNode, source: RowSource): string {
	if (node.alias) return `${qualifiedTable(node.table)} AS ${quoteIdent(node.alias)}`;
	return source.kind === 'cte' ? quoteIdent(SOURCE) : qualifiedTable(node.table);
}

function embedSelect(embed: EmbedPlan): string[] {
	const agg = quoteIdent(embed.aggAlias);
	if (embed.empty) return [];
	if (embed.spread) return outputNames(embed.node).map((name) => `${agg}.${quoteIdent(name)}`);
	const name = quoteIdent(embed.alias ?? embed.name);
	return embed.toOne
		? [`row_to_json(${agg}.*)::jsonb AS ${name}`]
		: [`COALESCE( ${agg}.${agg}, '[]') AS ${name}`];
}

function embedJoin(embed: EmbedPlan, parentReference: string, params: Params): string {
	const agg = quoteIdent(embed.aggAlias);
	const join = embed.joinType === 'inner' ? 'INNER' : 'LEFT';
	const subquery = readSql(
		embed.node,
		{ kind: 'table' },
		params,
		joinConditions(embed, parentReference)
	);
	if (embed.toOne) return ` ${join} JOIN LATERAL ( ${subquery} ) AS ${agg} ON TRUE`;
	const aggregated = `SELECT json_agg(${agg})::jsonb AS ${agg} FROM ( ${subquery} ) AS ${agg}`;
	return ` ${join} JOIN LATERAL ( ${aggregated} ) AS ${agg} ON ${embed.joinType === 'inner' ? `${agg} IS NOT NULL` : 'TRUE'}`;
}

/** The SELECT producing a node's rows (PostgREST's readPlanToQuery). */
export function readSql(
	node: ReadNode,
	source: RowSource,
	params: Params,
	extraConditions: string[] = []
): string {
	const reference = nodeReference(node, source);
	const selectsAll = node.select.length === 0 && node.embeds.length === 0;
	const selects = selectsAll
		? [`${reference}.*`]
		: node.select.map((column) => selectItemSql(reference, column, params));
	selects.push(...node.embeds.flatMap(embedSelect));
	const joins = node.embeds.map((embed) => embedJoin(embed, reference, params)).join('');
	const conditions = [
		...node.where.map((logic) => logicSql(reference, node.table, logic, params)),
		...extraConditions
	];
	const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
	return `SELECT ${selects.join(', ')} FROM ${nodeFrom(node, source)}${joins}${where}${orderSql(reference, node.order, params)}${rangeSql(node.range, params)}`;
}

/**
 * The rows a count counts: the top level's filters without its range (PostgREST's
 * readPlanToCountQuery). Inner-joined and null-filtered embeds become EXISTS subqueries.
 */
export function countSql(
	node: ReadNode,
	source: RowSource,
	params: Params,
	extraConditions: string[] = []
): string {
	const reference = nodeReference(node, source);
	const countLogic = (logic: PlanLogic): string => {
		if (logic.kind === 'nullEmbed') {
			const exists = countSql(
				logic.embed.node,
				{ kind: 'table' },
				params,
				joinConditions(logic.embed, reference)
			);
			return `${logic.isNull ? 'NOT ' : ''}EXISTS (${exists})`;
		}
		if (logic.kind === 'expr') {
			return `${logic.negated ? 'NOT ' : ''}(${logic.children.map(countLogic).join(logic.operator === 'and' ? ' AND ' : ' OR ')})`;
		}
		return logicSql(reference, node.table, logic, params);
	};
	const conditions = [
		...node.where.map(countLogic),
		...extraConditions,
		...node.embeds
			.filter((embed) => embed.joinType === 'inner')
			.map(
				(embed) =>
					`EXISTS (${countSql(embed.node, { kind: 'table' }, params, joinConditions(embed, reference))} )`
			)
	];
	return `SELECT 1 FROM ${nodeFrom(node, source)}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
}

// ── the statement around it ───────────────────────────────────────────────────────────────────

export interface BodyShape {
	/** HEAD and return=minimal: no body is built. */
	omit: boolean;
	singular: boolean;
	stripNulls: boolean;
	/** RPC results that are single values rather than rows. */
	scalar?: boolean;
	/** RPC results that are one value or row rather than a set. */
	single?: boolean;
}

function bodySql(shape: BodyShape): string {
	if (shape.omit) return `''`;
	const value = shape.scalar ? `${RESULT}.pgrst_scalar` : RESULT;
	const one = shape.singular || shape.single;
	const aggregated = `json_agg(${value})${one ? '->0' : ''}`;
	const stripped = shape.stripNulls ? `json_strip_nulls(${aggregated})` : aggregated;
	return `coalesce(${stripped}, '${one ? 'null' : '[]'}')::text`;
}

const RESPONSE_SETTINGS = `nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status`;

/** How the total is counted in the statement: exactly, or exactly up to a bound (count=estimated). */
export type CountMode = { kind: 'none' } | { kind: 'exact'; sql: string; limit?: number };

/** A planned count is not counted in the statement: it comes from EXPLAIN afterwards. */
function countMode(
	strategy: CountStrategy,
	node: ReadNode,
	source: RowSource,
	params: Params
): CountMode {
	if (strategy.kind === 'exact') return { kind: 'exact', sql: countSql(node, source, params) };
	// One row past max_rows tells "exactly max_rows" from "more, estimate them".
	if (strategy.kind === 'estimated')
		return { kind: 'exact', sql: countSql(node, source, params), limit: strategy.maxRows + 1 };
	return { kind: 'none' };
}

/** The statement of a read or a call: rows in the CTE, count, page size and body in one row. */
export function resultStatement(
	sourceSql: string,
	count: CountMode,
	selectSql: string,
	shape: BodyShape
): string {
	const countCte =
		count.kind === 'exact'
			? `, pgrst_source_count AS ( ${count.sql}${count.limit ? ` LIMIT ${count.limit}` : ''} )`
			: '';
	const total =
		count.kind === 'exact'
			? '(SELECT pg_catalog.count(*) FROM pgrst_source_count)'
			: 'null::bigint';
	return (
		`WITH ${SOURCE} AS ( ${sourceSql} )${countCte} ` +
		`SELECT ${total} AS total_result_set, pg_catalog.count(${RESULT}) AS page_total, ${bodySql(shape)} AS body, ${RESPONSE_SETTINGS} ` +
		`FROM ( ${selectSql} ) ${RESULT}`
	);
}

/** The statement of a read: the plan's rows in the CTE, counted as the plan's strategy says. */
export function readStatement(plan: ReadPlan, shape: BodyShape, params: Params): string {
	const source: RowSource = { kind: 'table' };
	const count = countMode(plan.count, plan.root, source, params);
	return resultStatement(
		readSql(plan.root, source, params),
		count,
		`SELECT * FROM ${SOURCE}`,
		shape
	);
}

// ── writes ────────────────────────────────────────────────────────────────────────────────────

function typedColumns(columns: Column[]): string {
	return columns.map((column) => `${quoteIdent(column.name)} ${column.type}`).join(', ');
}

/**
 * `FROM (SELECT $1 AS json_data) pgrst_payload, LATERAL (…) pgrst_body`: the body's rows typed by
 * the table's columns (PostgREST's fromJsonBodyF). With defaults, missing keys take the column default.
 */
function jsonBodyFrom(
	body: JsonBody,
	columns: Column[],
	params: Params,
	options: { limitOne?: boolean; applyDefaults?: boolean } = {}
): string {
	const withDefaults = options.applyDefaults
		? columns.filter((column) => column.defaultExpression !== null)
		: [];
	const useJsonb = withDefaults.length > 0;
	const payload = `(SELECT ${params.add(body.text)}::${useJsonb ? 'jsonb' : 'json'} AS json_data) pgrst_payload`;
	let source = 'pgrst_payload.json_data';
	let defaults = '';
	if (useJsonb) {
		const pairs = withDefaults
			.map((column) => `${params.add(column.name)}::text, ${column.defaultExpression}`)
			.join(', ');
		const defaultsObject = `jsonb_build_object(${pairs})`;
		defaults = body.isObject
			? `, LATERAL (SELECT ${defaultsObject} || pgrst_payload.json_data AS val) pgrst_json_defs`
			: `, LATERAL (SELECT jsonb_agg(${defaultsObject} || elem) AS val FROM jsonb_array_elements(pgrst_payload.json_data) elem) pgrst_json_defs`;
		source = 'pgrst_json_defs.val';
	}
	const prefix = useJsonb ? 'jsonb' : 'json';
	let rows: string;
	if (columns.length === 0) {
		rows = body.isObject ? `(values(1)) _` : `${prefix}_array_elements(${source}) _`;
	} else {
		const recordFunction = body.isObject ? `${prefix}_to_record` : `${prefix}_to_recordset`;
		rows = `${recordFunction}(${source}) AS _(${typedColumns(columns)})${options.limitOne ? ' LIMIT 1' : ''}`;
	}
	const names = columns.map((column) => quoteIdent(column.name)).join(', ');
	return `FROM ${payload}${defaults}, LATERAL (SELECT ${names} FROM ${rows} ) pgrst_body`;
}

function returningSql(table: Table, returning: string[]): string {
	if (returning.length === 0) return ' RETURNING 1';
	if (returning.includes('*')) return ` RETURNING ${qualifiedTable(table)}.*`;
	return ` RETURNING ${returning.map((name) => `${qualifiedTable(table)}.${quoteIdent(name)}`).join(', ')}`;
}

/** Counts rows actually inserted by an upsert (PostgREST's pgrst.inserted), for 201 vs 200. */
const countInserted = (sign: '+' | '-') =>
	`set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) ${sign} 1)::text, true) <> '${sign === '+' ? '0' : '-1'}'`;

export function insertSql(spec: InsertMutation, params: Params): string {
	const names = spec.columns.map((column) => quoteIdent(column.name));
	const merge = spec.onConflict?.resolution === 'merge-duplicates';
	let sql = `INSERT INTO ${qualifiedTable(spec.table)}${names.length ? `(${names.join(', ')})` : ''} `;
	sql += `SELECT ${names.map((name) => `pgrst_body.${name}`).join(', ')} `;
	sql += jsonBodyFrom(spec.body, spec.columns, params, { applyDefaults: spec.applyDefaults });
	if (merge) sql += ` WHERE ${countInserted('+')}`;
	if (spec.onConflict && spec.onConflict.columns.length > 0) {
		sql += ` ON CONFLICT(${spec.onConflict.columns.map(quoteIdent).join(', ')}) `;
		if (!merge || names.length === 0) sql += 'DO NOTHING';
		else
			sql += `DO UPDATE SET ${names.map((name) => `${name} = EXCLUDED.${name}`).join(', ')} WHERE ${countInserted('-')}`;
	}
	return sql + returningSql(spec.table, spec.returning);
}

export function updateSql(spec: UpdateMutation, params: Params): string {
	const table = qualifiedTable(spec.table);
	if (spec.columns.length === 0) {
		// `UPDATE … SET` needs a column; an empty body changes nothing and returns no row.
		const columns =
			spec.returning.length === 0
				? 'NULL'
				: spec.returning.includes('*')
					? `${table}.*`
					: spec.returning.map((name) => `${table}.${quoteIdent(name)}`).join(', ');
		return `SELECT ${columns} FROM ${table} WHERE false`;
	}
	const assignments = spec.columns
		.map((column) => `${quoteIdent(column.name)} = pgrst_body.${quoteIdent(column.name)}`)
		.join(', ');
	const from = jsonBodyFrom(spec.body, spec.columns, params);
	const conditions = spec.conditions.map((logic) => logicSql(table, spec.table, logic, params));
	const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
	return `UPDATE ${table} SET ${assignments} ${from}${where}${returningSql(spec.table, spec.returning)}`;
}

export function deleteSql(spec: DeleteMutation, params: Params): string {
	const name = qualifiedTable(spec.table);
	const where = spec.conditions.map((logic) => logicSql(name, spec.table, logic, params));
	return `DELETE FROM ${name}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${returningSql(spec.table, spec.returning)}`;
}

function mutationSql(mutation: Mutation, params: Params): string {
	switch (mutation.kind) {
		case 'insert':
			return insertSql(mutation, params);
		case 'update':
			return updateSql(mutation, params);
		case 'delete':
			return deleteSql(mutation, params);
	}
}

/** The statement of a write: the write in the CTE, the response rows read back from it. */
export function writeStatement(
	writeSql: string,
	responseSql: string | undefined,
	shape: BodyShape,
	countsInserted: boolean
): string {
	const select = responseSql ?? `SELECT * FROM ${SOURCE}`;
	const inserted = countsInserted
		? `, nullif(current_setting('pgrst.inserted', true), '')::int AS inserted`
		: '';
	return (
		`WITH ${SOURCE} AS ( ${writeSql} ) ` +
		`SELECT '' AS total_result_set, pg_catalog.count(${RESULT}) AS page_total, ${bodySql(shape)} AS body, ${RESPONSE_SETTINGS}${inserted} ` +
		`FROM ( ${select} ) ${RESULT}`
	);
}

/** The statement of a write request: the mutation, and its response read back when one is returned. */
export function mutateStatement(
	plan: MutatePlan,
	shape: Omit<BodyShape, 'omit'>,
	params: Params
): string {
	const write = mutationSql(plan.mutation, params);
	const response = plan.representation
		? readSql(plan.response, { kind: 'cte' }, params)
		: undefined;
	return writeStatement(
		write,
		response,
		{ ...shape, omit: !plan.representation },
		mergesDuplicates(plan.mutation)
	);
}

// ── calls ─────────────────────────────────────────────────────────────────────────────────────

/** The rows of a function returning single values: no columns to select or filter, only a range. */
function scalarResultSql(range: RowRange, params: Params): string {
	return `SELECT * FROM ${SOURCE}${rangeSql(range, params)}`;
}

/** The call of a function with named arguments taken from a JSON object (PostgREST's callPlanToQuery). */
export function callSql(
	routine: Routine,
	argumentNames: string[],
	body: JsonBody,
	params: Params
): string {
	const name = qualifiedName(routine.schema, routine.name);
	const wantsScalar = routine.returnKind !== 'composite';
	const call = (args: string) =>
		wantsScalar
			? `(SELECT ${name}(${args}) pgrst_scalar) pgrst_call`
			: `${name}(${args}) pgrst_call`;
	const selected = wantsScalar ? 'pgrst_call.pgrst_scalar' : 'pgrst_call.*';
	if (argumentNames.length === 0) return `SELECT ${selected} FROM ${call('')}`;
	const columns = argumentNames.map((argument): Column => {
		const param = routine.params.find((candidate) => candidate.name === argument);
		return {
			name: argument,
			type: param?.type ?? 'text',
			notNull: false,
			defaultExpression: null,
			generated: false
		};
	});
	const args = argumentNames
		.map((argument) => `${quoteIdent(argument)} := pgrst_body.${quoteIdent(argument)}`)
		.join(', ');
	return `SELECT ${selected} ${jsonBodyFrom(body, columns, params, { limitOne: true })}, LATERAL ${call(args)}`;
}

/** The statement of a call: the function's results in the CTE, read back through the plan's result read. */
export function callStatement(
	plan: CallPlan,
	shape: Omit<BodyShape, 'scalar' | 'single'>,
	params: Params
): string {
	const { routine, result } = plan;
	const source = callSql(routine, plan.argumentNames, plan.args, params);
	const count: CountMode = result
		? countMode(plan.count, result, { kind: 'cte' }, params)
		: plan.count.kind === 'none'
			? { kind: 'none' }
			: { kind: 'exact', sql: `SELECT 1 FROM ${SOURCE}` };
	const select = result
		? readSql(result, { kind: 'cte' }, params)
		: scalarResultSql(plan.range, params);
	return resultStatement(source, count, select, {
		...shape,
		omit: shape.omit || routine.returnKind === 'void',
		scalar: routine.returnKind !== 'composite',
		single: !routine.returnsSet
	});
}
