// Every call the console makes about users, in one place: reads and the edits RLS allows go to the
// Data API as the signed-in admin; what needs the service role goes through the Edge Functions.
import { FunctionsHttpError } from '@supabase/supabase-js';
import type { CreateUserInput, UserRole, UserStatus } from '$shared/user-input.ts';
import type { AppClient } from '$lib/supabase/client';
import { Deadline, REQUEST_TIMEOUT_MS } from '$lib/supabase/deadline.ts';
import {
	apiError,
	fromDataError,
	fromFunctionError,
	type ApiError,
	type Result
} from './errors.ts';
import { USER_COLUMNS, type UserRow } from './types.ts';

export type { ApiError, Result } from './errors.ts';

export type SortKey = 'name' | 'email' | 'role' | 'status' | 'created_at' | 'last_sign_in_at';

/** Who to list by their last sign-in: anyone, those who never signed in, or not in the last 90 days. */
export type SignInFilter = '' | 'never' | 'not_in_90_days';
export const SIGN_IN_FILTERS: readonly Exclude<SignInFilter, ''>[] = ['never', 'not_in_90_days'];
export const STALE_SIGN_IN_DAYS = 90;

/** The moment a sign-in must be older than to count as "not in the last 90 days". */
export const staleSignInBefore = (now = Date.now()): string =>
	new Date(now - STALE_SIGN_IN_DAYS * 24 * 60 * 60 * 1000).toISOString();

/** The columns a keyset page continues from, with the id: only the orders that page by keyset. */
export type CursorRow = Pick<UserRow, 'id'> &
	Partial<Pick<UserRow, 'last_name' | 'first_name' | 'last_sign_in_at'>>;

/** A user's usable Auth session, as public.user_sessions reports it. */
export interface UserSession {
	id: string;
	created_at: string;
	refreshed_at: string;
	user_agent: string | null;
	ip_address: string | null;
	/** The session the caller is using right now. */
	current: boolean;
}

export interface ListParams {
	/** Always sent: the policies allow it anyway, but the planner needs it to use the index. */
	organizationId: string;
	search: string;
	role: UserRole | '';
	status: UserStatus | '';
	/** Absent: anyone. Counted exactly: the counters know roles and statuses, not sign-ins. */
	signedIn?: SignInFilter;
	/**
	 * With `not_in_90_days`: sign-ins before this moment count as not recent. The list fixes it when
	 * the view is asked for, so its pages and its total agree; absent, it is 90 days before now.
	 */
	signedInBefore?: string;
	sort: SortKey;
	ascending: boolean;
	/** Zero-based. */
	page: number;
	pageSize: number;
	/** Ask for the total only when the filters changed; paging through keeps the known total. */
	withCount: boolean;
	/**
	 * Keyset pagination for the name and last sign-in orders: the page right after (or before)
	 * this row, found through the index instead of counting past `page * pageSize` rows; a page
	 * deep in a 100,000-user organization then costs what the first one does.
	 */
	cursor?: { direction: 'after' | 'before'; row: CursorRow };
}

/** Every call takes the person's Cancel (an AbortSignal); each also times out on its own. */
export interface RequestOptions {
	signal?: AbortSignal;
}

/** Options of a lookup of users by id. */
export interface LookupOptions extends RequestOptions {
	/**
	 * The organization the ids belong to. Sent, the rows are read by id within it; without it the
	 * planner guesses the policy's organization to be one in a thousand and reads the whole of it
	 * by name (22 ms instead of 1 ms for a page of names at a million users: npm run bench).
	 */
	organizationId?: string;
}

export interface ListResult {
	rows: UserRow[];
	total: number | null;
}

const SORT_COLUMNS: Record<SortKey, string[]> = {
	// Matches the (organization_id, last_name, first_name, id) index: ordered pages come from it.
	name: ['last_name', 'first_name'],
	email: ['email'],
	role: ['role', 'last_name', 'first_name'],
	status: ['status', 'last_name', 'first_name'],
	created_at: ['created_at'],
	// Matches (organization_id, last_sign_in_at nulls first, id): never signed in first ascending.
	last_sign_in_at: ['last_sign_in_at']
};

/** The orders that page by keyset, and the columns of the row each continues from (besides id). */
const KEYSET_COLUMNS: Partial<Record<SortKey, ReadonlyArray<keyof CursorRow>>> = {
	name: ['last_name', 'first_name'],
	last_sign_in_at: ['last_sign_in_at']
};

