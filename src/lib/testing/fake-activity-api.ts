// An in-memory stand-in for ActivityApi at the component seam: it filters and pages its entries as
// the Data API does (newest first by (occurred_at, id), keyset cursors, limit) and records every
// call, so tests can check what would have been sent.
import { vi } from 'vitest';
import type {
	ActivityEntry,
	ActivitySource,
	ApiError,
	PageParams,
	Person,
	PersonName,
	RequestOptions,
	Result
} from '$lib/activity/api';
import type { UserRow } from '$lib/users/types';
import { fail, matchesSearch, namesOf, ORG_ID } from './fake-users-api.ts';

let counter = 0;

/** An entry `minutes` after 1 December 2026 09:00 UTC (later calls get larger ids, as in the log). */
export function makeEntry(
	overrides: Partial<ActivityEntry> & { minutes?: number } = {}
): ActivityEntry & { organization_id: string } {
	counter++;
	const { minutes = counter, ...rest } = overrides;
	return {
		id: counter,
		organization_id: ORG_ID,
		occurred_at: new Date(Date.UTC(2026, 11, 1, 9, 0) + minutes * 60_000)
			.toISOString()
			.replace('Z', '+00:00'),
		actor_type: 'user',
		actor_id: null,
		target_id: '00000000-0000-4000-8000-0000000000ff',
		action: 'signed_in',
		changes: {},
		details: {},
		request_id: null,
		...rest
	};
}

const person = ({ id, first_name, last_name, email }: UserRow): Person => ({
	id,
	first_name,
	last_name,
	email
});

/** Newest first: (occurred_at, id) descending, as the log's indexes are. */
const newestFirst = (a: ActivityEntry, b: ActivityEntry) =>
	Date.parse(b.occurred_at) - Date.parse(a.occurred_at) || b.id - a.id;

export class FakeActivityApi implements ActivitySource {
	entries: Array<ActivityEntry & { organization_id: string }>;
	users: UserRow[];
	/** The next call of any method fails with this (then it is cleared). */
	nextError: ApiError | null = null;
	pageCalls: PageParams[] = [];

	constructor(
		entries: Array<ActivityEntry & { organization_id: string }> = [],
		users: UserRow[] = []
	) {
		this.entries = entries;
		this.users = users;
	}

	#takeError(): ApiError | null {
		const error = this.nextError;
		this.nextError = null;
		return error;
	}

	page = vi.fn(
		async (params: PageParams, _options?: RequestOptions): Promise<Result<ActivityEntry[]>> => {
			this.pageCalls.push(params);
			const error = this.#takeError();
			if (error) return fail(error);
			const cursor = params.cursor;
			const key = cursor && { at: Date.parse(cursor.occurredAt), id: cursor.id };
			const matching = this.entries
				.filter((entry) => {
					const at = Date.parse(entry.occurred_at);
					if (entry.organization_id !== params.organizationId) return false;
					if (params.userId && entry.target_id !== params.userId) return false;
					if (params.action && entry.action !== params.action) return false;
					if (params.from && at < Date.parse(params.from)) return false;
					if (params.to && at >= Date.parse(params.to)) return false;
					if (!key) return true;
					const order = at - key.at || entry.id - key.id;
					return cursor.direction === 'older' ? order < 0 : order > 0;
				})
				.sort(newestFirst);
			// Walking newer reads the ones just above the cursor, as the ascending index scan does.
			const rows =
				cursor?.direction === 'newer'
					? matching.slice(-params.limit)
					: matching.slice(0, params.limit);
			return { ok: true, data: rows.map(({ organization_id: _, ...entry }) => entry) };
		}
	);

	names = vi.fn(async (ids: readonly string[]): Promise<Result<PersonName[]>> => {
		const error = this.#takeError();
		if (error) return fail(error);
		return { ok: true, data: namesOf(this.users, ids) };
	});

	people = vi.fn(async (ids: readonly string[]): Promise<Result<Person[]>> => {
		const error = this.#takeError();
		if (error) return fail(error);
		return { ok: true, data: this.users.filter((user) => ids.includes(user.id)).map(person) };
	});

	searchUsers = vi.fn(
		async (_organizationId: string, search: string): Promise<Result<Person[]>> => {
			const error = this.#takeError();
			if (error) return fail(error);
			return {
				ok: true,
				data: this.users.filter(matchesSearch(search)).slice(0, 8).map(person)
			};
		}
	);
}
