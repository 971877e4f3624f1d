// The User Management table's state: filters, sort and page live here, and every change asks the
// server for exactly one page. Nothing ever loads the whole organization. Built once per page and
// fed by getters: it loads the first page when built, and again if the organization changes.
import { untrack } from 'svelte';
import { SEARCH_MAX_LENGTH, type UserRole, type UserStatus } from '$shared/user-input.ts';
import type { ApiError, ListParams, ListResult, Result, SortKey } from './api.ts';
import type { UserRow } from './types.ts';

export interface ListSource {
	list(params: ListParams): Promise<Result<ListResult>>;
}

export const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

export class UsersList {
	search = $state('');
	role = $state<UserRole | ''>('');
	status = $state<UserStatus | ''>('');
	sort = $state<SortKey>('name');
	ascending = $state(true);
	page = $state(0);

	rows = $state<UserRow[]>([]);
	total = $state<number | null>(null);
	loading = $state(false);
	error = $state<ApiError | null>(null);
	/** True once a first answer arrived, so the empty state never flashes before data. */
	loaded = $state(false);

	pageSize = PAGE_SIZE;
	pageCount = $derived(
		this.total === null ? 1 : Math.max(1, Math.ceil(this.total / this.pageSize))
	);
	firstIndex = $derived(this.page * this.pageSize);
	hasFilters = $derived(Boolean(this.search.trim() || this.role || this.status));

	#request = 0;
	/** How the current page was reached (keyset cursor), so a reload asks for the same page. */
	#cursor: ListParams['cursor'];
	#searchTimer: ReturnType<typeof setTimeout> | undefined;

	readonly #source: () => ListSource;
	readonly #organizationId: () => string;

	/** Must be built while a component initialises (it loads, and stops its timer when that goes). */
	constructor(source: () => ListSource, organizationId: () => string, pageSize = PAGE_SIZE) {
		this.#source = source;
		this.#organizationId = organizationId;
		this.pageSize = pageSize;
		$effect(() => {
			this.#organizationId();
			untrack(() => void this.#restart());
			return () => clearTimeout(this.#searchTimer);
		});
	}

	/** Loads the current page; `withCount` when filters changed and the total must be recounted. */
	async load(withCount = this.total === null): Promise<void> {
		const request = ++this.#request;
		this.loading = true;
		const result = await this.#source().list({
			organizationId: this.#organizationId(),
			search: this.search,
			role: this.role,
			status: this.status,
			sort: this.sort,
			ascending: this.ascending,
			page: this.page,
			pageSize: this.pageSize,
			withCount,
			cursor: this.#cursor
		});
		// A slower, older answer must not overwrite the newer one the person is looking at.
		if (request !== this.#request) return;
		this.loading = false;
		this.loaded = true;
		if (!result.ok) {
			this.error = result.error;
			return;
		}
		this.error = null;
		this.rows = result.data.rows;
		if (result.data.total !== null) this.total = result.data.total;
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

	/** Clicking the sorted column flips the direction; another column sorts ascending. */
	sortBy(key: SortKey): Promise<void> {
		if (this.sort === key) this.ascending = !this.ascending;
		else {
			this.sort = key;
			this.ascending = true;
		}
		this.page = 0;
		this.#cursor = undefined;
		return this.load(false);
	}

	/** Next and previous pages continue from the rows on screen (keyset); other jumps use offsets. */
	goTo(page: number): Promise<void> {
		const target = Math.min(Math.max(0, page), this.pageCount - 1);
		if (target === this.page && this.loaded) return Promise.resolve();
		const edge =
			target === this.page + 1
				? this.rows.at(-1)
				: target === this.page - 1
					? this.rows[0]
					: undefined;
		this.#cursor =
			target > 0 && edge
				? {
						direction: target > this.page ? 'after' : 'before',
						row: { last_name: edge.last_name, first_name: edge.first_name, id: edge.id }
					}
				: undefined;
		this.page = target;
		return this.load(false);
	}

	clearFilters(): Promise<void> {
		this.search = '';
		this.role = '';
		this.status = '';
		return this.#restart();
	}

	/** Puts a changed row in place without reloading (e.g. after activation). */
	replace(user: UserRow): void {
		this.rows = this.rows.map((row) => (row.id === user.id ? user : row));
	}

	#restart(): Promise<void> {
		clearTimeout(this.#searchTimer);
		this.page = 0;
		this.#cursor = undefined;
		return this.load(true);
	}
}
