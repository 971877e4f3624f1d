// The export's CSV, written by papaparse: one chunk per page of entries, joined into one file by
// the export. Loaded only when someone exports (papaparse stays out of the Activity page's weight).
//
// A spreadsheet reads a cell starting with =, +, -, @, a tab or a carriage return as a formula, and
// a name is whatever an admin typed ("=HYPERLINK(…)"). papaparse's escapeFormulae prefixes such
// cells with ' (and quotes them), which makes them text. Its own pattern for `true`,
// /^[=+\-@\t\r].*$/, lets a cell through when a line break follows the sign (`.` stops there), so
// the export gives it one that looks only at the first character.
import Papa from 'papaparse';
import type { ActivityEntry, Person } from './api.ts';
import { changesText, sentence, type Names } from './sentences.ts';

export const CSV_FIELDS = [
	'Time (UTC, ISO 8601)',
	'Actor',
	'Actor email',
	'Action',
	'Target',
	'Target email',
	'Changes',
	'Sentence',
	'Request id'
] as const;

export const FORMULA_START = /^[=+\-@\t\r]/;

export type People = Readonly<Record<string, Person>>;

const nameOf = (person: Person) => `${person.first_name} ${person.last_name}`;

/** A person's cells: their name and address, or their id when the users table did not answer. */
function personCells(id: string | null, people: People): [string, string] {
	if (!id) return ['', ''];
	const person = people[id];
	return person ? [nameOf(person), person.email] : [id, ''];
}

function actorCells(entry: ActivityEntry, people: People): [string, string] {
	if (entry.actor_type === 'service') return ['service role', ''];
	if (entry.actor_type === 'operator') return ['operator', ''];
	return personCells(entry.actor_id, people);
}

export function csvRows(entries: readonly ActivityEntry[], people: People): string[][] {
	const names: Names = Object.fromEntries(
		Object.values(people).map((person) => [person.id, nameOf(person)])
	);
	return entries.map((entry) => [
		new Date(entry.occurred_at).toISOString(),
		...actorCells(entry, people),
		entry.action,
		...personCells(entry.target_id, people),
		changesText(entry),
		sentence(entry, names),
		entry.request_id ?? ''
	]);
}

/** One page of entries as CSV lines (CRLF, as RFC 4180 has it), with the header row if asked. */
export function csvChunk(
	entries: readonly ActivityEntry[],
	people: People,
	options: { header: boolean }
): string {
	const rows = csvRows(entries, people);
	if (rows.length === 0 && !options.header) return '';
	return Papa.unparse(
		{ fields: [...CSV_FIELDS], data: rows },
		{ header: options.header, newline: '\r\n', escapeFormulae: FORMULA_START }
	);
}
