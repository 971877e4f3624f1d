// An in-memory stand-in for UsersApi at the component seam: same results, same error shapes, and a
// record of every call so tests can check what would have been sent. (The real client and the real
// server are exercised by the Playwright suite.)
import { vi } from 'vitest';
import type { ImportResult } from '$shared/import.ts';
import { createUserInput, type CreateUserInput } from '$shared/user-input.ts';
import type {
	ApiError,
	ExpectedValues,
	ListParams,
	ListResult,
	OwnNames,
	PersonName,
	ProfileChanges,
	RequestOptions,
	Result,
	UserAdminApi,
	UserSession
} from '$lib/users/api';
import { apiError } from '$lib/users/errors';
import type { UserRow } from '$lib/users/types';
import type { View } from '$lib/users/view-pages';

export const ORG_ID = '00000000-0000-4000-8000-00000000d000';

/** A view of the fake's organization as UsersList.view gives it (every user, by email). */
export const listView = (overrides: Partial<View> = {}): View => ({
	organizationId: ORG_ID,
	search: '',
	role: '',
	status: '',
	signedIn: '',
	sort: 'email',
	ascending: true,
	...overrides
});

let counter = 0;
export function makeUser(overrides: Partial<UserRow> = {}): UserRow {
	counter++;
	return {
		id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
		organization_id: ORG_ID,
		email: `person${counter}@demo.test`,
		first_name: `First${counter}`,
		last_name: `Last${counter}`,
		role: 'member',
		status: 'active',
		created_at: '2026-01-15T10:00:00Z',
		updated_at: '2026-01-15T10:00:00Z',
		created_by: null,
		must_change_password: false,
		last_sign_in_at: '2026-01-16T09:00:00Z',
		...overrides
	};
}

export const fail = (error: ApiError): Result<never> => ({ ok: false, error });

/**
 * Who a search finds, as public.search_users does: every word of it in a name or the email (the
 * activity fake's user search goes through the same list, as ActivityApi's does).
 */
export function matchesSearch(search: string): (user: UserRow) => boolean {
	const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
	return (user) =>
		words.every((word) =>
			[user.first_name, user.last_name, user.email].some((value) =>
				value.toLowerCase().includes(word)
			)
		);
}

/**
 * Who a page of the users table finds, as public.list_users does: one or two letters, the start of
 * the first name, last name or email; more, any part of "first last" or of the email.
 */
export function matchesListSearch(search: string): (user: UserRow) => boolean {
	const text = search.trim().toLowerCase();
	if (!text) return () => true;
	if (text.length <= 2)
		return (user) =>
			[user.first_name, user.last_name, user.email].some((value) =>
				value.toLowerCase().startsWith(text)
			);
	return (user) =>
		`${user.first_name} ${user.last_name}`.toLowerCase().includes(text) ||
		user.email.includes(text);
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const ROLE_ORDER = ['admin', 'manager', 'member', 'external'];
const STATUS_ORDER = ['active', 'inactive'];

/** The orders of public.list_users: names case-insensitively, all in byte order, ties by id. */
export function listOrder(params: Pick<ListParams, 'sort' | 'ascending'>) {
	const name = (a: UserRow, b: UserRow) =>
		byCodePoint(a.last_name.toLowerCase(), b.last_name.toLowerCase()) ||
		byCodePoint(a.first_name.toLowerCase(), b.first_name.toLowerCase());
	const keys: Record<ListParams['sort'], (a: UserRow, b: UserRow) => number> = {
		name,
		email: (a, b) => byCodePoint(a.email, b.email),
		created_at: (a, b) => byCodePoint(a.created_at, b.created_at),
		last_sign_in_at: (a, b) => byCodePoint(a.last_sign_in_at ?? '', b.last_sign_in_at ?? ''),
		role: (a, b) =>
			ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) ||
			STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
			name(a, b),
		status: (a, b) =>
			STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
			ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) ||
			name(a, b)
	};
	const direction = params.ascending ? 1 : -1;
	return (a: UserRow, b: UserRow) =>
		direction * (keys[params.sort](a, b) || byCodePoint(a.id, b.id));
}

/** The names of those of `users` whose ids are asked for (the ids not among them are left out). */
export const namesOf = (users: readonly UserRow[], ids: readonly string[]): PersonName[] =>
	users
		.filter((user) => ids.includes(user.id))
		.map(({ id, first_name, last_name }) => ({ id, first_name, last_name }));

/**
 * An answer that never comes until the request is cancelled, as a hung server's: for
 * `api.x.mockImplementationOnce((...args) => answerWhenCancelled(options))`.
 */
