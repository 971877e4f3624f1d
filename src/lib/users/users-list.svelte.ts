// The User Management table's state: filters, sort and page live here, and every change asks the
// server for exactly one page. Nothing ever loads the whole organization. Pages are keyset: the
// next one continues after the last row on screen, the previous one before the first, the last
// one is read from the end, so every page of a million users costs what the first does; where the
// page is (counted from the first, or from the last when the total is not known exactly) is kept
// with the row it continues from. Built once per page and fed by getters: it loads the first page
// when built, and again only if the organization itself changes (not when the signed-in admin's
// row is merely re-read, as after a token refresh).
import { untrack } from 'svelte';
import { SEARCH_MAX_LENGTH, type UserRole, type UserStatus } from '$shared/user-limits.ts';
import {
	staleSignInBefore,
	type ApiError,
	type ListCount,
	type ListParams,
	type ListPosition,
	type ListResult,
	type PersonName,
	type LookupOptions,
	type RequestOptions,
	type Result,
	type SignInFilter,
	type SortKey
} from './api.ts';
import { DEFAULT_QUERY, FIRST_PAGE, type ListQuery, type PagePlace } from './list-query.ts';
import { fullName, type UserRow } from './types.ts';

export interface ListSource {
	list(params: ListParams, options?: RequestOptions): Promise<Result<ListResult>>;
	names(ids: readonly string[], options?: LookupOptions): Promise<Result<PersonName[]>>;
}

export interface UsersListOptions {
	pageSize?: number;
	/** Where the view starts (the address bar's query). */
	initial?: ListQuery;
	/** Told about every view asked for, to keep the address bar in step. */
	onquery?: (query: ListQuery) => void;
}

export const PAGE_SIZE = 50;

/** The later of two versions of a row (a page read before a change, the change's own answer). */
const newer = (read: UserRow, changed: UserRow | undefined): UserRow =>
	changed && Date.parse(changed.updated_at) > Date.parse(read.updated_at) ? changed : read;
const GONE_NOTICE =
	'Back at the first page: the user that page continued from is no longer in this list.';
const EMPTIED_NOTICE_FIRST = 'Back at the first page: nobody is left where that page was.';
const EMPTIED_NOTICE_LAST = 'At the last page now: nobody is left where that page was.';
const SEARCH_DELAY_MS = 250;
const SLOW_AFTER_MS = 300;
const isEnd = (position: ListPosition): position is { from: 'end'; size?: number } =>
	'from' in position && position.from === 'end';

export class UsersList {
	search = $state('');
	role = $state<UserRole | ''>('');
	status = $state<UserStatus | ''>('');
	signedIn = $state<SignInFilter>('');
	sort = $state<SortKey>('name');
	ascending = $state(true);
	/** Where the page on screen is (see PagePlace). */
	place = $state<PagePlace>(FIRST_PAGE);

	rows = $state<UserRow[]>([]);
	total = $state<ListCount | null>(null);
	/**
	 * The view the rows on screen (and the total) were read for: until the next page arrives it is
	 * not `view`, which already has the search being typed.
	 */
	shownView = $state<UsersList['view'] | null>(null);
	/** Rows lie before and after the page on screen. */
	hasPrevious = $state(false);
	hasNext = $state(false);
	loading = $state(false);
	/** Loading for longer than a glance: only then are the rows on screen dimmed (no flashing). */
	slow = $state(false);
	error = $state<ApiError | null>(null);
	/** Why the page on screen is not the one asked for (its place in the list had gone). */
	notice = $state<string | null>(null);
	/** True once a first answer arrived, so the empty state never flashes before data. */
	loaded = $state(false);
	/** Users created from this page, shown on top (highlighted) until the view changes. */
	created = $state<UserRow[]>([]);
	/** Who created the rows on screen, by id (ids RLS hides or seeds without a creator are absent). */
	creators = $state<Record<string, string>>({});

