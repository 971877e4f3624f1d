// The User Management table's view (search, filters, sort, page) as the address bar carries it:
// a reload, a restarted server, the back button or a shared link brings the admin back to the
// same view. Whatever the address says is checked; anything unknown falls back to the default.
import { SEARCH_MAX_LENGTH, USER_ROLES, USER_STATUSES } from '$shared/user-limits.ts';
import type { UserRole, UserStatus } from '$shared/user-limits.ts';
import { SIGN_IN_FILTERS, type SignInFilter, type SortKey } from './api.ts';

/**
 * Where the page on screen is: counted from the first page (0 is the first) or from the last (0 is
 * the last, for views whose total is not known exactly), and the user it continues from, right
 * after or right before. The first and the last page need no user.
 */
export interface PagePlace {
	index: number;
	fromEnd: boolean;
	after?: string;
	before?: string;
}

export interface ListQuery {
	search: string;
	role: UserRole | '';
	status: UserStatus | '';
	signedIn: SignInFilter;
	sort: SortKey;
	ascending: boolean;
	place: PagePlace;
}

export const FIRST_PAGE: PagePlace = { index: 0, fromEnd: false };

export const DEFAULT_QUERY: ListQuery = {
	search: '',
	role: '',
	status: '',
	signedIn: '',
	sort: 'name',
	ascending: true,
	place: FIRST_PAGE
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
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | '' =>
	value !== null && (values as readonly string[]).includes(value) ? (value as T) : '';

/** `page=3&after=…` (third from the first), `from_end=2&before=…` (second from the last), `from_end=1`. */
function parsePlace(params: URLSearchParams): PagePlace {
	const after = params.get('after');
	const before = params.get('before');
	const boundary =
		after && UUID.test(after) ? { after } : before && UUID.test(before) ? { before } : null;
	const fromEnd = Number.parseInt(params.get('from_end') ?? '', 10);
	if (Number.isFinite(fromEnd) && fromEnd >= 1) {
		// Any page but the last continues from a user; without one, the last page it is.
		if (fromEnd === 1 || !boundary) return { index: 0, fromEnd: true };
		return { index: Math.min(fromEnd, MAX_PAGE) - 1, fromEnd: true, ...boundary };
	}
	const page = Number.parseInt(params.get('page') ?? '', 10);
	if (!Number.isFinite(page) || page <= 1 || !boundary) return FIRST_PAGE;
	return { index: Math.min(page, MAX_PAGE) - 1, fromEnd: false, ...boundary };
}

export function parseListQuery(params: URLSearchParams): ListQuery {
	const sort = oneOf(SORT_KEYS, params.get('sort'));
	return {
		search: (params.get('q') ?? '').slice(0, SEARCH_MAX_LENGTH),
		role: oneOf(USER_ROLES, params.get('role')),
		status: oneOf(USER_STATUSES, params.get('status')),
		signedIn: oneOf(SIGN_IN_FILTERS, params.get('signed_in')),
		sort: sort || DEFAULT_QUERY.sort,
		ascending: params.get('order') !== 'desc',
		place: parsePlace(params)
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
	const { place } = query;
	if (place.fromEnd) params.set('from_end', String(place.index + 1));
	else if (place.index > 0) params.set('page', String(place.index + 1));
	if (place.index > 0) {
		if (place.after) params.set('after', place.after);
		else if (place.before) params.set('before', place.before);
	}
	return params;
}