export const answerWhenCancelled = (options?: RequestOptions): Promise<Result<never>> =>
	new Promise((resolve) =>
		options?.signal?.addEventListener('abort', () => resolve(fail(apiError('cancelled'))))
	);

export class FakeUsersApi implements UserAdminApi {
	users: UserRow[];
	nextError: ApiError | null = null;
	generatedPassword = 'Gen-Pa55word-Xyz!';
	listCalls: ListParams[] = [];

	constructor(users: UserRow[] = []) {
		// Copies: a test's fixtures stay as written however many saves the fake applies.
		this.users = users.map((user) => ({ ...user }));
	}

	#takeError(): ApiError | null {
		const error = this.nextError;
		this.nextError = null;
		return error;
	}

	/** import-users: each row as create would create it; check_only creates nobody. */
	importBatch = vi.fn(
		async (
			rows: readonly CreateUserInput[],
			options: RequestOptions & { checkOnly?: boolean } = {}
		): Promise<Result<{ results: ImportResult[] }>> => {
			const error = this.#takeError();
			if (error) return fail(error);
			const seen = new Map<string, number>();
			const results = rows.map((row, index): ImportResult => {
				const parsed = createUserInput.safeParse(row);
				if (!parsed.success) return { status: 'invalid', fields: { row: parsed.error.message } };
				const { email } = parsed.data;
				if (seen.has(email)) return { status: 'duplicate', of: seen.get(email)! };
				seen.set(email, index);
				const holder = this.users.find((user) => user.email === email);
				if (holder)
					return holder.organization_id === ORG_ID ? { status: 'exists' } : { status: 'taken' };
				if (options.checkOnly) return { status: 'new' };
				const user = makeUser({ ...parsed.data, must_change_password: true });
				this.users.push(user);
				return {
					status: 'created',
					user: { ...user },
					password: `Temp-${user.id.slice(-4)}-Pa55!`
				};
			});
			return { ok: true, data: { results } };
		}
	);

	list = vi.fn(
		async (params: ListParams, _options?: RequestOptions): Promise<Result<ListResult>> => {
			this.listCalls.push(params);
			const error = this.#takeError();
			if (error) return fail(error);
			const found = matchesListSearch(params.search);
			const order = listOrder(params);
			const inOrganization = this.users.filter(
				(user) => user.organization_id === params.organizationId
			);
			const matching = inOrganization
				.filter(
					(user) =>
						(!params.role || user.role === params.role) &&
						(!params.status || user.status === params.status) &&
						(!params.signedIn ||
							user.last_sign_in_at === null ||
							(params.signedIn === 'not_in_90_days' &&
								user.last_sign_in_at < (params.signedInBefore ?? ''))) &&
						found(user)
				)
				.sort(order);
			const { position } = params;
			let rows: UserRow[];
			let more: boolean;
			if ('after' in position || 'before' in position) {
				const anchor = inOrganization.find(
					(user) => user.id === ('after' in position ? position.after : position.before)
				);
				if (!anchor) return fail(apiError('page_start_gone', { status: 404 }));
				if ('after' in position) {
					const rest = matching.filter((user) => order(user, anchor) > 0);
					rows = rest.slice(0, params.pageSize);
					more = rest.length > params.pageSize;
				} else {
					const rest = matching.filter((user) => order(user, anchor) < 0);
					rows = rest.slice(-params.pageSize);
					more = rest.length > params.pageSize;
				}
			} else if (position.from === 'end') {
				const size = position.size ?? params.pageSize;
				rows = matching.slice(-size);
				more = matching.length > size;
			} else {
				rows = matching.slice(0, params.pageSize);
				more = matching.length > params.pageSize;
			}
			return {
				ok: true,
				data: {
					rows: rows.map((user) => ({ ...user })),
					more,
					total: params.withCount ? { users: matching.length, accuracy: 'exact' } : null
				}
			};
		}
	);

	get = vi.fn(async (id: string): Promise<Result<UserRow>> => {
		const error = this.#takeError();
		if (error) return fail(error);
		const user = this.users.find((row) => row.id === id);
		return user ? { ok: true, data: { ...user } } : fail(apiError('user_not_found'));
	});

	names = vi.fn(async (ids: readonly string[]): Promise<Result<PersonName[]>> => {
		const error = this.#takeError();
		if (error) return fail(error);
		return { ok: true, data: namesOf(this.users, ids) };
	});

	/** The Data API path for one's own names. */
	updateOwnNames = vi.fn(
		async (
			id: string,
			names: OwnNames,
			expected?: OwnNames,
			_options?: RequestOptions
		): Promise<Result<UserRow>> => {
			const error = this.#takeError();
			if (error) return fail(error);
			const user = this.users.find((row) => row.id === id);
			if (!user) return fail(apiError('forbidden'));
			if (this.#stale(user, expected)) return fail(apiError('user_changed', { user: { ...user } }));
			Object.assign(user, names);
			return { ok: true, data: { ...user } };
		}
	);

	/** As the server does: a field whose value is no longer the one the screen showed refuses the save. */
	#stale(user: UserRow, expected: Partial<UserRow> | undefined): boolean {
		return Object.entries(expected ?? {}).some(
			([field, value]) => user[field as keyof UserRow] !== value
		);
	}

	/** update-user's `update_profile`: everything in one request, or nothing. */
	updateProfile = vi.fn(
		async (
			id: string,
			changes: ProfileChanges,
			expected?: ExpectedValues,
			_options?: RequestOptions
		): Promise<Result<{ user: UserRow }>> => {
			const error = this.#takeError();
			if (error) return fail(error);
			const user = this.users.find((row) => row.id === id);
			if (!user) return fail(apiError('user_not_found', { status: 404 }));
			if (this.#stale(user, expected))
				return fail(apiError('user_changed', { status: 409, user: { ...user } }));
			if (changes.email && this.users.some((row) => row.id !== id && row.email === changes.email))
				return fail(
					apiError('email_taken', {
						fields: { email: 'This email is already in use' },
						status: 409
					})
				);
			Object.assign(user, changes);
			return { ok: true, data: { user: { ...user } } };
		}
	);

	create = vi.fn(
		async (
			input: CreateUserInput,
			_options?: RequestOptions
		): Promise<Result<{ user: UserRow; password: string }>> => {
			const error = this.#takeError();
			if (error) return fail(error);
			if (this.users.some((row) => row.email === input.email))
				return fail(
					apiError('email_taken', {
						fields: { email: 'This email is already in use' },
						status: 409
					})
				);
			const user = makeUser({ ...input });
			this.users.push(user);
			return { ok: true, data: { user, password: this.generatedPassword } };
		}
	);

	setPassword = vi.fn(
		async (
			_id: string,
			password?: string,
			_options?: RequestOptions
		): Promise<Result<{ user: UserRow; password?: string }>> => {
			const error = this.#takeError();
			if (error) return fail(error);
			const user = this.users.find((row) => row.id === _id);
			if (!user) return fail(apiError('user_not_found'));
			return {
				ok: true,
				data: { user, ...(password ? {} : { password: this.generatedPassword }) }
			};
		}
	);

	/** change-password: the caller's own; the fake keeps who "is signed in" in `me`. */
	me: UserRow | null = null;
	ownPassword = 'Current-Pa55word-Xyz';
	changeOwnPassword = vi.fn(
		async (
			password: string,
			currentPassword?: string,
			_options?: RequestOptions
		): Promise<Result<{ user: UserRow }>> => {
			const error = this.#takeError();
			if (error) return fail(error);
			const me = this.users.find((row) => row.id === this.me?.id);
			if (!me) return fail(apiError('unauthorized'));
			if (currentPassword !== undefined && currentPassword !== this.ownPassword)
				return fail(
					apiError('invalid_input', {
						fields: { current_password: 'The current password is wrong' }
					})
				);
			this.ownPassword = password;
			Object.assign(me, { must_change_password: false });
			return { ok: true, data: { user: { ...me } } };
		}
	);

	/** Each user's sessions, by user id (none unless a test gives some). */
	userSessions: Record<string, UserSession[]> = {};

	sessions = vi.fn(
		async (id: string, _options?: RequestOptions): Promise<Result<UserSession[]>> => {
			const error = this.#takeError();
			if (error) return fail(error);
			return { ok: true, data: (this.userSessions[id] ?? []).map((session) => ({ ...session })) };
		}
	);

	/** update-user's `end_sessions`: every session of the user ends. */
	endSessions = vi.fn(
		async (
			id: string,
			_options?: RequestOptions
		): Promise<Result<{ user: UserRow; ended: number }>> => {
			const error = this.#takeError();
			if (error) return fail(error);
			const user = this.users.find((row) => row.id === id);
			if (!user) return fail(apiError('user_not_found', { status: 404 }));
			const ended = this.userSessions[id]?.length ?? 0;
			this.userSessions[id] = [];
			return { ok: true, data: { user: { ...user }, ended } };
		}
	);

	setActive = vi.fn(
		async (
			id: string,
			active: boolean,
			_options?: RequestOptions
		): Promise<Result<{ user: UserRow }>> => {
			const error = this.#takeError();
			if (error) return fail(error);
			const user = this.users.find((row) => row.id === id);
			if (!user) return fail(apiError('user_not_found'));
			user.status = active ? 'active' : 'inactive';
			return { ok: true, data: { user: { ...user } } };
		}
	);
}
