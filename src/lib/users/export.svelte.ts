// Export of the view on screen (search, filters and sort as they are), every page of it, as CSV:
// read page by page after the last row read (keyset, as the table pages), each page written to the
// file at once, with the rows so far against the view's total and a Cancel. The file is folded
// into a Blob as it grows (CsvFile): a million users never sit in the page's memory at once.
import type { ApiError, ListCount } from './api.ts';
import type { ListSource } from './users-list.svelte.ts';
import { VIEW_PAGE_SIZE, viewPages, type View } from './view-pages.ts';

export const EXPORT_PAGE_SIZE = VIEW_PAGE_SIZE;

export type ExportView = View;

export class UsersExport {
	running = $state(false);
	/** Users written so far. */
	rows = $state(0);
	/** The view's total when the export began (exact, at least, or estimated). */
	expected = $state<ListCount | null>(null);
	error = $state<ApiError | null>(null);

	#controller: AbortController | null = null;
	readonly #source: () => ListSource;
	readonly #pageSize: number;

	constructor(source: () => ListSource, pageSize = EXPORT_PAGE_SIZE) {
		this.#source = source;
		this.#pageSize = pageSize;
	}

	/** The CSV file of every user of the view, in its order; null if cancelled or failed. */
	async run(view: ExportView, expected: ListCount | null): Promise<Blob | null> {
		if (this.running) return null;
		const controller = (this.#controller = new AbortController());
		this.running = true;
		this.rows = 0;
		this.expected = expected;
		this.error = null;
		try {
			const [{ CsvFile }, { usersCsvLines }] = await Promise.all([
				import('$lib/csv/file.ts'),
				import('./csv.ts')
			]);
			const file = new CsvFile();
			for await (const page of viewPages(this.#source, view, controller.signal, this.#pageSize)) {
				if (!page.ok) {
					this.error = page.error;
					return null;
				}
				file.add(usersCsvLines(page.rows, { header: this.rows === 0 }));
				this.rows += page.rows.length;
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
}
