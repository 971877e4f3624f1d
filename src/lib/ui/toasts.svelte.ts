// Short-lived result messages ("User created", "Could not save…"), announced to screen readers by
// the live region that renders them.
import { createContext } from 'svelte';

export type ToastKind = 'success' | 'error' | 'info';

export interface Toast {
	id: number;
	kind: ToastKind;
	message: string;
}

export class Toasts {
	items = $state<Toast[]>([]);
	#next = 1;
	// Timers are bookkeeping, not state anything renders.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#timers = new Map<number, ReturnType<typeof setTimeout>>();

	constructor(private readonly durationMs = 5000) {}

	show(message: string, kind: ToastKind = 'success'): number {
		const id = this.#next++;
		this.items.push({ id, kind, message });
		// Errors stay until dismissed: people need time to read what went wrong.
		if (kind !== 'error')
			this.#timers.set(
				id,
				setTimeout(() => this.dismiss(id), this.durationMs)
			);
		return id;
	}

	success = (message: string) => this.show(message, 'success');
	error = (message: string) => this.show(message, 'error');

	dismiss(id: number): void {
		clearTimeout(this.#timers.get(id));
		this.#timers.delete(id);
		this.items = this.items.filter((toast) => toast.id !== id);
	}
}

/** The app's one toast queue: the root layout provides it, every component reads it from here. */
export const [useToasts, provideToasts] = createContext<Toasts>();