/** What a keyset page continues from in this order, or undefined for the orders paged by offset. */
export function cursorRow(sort: SortKey, row: UserRow): CursorRow | undefined {
	const columns = KEYSET_COLUMNS[sort];
	if (!columns) return undefined;
	const key: CursorRow = { id: row.id };
	for (const column of columns) Object.assign(key, { [column]: row[column] });
	return key;
}

/** A value inside a PostgREST logic tree (`or=(…)`), where commas and parentheses are syntax. */
export const quoted = (value: string): string =>
	`"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** What the components need; UsersApi implements it, component tests pass a fake. */
export type UserAdminApi = Pick<
	UsersApi,
	| 'list'
	| 'get'
	| 'names'
	| 'create'
	| 'setPassword'
	| 'setActive'
	| 'updateProfile'
	| 'updateOwnNames'
	| 'changeOwnPassword'
	| 'sessions'
	| 'endSessions'
>;

/** Another user's personal information and role: what `update_profile` changes in one request. */
export type ProfileChanges = Partial<Pick<UserRow, 'first_name' | 'last_name' | 'email' | 'role'>>;
/** What a person may change of their own row through the Data API (RLS and column privileges decide). */
export type OwnNames = Pick<UserRow, 'first_name' | 'last_name'>;
/**
 * What the screen showed of each field being changed. A save whose field changed meanwhile (another
 * admin, another tab) is refused as `user_changed` instead of silently overwriting the newer value.
 */
export type ExpectedValues = ProfileChanges;
export type PersonName = Pick<UserRow, 'id' | 'first_name' | 'last_name'>;

interface DataAnswer {
	error: { code?: string; message: string } | null;
	/** 0 when no answer came back at all (supabase-js's result for a failed or aborted fetch). */
	status?: number;
}

/** A failed Data API call in the console's words: cut short by us, no answer, or a refusal. */
export function dataFailure(answer: DataAnswer, deadline: Deadline): ApiError {
	const interruption = deadline.interruption;
	if (interruption) return apiError(interruption);
	if (answer.status === 0 || !answer.error) return apiError('network');
	return fromDataError(answer.error);
}

export class UsersApi {
	constructor(
		private readonly client: AppClient,
		/** How long any one request may take (tests shorten it). */
		private readonly timeoutMs = REQUEST_TIMEOUT_MS
	) {}

	async list(params: ListParams, options: RequestOptions = {}): Promise<Result<ListResult>> {
		const search = params.search.trim();
		const deadline = new Deadline(options.signal, this.timeoutMs);
		const counted = params.withCount && !search && !params.signedIn;
		const [page, total] = await Promise.all([
			this.#page(params, search, deadline),
			// A search is counted with its page (its matches are few and already gathered); the
			// organization's totals come from the counters the database keeps, as counting
			// 100,000 rows through the policies on every load would cost tens of milliseconds.
			// The counters know roles and statuses only: a sign-in filter is counted with its page.
			counted
				? this.#countFromCounters(params, deadline)
				: Promise.resolve<Result<number | null>>({ ok: true, data: null })
		]);
		if (!page.ok) return page;
		if (!total.ok) return total;
		return { ok: true, data: { rows: page.data.rows, total: total.data ?? page.data.total } };
	}

	async #page(params: ListParams, search: string, deadline: Deadline): Promise<Result<ListResult>> {
		const from = params.page * params.pageSize;
		const count =
			params.withCount && (search || params.signedIn) ? ({ count: 'exact' } as const) : undefined;
		// Searching goes through public.search_users: `ilike` is not leakproof, so through the
		// policies no index could serve a fragment search; the function applies the same rule
		// (an active admin, their organization) and uses the trigram indexes.
		let query = search
			? this.client.rpc('search_users', { search }, { get: true, ...count }).select(USER_COLUMNS)
			: this.client
					.from('users')
					.select(USER_COLUMNS, count)
					.eq('organization_id', params.organizationId);
		if (params.role) query = query.eq('role', params.role);
		if (params.status) query = query.eq('status', params.status);
		if (params.signedIn === 'never') query = query.is('last_sign_in_at', null);
		else if (params.signedIn === 'not_in_90_days')
			query = query.or(
				`last_sign_in_at.is.null,last_sign_in_at.lt.${quoted(params.signedInBefore ?? staleSignInBefore())}`
			);
		const cursor = KEYSET_COLUMNS[params.sort] ? params.cursor : undefined;
		// Walking towards larger values (next page ascending, previous page descending) or smaller.
		const forward = cursor ? (cursor.direction === 'after') === params.ascending : params.ascending;
		const op = forward ? 'gt' : 'lt';
		if (cursor && params.sort === 'name') {
			const { last_name: last = '', first_name: first = '', id } = cursor.row;
			// (last_name, first_name, id) beyond the cursor row. The plain bound on last_name lets
			// the planner start the index scan there; the `or` settles ties.
			query = query[forward ? 'gte' : 'lte']('last_name', last).or(
				`last_name.${op}.${quoted(last)},and(last_name.eq.${quoted(last)},first_name.${op}.${quoted(first)}),and(last_name.eq.${quoted(last)},first_name.eq.${quoted(first)},id.${op}.${id})`
			);
		} else if (cursor) {
			// (last_sign_in_at, id) beyond the cursor row, in the index's order: never (null) before
			// any time. The time is the database's own text, to the microsecond (a Date would round).
			const { last_sign_in_at: at, id } = cursor.row;
			if (!at)
				query = forward
					? query.or(`and(last_sign_in_at.is.null,id.gt.${id}),last_sign_in_at.not.is.null`)
					: query.is('last_sign_in_at', null).lt('id', id);
			else {
				const tie = `and(last_sign_in_at.eq.${quoted(at)},id.${op}.${id})`;
				query = forward
					? query.gte('last_sign_in_at', at).or(`last_sign_in_at.gt.${quoted(at)},${tie}`)
					: query.or(`last_sign_in_at.lt.${quoted(at)},last_sign_in_at.is.null,${tie}`);
			}
		}
		for (const column of SORT_COLUMNS[params.sort])
			query =
				column === 'last_sign_in_at'
					? // Nulls first ascending and last descending: the index read either way round.
						query.order(column, { ascending: forward, nullsFirst: forward })
					: query.order(column, { ascending: forward });
		// A unique tie-breaker keeps pages stable when names repeat.
		query = query.order('id', { ascending: forward });
		const answer = await (
			cursor ? query.limit(params.pageSize) : query.range(from, from + params.pageSize - 1)
		).abortSignal(deadline.signal);
		const { data, error, count: total } = answer;
		if (error) return { ok: false, error: dataFailure(answer, deadline) };
		const rows = (data ?? []) as UserRow[];
		// A previous page was read walking backwards: put it in display order again.
		if (cursor?.direction === 'before') rows.reverse();
		return { ok: true, data: { rows, total: total ?? null } };
	}

	/** The organization's users matching the role and status filters, from the counters. */
	async #countFromCounters(params: ListParams, deadline: Deadline): Promise<Result<number | null>> {
		let query = this.client
			.from('organization_user_counts')
			.select('users')
			.eq('organization_id', params.organizationId);
		if (params.role) query = query.eq('role', params.role);
		if (params.status) query = query.eq('status', params.status);
		const answer = await query.abortSignal(deadline.signal);
		if (answer.error) return { ok: false, error: dataFailure(answer, deadline) };
		return { ok: true, data: (answer.data ?? []).reduce((sum, row) => sum + row.users, 0) };
	}

	async get(id: string, options: RequestOptions = {}): Promise<Result<UserRow>> {
		const deadline = new Deadline(options.signal, this.timeoutMs);
		const answer = await this.client
			.from('users')
			.select(USER_COLUMNS)
			.eq('id', id)
			.abortSignal(deadline.signal)
			.maybeSingle();
		if (answer.error) return { ok: false, error: dataFailure(answer, deadline) };
		if (!answer.data) return { ok: false, error: apiError('user_not_found') };
		return { ok: true, data: answer.data };
	}

	/**
	 * The names of some users of the organization (the creators shown in the table), in one request;
	 * ids RLS hides are simply missing from the answer.
	 */
	async names(ids: readonly string[], options: LookupOptions = {}): Promise<Result<PersonName[]>> {
		if (ids.length === 0) return { ok: true, data: [] };
		const deadline = new Deadline(options.signal, this.timeoutMs);
		let query = this.client
			.from('users')
			.select('id, first_name, last_name')
			.in('id', [...ids]);
		if (options.organizationId) query = query.eq('organization_id', options.organizationId);
		const answer = await query.abortSignal(deadline.signal);
		if (answer.error) return { ok: false, error: dataFailure(answer, deadline) };
		return { ok: true, data: answer.data ?? [] };
	}

	/**
	 * The signed-in person's own names, through the Data API: RLS lets managers and admins change
	 * their own first and last name, nothing else of their row.
	 */
	async updateOwnNames(
		id: string,
		names: OwnNames,
		expected?: OwnNames,
		options: RequestOptions = {}
	): Promise<Result<UserRow>> {
		const deadline = new Deadline(options.signal, this.timeoutMs);
		let query = this.client.from('users').update(names).eq('id', id);
		// Only if the names are still what the screen showed: no overwriting a change made meanwhile.
		if (expected)
			query = query.eq('first_name', expected.first_name).eq('last_name', expected.last_name);
		const answer = await query.select(USER_COLUMNS).abortSignal(deadline.signal).maybeSingle();
		if (answer.error) return { ok: false, error: dataFailure(answer, deadline) };
		if (answer.data) return { ok: true, data: answer.data };
		// No row changed: either the names changed meanwhile, or RLS filtered the row out (not
		// theirs to change, or their account was deactivated).
		if (expected) {
			const current = await this.get(id, options);
			if (
				current.ok &&
				(current.data.first_name !== expected.first_name ||
					current.data.last_name !== expected.last_name)
			)
				return { ok: false, error: apiError('user_changed', { user: current.data }) };
		}
		return { ok: false, error: apiError('forbidden') };
	}

	create(
		input: CreateUserInput,
		options: RequestOptions = {}
	): Promise<Result<{ user: UserRow; password: string }>> {
		return this.invoke('create-user', input, options);
	}

	/** Another user's names, email and role in one request: Auth and the row change together or not at all. */
	updateProfile(
		userId: string,
		changes: ProfileChanges,
		expected?: ExpectedValues,
		options: RequestOptions = {}
	): Promise<Result<{ user: UserRow }>> {
		return this.invoke(
			'update-user',
			{ user_id: userId, action: 'update_profile', ...changes, ...(expected ? { expected } : {}) },
			options
		);
	}

	setPassword(
		userId: string,
		password?: string,
		options: RequestOptions = {}
	): Promise<Result<{ user: UserRow; password?: string }>> {
		return this.invoke(
			'update-user',
			{ user_id: userId, action: 'set_password', ...(password ? { password } : {}) },
			options
		);
	}

	setActive(
		userId: string,
		active: boolean,
		options: RequestOptions = {}
	): Promise<Result<{ user: UserRow }>> {
		return this.invoke(
			'update-user',
			{ user_id: userId, action: active ? 'activate' : 'deactivate' },
			options
		);
	}

	/**
	 * A user's usable sessions (started, last refreshed, device, address, whether it is the caller's):
	 * the database answers an active admin of the user's organization, or the user themselves, and
	 * anyone else with none.
	 */
	async sessions(userId: string, options: RequestOptions = {}): Promise<Result<UserSession[]>> {
		const deadline = new Deadline(options.signal, this.timeoutMs);
		const answer = await this.client
			.rpc('user_sessions', { user_id: userId }, { get: true })
			.abortSignal(deadline.signal);
		if (answer.error) return { ok: false, error: dataFailure(answer, deadline) };
		return { ok: true, data: (answer.data ?? []) as UserSession[] };
	}

	/**
	 * Signs the user out everywhere: every session ends (their refresh tokens stop working), and the
	 * activity log records how many. On oneself it ends this device's session too.
	 */
	endSessions(
		userId: string,
		options: RequestOptions = {}
	): Promise<Result<{ user: UserRow; ended: number }>> {
		return this.invoke('update-user', { user_id: userId, action: 'end_sessions' }, options);
	}

	/**
	 * The signed-in person's own new password (change-password): after a recovery link, in place of
	 * a temporary one, or an admin's own with the current one. This device stays signed in; every
	 * other session ends.
	 */
	changeOwnPassword(
		password: string,
		currentPassword?: string,
		options: RequestOptions = {}
	): Promise<Result<{ user: UserRow }>> {
		return this.invoke(
			'change-password',
			{ password, ...(currentPassword !== undefined ? { current_password: currentPassword } : {}) },
			options
		);
	}

	private async invoke<T>(name: string, body: object, options: RequestOptions): Promise<Result<T>> {
		const deadline = new Deadline(options.signal, this.timeoutMs);
		const { data, error } = await this.client.functions.invoke<T>(name, {
			body,
			signal: deadline.signal
		});
		if (!error) return { ok: true, data: data as T };
		if (error instanceof FunctionsHttpError) {
			const response = error.context as Response;
			const payload: unknown = await response.json().catch(() => null);
			return { ok: false, error: fromFunctionError(response.status, payload) };
		}
		return { ok: false, error: apiError(deadline.interruption ?? 'network') };
	}
}
