// From parsed parameters to a read plan checked against the schema cache (PostgREST's
// Plan/ReadPlan.hs and readPlan in Plan.hs): embedded resources resolved to foreign-key
// relationships, every column looked up, filters, logic trees, orders and ranges attached to the
// node their embed path names. Writes and calls read their response through the same plan
// (mutate-plan.ts, call-plan.ts). Pure: sql.ts writes the statement, read.ts runs it.
import type {
	EmbedPath,
	Field,
	JoinType,
	LogicTree,
	OpExpr,
	OrderTerm,
	QueryParams,
	RowRange,
	SelectItem
} from './ast.ts';
import { countStrategy, type CountStrategy } from './count.ts';
import {
	aggregatesNotAllowed,
	ambiguousRelationship,
	notEmbedded,
	noRelationship,
	relatedOrderNotToOne,
	spreadNotToOne,
	unacceptableFilter,
	undefinedColumn
} from './errors.ts';
import type { Preferences } from './preferences.ts';
import { tableKey, type Relationship, type SchemaCache, type Table } from './schema-cache.ts';
import { findTable } from './schema-lookup.ts';

export interface SelectColumn {
	/** `*` selects every column. */
	field: Field;
	alias?: string;
	cast?: string;
}

export type PlanLogic =
	| { kind: 'expr'; negated: boolean; operator: 'and' | 'or'; children: PlanLogic[] }
	| { kind: 'filter'; field: Field; expr: OpExpr }
	/** `organizations=is.null` / `organizations=not.is.null` on an embedded resource. */
	| { kind: 'nullEmbed'; isNull: boolean; embed: EmbedPlan };

export interface PlanOrder {
	field: Field;
	/** For a related order: the to-one embed whose column orders the parent. */
	embed?: EmbedPlan;
	direction?: 'asc' | 'desc';
	nulls?: 'first' | 'last';
}

export interface ReadNode {
	table: Table;
	/** Alias in FROM; undefined for the request's own rows (qualified by table or CTE name instead). */
	alias?: string;
	select: SelectColumn[];
	where: PlanLogic[];
	order: PlanOrder[];
	range: RowRange;
	embeds: EmbedPlan[];
}

export interface EmbedPlan {
	/** The relation as the request names it (table, constraint or column). */
	name: string;
	alias?: string;
	/** Alias of the lateral subquery that produces this embed. */
	aggAlias: string;
	joinType?: JoinType;
	spread: boolean;
	toOne: boolean;
	/** Selects nothing: embedded only to filter the parent (`organizations!inner()`). */
	empty: boolean;
	relationship: Relationship;
	node: ReadNode;
}

/**
 * The CTE a write or call puts its rows in. Plans over those rows name it too, so an unknown
 * column is reported against it as Postgres would (`column pgrst_source.x does not exist`).
 */
export const SOURCE = 'pgrst_source';

const isToOne = (relationship: Relationship) => relationship.cardinality !== 'o2m';

const CARDINALITY_NAMES = { m2o: 'many-to-one', o2m: 'one-to-many', o2o: 'one-to-one' } as const;

function describeRelationship(relationship: Relationship) {
	const table = relationship.table.name;
	const foreign = relationship.foreignTable.name;
	const columns = relationship.columns.map(([column]) => column).join(', ');
	const foreignColumns = relationship.columns.map(([, column]) => column).join(', ');
	return {
		cardinality: CARDINALITY_NAMES[relationship.cardinality],
		embedding: `${table} with ${foreign}`,
		relationship: `${relationship.constraint} using ${table}(${columns}) and ${foreign}(${foreignColumns})`
	};
}

