// Request bodies decoded the way GoTrue's json.Unmarshal into a Go struct decodes them: unknown
// keys ignored, keys matched case-insensitively, JSON null leaving a field at its zero value, and
// a wrong type answered with Go's own "cannot unmarshal" sentence (clients show these messages).

export type GoFieldKind =
	/** Go `string`: null or absent gives "". */
	| 'string'
	/** Go `*string`: null or absent gives null, so "not given" and "" stay apart. */
	| 'optionalString'
	/** Go `bool`. */
	| 'bool'
	/** Go `map[string]interface{}`: null or absent gives null. */
	| 'map';

export interface GoStruct {
	/** Go type name as json errors print it, e.g. PasswordGrantParams. */
	name: string;
	fields: Record<string, GoFieldKind>;
}

type FieldValue<Kind extends GoFieldKind> = Kind extends 'string'
	? string
	: Kind extends 'optionalString'
		? string | null
		: Kind extends 'bool'
			? boolean
			: Record<string, unknown> | null;

export type Decoded<S extends GoStruct> = { [K in keyof S['fields']]: FieldValue<S['fields'][K]> };

export class GoJsonError extends Error {}

const GO_TYPE_NAME: Record<GoFieldKind, string> = {
	string: 'string',
	optionalString: 'string',
	bool: 'bool',
	map: 'map[string]interface {}'
};

function jsonKind(value: unknown): string {
	if (Array.isArray(value)) return 'array';
	if (value === null) return 'null';
	if (typeof value === 'boolean') return 'bool';
	return typeof value === 'object' ? 'object' : typeof value;
}

function zeroValue(kind: GoFieldKind): unknown {
	if (kind === 'string') return '';
	if (kind === 'bool') return false;
	return null;
}

function fits(kind: GoFieldKind, value: unknown): boolean {
	if (kind === 'string' || kind === 'optionalString') return typeof value === 'string';
	if (kind === 'bool') return typeof value === 'boolean';
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go's wording for malformed JSON, as far as JSON.parse lets us tell the cases apart. */
function syntaxMessage(text: string, error: unknown): string {
	const trimmed = text.trim();
	if (trimmed === '') return 'unexpected end of JSON input';
	const first = trimmed[0] ?? '';
	if (!/[{["tfn\-0-9]/.test(first))
		return `invalid character '${first}' looking for beginning of value`;
	const reason = error instanceof Error ? error.message : '';
	if (/end of JSON input|Unterminated/i.test(reason)) return 'unexpected end of JSON input';
	const position = /position (\d+)/.exec(reason)?.[1];
	const offending = position === undefined ? undefined : text[Number(position)];
	return offending === undefined
		? 'invalid JSON'
		: `invalid character '${offending}' in JSON at offset ${position}`;
}

/** encoding/json's limit on nested arrays and objects. */
const MAX_NESTING_DEPTH = 10_000;

/** The bracket that opens one level too many, if any (Go refuses the text before decoding it). */
function bracketTooDeep(text: string): string | null {
	let depth = 0;
	let inString = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (inString) {
			if (char === '\\') index++;
			else if (char === '"') inString = false;
		} else if (char === '"') inString = true;
		else if (char === '{' || char === '[') {
			if (++depth > MAX_NESTING_DEPTH) return char;
		} else if (char === '}' || char === ']') depth--;
	}
	return null;
}

/** Decodes `text` into the fields of `struct`, or throws GoJsonError with Go's message. */
export function decodeGoJson<S extends GoStruct>(text: string, struct: S): Decoded<S> {
	const tooDeep = bracketTooDeep(text);
	if (tooDeep) throw new GoJsonError(`invalid character '${tooDeep}' exceeded max depth`);
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new GoJsonError(syntaxMessage(text, error));
	}

	const result: Record<string, unknown> = {};
	for (const [field, kind] of Object.entries(struct.fields)) result[field] = zeroValue(kind);
	if (parsed === null) return result as Decoded<S>;
	if (jsonKind(parsed) !== 'object') {
		throw new GoJsonError(
			`json: cannot unmarshal ${jsonKind(parsed)} into Go value of type api.${struct.name}`
		);
	}

	const input = parsed as Record<string, unknown>;
	const fieldByLowerName = new Map(
		Object.keys(struct.fields).map((field) => [field.toLowerCase(), field])
	);
	let firstTypeError: string | null = null;
	for (const [key, value] of Object.entries(input)) {
		// encoding/json prefers an exact key match but also accepts a case-insensitive one.
		const field = key in struct.fields ? key : fieldByLowerName.get(key.toLowerCase());
		if (field === undefined || value === null) continue;
		const kind = struct.fields[field] as GoFieldKind;
		if (fits(kind, value)) {
			result[field] = value;
		} else {
			// Go keeps decoding after a type mismatch and reports the first one.
			firstTypeError ??= `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct.name}.${field} of type ${GO_TYPE_NAME[kind]}`;
		}
	}
	if (firstTypeError) throw new GoJsonError(firstTypeError);
	return result as Decoded<S>;
}

/** Go marshals maps with their keys sorted (nested maps too); jsonb keeps its own order. */
export function goMapOrder<T>(value: T): T {
	try {
		return sortKeys(value);
	} catch (error) {
		// Metadata nested deeper than the call stack allows is sent in its stored order instead.
		if (error instanceof RangeError) return value;
		throw error;
	}
}

function sortKeys<T>(value: T): T {
	if (Array.isArray(value)) return value.map(sortKeys) as T;
	if (typeof value !== 'object' || value === null) return value;
	const sorted: Record<string, unknown> = {};
	for (const key of Object.keys(value).sort()) {
		const sortedValue = sortKeys((value as Record<string, unknown>)[key]);
		Object.defineProperty(sorted, key, {
			value: sortedValue,
			enumerable: true,
			writable: true,
			configurable: true
		});
	}
	return sorted as T;
}
