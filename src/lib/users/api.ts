// Every call the console makes about users, in one place: reads and the edits RLS allows go to the
// Data API as the signed-in admin; what needs the service role goes through the Edge Functions.
import { FunctionsHttpError } from '@supabase/supabase-js';
import type { ImportResult } from '$shared/import.ts';
import type { CreateUserInput } from '$shared/user-input.ts';
import type { UserRole, UserStatus } from '$shared/user-limits.ts';
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

/**
 * Where a page starts: the first page, the last page (with `size` rows when the total is known, so
 * that it lines up with the pages counted from the first), or right after or before a user in the
 * view's order. Pages are keyset: a page deep in a million users costs what the first one does.
 */
export type ListPosition =
	{ from: 'start' } | { from: 'end'; size?: number } | { after: string } | { before: string };

export interface ListParams {
	/** The caller's organization (the database lists the caller's own; fakes filter by it). */
	organizationId: string;
	search: string;
	role: UserRole | '';
	status: UserStatus | '';
	/** Absent: anyone. */
	signedIn?: SignInFilter;
	/**
	 * With `not_in_90_days`: sign-ins before this moment count as not recent. The list fixes it when
	 * the view is asked for, so its pages and its total agree; absent, it is 90 days before now.
	 */
	signedInBefore?: string;
	sort: SortKey;
	ascending: boolean;
	position: ListPosition;
	pageSize: number;
	/** Ask for the total only when the view changed; paging through keeps the known total. */
	withCount: boolean;
}

/**
 * How many users a view holds: exact (the counters, or a search or sign-in filter with few
 * matches), more than `users` (counting stopped there), or the planner's estimate (many matches).
 */
export interface ListCount {
	users: number;
	accuracy: 'exact' | 'more_than' | 'estimate';
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
	/** Null when not asked for. */
	total: ListCount | null;
	/** More rows lie beyond this page in the direction it was read (after it, or before it). */
	more: boolean;
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
	| 'importBatch'
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

/** The arguments list_users and count_users share: which users a view holds. */
type ViewArgs = {
	search: string;
	role?: UserRole;
	status?: UserStatus;
	never_signed_in?: boolean;
	signed_in_before?: string;
};

function viewArgs(params: ListParams): ViewArgs {
	return {
		search: params.search.trim(),
		...(params.role ? { role: params.role } : {}),
		...(params.status ? { status: params.status } : {}),
		...(params.signedIn === 'never' ? { never_signed_in: true } : {}),
		...(params.signedIn === 'not_in_90_days'
			? { signed_in_before: params.signedInBefore ?? staleSignInBefore() }
			: {})
	};
}

export class UsersApi {
	constructor(
		private readonly client: AppClient,
		/** How long any one request may take (tests shorten it). */
		private readonly timeoutMs = REQUEST_TIMEOUT_MS
	) {}

	/**
	 * One page of a view, and its total when asked: public.list_users and public.count_users, which
	 * read each order from its own index and check the caller themselves (see their migration). POST,
	 * not GET: PostgREST reads a GET argument that looks like a filter ("cs.lewis", "in.x") as one.
	 */
	async list(params: ListParams, options: RequestOptions = {}): Promise<Result<ListResult>> {
		const deadline = new Deadline(options.signal, this.timeoutMs);
		const view = viewArgs(params);
		// Both at once: the person waits for the slower of the two, not for their sum.
		const [page, total] = await Promise.all([
			this.#page(params, view, deadline),
			params.withCount
				? this.#count(view, deadline)
				: Promise.resolve<Result<ListCount | null>>({ ok: true, data: null })
		]);
		if (!page.ok) return page;
		if (!total.ok) return total;
		// A first page with nothing after it is the whole view: its rows are the exact total (a
		// count estimated, or stopped at 1,000, would say less).
		const whole = 'from' in params.position && params.position.from === 'start' && !page.data.more;
		return {
			ok: true,
			data: {
				...page.data,
				total:
					total.data && whole ? { users: page.data.rows.length, accuracy: 'exact' } : total.data
			}
		};
	}

	async #page(
		params: ListParams,
		view: ViewArgs,
		deadline: Deadline
	): Promise<Result<Omit<ListResult, 'total'>>> {
		const { position } = params;
		const size =
			'from' in position && position.from === 'end'
				? (position.size ?? params.pageSize)
				: params.pageSize;
		const backwards = 'before' in position || ('from' in position && position.from === 'end');
		const answer = await this.client
			.rpc('list_users', {
				...view,
				sort: params.sort,
				descending: !params.ascending,
				...('after' in position ? { after: position.after } : {}),
				...('before' in position ? { before: position.before } : {}),
				...('from' in position && position.from === 'end' ? { last_page: true } : {}),
				// One more than shown: whether the list goes on beyond the page.
				page_size: size + 1
			})
			.select(USER_COLUMNS)
			.abortSignal(deadline.signal);
		if (answer.error) return { ok: false, error: dataFailure(answer, deadline) };
		const rows = (answer.data ?? []) as UserRow[];
		const more = rows.length > size;
		// The extra row is the farthest one: the first when the page was read backwards.
		if (more) {
			if (backwards) rows.shift();
			else rows.pop();
		}
		return { ok: true, data: { rows, more } };
	}

	async #count(view: ViewArgs, deadline: Deadline): Promise<Result<ListCount | null>> {
		const answer = await this.client
			.rpc('count_users', view)
			.abortSignal(deadline.signal)
			.maybeSingle();
		if (answer.error) return { ok: false, error: dataFailure(answer, deadline) };
		if (!answer.data) return { ok: true, data: { users: 0, accuracy: 'exact' } };
		return { ok: true, data: answer.data as ListCount };
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

	/**
	 * A batch of an import's rows (at most IMPORT_BATCH_ROWS), each created as `create` creates one
	 * or reported; with `checkOnly`, nobody is created and each row says whether it would be.
	 */
	importBatch(
		rows: readonly CreateUserInput[],
		options: RequestOptions & { checkOnly?: boolean } = {}
	): Promise<Result<{ results: ImportResult[] }>> {
		const { checkOnly, ...request } = options;
		return this.invoke(
			'import-users',
			{ rows, ...(checkOnly ? { check_only: true } : {}) },
			request
		);
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