/** PostgREST's findRel: the one relationship `origin?select=target!hint(…)` can mean. */
export function findRelationship(
	cache: SchemaCache,
	origin: Table,
	target: string,
	hint: string | undefined
): Relationship {
	const candidates = cache.relationships.get(tableKey(origin.schema, origin.name)) ?? [];
	const matches = candidates.filter((relationship) => {
		const single = relationship.columns.length === 1 ? relationship.columns[0] : undefined;
		const isColumn = (name: string) => single?.[0] === name;
		const isForeignColumn = (name: string) => single?.[1] === name;
		const namesForeignTable = target === relationship.foreignTable.name;
		if (relationship.isSelf && relationship.cardinality !== 'o2o') {
			// One foreign key, two directions: the table name means the children (one-to-many), the
			// column name the parent (many-to-one); a hint names the children's column.
			if (hint === undefined) {
				return (
					(namesForeignTable && relationship.cardinality === 'o2m') ||
					(isColumn(target) && relationship.cardinality === 'm2o')
				);
			}
			return namesForeignTable && relationship.cardinality === 'o2m' && isForeignColumn(hint);
		}
		if (hint === undefined)
			return namesForeignTable || relationship.constraint === target || isColumn(target);
		return (
			namesForeignTable &&
			(relationship.constraint === hint || isColumn(hint) || isForeignColumn(hint))
		);
	});
	if (matches.length === 1) return matches[0] as Relationship;
	if (matches.length === 0) throw noRelationship(origin.name, target, hint, origin.schema);
	const alternatives = matches
		.map((relationship) => `'${relationship.foreignTable.name}!${relationship.constraint}'`)
		.join(', ');
	throw ambiguousRelationship(
		origin.name,
		target,
		matches.map(describeRelationship),
		`Try changing '${target}' to one of the following: ${alternatives}. Find the desired relationship in the 'details' key.`
	);
}

/** The key a selected field gets in the response. */
export function outputName(column: SelectColumn): string {
	if (column.alias) return column.alias;
	const last = column.field.jsonPath[column.field.jsonPath.length - 1];
	return last && !last.isIndex ? last.operand : column.field.name;
}

/** The keys a node's rows carry, as its parent sees them (spreads and related orders need them). */
export function outputNames(node: ReadNode): string[] {
	const names: string[] = [];
	const selectsAll = node.select.length === 0 && node.embeds.length === 0;
	for (const column of selectsAll ? [{ field: { name: '*', jsonPath: [] } }] : node.select) {
		if (column.field.name === '*') names.push(...node.table.columns.map((c) => c.name));
		else names.push(outputName(column));
	}
	for (const embed of node.embeds) {
		if (embed.spread) names.push(...outputNames(embed.node));
		else if (!embed.empty) names.push(embed.alias ?? embed.name);
	}
	return names;
}

export interface PlanOptions {
	/** How the top-level rows are named in SQL: the table's name, or SOURCE after a write or call. */
	rootReference: string;
	/** Range of the top level (limit/offset, Range header and max_rows already combined). */
	rootRange: RowRange;
	/** False for writes, where top-level filters narrow the write rather than the response. */
	applyRootConditions: boolean;
}

export class ReadPlanner {
	private aliasCounter = 0;

	constructor(private readonly cache: SchemaCache) {}

	plan(table: Table, params: QueryParams, options: PlanOptions): ReadNode {
		const root = this.node(table, undefined, params.select, options.rootReference);
		root.range = options.rootRange;
		for (const { path, filter } of params.filters) {
			if (path.length === 0 && !options.applyRootConditions) continue;
			const { node, reference } = this.locate(root, path, options.rootReference);
			node.where.push(this.resolveLeaf(node, filter.field, filter.expr, reference));
		}
		for (const { path, tree } of params.logic) {
			if (path.length === 0 && !options.applyRootConditions) continue;
			const { node, reference } = this.locate(root, path, options.rootReference);
			node.where.push(this.resolveLogic(node, tree, reference));
		}
		for (const { path, terms } of params.order) {
			if (path.length === 0 && !options.applyRootConditions) continue;
			const { node, reference } = this.locate(root, path, options.rootReference);
			node.order = terms.map((term) => this.resolveOrder(node, term, reference));
		}
		for (const [key, range] of params.ranges) {
			if (key === '') continue;
			const path = key.split('.');
			const { node } = this.locate(root, path, options.rootReference);
			node.range = range;
		}
		return root;
	}

	/** Top-level filters and logic trees of a write, checked against the table being written. */
	conditions(table: Table, params: QueryParams): PlanLogic[] {
		const node = this.emptyNode(table, undefined);
		const conditions: PlanLogic[] = [];
		for (const { path, filter } of params.filters) {
			if (path.length === 0)
				conditions.push(this.resolveLeaf(node, filter.field, filter.expr, table.name));
		}
		for (const { path, tree } of params.logic) {
			if (path.length === 0) conditions.push(this.resolveLogic(node, tree, table.name));
		}
		return conditions;
	}

	private emptyNode(table: Table, alias: string | undefined): ReadNode {
		return { table, alias, select: [], where: [], order: [], range: { offset: 0 }, embeds: [] };
	}

