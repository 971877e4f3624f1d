// Short-lived result messages ("User created", "Could not save…"), announced to screen readers by
// the live region that renders them. Errors stay twice as long as successes, and nothing goes
// while the pointer or focus is on the messages (someone is reading or reaching for ×); the same
// message twice shows once, and only the newest few are kept.
import { createContext } from 'svelte';

export type ToastKind = 'success' | 'error' | 'info';

export interface Toast {
	id: number;
	kind: ToastKind;
	message: string;
}

const MAX_TOASTS = 3;

export class Toasts {
	items = $state<Toast[]>([]);
	#next = 1;
	#held = false;
	// Timers are bookkeeping, not state anything renders.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#timers = new Map<number, ReturnType<typeof setTimeout>>();

	constructor(private readonly durationMs = 5000) {}

	show(message: string, kind: ToastKind = 'success'): number {
		const same = this.items.find((toast) => toast.message === message && toast.kind === kind);
		if (same) this.dismiss(same.id);
		const id = this.#next++;
		this.items.push({ id, kind, message });
		for (const old of this.items.slice(0, -MAX_TOASTS)) this.dismiss(old.id);
		if (!this.#held) this.#schedule(this.items.at(-1)!);
		return id;
	}

	success = (message: string) => this.show(message, 'success');
	error = (message: string) => this.show(message, 'error');

	dismiss(id: number): void {
		clearTimeout(this.#timers.get(id));
		this.#timers.delete(id);
		this.items = this.items.filter((toast) => toast.id !== id);
	}

	/** The reader is on the messages: none of them goes meanwhile. */
	hold(): void {
		this.#held = true;
		for (const timer of this.#timers.values()) clearTimeout(timer);
		this.#timers.clear();
	}

	/** They left: each message gets its full time again. */
	release(): void {
		this.#held = false;
		for (const toast of this.items) this.#schedule(toast);
	}

	#schedule(toast: Toast): void {
		const duration = toast.kind === 'error' ? this.durationMs * 2 : this.durationMs;
		this.#timers.set(
			toast.id,
			setTimeout(() => this.dismiss(toast.id), duration)
		);
	}
}

/** The app's one toast queue: the root layout provides it, every component reads it from here. */
export const [useToasts, provideToasts] = createContext<Toasts>();
