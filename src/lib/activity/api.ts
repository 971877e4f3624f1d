// Every call the console makes about the activity log. The log is read straight from the Data API
// as the signed-in admin (RLS lets an active admin read their organization's entries, nobody else
// any); names come from the users table through the users API, which answers the same way.
import { Constants, type Database, type Json } from '$shared/database.types.ts';
import type { AppClient } from '$lib/supabase/client';
import { Deadline, REQUEST_TIMEOUT_MS } from '$lib/supabase/deadline.ts';
import {
	dataFailure,
	quoted,
	type PersonName,
	type LookupOptions,
	type RequestOptions,
	type Result,
	type UserAdminApi
} from '$lib/users/api.ts';
import type { UserRow } from '$lib/users/types.ts';

export type { ApiError, PersonName, RequestOptions, Result } from '$lib/users/api.ts';

/** From the database's enum (generated types): an action added there must be given words here. */
export const ACTIVITY_ACTIONS = Constants.public.Enums.activity_action;
export type ActivityAction = Database['public']['Enums']['activity_action'];
export type ActorType = Database['public']['Enums']['activity_actor_type'];

/** Never `select *`; the organization is the caller's own and not worth sending back. */
export const ACTIVITY_COLUMNS =
	'id, occurred_at, actor_type, actor_id, target_id, action, changes, details, request_id' as const;

export interface ActivityEntry {
	id: number;
	/** As the Data API wrote it (microseconds): a keyset cursor must be the exact value. */
	occurred_at: string;
	actor_type: ActorType;
	actor_id: string | null;
	target_id: string;
	action: ActivityAction;
	changes: Json;
	details: Json;
	request_id: string | null;
}

/** Where a page continues from: entries older (or newer) than this one, by (occurred_at, id). */
export interface Cursor {
	direction: 'older' | 'newer';
	occurredAt: string;
	id: number;
}

export interface EntryFilters {
	/** The user the entries are about (target); '' for everyone. */
	userId: string;
	action: ActivityAction | '';
	/** ISO instants; `from` inclusive, `to` exclusive; '' for no bound. */
	from: string;
	to: string;
}

export interface PageParams extends EntryFilters {
	/** Always sent: the policy allows only it anyway, but the indexes start with it. */
	organizationId: string;
	cursor?: Cursor;
	limit: number;
}

/** A person as the export names them: the name and the address. */
export type Person = Pick<UserRow, 'id' | 'first_name' | 'last_name' | 'email'>;

/** What the activity screens need; ActivityApi implements it, component tests pass a fake. */
export interface ActivitySource {
	/** Entries newest first, whichever way the page was walked. */
	page(params: PageParams, options?: RequestOptions): Promise<Result<ActivityEntry[]>>;
	names(ids: readonly string[], options?: LookupOptions): Promise<Result<PersonName[]>>;
	people(ids: readonly string[], options?: LookupOptions): Promise<Result<Person[]>>;
	/** A few of the organization's users matching a part of a name or email (the user filter). */
	searchUsers(
		organizationId: string,
		search: string,
		options?: RequestOptions
	): Promise<Result<Person[]>>;
}

/** Ids per users request: an `in=(…)` list of 150 ids keeps the URL under 6 KB. */
const IDS_PER_REQUEST = 150;
const SEARCH_RESULTS = 8;

export class ActivityApi implements ActivitySource {
	constructor(
		private readonly client: AppClient,
		/** The users API the rest of the console uses: names and search come from it. */
		private readonly users: Pick<UserAdminApi, 'names' | 'list'>,
		private readonly timeoutMs = REQUEST_TIMEOUT_MS
	) {}

	async page(params: PageParams, options: RequestOptions = {}): Promise<Result<ActivityEntry[]>> {
		const deadline = new Deadline(options.signal, this.timeoutMs);
		let query = this.client
			.from('activity_log')
			.select(ACTIVITY_COLUMNS)
			.eq('organization_id', params.organizationId);
		if (params.userId) query = query.eq('target_id', params.userId);
		if (params.action) query = query.eq('action', params.action);
		if (params.from) query = query.gte('occurred_at', params.from);
		if (params.to) query = query.lt('occurred_at', params.to);
		const cursor = params.cursor;
		// Newer entries are read walking up the index (ascending), then put back newest first.
		const ascending = cursor?.direction === 'newer';
		if (cursor) {
			const op = ascending ? 'gt' : 'lt';
			const at = quoted(cursor.occurredAt);
			// (occurred_at, id) beyond the cursor. The plain bound lets the index scan start at the
			// cursor instead of reading every newer entry; the `or` settles entries of the same instant
			// (all entries of one transaction share its time).
			query = query[ascending ? 'gte' : 'lte']('occurred_at', cursor.occurredAt).or(
				`occurred_at.${op}.${at},and(occurred_at.eq.${at},id.${op}.${cursor.id})`
			);
		}
		const answer = await query
			.order('occurred_at', { ascending })
			.order('id', { ascending })
			.limit(params.limit)
			.abortSignal(deadline.signal);
		if (answer.error) return { ok: false, error: dataFailure(answer, deadline) };
		const rows = (answer.data ?? []) as ActivityEntry[];
		if (ascending) rows.reverse();
		return { ok: true, data: rows };
	}

	names(ids: readonly string[], options: LookupOptions = {}): Promise<Result<PersonName[]>> {
		return this.users.names(ids, options);
	}

	/**
	 * Names with addresses, for the export (the screens need only names). Ids RLS hides are
	 * missing from the answer, as with names().
	 */
	async people(ids: readonly string[], options: LookupOptions = {}): Promise<Result<Person[]>> {
		const found: Person[] = [];
		for (let start = 0; start < ids.length; start += IDS_PER_REQUEST) {
			const deadline = new Deadline(options.signal, this.timeoutMs);
			let query = this.client
				.from('users')
				.select('id, first_name, last_name, email')
				.in('id', ids.slice(start, start + IDS_PER_REQUEST));
			if (options.organizationId) query = query.eq('organization_id', options.organizationId);
			const answer = await query.abortSignal(deadline.signal);
			if (answer.error) return { ok: false, error: dataFailure(answer, deadline) };
			found.push(...(answer.data ?? []));
		}
		return { ok: true, data: found };
	}

	async searchUsers(
		organizationId: string,
		search: string,
		options: RequestOptions = {}
	): Promise<Result<Person[]>> {
		const result = await this.users.list(
			{
				organizationId,
				search,
				role: '',
				status: '',
				sort: 'name',
				ascending: true,
				position: { from: 'start' },
				pageSize: SEARCH_RESULTS,
				withCount: false
			},
			options
		);
		if (!result.ok) return result;
		return {
			ok: true,
			data: result.data.rows.map(({ id, first_name, last_name, email }) => ({
				id,
				first_name,
				last_name,
				email
			}))
		};
	}
}
