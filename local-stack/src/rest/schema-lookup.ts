// Finding a name the request gives in the schema cache, and PostgREST's "Perhaps you meant …" hint
// when it is not there. Pure lookups: the planners call them, the database is not involved.
import { tableNotFound } from './errors.ts';
import { tableKey, type SchemaCache, type Table } from './schema-cache.ts';

function levenshtein(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
			current.push(
				Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution)
			);
		}
		previous = current;
	}
	return previous[b.length] as number;
}

/** The closest name, when close enough to be worth a hint (PostgREST uses a 0.75 similarity floor). */
export function closestName(name: string, candidates: string[]): string | undefined {
	let best: { candidate: string; score: number } | undefined;
	for (const candidate of candidates) {
		const score = 1 - levenshtein(name, candidate) / Math.max(name.length, candidate.length, 1);
		if (score >= 0.75 && (!best || score > best.score)) best = { candidate, score };
	}
	return best?.candidate;
}

export function findTable(cache: SchemaCache, schema: string, name: string): Table {
	const table = cache.tables.get(tableKey(schema, name));
	if (table) return table;
	const names = [...cache.tables.values()]
		.filter((candidate) => candidate.schema === schema)
		.map((candidate) => candidate.name);
	throw tableNotFound(schema, name, closestName(name, names));
}
