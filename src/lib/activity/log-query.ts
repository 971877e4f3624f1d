// The Activity page's view (user, action, date range, and which page) as the address bar carries
// it: a reload, the back button or a shared link brings the admin back to the same entries.
// Whatever the address says is checked; anything unknown falls back to the default.
//
// Dates are days in the viewer's own time zone ("2026-12-01", as a date field gives them); the
// server is asked for the instants they begin and end there, so "1 December" means the viewer's
// 1 December, not UTC's.
import { ACTIVITY_ACTIONS, type ActivityAction, type Cursor, type EntryFilters } from './api.ts';

export interface ActivityQuery {
	userId: string;
	action: ActivityAction | '';
	/** 'YYYY-MM-DD' in the viewer's zone, inclusive; '' for no bound. */
	from: string;
	to: string;
	/** The page the view shows when it is not the newest one. */
	cursor?: Cursor;
}

export const DEFAULT_QUERY: ActivityQuery = { userId: '', action: '', from: '', to: '' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An instant as the Data API writes one: the cursor must be sent back exactly. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}(?::?\d{2})?)$/;

function day(value: string | null): string {
	const match = value ? DAY.exec(value) : null;
	if (!match) return '';
	const [, y, m, d] = match.map(Number) as [number, number, number, number];
	const date = new Date(y, m - 1, d);
	// 2026-02-31 is not a day (Date would roll it over to 3 March).
	return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d
		? value!
		: '';
}

/** `older=<id>@<occurred_at>`: the page of entries older than that one. */
function cursor(params: URLSearchParams): Cursor | undefined {
	for (const direction of ['older', 'newer'] as const) {
		const value = params.get(direction);
		const at = value?.indexOf('@') ?? -1;
		if (!value || at < 1) continue;
		const id = value.slice(0, at);
		const occurredAt = value.slice(at + 1);
		if (/^\d{1,15}$/.test(id) && INSTANT.test(occurredAt) && !Number.isNaN(Date.parse(occurredAt)))
			return { direction, id: Number(id), occurredAt };
	}
	return undefined;
}

export function parseActivityQuery(params: URLSearchParams): ActivityQuery {
	const user = params.get('user') ?? '';
	const action = params.get('action') ?? '';
	let from = day(params.get('from'));
	let to = day(params.get('to'));
	// A range written backwards still means the days between the two.
	if (from && to && from > to) [from, to] = [to, from];
	const query: ActivityQuery = {
		userId: UUID.test(user) ? user.toLowerCase() : '',
		action: (ACTIVITY_ACTIONS as readonly string[]).includes(action)
			? (action as ActivityAction)
			: '',
		from,
		to
	};
	const at = cursor(params);
	return at ? { ...query, cursor: at } : query;
}

/** Only what differs from the default, so the plain page keeps its plain address. */
export function activityQueryParams(query: ActivityQuery): URLSearchParams {
	const params = new URLSearchParams();
	if (query.userId) params.set('user', query.userId);
	if (query.action) params.set('action', query.action);
	if (query.from) params.set('from', query.from);
	if (query.to) params.set('to', query.to);
	if (query.cursor)
		params.set(query.cursor.direction, `${query.cursor.id}@${query.cursor.occurredAt}`);
	return params;
}

/** Midnight at the start of a day in the viewer's zone, as an instant. */
function startOf(value: string, plusDays = 0): string {
	const [y, m, d] = value.split('-').map(Number) as [number, number, number];
	// Built from the parts, not by adding 24 hours: a day with a clock change is 23 or 25 hours long.
	return new Date(y, m - 1, d + plusDays).toISOString();
}

/** What the server is asked for: the range's instants, from the first day's start to the end of the last. */
export function entryFilters(query: ActivityQuery): EntryFilters {
	return {
		userId: query.userId,
		action: query.action,
		from: query.from ? startOf(query.from) : '',
		to: query.to ? startOf(query.to, 1) : ''
	};
}

/** "activity-2026-11-01-to-2026-11-30.csv"; an open end reads as the day of the export. */
export function exportFileName(
	query: Pick<ActivityQuery, 'from' | 'to'>,
	today = new Date()
): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	const day = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
	if (!query.from && !query.to) return `activity-until-${day}.csv`;
	return `activity-${query.from || 'start'}-to-${query.to || day}.csv`;
}
