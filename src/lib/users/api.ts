// Every call the console makes about users, in one place: reads and the edits RLS allows go to the
// Data API as the signed-in admin; what needs the service role goes through the Edge Functions.
import { FunctionsHttpError } from '@supabase/supabase-js';
import type { CreateUserInput, UserRole, UserStatus } from '$shared/user-input.ts';
import type { AppClient } from '$lib/supabase/client';
import { apiError, fromDataError, fromFunctionError, type Result } from './errors.ts';
import { USER_COLUMNS, type UserRow } from './types.ts';

export type { ApiError, Result } from './errors.ts';

export type SortKey = 'name' | 'email' | 'role' | 'status' | 'created_at';

export interface ListParams {
	/** Always sent: the policies allow it anyway, but the planner needs it to use the index. */
	organizationId: string;
	search: string;
	role: UserRole | '';
	status: UserStatus | '';
	sort: SortKey;
	ascending: boolean;
	/** Zero-based. */
	page: number;
	pageSize: number;
	/** Ask for the total only when the filters changed; paging through keeps the known total. */
	withCount: boolean;
	/**
	 * Keyset pagination for the name order: the page right after (or before) this row, found
	 * through the index instead of counting past `page * pageSize` rows; a page deep in a
	 * 100,000-user organization then costs what the first one does.
	 */
	cursor?: { direction: 'after' | 'before'; row: Pick<UserRow, 'last_name' | 'first_name' | 'id'> };
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
	created_at: ['created_at']
};

/** A value inside a PostgREST logic tree (`or=(…)`), where commas and parentheses are syntax. */
const quoted = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** What the components need; UsersApi implements it, component tests pass a fake. */
export type UserAdminApi = Pick<
	UsersApi,
	'list' | 'get' | 'create' | 'setPassword' | 'setActive' | 'updateProfile' | 'updateOwnNames'
>;

/** Another user's personal information and role: what `update_profile` changes in one request. */
export type ProfileChanges = Partial<Pick<UserRow, 'first_name' | 'last_name' | 'email' | 'role'>>;
/** What a person may change of their own row through the Data API (RLS and column privileges decide). */
export type OwnNames = Pick<UserRow, 'first_name' | 'last_name'>;

export class UsersApi {
	constructor(private readonly client: AppClient) {}

	async list(params: ListParams): Promise<Result<ListResult>> {
		const search = params.search.trim();
		const [page, total] = await Promise.all([
			this.#page(params, search),
			// A search is counted with its page (its matches are few and already gathered); the
			// organization's totals come from the counters the database keeps, as counting
			// 100,000 rows through the policies on every load would cost tens of milliseconds.
			params.withCount && !search
				? this.#countFromCounters(params)
				: Promise.resolve<Result<number | null>>({ ok: true, data: null })
		]);
		if (!page.ok) return page;
		if (!total.ok) return total;
		return { ok: true, data: { rows: page.data.rows, total: total.data ?? page.data.total } };
	}

