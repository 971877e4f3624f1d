// Export of the activity the filters select, as CSV: read page by page (keyset, a thousand entries a
// request, the Data API's max_rows) with the count so far on screen and a Cancel, each page written
// as its CSV chunk at once, and the file a Blob of the chunks. A million entries is a few hundred
// requests and never one answer the size of the range, nor the file in the page's memory at once.
import type {
	ActivityEntry,
	ActivitySource,
	ApiError,
	Cursor,
	EntryFilters,
	Person
} from './api.ts';

export const EXPORT_PAGE_SIZE = 1000;

export class ActivityExport {
	running = $state(false);
	/** Entries written so far. */
	rows = $state(0);
	error = $state<ApiError | null>(null);

	#controller: AbortController | null = null;
	readonly #source: () => ActivitySource;
	readonly #pageSize: number;

	constructor(source: () => ActivitySource, pageSize = EXPORT_PAGE_SIZE) {
		this.#source = source;
		this.#pageSize = pageSize;
	}

	/** The CSV file of every entry the filters select, newest first; null if cancelled or failed. */
	async run(organizationId: string, filters: EntryFilters): Promise<Blob | null> {
		if (this.running) return null;
		const controller = (this.#controller = new AbortController());
		const options = { signal: controller.signal };
		this.running = true;
		this.rows = 0;
		this.error = null;
		try {
			const [{ CsvFile }, { csvChunk }] = await Promise.all([
				import('$lib/csv/file.ts'),
				import('./csv.ts')
			]);
			const file = new CsvFile();
			const people: Record<string, Person> = {};
			// Bookkeeping of one run, not state anything renders.
			// eslint-disable-next-line svelte/prefer-svelte-reactivity
			const asked = new Set<string>();
			let cursor: Cursor | undefined;
			for (;;) {
				const page = await this.#source().page(
					{ organizationId, ...filters, cursor, limit: this.#pageSize },
					options
				);
				if (!page.ok) return this.#fail(page.error, controller);
				const missing = idsOf(page.data).filter((id) => !asked.has(id));
				if (missing.length > 0) {
					const found = await this.#source().people(missing, { ...options, organizationId });
					if (!found.ok) return this.#fail(found.error, controller);
					for (const id of missing) asked.add(id);
					for (const person of found.data) people[person.id] = person;
				}
				file.add(csvChunk(page.data, people, { header: cursor === undefined }));
				this.rows += page.data.length;
				const last = page.data.at(-1);
				if (!last || page.data.length < this.#pageSize) break;
				cursor = { direction: 'older', occurredAt: last.occurred_at, id: last.id };
			}
			if (controller.signal.aborted) return null;
			return file.blob();
		} finally {
			if (this.#controller === controller) this.#controller = null;
			this.running = false;
		}
	}

	cancel(): void {
		this.#controller?.abort();
	}

	#fail(error: ApiError, controller: AbortController): null {
		// Cancelling is not a failure to report.
		if (!controller.signal.aborted) this.error = error;
		return null;
	}
}

const idsOf = (entries: readonly ActivityEntry[]): string[] => [
	...new Set(
		entries.flatMap((entry) => [entry.actor_id, entry.target_id]).filter((id): id is string => !!id)
	)
];
