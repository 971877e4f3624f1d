// Export of the view on screen (search, filters and sort as they are), every page of it, as CSV:
// read page by page after the last row read (keyset, as the table pages), each page written to the
// file at once, with the rows so far against the view's total and a Cancel. The file is folded
// into a Blob as it grows (CsvFile): a million users never sit in the page's memory at once.
import type { ApiError, ListCount, ListPosition } from './api.ts';
import type { ListSource, UsersList } from './users-list.svelte.ts';

/** list_users' largest page, less the row the list asks for beyond it. */
export const EXPORT_PAGE_SIZE = 499;

export type ExportView = UsersList['view'];

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
			let position: ListPosition = { from: 'start' };
			for (;;) {
				const page = await this.#source().list(
					{ ...view, position, pageSize: this.#pageSize, withCount: false },
					{ signal: controller.signal }
				);
				if (controller.signal.aborted) return null;
				if (!page.ok) {
					this.error = page.error;
					return null;
				}
				file.add(usersCsvLines(page.data.rows, { header: this.rows === 0 }));
				this.rows += page.data.rows.length;
				const last = page.data.rows.at(-1);
				if (!page.data.more || !last) break;
				position = { after: last.id };
			}
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
