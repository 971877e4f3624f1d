// Every call the console makes about users, in one place: reads and the edits RLS allows go to the
// Data API as the signed-in admin; what needs the service role goes through the Edge Functions.
import { FunctionsHttpError } from '@supabase/supabase-js';
import type { AppClient } from '$lib/supabase/client';
import type { CreateUserInput, FieldIssues, UserRole } from './schemas.ts';
import { USER_COLUMNS, type UserRow, type UserStatus } from './types.ts';

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

export interface ApiError {
	code: string;
	message: string;
	fields?: FieldIssues;
	status?: number;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

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

/** The messages people see for what the database refuses, in words rather than codes. */
export function describeDataError(error: { code?: string; message: string }): ApiError {
	if (error.code === 'PT409' || /at least one active admin/.test(error.message))
		return {
			code: 'last_admin',
			message: 'Your organization must keep at least one active admin. Make another user an active admin first.'
		};
	if (error.code === '42501' && /own role or status/.test(error.message))
		return { code: 'cannot_change_self', message: 'You cannot change your own role or status. Ask another admin of your organization.' };
	if (error.code === 'PGRST116') return { code: 'user_not_found', message: 'No such user in your organization.' };
	return { code: error.code ?? 'error', message: error.message || 'Something went wrong. Try again.' };
}

/** What the components need; UsersApi implements it, component tests pass a fake. */
export type UserAdminApi = Pick<UsersApi, 'list' | 'get' | 'update' | 'create' | 'setPassword' | 'setActive' | 'changeEmail'>;

export class UsersApi {
	constructor(private readonly client: AppClient) {}

	async list(params: ListParams): Promise<Result<ListResult>> {
		const search = params.search.trim();
		const [page, total] = await Promise.all([
			this.#page(params, search),
			// A search is counted with its page (its matches are few and already gathered); the
			// organization's totals come from the counters the database keeps, as counting
			// 100,000 rows through the policies on every load would cost tens of milliseconds.
			params.withCount && !search ? this.#countFromCounters(params) : Promise.resolve<Result<number | null>>({ ok: true, data: null })
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
		for (const column of SORT_COLUMNS[params.sort]) query = query.order(column, { ascending: forward });
		// A unique tie-breaker keeps pages stable when names repeat.
		query = query.order('id', { ascending: forward });
		const { data, error, count: total } = await (cursor ? query.limit(params.pageSize) : query.range(from, from + params.pageSize - 1));
		if (error) return { ok: false, error: describeDataError(error) };
		const rows = (data ?? []) as UserRow[];
		// A previous page was read walking backwards: put it in display order again.
		if (cursor?.direction === 'before') rows.reverse();
		return { ok: true, data: { rows, total: total ?? null } };
	}

	/** The organization's users matching the role and status filters, from the counters. */
	async #countFromCounters(params: ListParams): Promise<Result<number | null>> {
		let query = this.client.from('organization_user_counts').select('users').eq('organization_id', params.organizationId);
		if (params.role) query = query.eq('role', params.role);
		if (params.status) query = query.eq('status', params.status);
		const { data, error } = await query;
		if (error) return { ok: false, error: describeDataError(error) };
		return { ok: true, data: (data ?? []).reduce((sum, row) => sum + row.users, 0) };
	}

	async get(id: string): Promise<Result<UserRow>> {
		const { data, error } = await this.client.from('users').select(USER_COLUMNS).eq('id', id).maybeSingle();
		if (error) return { ok: false, error: describeDataError(error) };
		if (!data) return { ok: false, error: { code: 'user_not_found', message: 'No such user in your organization.' } };
		return { ok: true, data };
	}

	/** Names and role are the columns RLS lets an admin (names only: a manager, for themselves) change. */
	async update(id: string, changes: Partial<Pick<UserRow, 'first_name' | 'last_name' | 'role'>>): Promise<Result<UserRow>> {
		const { data, error } = await this.client.from('users').update(changes).eq('id', id).select(USER_COLUMNS).maybeSingle();
		if (error) return { ok: false, error: describeDataError(error) };
		if (!data) return { ok: false, error: { code: 'forbidden', message: 'You may not change this user.' } };
		return { ok: true, data };
	}

	create(input: CreateUserInput): Promise<Result<{ user: UserRow; password: string }>> {
		return this.invoke('create-user', input);
	}

	setPassword(userId: string, password?: string): Promise<Result<{ user: UserRow; password?: string }>> {
		return this.invoke('update-user', { user_id: userId, action: 'set_password', ...(password ? { password } : {}) });
	}

	setActive(userId: string, active: boolean): Promise<Result<{ user: UserRow }>> {
		return this.invoke('update-user', { user_id: userId, action: active ? 'activate' : 'deactivate' });
	}

	changeEmail(userId: string, email: string): Promise<Result<{ user: UserRow }>> {
		return this.invoke('update-user', { user_id: userId, action: 'change_email', email });
	}

	private async invoke<T>(name: string, body: object): Promise<Result<T>> {
		const { data, error } = await this.client.functions.invoke<T>(name, { body });
		if (!error) return { ok: true, data: data as T };
		if (error instanceof FunctionsHttpError) {
			const response = error.context as Response;
			try {
				const payload = (await response.json()) as { error?: ApiError };
				if (payload.error) return { ok: false, error: { ...payload.error, status: response.status } };
			} catch {
				// Not our JSON error shape (a proxy in between, say): fall through to the generic text.
			}
			return { ok: false, error: { code: 'http_error', message: `The server answered ${response.status}. Try again.`, status: response.status } };
		}
		return { ok: false, error: { code: 'network', message: 'Could not reach the server. Check your connection and try again.' } };
	}
}
