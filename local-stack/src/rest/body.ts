// Request bodies are decoded twice: here, to learn their keys and refuse what PostgREST refuses, and
// by Postgres from the original text, so numbers and strings keep their exact form.
import { invalidBody } from './errors.ts';

/**
 * Postgres parses JSON recursively and fails with a 500 (stack depth) on bodies nested a few
 * hundred thousand levels deep; no client sends such a body, so refuse it up front as invalid.
 */
export const MAX_JSON_NESTING = 512;

function nestingDepth(text: string): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (inString) {
			if (char === '\\') i++;
			else if (char === '"') inString = false;
		} else if (char === '"') {
			inString = true;
		} else if (char === '[' || char === '{') {
			deepest = Math.max(deepest, ++depth);
		} else if (char === ']' || char === '}') {
			depth--;
		}
	}
	return deepest;
}

/** A JSON body handed to Postgres as sent, so numbers and text keep their exact form. */
export interface JsonBody {
	text: string;
	/** One object rather than an array of them. */
	isObject: boolean;
}

type JsonObject = Record<string, unknown>;

const isJsonObject = (value: unknown): value is JsonObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseJsonBody(text: string): unknown {
	if (nestingDepth(text) > MAX_JSON_NESTING)
		throw invalidBody(`JSON body nested deeper than ${MAX_JSON_NESTING} levels`);
	try {
		return JSON.parse(text);
	} catch {
		throw invalidBody();
	}
}

/** A write's body as PostgREST accepts it: one JSON object or an array of objects. */
export interface WriteBody {
	json: JsonBody;
	rows: JsonObject[];
}

export function parseWriteBody(text: string): WriteBody {
	const value = parseJsonBody(text);
	if (isJsonObject(value)) return { json: { text, isObject: true }, rows: [value] };
	if (Array.isArray(value) && value.every(isJsonObject))
		return { json: { text, isObject: false }, rows: value };
	throw invalidBody();
}

/** The named arguments of a function call sent as a JSON object; an empty body names none. */
export function parseArgumentsBody(text: string): { json: JsonBody; names: string[] } {
	if (text.trim() === '') return { json: { text: '{}', isObject: true }, names: [] };
	const value = parseJsonBody(text);
	if (!isJsonObject(value)) throw invalidBody();
	return { json: { text, isObject: true }, names: Object.keys(value) };
}
