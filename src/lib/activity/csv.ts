// The activity export's columns, one chunk per page of entries (written by $lib/csv/file.ts, which
// also neutralises cells a spreadsheet would run as formulas). Loaded only when someone exports.
import { csvLines } from '$lib/csv/file.ts';
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
	return csvLines(CSV_FIELDS, csvRows(entries, people), options);
}
