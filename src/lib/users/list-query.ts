// The User Management table's view (search, filters, sort, page) as the address bar carries it:
// a reload, a restarted server, the back button or a shared link brings the admin back to the
// same view. Whatever the address says is checked; anything unknown falls back to the default.
import { SEARCH_MAX_LENGTH, USER_ROLES, USER_STATUSES } from '$shared/user-input.ts';
import type { UserRole, UserStatus } from '$shared/user-input.ts';
import { SIGN_IN_FILTERS, type SignInFilter, type SortKey } from './api.ts';

export interface ListQuery {
	search: string;
	role: UserRole | '';
	status: UserStatus | '';
	signedIn: SignInFilter;
	sort: SortKey;
	ascending: boolean;
	/** Zero-based; the address shows it one-based. */
	page: number;
}

export const DEFAULT_QUERY: ListQuery = {
	search: '',
	role: '',
	status: '',
	signedIn: '',
	sort: 'name',
	ascending: true,
	page: 0
};

const SORT_KEYS: readonly SortKey[] = [
	'name',
	'email',
	'role',
	'status',
	'created_at',
	'last_sign_in_at'
];
/** Beyond any organization's last page; a larger number is someone typing, not paging. */
const MAX_PAGE = 1_000_000;

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | '' =>
	value !== null && (values as readonly string[]).includes(value) ? (value as T) : '';

export function parseListQuery(params: URLSearchParams): ListQuery {
	const sort = oneOf(SORT_KEYS, params.get('sort'));
	const page = Number.parseInt(params.get('page') ?? '', 10);
	return {
		search: (params.get('q') ?? '').slice(0, SEARCH_MAX_LENGTH),
		role: oneOf(USER_ROLES, params.get('role')),
		status: oneOf(USER_STATUSES, params.get('status')),
		signedIn: oneOf(SIGN_IN_FILTERS, params.get('signed_in')),
		sort: sort || DEFAULT_QUERY.sort,
		ascending: params.get('order') !== 'desc',
		page: Number.isFinite(page) && page > 1 ? Math.min(page, MAX_PAGE) - 1 : 0
	};
}

/** Only what differs from the default, so the plain page keeps its plain address. */
export function listQueryParams(query: ListQuery): URLSearchParams {
	const params = new URLSearchParams();
	if (query.search.trim()) params.set('q', query.search);
	if (query.role) params.set('role', query.role);
	if (query.status) params.set('status', query.status);
	if (query.signedIn) params.set('signed_in', query.signedIn);
	if (query.sort !== DEFAULT_QUERY.sort) params.set('sort', query.sort);
	if (!query.ascending) params.set('order', 'desc');
	if (query.page > 0) params.set('page', String(query.page + 1));
	return params;
}
