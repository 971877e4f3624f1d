// The query-string grammar of PostgREST (ApiRequest/QueryParams.hs): select trees, filters, logic
// trees, order terms, columns, on_conflict, limit/offset. Hand-written recursive descent over one
// parameter value at a time; a failure reports PostgREST's message shape,
// `"failed to parse filter (eq)" (line 1, column 3)`, with Parsec-style details.
import type {
	EmbedPath,
	Field,
	Filter,
	FtsOperator,
	IsValue,
	JoinType,
	JsonStep,
	LogicTree,
	OpExpr,
	Operation,
	OrderTerm,
	QuantOperator,
	QueryParams,
	RowRange,
	SelectItem,
	SimpleOperator
} from './ast.ts';

/** A parameter PostgREST's grammar refuses (PGRST100). */
export class QueryParseError extends Error {
	constructor(
		message: string,
		readonly details: string
	) {
		super(message);
	}
}

class Failure {
	constructor(
		readonly position: number,
		readonly expected: string[]
	) {}
}

/**
 * Deeper embeds or logic trees than this are refused. PostgREST has no such limit, but past a few
 * thousand levels the parser's stack or Postgres's max_stack_depth gives out with a 5xx instead.
 */
export const MAX_NESTING = 32;

class Cursor {
	position = 0;
	private depth = 0;
	constructor(readonly text: string) {}

	nested<T>(parse: () => T): T {
		if (this.depth >= MAX_NESTING) this.fail([`at most ${MAX_NESTING} levels of nesting`]);
		this.depth++;
		try {
			return parse();
		} finally {
			this.depth--;
		}
	}

	get atEnd(): boolean {
		return this.position >= this.text.length;
	}
	peek(offset = 0): string {
		return this.text.charAt(this.position + offset);
	}
	startsWith(prefix: string): boolean {
		return this.text.startsWith(prefix, this.position);
	}
	eat(prefix: string): boolean {
		if (!this.startsWith(prefix)) return false;
		this.position += prefix.length;
		return true;
	}
	expect(prefix: string, description = `"${prefix}"`): void {
		if (!this.eat(prefix)) this.fail([description]);
	}
	fail(expected: string[]): never {
		throw new Failure(this.position, expected);
	}
	skipSpaces(): void {
		while (this.peek() === ' ' || this.peek() === '\t') this.position++;
	}
	/** Runs `attempt`; on failure rewinds and returns undefined (Parsec's `try` … `<|>`). */
	attempt<T>(attempt: () => T): T | undefined {
		const start = this.position;
		try {
			return attempt();
		} catch (error) {
			if (!(error instanceof Failure)) throw error;
			this.position = start;
			return undefined;
		}
	}
}

