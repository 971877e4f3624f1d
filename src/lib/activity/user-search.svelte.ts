// The Activity page's user filter: a few of the organization's users matching what is typed (the
// users page's search, through search_users), asked for once typing pauses.
import type { ActivitySource, ApiError, Person } from './api.ts';
import { SEARCH_MAX_LENGTH } from '$shared/user-limits.ts';

const SEARCH_DELAY_MS = 250;

export class UserSearch {
	text = $state('');
	results = $state<Person[]>([]);
	/** The answer for the text now in the box has arrived (even if it is no one). */
	searched = $state(false);
	loading = $state(false);
	error = $state<ApiError | null>(null);

	#timer: ReturnType<typeof setTimeout> | undefined;
	#request = 0;
	#inFlight: AbortController | null = null;
	readonly #source: () => Pick<ActivitySource, 'searchUsers'>;
	readonly #organizationId: () => string;

	constructor(source: () => Pick<ActivitySource, 'searchUsers'>, organizationId: () => string) {
		this.#source = source;
		this.#organizationId = organizationId;
	}

	setText(value: string): void {
		this.text = value.slice(0, SEARCH_MAX_LENGTH);
		this.searched = false;
		clearTimeout(this.#timer);
		this.#inFlight?.abort();
		if (!this.text.trim()) {
			this.results = [];
			this.loading = false;
			this.error = null;
			return;
		}
		// Typing "grace" should cost one request, not five.
		this.#timer = setTimeout(() => void this.#search(), SEARCH_DELAY_MS);
	}

	clear(): void {
		this.setText('');
	}

	/** Stops what is pending (the picker closed, or the page went). */
	stop(): void {
		clearTimeout(this.#timer);
		this.#inFlight?.abort();
		this.loading = false;
	}

	async #search(): Promise<void> {
		const request = ++this.#request;
		const controller = (this.#inFlight = new AbortController());
		this.loading = true;
		const result = await this.#source().searchUsers(this.#organizationId(), this.text, {
			signal: controller.signal
		});
		if (request !== this.#request || controller.signal.aborted) return;
		this.#inFlight = null;
		this.loading = false;
		this.searched = true;
		if (!result.ok) {
			this.error = result.error;
			this.results = [];
			return;
		}
		this.error = null;
		this.results = result.data;
	}
}
