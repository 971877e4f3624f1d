// The User Management table's state: filters, sort and page live here, and every change asks the
// server for exactly one page. Nothing ever loads the whole organization. Built once per page and
// fed by getters: it loads the first page when built, and again only if the organization itself
// changes (not when the signed-in admin's row is merely re-read, as after a token refresh).
import { untrack } from 'svelte';
import { SEARCH_MAX_LENGTH, type UserRole, type UserStatus } from '$shared/user-input.ts';
import {
	cursorRow,
	staleSignInBefore,
	type ApiError,
	type ListParams,
	type ListResult,
	type PersonName,
	type LookupOptions,
	type RequestOptions,
	type Result,
	type SignInFilter,
	type SortKey
} from './api.ts';
import { DEFAULT_QUERY, type ListQuery } from './list-query.ts';
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
const SEARCH_DELAY_MS = 250;

export class UsersList {
	search = $state('');
	role = $state<UserRole | ''>('');
	status = $state<UserStatus | ''>('');
	signedIn = $state<SignInFilter>('');
	sort = $state<SortKey>('name');
	ascending = $state(true);
	page = $state(0);

	rows = $state<UserRow[]>([]);
	total = $state<number | null>(null);
	loading = $state(false);
	error = $state<ApiError | null>(null);
	/** True once a first answer arrived, so the empty state never flashes before data. */
	loaded = $state(false);
	/** Users created from this page, shown on top (highlighted) until the view changes. */
	created = $state<UserRow[]>([]);
	/** Who created the rows on screen, by id (ids RLS hides or seeds without a creator are absent). */
	creators = $state<Record<string, string>>({});

	pageSize = PAGE_SIZE;
	pageCount = $derived(
		this.total === null ? 1 : Math.max(1, Math.ceil(this.total / this.pageSize))
	);
	firstIndex = $derived(this.page * this.pageSize);
	hasFilters = $derived(Boolean(this.search.trim() || this.role || this.status || this.signedIn));
	organizationId = $derived.by(() => this.#organizationId());
	/** The rows to show: the ones just created first, then the page without them. */
	visibleRows = $derived.by(() => {
		const pinned = this.created.map((user) => user.id);
		return [...this.created, ...this.rows.filter((row) => !pinned.includes(row.id))];
	});

	#request = 0;
	#inFlight: AbortController | null = null;
	/** How the current page was reached (keyset cursor), so a reload asks for the same page. */
	#cursor: ListParams['cursor'];
	/** "Not in the last 90 days" counts from when the view was asked for: its pages and total agree. */
	#signedInBefore = staleSignInBefore();
	#searchTimer: ReturnType<typeof setTimeout> | undefined;
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
					this.page = initial.page;
					void this.load(true);
				} else void this.#restart();
			});
			return () => {
				clearTimeout(this.#searchTimer);
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
			page: this.page
		};
	}

	/** Loads the current page; `withCount` when filters changed and the total must be recounted. */
	async load(withCount = this.total === null): Promise<void> {
		const request = ++this.#request;
		// Only the newest view matters: the request it replaces is not left to run on.
		this.#inFlight?.abort();
		const controller = (this.#inFlight = new AbortController());
		this.#changedSinceLoad.clear();
		this.loading = true;
		this.#onquery?.(this.query);
		const result = await this.#source().list(
			{
				organizationId: this.organizationId,
				search: this.search,
				role: this.role,
				status: this.status,
				signedIn: this.signedIn,
				...(this.signedIn === 'not_in_90_days' ? { signedInBefore: this.#signedInBefore } : {}),
				sort: this.sort,
				ascending: this.ascending,
				page: this.page,
				pageSize: this.pageSize,
				withCount,
				cursor: this.#cursor
			},
			{ signal: controller.signal }
		);
		// A slower, older answer must not overwrite the newer one the person is looking at.
		if (request !== this.#request) return;
		this.#inFlight = null;
		this.loading = false;
		this.loaded = true;
		if (!result.ok) {
			this.error = result.error;
			return;
		}
		this.error = null;
		this.rows = result.data.rows.map((row) => newer(row, this.#changedSinceLoad.get(row.id)));
		if (result.data.total !== null) this.total = result.data.total;
		// Past the end (users deactivated meanwhile, an old link): the last page that exists.
		if (this.rows.length === 0 && this.page > 0 && this.total !== null) {
			const last = Math.max(0, Math.ceil(this.total / this.pageSize) - 1);
			if (last < this.page) {
				this.page = last;
				this.#cursor = undefined;
				return this.load(false);
			}
		}
		void this.#loadCreators();
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
		this.page = 0;
		this.#cursor = undefined;
		this.created = [];
		return this.load(false);
	}

	/**
	 * Next and previous pages continue from the rows on screen (keyset, in the orders an index
	 * serves that way: name and last sign-in); other jumps and orders use offsets.
	 */
	goTo(page: number): Promise<void> {
		const target = Math.min(Math.max(0, page), this.pageCount - 1);
		if (target === this.page && this.loaded) return Promise.resolve();
		const edge =
			target === this.page + 1
				? this.rows.at(-1)
				: target === this.page - 1
					? this.rows[0]
					: undefined;
		const row = target > 0 && edge ? cursorRow(this.sort, edge) : undefined;
		this.#cursor = row ? { direction: target > this.page ? 'after' : 'before', row } : undefined;
		this.page = target;
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
		this.#signedInBefore = staleSignInBefore();
		this.page = 0;
		this.#cursor = undefined;
		this.created = [];
		return this.load(true);
	}
}
