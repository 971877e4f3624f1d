// An in-memory stand-in for UsersApi at the component seam: same results, same error shapes, and a
// record of every call so tests can check what would have been sent. (The real client and the real
// server are exercised by the Playwright suite.)
import { vi } from 'vitest';
import type { ApiError, ListParams, ListResult, Result, UserAdminApi } from '$lib/users/api';
import type { CreateUserInput } from '$lib/users/schemas';
import type { UserRow } from '$lib/users/types';

export const ORG_ID = '00000000-0000-4000-8000-00000000d000';

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
		...overrides
	};
}

const fail = (error: ApiError): Result<never> => ({ ok: false, error });

export class FakeUsersApi implements UserAdminApi {
	users: UserRow[];
	nextError: ApiError | null = null;
	generatedPassword = 'Gen-Pa55word-Xyz!';
	listCalls: ListParams[] = [];

	constructor(users: UserRow[] = []) {
		this.users = users;
	}

	#takeError(): ApiError | null {
		const error = this.nextError;
		this.nextError = null;
		return error;
	}

	list = vi.fn(async (params: ListParams): Promise<Result<ListResult>> => {
		this.listCalls.push(params);
		const error = this.#takeError();
		if (error) return fail(error);
		const words = params.search.trim().toLowerCase().split(/\s+/).filter(Boolean);
		const matching = this.users.filter(
			(user) =>
				user.organization_id === params.organizationId &&
				(!params.role || user.role === params.role) &&
				(!params.status || user.status === params.status) &&
				words.every((word) => [user.first_name, user.last_name, user.email].some((value) => value.toLowerCase().includes(word)))
		);
		const from = params.page * params.pageSize;
		return { ok: true, data: { rows: matching.slice(from, from + params.pageSize), total: params.withCount ? matching.length : null } };
	});

	get = vi.fn(async (id: string): Promise<Result<UserRow>> => {
		const error = this.#takeError();
		if (error) return fail(error);
		const user = this.users.find((row) => row.id === id);
		return user ? { ok: true, data: { ...user } } : fail({ code: 'user_not_found', message: 'No such user in your organization.' });
	});

	update = vi.fn(async (id: string, changes: Partial<Pick<UserRow, 'first_name' | 'last_name' | 'role'>>): Promise<Result<UserRow>> => {
		const error = this.#takeError();
		if (error) return fail(error);
		const user = this.users.find((row) => row.id === id);
		if (!user) return fail({ code: 'forbidden', message: 'You may not change this user.' });
		Object.assign(user, changes);
		return { ok: true, data: { ...user } };
	});

	create = vi.fn(async (input: CreateUserInput): Promise<Result<{ user: UserRow; password: string }>> => {
		const error = this.#takeError();
		if (error) return fail(error);
		if (this.users.some((row) => row.email === input.email))
			return fail({ code: 'email_taken', message: 'A user with this email already exists.', fields: { email: 'This email is already in use' }, status: 409 });
		const user = makeUser({ ...input });
		this.users.push(user);
		return { ok: true, data: { user, password: this.generatedPassword } };
	});

	setPassword = vi.fn(async (_id: string, password?: string): Promise<Result<{ user: UserRow; password?: string }>> => {
		const error = this.#takeError();
		if (error) return fail(error);
		const user = this.users.find((row) => row.id === _id);
		if (!user) return fail({ code: 'user_not_found', message: 'No such user in your organization.' });
		return { ok: true, data: { user, ...(password ? {} : { password: this.generatedPassword }) } };
	});

	setActive = vi.fn(async (id: string, active: boolean): Promise<Result<{ user: UserRow }>> => {
		const error = this.#takeError();
		if (error) return fail(error);
		const user = this.users.find((row) => row.id === id);
		if (!user) return fail({ code: 'user_not_found', message: 'No such user in your organization.' });
		user.status = active ? 'active' : 'inactive';
		return { ok: true, data: { user: { ...user } } };
	});

	changeEmail = vi.fn(async (id: string, email: string): Promise<Result<{ user: UserRow }>> => {
		const error = this.#takeError();
		if (error) return fail(error);
		const user = this.users.find((row) => row.id === id);
		if (!user) return fail({ code: 'user_not_found', message: 'No such user in your organization.' });
		user.email = email;
		return { ok: true, data: { user: { ...user } } };
	});
}