function joinAlternatives(items: string[]): string {
	const unique = [...new Set(items)];
	if (unique.length <= 1) return unique.join('');
	return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function runParser<T>(label: string, input: string, parser: (cursor: Cursor) => T): T {
	const cursor = new Cursor(input);
	try {
		return parser(cursor);
	} catch (error) {
		if (!(error instanceof Failure)) throw error;
		const found =
			error.position < input.length ? `"${input.charAt(error.position)}"` : 'end of input';
		const expecting = error.expected.length ? ` expecting ${joinAlternatives(error.expected)}` : '';
		throw new QueryParseError(
			`"${label} (${input})" (line 1, column ${error.position + 1})`,
			`unexpected ${found}${expecting}`
		);
	}
}

function requireEnd(cursor: Cursor, expected: string[]): void {
	if (!cursor.atEnd) cursor.fail(expected);
}

// ── names ─────────────────────────────────────────────────────────────────────────────────────

const identifierChar = /[\p{L}0-9_ $]/u;
const FIELD_NAME = 'field name (* or [a..z0..9_$])';

function identifier(cursor: Cursor, description = FIELD_NAME): string {
	const start = cursor.position;
	while (!cursor.atEnd && identifierChar.test(cursor.peek())) cursor.position++;
	if (cursor.position === start) cursor.fail([description]);
	return cursor.text.slice(start, cursor.position).trim();
}

/** Parts joined by '-', where a '-' starting a JSON arrow ends the name. */
function dashSeparated(cursor: Cursor, part: (cursor: Cursor) => string): string {
	const parts = [part(cursor)];
	while (cursor.peek() === '-' && cursor.peek(1) !== '>') {
		cursor.position++;
		parts.push(part(cursor));
	}
	return parts.join('-');
}

function quotedValue(cursor: Cursor): string {
	cursor.expect('"');
	let value = '';
	for (;;) {
		if (cursor.atEnd) cursor.fail(['"\\""']);
		const char = cursor.peek();
		cursor.position++;
		if (char === '"') return value;
		if (char === '\\') {
			if (cursor.atEnd) cursor.fail(['any character']);
			value += cursor.peek();
			cursor.position++;
		} else {
			value += char;
		}
	}
}

export function fieldName(cursor: Cursor): string {
	if (cursor.peek() === '"') return quotedValue(cursor);
	return dashSeparated(cursor, (c) => identifier(c));
}

function jsonKeyPart(cursor: Cursor): string {
	const start = cursor.position;
	while (!cursor.atEnd && !'(-:.,>)'.includes(cursor.peek())) cursor.position++;
	if (cursor.position === start) cursor.fail(['any non reserved character different from: .,>()']);
	return cursor.text.slice(start, cursor.position).trim();
}

function jsonIndex(cursor: Cursor): string {
	const sign = cursor.eat('-') ? '-' : '+';
	const start = cursor.position;
	while (/[0-9]/.test(cursor.peek())) cursor.position++;
	if (cursor.position === start) cursor.fail(['digit']);
	const digits = cursor.text.slice(start, cursor.position);
	const ended = cursor.atEnd || ['->', '::', '.', ','].some((end) => cursor.startsWith(end));
	if (!ended) cursor.fail(['digit', '"->"', '"::"', '"."', '","', 'end of input']);
	return sign + digits;
}

function jsonPath(cursor: Cursor): JsonStep[] {
	const steps: JsonStep[] = [];
	for (;;) {
		let arrow: JsonStep['arrow'];
		if (cursor.eat('->>')) arrow = '->>';
		else if (cursor.eat('->')) arrow = '->';
		else return steps;
		const index = cursor.attempt(() => jsonIndex(cursor));
		if (index !== undefined) {
			steps.push({ arrow, operand: index, isIndex: true });
		} else {
			const key = cursor.peek() === '"' ? quotedValue(cursor) : dashSeparated(cursor, jsonKeyPart);
			steps.push({ arrow, operand: key, isIndex: false });
		}
	}
}

function field(cursor: Cursor): Field {
	cursor.skipSpaces();
	const name = fieldName(cursor);
	const path = jsonPath(cursor);
	cursor.skipSpaces();
	return { name, jsonPath: path };
}

// ── casts ─────────────────────────────────────────────────────────────────────────────────────

/**
 * A type name as Postgres reads one unquoted: a letter or '_', then letters, digits, '_' or '$'.
 * Casts are written into the statement (a type cannot be a bound parameter), so nothing else may
 * follow `::`: sql.ts quotes the name again when it writes it.
 */
const TYPE_WORD = /[A-Za-z_][A-Za-z0-9_$]*/y;
/** The SQL-standard type names of several words; every other type is one (optionally qualified) name. */
export const MULTI_WORD_TYPES = [
	'double precision',
	'character varying',
	'bit varying',
	'timestamp without time zone',
	'timestamp with time zone',
	'time without time zone',
	'time with time zone'
];
const TYPE_NAME = 'type name ([a..z_][a..z0..9_$], optionally schema-qualified or [])';

function typeWord(cursor: Cursor): string {
	TYPE_WORD.lastIndex = cursor.position;
	const match = TYPE_WORD.exec(cursor.text);
	if (!match) cursor.fail([TYPE_NAME]);
	cursor.position += match[0].length;
	return match[0];
}

/**
 * The type after `::`: `text`, `public.user_role`, `int[]`, `double precision`. PostgREST reads any
 * run of letters, digits, '_', '$' and spaces here and hands it to Postgres as it is; this grammar
 * takes only what is a type name, so hostile text (`text $$`, `text)`, `int;`) fails to parse
 * (PGRST100) instead of reaching the statement.
 */
function castType(cursor: Cursor): string {
	const rest = cursor.text.slice(cursor.position).toLowerCase();
	const multiWord = MULTI_WORD_TYPES.find(
		(name) => rest.startsWith(name) && !/[A-Za-z0-9_$]/.test(rest.charAt(name.length))
	);
	let name: string;
	if (multiWord) {
		cursor.position += multiWord.length;
		name = multiWord;
	} else {
		name = typeWord(cursor);
		// `x::int.sum()` is a cast then an aggregate; `x::public.user_role` a qualified type.
		if (
			cursor.peek() === '.' &&
			!AGGREGATES.some((aggregate) => cursor.startsWith(`.${aggregate}()`))
		) {
			cursor.position++;
			name += `.${typeWord(cursor)}`;
		}
	}
	while (cursor.eat('[]')) name += '[]';
	return name;
}

// ── select ────────────────────────────────────────────────────────────────────────────────────

const AGGREGATES = ['sum', 'avg', 'count', 'max', 'min'];
const SELECT_ITEM_END = ['"->"', '"::"', '")"', '","', 'end of input'];

/** A name the statement writes as `AS "…"`: quoteIdent cuts at NUL, and `""` is no identifier. */
const emptyAsIdentifier = (name: string) => name.split('\0')[0] === '';

function aliasPrefix(cursor: Cursor): string | undefined {
	const start = cursor.position;
	const alias = cursor.attempt(() => {
		const alias = fieldName(cursor);
		if (cursor.peek() !== ':' || cursor.peek(1) === ':') cursor.fail(['":"']);
		cursor.position++;
		return alias;
	});
	if (alias !== undefined && emptyAsIdentifier(alias)) {
		cursor.position = start;
		cursor.fail(['alias (a non-empty name)']);
	}
	return alias;
}

function embedParams(cursor: Cursor): { hint?: string; joinType?: JoinType } {
	const result: { hint?: string; joinType?: JoinType } = {};
	for (let i = 0; i < 2 && cursor.peek() === '!'; i++) {
		cursor.position++;
		const joinType = (['inner', 'left'] as const).find(
			(word) => cursor.startsWith(word) && ['!', '('].includes(cursor.peek(word.length))
		);
		if (joinType) {
			cursor.position += joinType.length;
			result.joinType ??= joinType;
		} else {
			result.hint ??= fieldName(cursor);
		}
	}
	return result;
}

function selectChildren(cursor: Cursor): SelectItem[] {
	cursor.expect('(');
	const children = cursor.nested(() => selectForest(cursor, true));
	cursor.expect(')');
	cursor.skipSpaces();
	return children;
}

function selectItemEnded(cursor: Cursor): boolean {
	return cursor.atEnd || cursor.peek() === ')' || cursor.peek() === ',';
}

function fieldSelect(cursor: Cursor): SelectItem {
	cursor.skipSpaces();
	if (cursor.eat('*')) {
		cursor.skipSpaces();
		if (!selectItemEnded(cursor)) cursor.fail(['")"', '","', 'end of input']);
		return { kind: 'field', field: { name: '*', jsonPath: [] } };
	}
	const alias = aliasPrefix(cursor);
	if (cursor.eat('count()')) {
		const aggregateCast = cursor.eat('::') ? castType(cursor) : undefined;
		cursor.skipSpaces();
		if (!selectItemEnded(cursor)) cursor.fail(SELECT_ITEM_END);
		return {
			kind: 'field',
			field: { name: '*', jsonPath: [] },
			alias,
			aggregate: 'count',
			cast: aggregateCast
		};
	}
	const fieldStart = cursor.position;
	const selected = field(cursor);
	// Without an alias, a JSON path's last key names the output column.
	const lastStep = selected.jsonPath[selected.jsonPath.length - 1];
	if (alias === undefined && lastStep && !lastStep.isIndex && emptyAsIdentifier(lastStep.operand)) {
		cursor.position = fieldStart;
		cursor.fail(['JSON key (a non-empty name) or an alias']);
	}
	const cast = cursor.eat('::') ? castType(cursor) : undefined;
	let aggregate: string | undefined;
	if (cursor.peek() === '.') {
		aggregate = AGGREGATES.find((name) => cursor.startsWith(`.${name}()`));
		if (!aggregate) cursor.fail(SELECT_ITEM_END);
		cursor.position += aggregate.length + 3;
		if (cursor.eat('::')) castType(cursor);
	}
	cursor.skipSpaces();
	if (!selectItemEnded(cursor)) cursor.fail(SELECT_ITEM_END);
	return { kind: 'field', field: selected, alias, cast, aggregate };
}

function selectItem(cursor: Cursor): SelectItem {
	cursor.skipSpaces();
	if (cursor.eat('...')) {
		const relation = fieldName(cursor);
		const params = embedParams(cursor);
		return { kind: 'spread', relation, ...params, children: selectChildren(cursor) };
	}
	const relationHead = cursor.attempt(() => {
		const alias = aliasPrefix(cursor);
		const relation = fieldName(cursor);
		if (relation === 'count') cursor.fail([]);
		const params = embedParams(cursor);
		if (cursor.peek() !== '(') cursor.fail(['"("']);
		return { alias, relation, ...params };
	});
	if (relationHead) return { kind: 'relation', ...relationHead, children: selectChildren(cursor) };
	return fieldSelect(cursor);
}

function selectForest(cursor: Cursor, nested: boolean): SelectItem[] {
	cursor.skipSpaces();
	const items: SelectItem[] = [];
	if (cursor.atEnd || (nested && cursor.peek() === ')')) return items;
	for (;;) {
		items.push(selectItem(cursor));
		cursor.skipSpaces();
		if (!cursor.eat(',')) break;
		cursor.skipSpaces();
	}
	if (!nested) requireEnd(cursor, ['","', 'end of input']);
	return items;
}

export function parseSelect(value: string): SelectItem[] {
	return runParser('failed to parse select parameter', value, (cursor) =>
		selectForest(cursor, false)
	);
}

// ── filters ───────────────────────────────────────────────────────────────────────────────────

const SIMPLE_OPERATORS: readonly SimpleOperator[] = [
	'neq',
	'cs',
	'cd',
	'ov',
	'sl',
	'sr',
	'nxr',
	'nxl',
	'adj'
];
const QUANT_OPERATORS: readonly QuantOperator[] = [
	'eq',
	'gt',
	'gte',
	'lt',
	'lte',
	'like',
	'ilike',
	'match',
	'imatch'
];
const FTS_OPERATORS: readonly FtsOperator[] = ['fts', 'plfts', 'phfts', 'wfts'];
const IS_VALUES: readonly IsValue[] = ['null', 'not_null', 'true', 'false', 'unknown'];
const OPERATOR = 'operator (eq, gt, ...)';
const DELIMITER = 'delimiter (.)';

function listValue(cursor: Cursor): string[] {
	cursor.skipSpaces();
	cursor.expect('(');
	cursor.skipSpaces();
	const values: string[] = [];
	for (;;) {
		const quoted = cursor.attempt(() => {
			const value = quotedValue(cursor);
			if (!cursor.atEnd && !',)'.includes(cursor.peek())) cursor.fail([]);
			return value;
		});
		if (quoted !== undefined) {
			values.push(quoted);
		} else {
			const start = cursor.position;
			while (!cursor.atEnd && !',)'.includes(cursor.peek())) cursor.position++;
			values.push(cursor.text.slice(start, cursor.position));
		}
		if (!cursor.eat(',')) break;
	}
	cursor.skipSpaces();
	cursor.expect(')', '","');
	cursor.skipSpaces();
	return values;
}

/** A value inside or=(…): quoted, a {pg,array}, or everything up to ',' or ')'. */
function logicValue(cursor: Cursor): string {
	const quoted = cursor.attempt(() => {
		const value = quotedValue(cursor);
		if (!cursor.atEnd && !',)'.includes(cursor.peek())) cursor.fail([]);
		return value;
	});
	if (quoted !== undefined) return quoted;
	const array = cursor.attempt(() => {
		const start = cursor.position;
		cursor.expect('{');
		while (!cursor.atEnd && !'{}'.includes(cursor.peek())) cursor.position++;
		cursor.expect('}');
		return cursor.text.slice(start, cursor.position);
	});
	if (array !== undefined) return array;
	const start = cursor.position;
	while (!cursor.atEnd && !',)'.includes(cursor.peek())) cursor.position++;
	return cursor.text.slice(start, cursor.position);
}

function restOfInput(cursor: Cursor): string {
	const value = cursor.text.slice(cursor.position);
	cursor.position = cursor.text.length;
	return value;
}

function operation(cursor: Cursor, value: (cursor: Cursor) => string): Operation {
	const start = cursor.position;
	const word = /^[a-z_]+/.exec(cursor.text.slice(start))?.[0] ?? '';
	const unknown = (): never => {
		cursor.position = start;
		return cursor.fail(['"not"', OPERATOR]);
	};
	cursor.position += word.length;
	if (word === 'in') {
		cursor.expect('.', DELIMITER);
		return { kind: 'in', values: listValue(cursor) };
	}
	if (word === 'is') {
		cursor.expect('.', DELIMITER);
		const found = IS_VALUES.find(
			(candidate) =>
				cursor.text.slice(cursor.position, cursor.position + candidate.length).toLowerCase() ===
				candidate
		);
		if (!found) cursor.fail(['isVal: (null, not_null, true, false, unknown)']);
		cursor.position += found.length;
		return { kind: 'is', value: found };
	}
	if (word === 'isdistinct') {
		cursor.expect('.', DELIMITER);
		return { kind: 'isdistinct', value: value(cursor) };
	}
	if ((FTS_OPERATORS as readonly string[]).includes(word)) {
		let language: string | undefined;
		if (cursor.eat('(')) {
			language = identifier(cursor, 'letter or digit');
			cursor.expect(')');
		}
		cursor.expect('.', DELIMITER);
		return { kind: 'fts', operator: word as FtsOperator, language, value: value(cursor) };
	}
	if ((SIMPLE_OPERATORS as readonly string[]).includes(word)) {
		cursor.expect('.', DELIMITER);
		return { kind: 'simple', operator: word as SimpleOperator, value: value(cursor) };
	}
	if ((QUANT_OPERATORS as readonly string[]).includes(word)) {
		let quantifier: 'any' | 'all' | undefined;
		if (cursor.eat('(any)')) quantifier = 'any';
		else if (cursor.eat('(all)')) quantifier = 'all';
		cursor.expect('.', DELIMITER);
		return { kind: 'quant', operator: word as QuantOperator, quantifier, value: value(cursor) };
	}
	return unknown();
}

function opExpr(cursor: Cursor, value: (cursor: Cursor) => string): OpExpr {
	const negated = cursor.eat('not.');
	return { negated, operation: operation(cursor, value) };
}

export function parseFilterValue(value: string): OpExpr {
	return runParser('failed to parse filter', value, (cursor) => {
		const expr = opExpr(cursor, restOfInput);
		requireEnd(cursor, ['end of input']);
		return expr;
	});
}

function treePath(cursor: Cursor): { path: EmbedPath; field: Field } {
	const names = [fieldName(cursor)];
	while (cursor.eat('.')) names.push(fieldName(cursor));
	const path = jsonPath(cursor);
	requireEnd(cursor, ['"->"', '"."', 'end of input']);
	const name = names.pop() as string;
	return { path: names, field: { name, jsonPath: path } };
}

export function parseTreePath(key: string): { path: EmbedPath; field: Field } {
	return runParser('failed to parse tree path', key, treePath);
}

// ── logic trees ───────────────────────────────────────────────────────────────────────────────

function logicTree(cursor: Cursor): LogicTree {
	const filter = cursor.attempt((): Filter => {
		const target = field(cursor);
		cursor.expect('.', DELIMITER);
		return { field: target, expr: opExpr(cursor, logicValue) };
	});
	if (filter) return { kind: 'filter', filter };
	const negated = cursor.eat('not.');
	let operator: 'and' | 'or';
	if (cursor.eat('and')) operator = 'and';
	else if (cursor.eat('or')) operator = 'or';
	else return cursor.fail([FIELD_NAME, 'negation operator (not)', 'logic operator (and, or)']);
	cursor.skipSpaces();
	cursor.expect('(');
	const children: LogicTree[] = [];
	for (;;) {
		cursor.skipSpaces();
		children.push(cursor.nested(() => logicTree(cursor)));
		cursor.skipSpaces();
		if (!cursor.eat(',')) break;
	}
	cursor.expect(')', '","');
	cursor.skipSpaces();
	return { kind: 'expr', negated, operator, children };
}

/** The embed path of a reserved key: `organizations.order` → ['organizations']. */
export function parseEmbedPathOf(key: string): EmbedPath {
	return runParser('failed to parse tree path', key, (cursor) => {
		const names = [fieldName(cursor)];
		while (cursor.eat('.')) names.push(fieldName(cursor));
		requireEnd(cursor, ['"."', 'end of input']);
		return names.slice(0, -1);
	});
}

/** `or` / `not.and` / `organizations.or` → where it applies and which operator it is. */
export function parseLogicKey(key: string): { path: EmbedPath; operator: string } {
	return runParser('failed to parse logic path', key, (cursor) => {
		const names = [fieldName(cursor)];
		while (cursor.eat('.')) names.push(fieldName(cursor));
		requireEnd(cursor, ['"."', 'end of input']);
		const operator = names.pop() as string;
		return {
			path: names.filter((name) => name !== 'not'),
			operator: names.includes('not') ? `not.${operator}` : operator
		};
	});
}

export function parseLogicTree(operator: string, value: string): LogicTree {
	return runParser('failed to parse logic tree', value, (outer) => {
		// Without the parenthesis PostgREST would read `or=a.eq.1` as a filter on a column `ora`.
		outer.skipSpaces();
		if (outer.peek() !== '(') outer.fail(['"("']);
		const cursor = new Cursor(operator + value);
		try {
			const tree = logicTree(cursor);
			requireEnd(cursor, ['end of input']);
			return tree;
		} catch (error) {
			// Report positions within the value the client sent, not within the joined text.
			if (error instanceof Failure)
				throw new Failure(Math.max(0, error.position - operator.length), error.expected);
			throw error;
		}
	});
}

// ── order, columns ────────────────────────────────────────────────────────────────────────────

function orderModifiers(cursor: Cursor): Pick<OrderTerm, 'direction' | 'nulls'> {
	const result: Pick<OrderTerm, 'direction' | 'nulls'> = {};
	if (cursor.eat('.asc')) result.direction = 'asc';
	else if (cursor.eat('.desc')) result.direction = 'desc';
	if (cursor.eat('.nullsfirst')) result.nulls = 'first';
	else if (cursor.eat('.nullslast')) result.nulls = 'last';
	if (!cursor.atEnd && cursor.peek() !== ',') {
		if (cursor.peek() === '.' && !result.nulls) {
			cursor.position++;
			cursor.fail(
				result.direction
					? ['"nullsfirst"', '"nullslast"']
					: ['"asc"', '"desc"', '"nullsfirst"', '"nullslast"']
			);
		}
		cursor.fail([DELIMITER, '","', 'end of input']);
	}
	return result;
}

function orderTerm(cursor: Cursor): OrderTerm {
	cursor.skipSpaces();
	const related = cursor.attempt(() => {
		const relation = fieldName(cursor);
		cursor.expect('(');
		const target = field(cursor);
		cursor.expect(')');
		return { relation, field: target };
	});
	const term = related ?? { field: field(cursor) };
	return { ...term, ...orderModifiers(cursor) };
}

export function parseOrder(value: string): OrderTerm[] {
	return runParser('failed to parse order', value, (cursor) => {
		const terms = [orderTerm(cursor)];
		while (cursor.eat(',')) terms.push(orderTerm(cursor));
		return terms;
	});
}

function columnList(label: string, value: string): string[] {
	return runParser(label, value, (cursor) => {
		const names: string[] = [];
		for (;;) {
			cursor.skipSpaces();
			names.push(fieldName(cursor));
			cursor.skipSpaces();
			if (!cursor.eat(',')) break;
		}
		requireEnd(cursor, ['","', 'end of input']);
		return names;
	});
}

export const parseColumns = (value: string) =>
	columnList('failed to parse columns parameter', value);
export const parseOnConflict = (value: string) =>
	columnList('failed to parse on_conflict parameter', value);

// ── the whole query string ────────────────────────────────────────────────────────────────────

/** Parameters of the whole request; `order`, `limit`, `offset`, `and`, `or` may also be prefixed by an embed path. */
const RESERVED = ['select', 'columns', 'on_conflict'];

function decodeComponent(text: string): string {
	const spaced = text.replace(/\+/g, ' ');
	try {
		return decodeURIComponent(spaced);
	} catch {
		// A stray '%' stays literal rather than failing the request.
		return spaced.replace(/%([0-9a-fA-F]{2})/g, (match, hex: string) => {
			try {
				return decodeURIComponent(`%${hex}`);
			} catch {
				return match;
			}
		});
	}
}

/** Pairs of the raw query string, `+` as space; `undefined` value for a key without '='. */
export function splitQueryString(raw: string): Array<[string, string | undefined]> {
	return raw
		.split('&')
		.filter((part) => part.length > 0)
		.map((part) => {
			const equals = part.indexOf('=');
			if (equals < 0) return [decodeComponent(part), undefined];
			return [decodeComponent(part.slice(0, equals)), decodeComponent(part.slice(equals + 1))];
		});
}

const lastSegment = (key: string) => key.slice(key.lastIndexOf('.') + 1);

function encodeCanonical(text: string): string {
	return encodeURIComponent(text).replace(
		/[!'()*]/g,
		(char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`
	);
}

function parseInteger(value: string): number | undefined {
	return /^\s*-?\d+\s*$/.test(value) ? Number.parseInt(value, 10) : undefined;
}

export interface ParseOptions {
	/** GET/HEAD on /rpc: a parameter that is not a filter is a function argument. */
	rpcRead?: boolean;
	/** Parameters the gateway consumed (the `apikey`), never PostgREST's. */
	ignore?: string[];
}

export function parseQueryString(raw: string, options: ParseOptions = {}): QueryParams {
	const pairs = splitQueryString(raw).filter(([key]) => !options.ignore?.includes(key));
	const valued = pairs.filter((pair): pair is [string, string] => pair[1] !== undefined);
	const lookup = (name: string) => pairs.find(([key]) => key === name)?.[1];

	const params: QueryParams = {
		select: parseSelect(lookup('select') ?? '*'),
		filters: [],
		logic: [],
		order: [],
		ranges: new Map(),
		rpcArgs: [],
		canonical: [...pairs]
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
			.map(([key, value]) => `${encodeCanonical(key)}=${encodeCanonical(value ?? '')}`)
			.join('&')
	};
	const columns = lookup('columns');
	if (columns !== undefined) params.columns = parseColumns(columns);
	const onConflict = lookup('on_conflict');
	if (onConflict !== undefined) params.onConflict = parseOnConflict(onConflict);

	const limits = new Map<string, number>();
	const offsets = new Map<string, number>();
	for (const [key, value] of valued) {
		const last = lastSegment(key);
		if (RESERVED.includes(key)) continue;
		if (last === 'order') {
			params.order.push({ path: parseEmbedPathOf(key), terms: parseOrder(value) });
		} else if (last === 'limit' || last === 'offset') {
			const amount = parseInteger(value);
			if (amount !== undefined)
				(last === 'limit' ? limits : offsets).set(parseEmbedPathOf(key).join('.'), amount);
		} else if (last === 'and' || last === 'or') {
			const { path, operator } = parseLogicKey(key);
			params.logic.push({ path, tree: parseLogicTree(operator, value) });
		} else {
			const target = parseTreePath(key);
			let expr: OpExpr;
			try {
				expr = parseFilterValue(value);
			} catch (error) {
				if (options.rpcRead && target.path.length === 0) {
					params.rpcArgs.push([key, value]);
					continue;
				}
				throw error;
			}
			params.filters.push({ path: target.path, filter: { field: target.field, expr } });
		}
	}
	for (const path of new Set([...limits.keys(), ...offsets.keys()])) {
		const range: RowRange = { offset: Math.max(0, offsets.get(path) ?? 0) };
		const limit = limits.get(path);
		if (limit !== undefined) range.limit = limit;
		params.ranges.set(path, range);
	}
	return params;
}
