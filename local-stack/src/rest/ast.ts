// What a PostgREST query string means, before it meets the schema: the shapes parse.ts produces
// and read-plan.ts resolves against the schema cache. Names follow PostgREST's own vocabulary
// (select items, filters, logic trees, order terms) so its documentation maps onto this code.

export interface JsonStep {
	arrow: '->' | '->>';
	/** A key, or an array index written as a signed integer ("+1", "-2"). */
	operand: string;
	isIndex: boolean;
}

/** A column, optionally followed by JSON arrows: `data->tags->>0`. */
export interface Field {
	name: string;
	jsonPath: JsonStep[];
}

export type JoinType = 'inner' | 'left';

export interface SelectField {
	kind: 'field';
	/** `*` for every column. */
	field: Field;
	alias?: string;
	cast?: string;
	/** Aggregates parse so they can be refused with PostgREST's own error (they are disabled by default). */
	aggregate?: string;
}

export interface SelectRelation {
	kind: 'relation';
	relation: string;
	alias?: string;
	hint?: string;
	joinType?: JoinType;
	children: SelectItem[];
}

export interface SelectSpread {
	kind: 'spread';
	relation: string;
	hint?: string;
	joinType?: JoinType;
	children: SelectItem[];
}

export type SelectItem = SelectField | SelectRelation | SelectSpread;

/** Operators taking one value, compared with a plain SQL operator. */
export type SimpleOperator = 'neq' | 'cs' | 'cd' | 'ov' | 'sl' | 'sr' | 'nxr' | 'nxl' | 'adj';
/** Operators that accept the `(any)` / `(all)` quantifiers. */
export type QuantOperator =
	'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'match' | 'imatch';
export type FtsOperator = 'fts' | 'plfts' | 'phfts' | 'wfts';
export type IsValue = 'null' | 'not_null' | 'true' | 'false' | 'unknown';

export type Operation =
	| { kind: 'simple'; operator: SimpleOperator; value: string }
	| { kind: 'quant'; operator: QuantOperator; quantifier?: 'any' | 'all'; value: string }
	| { kind: 'in'; values: string[] }
	| { kind: 'is'; value: IsValue }
	| { kind: 'isdistinct'; value: string }
	| { kind: 'fts'; operator: FtsOperator; language?: string; value: string };

export interface OpExpr {
	negated: boolean;
	operation: Operation;
}

export interface Filter {
	field: Field;
	expr: OpExpr;
}

export type LogicTree =
	| { kind: 'expr'; negated: boolean; operator: 'and' | 'or'; children: LogicTree[] }
	| { kind: 'filter'; filter: Filter };

export interface OrderTerm {
	/** Set for a related order: `order=organizations(name).desc`. */
	relation?: string;
	field: Field;
	direction?: 'asc' | 'desc';
	nulls?: 'first' | 'last';
}

/** Rows wanted: `offset` ≥ 0 and, when bounded, `limit` ≥ 0 rows from there. */
export interface RowRange {
	offset: number;
	limit?: number;
}

/** Names of embedded resources leading to the node a parameter applies to ([] = the request's own table). */
export type EmbedPath = string[];

export interface QueryParams {
	select: SelectItem[];
	filters: Array<{ path: EmbedPath; filter: Filter }>;
	logic: Array<{ path: EmbedPath; tree: LogicTree }>;
	order: Array<{ path: EmbedPath; terms: OrderTerm[] }>;
	/** Keyed by the embed path joined with '.', '' for the top level. */
	ranges: Map<string, RowRange>;
	columns?: string[];
	onConflict?: string[];
	/** Arguments of a GET/HEAD rpc call: parameters that are not filters. */
	rpcArgs: Array<[string, string]>;
	/** The query string's parameters sorted by name, as PostgREST reports it in Content-Location. */
	canonical: string;
}
