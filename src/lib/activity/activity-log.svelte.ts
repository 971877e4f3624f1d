// The activity screens' state: the Activity page's log (filters, one page of entries newest first,
// Newer and Older) and a user's history on their settings page (the last few, then "Show older").
// Both page by keyset — the entries after the last one on screen, by (occurred_at, id), through
// the index — so a page a year back costs what the first one does; nothing counts or skips rows.
// Built once per page and fed by getters, as UsersList is.
import { untrack } from 'svelte';
import type {
	ActivityAction,
	ActivityEntry,
	ActivitySource,
	ApiError,
	Cursor,
	EntryFilters
} from './api.ts';
import { DEFAULT_QUERY, entryFilters, type ActivityQuery } from './log-query.ts';
import { fullName } from '$lib/users/types.ts';

export const PAGE_SIZE = 50;
export const HISTORY_SIZE = 20;

/** Who the entries on screen name, looked up once per id (ids RLS hides stay unknown: "a user"). */
class NameBook {
	names = $state<Record<string, string>>({});
	#asked = new Set<string>();

	async learn(
		source: ActivitySource,
		organizationId: string,
		entries: readonly ActivityEntry[],
		also: readonly string[] = []
	): Promise<void> {
		const missing = [
			...new Set(
				[...entries.flatMap((entry) => [entry.actor_id, entry.target_id]), ...also].filter(
					(id): id is string => !!id && !this.#asked.has(id)
				)
			)
		];
		if (missing.length === 0) return;
		for (const id of missing) this.#asked.add(id);
		const result = await source.names(missing, { organizationId });
		// Names are an addition to the sentences; without them they read "a user" and still say what
		// happened. Asked again on the next page.
		if (!result.ok) {
			for (const id of missing) this.#asked.delete(id);
			return;
		}
		const names = { ...this.names };
		for (const person of result.data) names[person.id] = fullName(person);
		this.names = names;
	}
}

export interface ActivityLogOptions {
	pageSize?: number;
	/** Where the view starts (the address bar's query). */
	initial?: ActivityQuery;
	/** Told about every view asked for, to keep the address bar in step. */
	onquery?: (query: ActivityQuery) => void;
}

export class ActivityLog {
	userId = $state('');
	action = $state<ActivityAction | ''>('');
	/** Days in the viewer's zone ('YYYY-MM-DD'), inclusive; '' for no bound. */
	from = $state('');
	to = $state('');

	entries = $state<ActivityEntry[]>([]);
	loading = $state(false);
	error = $state<ApiError | null>(null);
	/** True once a first answer arrived, so the empty state never flashes before data. */
	loaded = $state(false);
	hasOlder = $state(false);
	hasNewer = $state(false);

	pageSize = PAGE_SIZE;
	hasFilters = $derived(Boolean(this.userId || this.action || this.from || this.to));
	rangeError = $derived(
		this.from && this.to && this.from > this.to ? 'The end date is before the start date.' : null
	);
	organizationId = $derived.by(() => this.#organizationId());

	readonly #names = new NameBook();
	#request = 0;
	#inFlight: AbortController | null = null;
	/** How the current page was reached, so a reload (or the address) asks for the same page. */
	#cursor: Cursor | undefined;

	readonly #source: () => ActivitySource;
	readonly #organizationId: () => string;
	readonly #onquery?: (query: ActivityQuery) => void;

	/** Must be built while a component initialises (it loads, and stops its request when that goes). */
	constructor(
		source: () => ActivitySource,
		organizationId: () => string,
		options: ActivityLogOptions = {}
	) {
		this.#source = source;
		this.#organizationId = organizationId;
		this.#onquery = options.onquery;
		this.pageSize = options.pageSize ?? PAGE_SIZE;
		const initial = options.initial ?? DEFAULT_QUERY;
		let first = true;
		$effect(() => {
			// A derived: re-reading the same organization (a refreshed session) does not start over.
			if (!this.organizationId) return;
			untrack(() => {
				if (first) {
					first = false;
					this.apply(initial);
				} else void this.#restart();
			});
			return () => this.#inFlight?.abort();
		});
	}

	/** Full names by id of the people the entries on screen name. */
	get names(): Record<string, string> {
		return this.#names.names;
	}

	get query(): ActivityQuery {
		const query: ActivityQuery = {
			userId: this.userId,
			action: this.action,
			from: this.from,
			to: this.to
		};
		return this.#cursor ? { ...query, cursor: this.#cursor } : query;
	}

	/** The filters as the server takes them (what the export reads too). */
	get filters(): EntryFilters {
		return entryFilters(this.query);
	}

	/** Shows what an address asks for (the first view, or the back button and links to this page). */
	apply(query: ActivityQuery): Promise<void> {
		this.userId = query.userId;
		this.action = query.action;
		this.from = query.from;
		this.to = query.to;
		this.#cursor = query.cursor;
		return this.load();
	}

	async load(): Promise<void> {
		const request = ++this.#request;
		// Only the newest view matters: the request it replaces is not left to run on.
		this.#inFlight?.abort();
		this.#onquery?.(this.query);
		if (this.rangeError) {
			// Nothing to ask for: the filters say why the list is empty.
			this.#inFlight = null;
			this.entries = [];
			this.error = null;
			this.hasOlder = this.hasNewer = false;
			this.loading = false;
			this.loaded = true;
			return;
		}
		const controller = (this.#inFlight = new AbortController());
		this.loading = true;
		const cursor = this.#cursor;
		const result = await this.#source().page(
			// One more than a page: whether there is a page beyond it, without counting.
			{ organizationId: this.organizationId, ...this.filters, cursor, limit: this.pageSize + 1 },
			{ signal: controller.signal }
		);
		// A slower, older answer must not overwrite the newer one the person is looking at.
		if (request !== this.#request) return;
		this.#inFlight = null;
		if (!result.ok) {
			this.loading = false;
			this.loaded = true;
			this.error = result.error;
			return;
		}
		const rows = result.data;
		const beyond = rows.length > this.pageSize;
		if (cursor?.direction === 'newer') {
			if (rows.length < this.pageSize) {
				// Fewer than a page above: the newest page, in full, is the one to show.
				this.#cursor = undefined;
				return this.load();
			}
			// Newest first: the extra entry, if any, is the one on top.
			this.entries = beyond ? rows.slice(1) : rows;
			this.hasNewer = beyond;
			this.hasOlder = true;
			// Back at the top: the plain address again.
			if (!beyond) {
				this.#cursor = undefined;
				this.#onquery?.(this.query);
			}
		} else {
			this.entries = rows.slice(0, this.pageSize);
			this.hasOlder = beyond;
			this.hasNewer = cursor !== undefined;
		}
		this.error = null;
		this.loading = false;
		this.loaded = true;
		void this.#names.learn(
			this.#source(),
			this.organizationId,
			this.entries,
			this.userId ? [this.userId] : []
		);
	}

	/** The name of the user the filter is set to, once known. */
	get userName(): string | null {
		return this.userId ? (this.names[this.userId] ?? null) : null;
	}

	older(): Promise<void> {
		const edge = this.entries.at(-1);
		if (!edge || !this.hasOlder) return Promise.resolve();
		this.#cursor = { direction: 'older', occurredAt: edge.occurred_at, id: edge.id };
		return this.load();
	}

	newer(): Promise<void> {
		const edge = this.entries[0];
		if (!this.hasNewer) return Promise.resolve();
		this.#cursor = edge
			? { direction: 'newer', occurredAt: edge.occurred_at, id: edge.id }
			: undefined;
		return this.load();
	}

	newest(): Promise<void> {
		this.#cursor = undefined;
		return this.load();
	}

	/** The filter by user; the name comes along when the picker knows it already. */
	setUser(userId: string, name?: string): Promise<void> {
		if (userId && name) this.#names.names = { ...this.#names.names, [userId]: name };
		this.userId = userId;
		return this.#restart();
	}

	setAction(action: ActivityAction | ''): Promise<void> {
		this.action = action;
		return this.#restart();
	}

	setFrom(day: string): Promise<void> {
		this.from = day;
		return this.#restart();
	}

	setTo(day: string): Promise<void> {
		this.to = day;
		return this.#restart();
	}

	clearFilters(): Promise<void> {
		this.userId = '';
		this.action = '';
		this.from = '';
		this.to = '';
		return this.#restart();
	}

	#restart(): Promise<void> {
		this.#cursor = undefined;
		return this.load();
	}
}

