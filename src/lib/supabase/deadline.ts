// Every request a person waits for has an end: it answers, it runs out of time, or the person
// cancels it. A Deadline is the signal handed to supabase-js for one such request (the Data API
// builder's abortSignal(), functions.invoke's signal), and afterwards it says which of the three
// ended it, so the message can say so instead of repeating the browser's "Failed to fetch".

/** Long enough for a slow mobile network and a cold function; short enough that nobody gives up first. */
export const REQUEST_TIMEOUT_MS = 15_000;

export type Interruption = 'cancelled' | 'timeout';

export class Deadline {
	readonly signal: AbortSignal;
	readonly #cancel?: AbortSignal;
	readonly #timer: AbortSignal;

	constructor(cancel?: AbortSignal, timeoutMs = REQUEST_TIMEOUT_MS) {
		this.#cancel = cancel;
		this.#timer = AbortSignal.timeout(timeoutMs);
		this.signal = cancel ? AbortSignal.any([cancel, this.#timer]) : this.#timer;
	}

	/** Why the request was cut short, or null if it was not (it answered, or the network failed). */
	get interruption(): Interruption | null {
		if (this.#cancel?.aborted) return 'cancelled';
		if (this.#timer.aborted) return 'timeout';
		return null;
	}
}

/**
 * The global fetch of the Supabase client: a backstop for the requests that take no signal of
 * ours (Auth's sign-in, token refresh and sign-out), so none of them can hang for good either.
 */
export function fetchWithTimeout(
	timeoutMs = REQUEST_TIMEOUT_MS + 5_000,
	base: typeof fetch = (...args) => fetch(...args)
): typeof fetch {
	return (input, init = {}) => {
		const timer = AbortSignal.timeout(timeoutMs);
		const signal = init.signal ? AbortSignal.any([init.signal, timer]) : timer;
		return base(input, { ...init, signal });
	};
}