	pageSize = PAGE_SIZE;
	/** Known only when the total is exact. */
	pageCount = $derived(
		this.total?.accuracy === 'exact'
			? Math.max(1, Math.ceil(this.total.users / this.pageSize))
			: null
	);
	/** The page's number from the first, when known (always, unless reached from the end). */
	pageNumber = $derived.by(() => {
		if (!this.place.fromEnd) return this.place.index + 1;
		return this.pageCount === null ? null : this.pageCount - this.place.index;
	});
	hasFilters = $derived(Boolean(this.search.trim() || this.role || this.status || this.signedIn));
	organizationId = $derived.by(() => this.#organizationId());
	/** The rows to show: the ones just created first, then the page without them. */
	visibleRows = $derived.by(() => {
		const pinned = this.created.map((user) => user.id);
		return [...this.created, ...this.rows.filter((row) => !pinned.includes(row.id))];
	});

	#request = 0;
	#inFlight: AbortController | null = null;
	/** "Not in the last 90 days" counts from when the view was asked for: its pages and total agree. */
	#signedInBefore = staleSignInBefore();
	#searchTimer: ReturnType<typeof setTimeout> | undefined;
	#slowTimer: ReturnType<typeof setTimeout> | undefined;
	/** Rows changed here since the current load was asked for: its answer may predate the change. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	#changedSinceLoad = new Map<string, UserRow>();

	readonly #source: () => ListSource;
	readonly #organizationId: () => string;
	readonly #onquery?: (query: ListQuery) => void;

	/** Must be built while a component initialises (it loads, and stops its timer when that goes). */
	constructor(
		source: () => ListSource,
		organizationId: () => string,
		options: UsersListOptions = {}
	) {
		this.#source = source;
		this.#organizationId = organizationId;
		this.#onquery = options.onquery;
		this.pageSize = options.pageSize ?? PAGE_SIZE;
		const initial = options.initial ?? DEFAULT_QUERY;
		this.search = initial.search;
		this.role = initial.role;
		this.status = initial.status;
		this.signedIn = initial.signedIn;
		this.sort = initial.sort;
		this.ascending = initial.ascending;
		let first = true;
		$effect(() => {
			// A derived: re-reading the same organization (a refreshed session) does not start over.
			if (!this.organizationId) return;
			untrack(() => {
				if (first) {
					// The address may point into the list (a reload on page 3): start there.
					first = false;
					this.place = initial.place;
					void this.load(true);
				} else void this.#restart();
			});
			return () => {
				clearTimeout(this.#searchTimer);
				clearTimeout(this.#slowTimer);
				this.#inFlight?.abort();
			};
		});
	}

	get query(): ListQuery {
		return {
			search: this.search,
			role: this.role,
			status: this.status,
			signedIn: this.signedIn,
			sort: this.sort,
			ascending: this.ascending,
			place: this.place
		};
	}

	/** The view on screen (search, filters, sort), wherever in it the page is. */
	get view(): Omit<ListParams, 'position' | 'pageSize' | 'withCount'> {
		return {
			organizationId: this.organizationId,
			search: this.search,
			role: this.role,
			status: this.status,
			signedIn: this.signedIn,
			...(this.signedIn === 'not_in_90_days' ? { signedInBefore: this.#signedInBefore } : {}),
			sort: this.sort,
			ascending: this.ascending
		};
	}

	/** What the database is asked for to show `place`. */
	#position(place: PagePlace): ListPosition {
		if (place.after) return { after: place.after };
		if (place.before) return { before: place.before };
		if (!place.fromEnd) return { from: 'start' };
		// With an exact total the last page holds what is left after full pages, as counted from
		// the first: its number and its rows agree with the pages before it.
		const total = this.total?.accuracy === 'exact' ? this.total.users : null;
		const rest = total === null ? 0 : total % this.pageSize;
		return rest > 0 ? { from: 'end', size: rest } : { from: 'end' };
	}

	/** Loads the current page; `withCount` when filters changed and the total must be recounted. */
	async load(withCount = this.total === null): Promise<void> {
		const request = ++this.#request;
		// Only the newest view matters: the request it replaces is not left to run on.
		this.#inFlight?.abort();
		const controller = (this.#inFlight = new AbortController());
		this.#changedSinceLoad.clear();
		this.loading = true;
		clearTimeout(this.#slowTimer);
		this.#slowTimer = setTimeout(() => (this.slow = this.loading), SLOW_AFTER_MS);
		this.#onquery?.(this.query);
		const place = this.place;
		const position = this.#position(place);
		const view = this.view;
		const result = await this.#source().list(
			{ ...view, position, pageSize: this.pageSize, withCount },
			{ signal: controller.signal }
		);
		// A slower, older answer must not overwrite the newer one the person is looking at.
		if (request !== this.#request) return;
		this.#inFlight = null;
		this.loading = false;
		this.slow = false;
		clearTimeout(this.#slowTimer);
		this.loaded = true;
		if (!result.ok) {
			if (result.error.code === 'page_start_gone' && place.index > 0) {
				// The row the page continued from left the organization's list: start over, and
				// count again (users left).
				this.place = FIRST_PAGE;
				this.notice = GONE_NOTICE;
				return this.load(true);
			}
			this.error = result.error;
			return;
		}
		this.error = null;
		let { rows, more } = result.data;
		if (result.data.total) this.total = result.data.total;
		const fitted = this.#position(place);
		if (
			isEnd(position) &&
			position.size === undefined &&
			isEnd(fitted) &&
			fitted.size !== undefined &&
			rows.length > fitted.size
		) {
			// The last page read before its total was known (an address at the end, reloaded): it
			// holds what is left after the full pages, as numbered from the first.
			rows = rows.slice(-fitted.size);
			more = true;
		}
		if (rows.length === 0 && place.index > 0) {
			// Nothing left where the page was (users deactivated meanwhile): the nearest end,
			// counted again.
			this.place = 'after' in position ? { index: 0, fromEnd: true } : FIRST_PAGE;
			this.notice = 'after' in position ? EMPTIED_NOTICE_LAST : EMPTIED_NOTICE_FIRST;
			return this.load(true);
		}
		this.rows = rows.map((row) => newer(row, this.#changedSinceLoad.get(row.id)));
		this.shownView = view;
		const backwards = 'before' in position || ('from' in position && position.from === 'end');
		this.hasPrevious = backwards ? more : 'after' in position;
		this.hasNext = backwards ? 'before' in position : more;
		if (this.#learnTotal(place)) {
			// Counted from the end, the pages do not line up with those numbered from the first (the
			// next one would skip the users left over): the first page, in full.
			this.place = FIRST_PAGE;
			return this.load(false);
		}
		void this.#loadCreators();
	}

	/**
	 * Reaching the end of a view counts it: every page before was full. True when it was the start,
	 * reached from the end, and came short: the pages read from the end are then out of line.
	 */
	#learnTotal(place: PagePlace): boolean {
		if (this.total?.accuracy === 'exact') return false;
		const end = place.fromEnd ? !this.hasPrevious : !this.hasNext;
		if (!end) return false;
		this.total = { users: place.index * this.pageSize + this.rows.length, accuracy: 'exact' };
		return place.fromEnd && place.index > 0 && this.rows.length < this.pageSize;
	}

	/** A user created from this page: shown on top whatever the sort, until the view changes. */
	pin(user: UserRow): void {
		this.created = [user, ...this.created.filter((row) => row.id !== user.id)];
	}

	async #loadCreators(): Promise<void> {
		const known = this.creators;
		const missing = this.visibleRows
			.map((row) => row.created_by)
			.filter(
				(id, index, ids): id is string => !!id && !(id in known) && ids.indexOf(id) === index
			);
		if (missing.length === 0) return;
		const result = await this.#source().names(missing, { organizationId: this.organizationId });
		// Names are an addition to the table; without them the dates still show.
		if (!result.ok) return;
		const names = { ...this.creators };
		for (const person of result.data) names[person.id] = fullName(person);
		this.creators = names;
	}

	setSearch(value: string): void {
		// The database refuses longer searches (nothing longer can match an email), and so does the box.
		this.search = value.slice(0, SEARCH_MAX_LENGTH);
		clearTimeout(this.#searchTimer);
		// Typing "margaret" should cost one request, not eight.
		this.#searchTimer = setTimeout(() => this.#restart(), SEARCH_DELAY_MS);
	}

	setRole(role: UserRole | ''): Promise<void> {
		this.role = role;
		return this.#restart();
	}

	setStatus(status: UserStatus | ''): Promise<void> {
		this.status = status;
		return this.#restart();
	}

	setSignedIn(signedIn: SignInFilter): Promise<void> {
		this.signedIn = signedIn;
		return this.#restart();
	}

	/** Clicking the sorted column flips the direction; another column sorts ascending. */
	sortBy(key: SortKey): Promise<void> {
		if (this.sort === key) this.ascending = !this.ascending;
		else {
			this.sort = key;
			this.ascending = true;
		}
		return this.#goTo(FIRST_PAGE);
	}

	first(): Promise<void> {
		return this.#goTo(FIRST_PAGE);
	}

	/** The page after the one on screen, continuing after its last row. */
	next(): Promise<void> {
		const last = this.rows.at(-1);
		if (!this.hasNext || !last) return Promise.resolve();
		const { index, fromEnd } = this.place;
		return this.#goTo(
			fromEnd
				? index === 1
					? { index: 0, fromEnd: true }
					: { index: index - 1, fromEnd: true, after: last.id }
				: { index: index + 1, fromEnd: false, after: last.id }
		);
	}

	/** The page before the one on screen, continuing before its first row. */
	previous(): Promise<void> {
		const first = this.rows[0];
		if (!this.hasPrevious || !first) return Promise.resolve();
		const { index, fromEnd } = this.place;
		return this.#goTo(
			fromEnd
				? { index: index + 1, fromEnd: true, before: first.id }
				: index === 1
					? FIRST_PAGE
					: { index: index - 1, fromEnd: false, before: first.id }
		);
	}

	/** The last page, read from the end (numbered from the first when the total is exact). */
	last(): Promise<void> {
		return this.#goTo({ index: 0, fromEnd: true });
	}

	#goTo(place: PagePlace): Promise<void> {
		this.notice = null;
		this.place = place;
		this.created = [];
		return this.load(false);
	}

	clearFilters(): Promise<void> {
		this.search = '';
		this.role = '';
		this.status = '';
		this.signedIn = '';
		return this.#restart();
	}

	/** Puts a changed row in place without reloading (e.g. after activation). */
	replace(user: UserRow): void {
		this.#changedSinceLoad.set(user.id, user);
		this.rows = this.rows.map((row) => (row.id === user.id ? user : row));
		this.created = this.created.map((row) => (row.id === user.id ? user : row));
	}

	#restart(): Promise<void> {
		clearTimeout(this.#searchTimer);
		this.notice = null;
		this.#signedInBefore = staleSignInBefore();
		this.place = FIRST_PAGE;
		this.created = [];
		return this.load(true);
	}
}