export interface UserHistoryOptions {
	pageSize?: number;
}

/** One user's entries on their settings page: the last few, and older ones added below on demand. */
export class UserHistory {
	entries = $state<ActivityEntry[]>([]);
	loading = $state(false);
	error = $state<ApiError | null>(null);
	loaded = $state(false);
	hasOlder = $state(false);
	/** "Show older" is loading (the entries shown stay as they are). */
	loadingOlder = $state(false);

	pageSize = HISTORY_SIZE;
	organizationId = $derived.by(() => this.#organizationId());
	userId = $derived.by(() => this.#userId());

	readonly #names = new NameBook();
	#request = 0;
	#inFlight: AbortController | null = null;
	readonly #source: () => ActivitySource;
	readonly #organizationId: () => string;
	readonly #userId: () => string;

	constructor(
		source: () => ActivitySource,
		organizationId: () => string,
		userId: () => string,
		options: UserHistoryOptions = {}
	) {
		this.#source = source;
		this.#organizationId = organizationId;
		this.#userId = userId;
		this.pageSize = options.pageSize ?? HISTORY_SIZE;
		$effect(() => {
			// Another user's page (the settings follow the id) starts that user's history afresh.
			if (!this.organizationId || !this.userId) return;
			untrack(() => {
				this.entries = [];
				this.loaded = false;
				void this.reload();
			});
			return () => this.#inFlight?.abort();
		});
	}

	get names(): Record<string, string> {
		return this.#names.names;
	}

	/** The newest entries again (after a change on the settings page, say); the old ones stay until then. */
	reload(): Promise<void> {
		return this.#fetch(undefined);
	}

	/** The next older entries, added below the ones shown. */
	showOlder(): Promise<void> {
		const edge = this.entries.at(-1);
		if (!edge || !this.hasOlder || this.loading) return Promise.resolve();
		return this.#fetch({ direction: 'older', occurredAt: edge.occurred_at, id: edge.id });
	}

	async #fetch(cursor: Cursor | undefined): Promise<void> {
		const request = ++this.#request;
		this.#inFlight?.abort();
		const controller = (this.#inFlight = new AbortController());
		this.loading = true;
		this.loadingOlder = cursor !== undefined;
		const result = await this.#source().page(
			{
				organizationId: this.organizationId,
				userId: this.userId,
				action: '',
				from: '',
				to: '',
				cursor,
				limit: this.pageSize + 1
			},
			{ signal: controller.signal }
		);
		if (request !== this.#request) return;
		this.#inFlight = null;
		this.loading = false;
		this.loadingOlder = false;
		this.loaded = true;
		if (!result.ok) {
			this.error = result.error;
			return;
		}
		this.error = null;
		const rows = result.data.slice(0, this.pageSize);
		this.entries = cursor ? [...this.entries, ...rows] : rows;
		this.hasOlder = result.data.length > this.pageSize;
		void this.#names.learn(this.#source(), this.organizationId, rows);
	}
}
