// Every user of a view, a page at a time, in the view's order: keyset pages after the last row
// read, as the table pages, so the millionth row costs what the first does. For whatever must go
// through a whole view (the export, the bulk actions) without holding it all at once.
import type { ApiError, ListPosition } from './api.ts';
import type { UserRow } from './types.ts';
import type { ListSource, UsersList } from './users-list.svelte.ts';

/** list_users' largest page, less the row the list asks for beyond it. */
export const VIEW_PAGE_SIZE = 499;

export type View = UsersList['view'];

export type ViewPage = { ok: true; rows: UserRow[] } | { ok: false; error: ApiError };

/** Ends after the last page, or with the first failure (an aborted signal ends it quietly). */
export async function* viewPages(
	source: () => ListSource,
	view: View,
	signal: AbortSignal,
	pageSize = VIEW_PAGE_SIZE
): AsyncGenerator<ViewPage> {
	let position: ListPosition = { from: 'start' };
	for (;;) {
		const page = await source().list({ ...view, position, pageSize, withCount: false }, { signal });
		if (signal.aborted) return;
		if (!page.ok) {
			yield { ok: false, error: page.error };
			return;
		}
		yield { ok: true, rows: page.data.rows };
		const last = page.data.rows.at(-1);
		if (!page.data.more || !last) return;
		position = { after: last.id };
	}
}