	async #page(params: ListParams, search: string): Promise<Result<ListResult>> {
		const from = params.page * params.pageSize;
		const count = params.withCount && search ? ({ count: 'exact' } as const) : undefined;
		// Searching goes through public.search_users: `ilike` is not leakproof, so through the
		// policies no index could serve a fragment search; the function applies the same rule
		// (an active admin, their organization) and uses the trigram indexes.
		let query = search
			? this.client.rpc('search_users', { search }, { get: true, ...count }).select(USER_COLUMNS)
			: this.client.from('users').select(USER_COLUMNS).eq('organization_id', params.organizationId);
		if (params.role) query = query.eq('role', params.role);
		if (params.status) query = query.eq('status', params.status);
		const cursor = params.sort === 'name' ? params.cursor : undefined;
		// Walking towards larger values (next page ascending, previous page descending) or smaller.
		const forward = cursor ? (cursor.direction === 'after') === params.ascending : params.ascending;
		if (cursor) {
			const { last_name: last, first_name: first, id } = cursor.row;
			const op = forward ? 'gt' : 'lt';
			// (last_name, first_name, id) beyond the cursor row. The plain bound on last_name lets
			// the planner start the index scan there; the `or` settles ties.
			query = query[forward ? 'gte' : 'lte']('last_name', last).or(
				`last_name.${op}.${quoted(last)},and(last_name.eq.${quoted(last)},first_name.${op}.${quoted(first)}),and(last_name.eq.${quoted(last)},first_name.eq.${quoted(first)},id.${op}.${id})`
			);
		}
		for (const column of SORT_COLUMNS[params.sort])
			query = query.order(column, { ascending: forward });
		// A unique tie-breaker keeps pages stable when names repeat.
		query = query.order('id', { ascending: forward });
		const {
			data,
			error,
			count: total
		} = await (cursor
			? query.limit(params.pageSize)
			: query.range(from, from + params.pageSize - 1));
		if (error) return { ok: false, error: fromDataError(error) };
		const rows = (data ?? []) as UserRow[];
		// A previous page was read walking backwards: put it in display order again.
		if (cursor?.direction === 'before') rows.reverse();
		return { ok: true, data: { rows, total: total ?? null } };
	}

	/** The organization's users matching the role and status filters, from the counters. */
	async #countFromCounters(params: ListParams): Promise<Result<number | null>> {
		let query = this.client
			.from('organization_user_counts')
			.select('users')
			.eq('organization_id', params.organizationId);
		if (params.role) query = query.eq('role', params.role);
		if (params.status) query = query.eq('status', params.status);
		const { data, error } = await query;
		if (error) return { ok: false, error: fromDataError(error) };
		return { ok: true, data: (data ?? []).reduce((sum, row) => sum + row.users, 0) };
	}

	async get(id: string): Promise<Result<UserRow>> {
		const { data, error } = await this.client
			.from('users')
			.select(USER_COLUMNS)
			.eq('id', id)
			.maybeSingle();
		if (error) return { ok: false, error: fromDataError(error) };
		if (!data) return { ok: false, error: apiError('user_not_found') };
		return { ok: true, data };
	}

	/**
	 * The signed-in person's own names, through the Data API: RLS lets managers and admins change
	 * their own first and last name, nothing else of their row.
	 */
	async updateOwnNames(id: string, names: OwnNames): Promise<Result<UserRow>> {
		const { data, error } = await this.client
			.from('users')
			.update(names)
			.eq('id', id)
			.select(USER_COLUMNS)
			.maybeSingle();
		if (error) return { ok: false, error: fromDataError(error) };
		// RLS filtered the row out: not theirs to change.
		if (!data) return { ok: false, error: apiError('forbidden') };
		return { ok: true, data };
	}

	create(input: CreateUserInput): Promise<Result<{ user: UserRow; password: string }>> {
		return this.invoke('create-user', input);
	}

	/** Another user's names, email and role in one request: Auth and the row change together or not at all. */
	updateProfile(userId: string, changes: ProfileChanges): Promise<Result<{ user: UserRow }>> {
		return this.invoke('update-user', { user_id: userId, action: 'update_profile', ...changes });
	}

	setPassword(
		userId: string,
		password?: string
	): Promise<Result<{ user: UserRow; password?: string }>> {
		return this.invoke('update-user', {
			user_id: userId,
			action: 'set_password',
			...(password ? { password } : {})
		});
	}

	setActive(userId: string, active: boolean): Promise<Result<{ user: UserRow }>> {
		return this.invoke('update-user', {
			user_id: userId,
			action: active ? 'activate' : 'deactivate'
		});
	}

	private async invoke<T>(name: string, body: object): Promise<Result<T>> {
		const { data, error } = await this.client.functions.invoke<T>(name, { body });
		if (!error) return { ok: true, data: data as T };
		if (error instanceof FunctionsHttpError) {
			const response = error.context as Response;
			const payload: unknown = await response.json().catch(() => null);
			return { ok: false, error: fromFunctionError(response.status, payload) };
		}
		return { ok: false, error: apiError('network') };
	}
}