	private node(
		table: Table,
		alias: string | undefined,
		items: SelectItem[],
		reference: string
	): ReadNode {
		const node = this.emptyNode(table, alias);
		for (const item of items) {
			if (item.kind === 'field') {
				if (item.aggregate) throw aggregatesNotAllowed();
				if (item.field.name !== '*') this.requireColumn(table, item.field.name, reference);
				node.select.push({ field: item.field, alias: item.alias, cast: item.cast });
				continue;
			}
			const relationship = findRelationship(this.cache, table, item.relation, item.hint);
			const toOne = isToOne(relationship);
			if (item.kind === 'spread' && !toOne) throw spreadNotToOne(table.name, item.relation);
			const number = ++this.aliasCounter;
			const childAlias = `${relationship.foreignTable.name}_${number}`;
			const child = this.node(relationship.foreignTable, childAlias, item.children, childAlias);
			node.embeds.push({
				name: item.relation,
				alias: item.kind === 'relation' ? item.alias : undefined,
				aggAlias: `${table.name}_${item.relation}_${number}`,
				joinType: item.joinType,
				spread: item.kind === 'spread',
				toOne,
				empty: false,
				relationship,
				node: child
			});
		}
		for (const embed of node.embeds) embed.empty = !embed.spread && isEmptyEmbed(embed.node);
		return node;
	}

	private locate(
		root: ReadNode,
		path: EmbedPath,
		rootReference: string
	): { node: ReadNode; reference: string } {
		let node = root;
		let reference = rootReference;
		for (const name of path) {
			const embed = node.embeds.find(
				(candidate) => candidate.alias === name || candidate.name === name
			);
			if (!embed) throw notEmbedded(name);
			node = embed.node;
			reference = embed.node.alias ?? reference;
		}
		return { node, reference };
	}

	private requireColumn(table: Table, name: string, reference: string): void {
		if (!table.columnsByName.has(name)) throw undefinedColumn(reference, name);
	}

	private resolveLeaf(node: ReadNode, field: Field, expr: OpExpr, reference: string): PlanLogic {
		const embed =
			field.jsonPath.length === 0
				? node.embeds.find((e) => (e.alias ?? e.name) === field.name)
				: undefined;
		if (embed) {
			const operation = expr.operation;
			if (operation.kind !== 'is' || operation.value !== 'null')
				throw unacceptableFilter(field.name);
			return { kind: 'nullEmbed', isNull: !expr.negated, embed };
		}
		this.requireColumn(node.table, field.name, reference);
		return { kind: 'filter', field, expr };
	}

	private resolveLogic(node: ReadNode, tree: LogicTree, reference: string): PlanLogic {
		if (tree.kind === 'filter')
			return this.resolveLeaf(node, tree.filter.field, tree.filter.expr, reference);
		return {
			kind: 'expr',
			negated: tree.negated,
			operator: tree.operator,
			children: tree.children.map((child) => this.resolveLogic(node, child, reference))
		};
	}

	private resolveOrder(node: ReadNode, term: OrderTerm, reference: string): PlanOrder {
		const { direction, nulls } = term;
		if (term.relation === undefined) {
			this.requireColumn(node.table, term.field.name, reference);
			return { field: term.field, direction, nulls };
		}
		const embed = node.embeds.find(
			(candidate) => (candidate.alias ?? candidate.name) === term.relation
		);
		if (!embed) throw notEmbedded(term.relation);
		if (!embed.toOne) throw relatedOrderNotToOne(node.table.name, term.relation);
		if (!outputNames(embed.node).includes(term.field.name))
			throw undefinedColumn(embed.aggAlias, term.field.name);
		return { field: term.field, embed, direction, nulls };
	}
}

function isEmptyEmbed(node: ReadNode): boolean {
	return node.select.length === 0 && node.embeds.every((embed) => embed.empty);
}

/** A GET or HEAD on a table or view. */
export interface ReadPlan {
	root: ReadNode;
	count: CountStrategy;
}

export interface ReadRequest {
	schema: string;
	name: string;
	params: QueryParams;
	/** The top-level range: limit/offset, Range header and max_rows already combined. */
	range: RowRange;
	countPreference: Preferences['count'];
	maxRows: number | undefined;
}

export function planRead(cache: SchemaCache, request: ReadRequest): ReadPlan {
	const table = findTable(cache, request.schema, request.name);
	const root = new ReadPlanner(cache).plan(table, request.params, {
		rootReference: table.name,
		rootRange: request.range,
		applyRootConditions: true
	});
	return { root, count: countStrategy(request.countPreference, request.maxRows) };
}
