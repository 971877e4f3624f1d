// Export of the view on screen (search, filters and sort as they are), every page of it, as CSV:
// read page by page after the last row read (keyset, as the table pages), each page written to the
// file at once, with the rows so far against the view's total and a Cancel. The file streams to
// disk as it is written where the browser can (CsvStream), else is folded into a Blob as it grows
// (CsvFile): a million users never sit in the page's memory at once.
import type { CsvSink } from '$lib/csv/file.ts';
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
	#sink: CsvSink | null = null;
	readonly #source: () => ListSource;
	readonly #pageSize: number;

	constructor(source: () => ListSource, pageSize = EXPORT_PAGE_SIZE) {
		this.#source = source;
		this.#pageSize = pageSize;
	}

	/** The CSV file of every user of the view, in its order, as a Blob; null if cancelled or failed. */
	async run(view: ExportView, expected: ListCount | null): Promise<Blob | null> {
		const { CsvFile } = await import('$lib/csv/file.ts');
		const file = new CsvFile();
		return (await this.write(view, expected, file)) ? file.blob() : null;
	}

	/**
	 * Writes every user of the view into `sink` (a Blob being built, or a streamed download), in
	 * its order; false if cancelled or failed.
	 */
	async write(view: ExportView, expected: ListCount | null, sink: CsvSink): Promise<boolean> {
		if (this.running) return false;
		const controller = (this.#controller = new AbortController());
		this.#sink = sink;
		this.running = true;
		this.rows = 0;
		this.expected = expected;
		this.error = null;
		try {
			const { usersCsvLines } = await import('./csv.ts');
			for await (const page of viewPages(this.#source, view, controller.signal, this.#pageSize)) {
				if (!page.ok) {
					this.error = page.error;
					return false;
				}
				// A streamed download waits here while the disk catches up: no page runs ahead of it.
				await sink.add(usersCsvLines(page.rows, { header: this.rows === 0 }));
				this.rows += page.rows.length;
			}
			return !controller.signal.aborted;
		} catch (error) {
			// The file could not be written on: the download was cancelled in the browser, or failed.
			if (!controller.signal.aborted)
				this.error = {
					code: 'cancelled',
					message: `The file could not be written on (${error instanceof Error ? error.message : String(error)}); the download is incomplete.`
				};
			return false;
		} finally {
			if (this.#controller === controller) {
				this.#controller = null;
				this.#sink = null;
			}
			this.running = false;
		}
	}

	/** Stops the reading, and the file at once (also while it waits for the disk). */
	cancel(): void {
		this.#controller?.abort();
		this.#sink?.abort?.();
	}
}
