// Which users a bulk action applies to: rows ticked on any page of the view, or every user of the
// view. A selection belongs to the view it was made in (search and filters; not the sort, which
// only orders the same users): once the view changes it is empty, so an action never reaches
// users the admin no longer sees listed.
import { SvelteMap } from 'svelte/reactivity';
import type { UserRow } from './types.ts';

export class UsersSelection {
	#picked = new SvelteMap<string, UserRow>();
	#allMatching = $state(false);
	#madeIn = $state<string | null>(null);
	readonly #view: () => string;

	/** `view` names the view on screen; rows picked in another one are not selected. */
	constructor(view: () => string) {
		this.#view = view;
	}

	get #current(): boolean {
		return this.#madeIn === this.#view();
	}

	/** The rows ticked, as they were shown. */
	get picked(): UserRow[] {
		return this.#current ? [...this.#picked.values()] : [];
	}

	get size(): number {
		return this.#current ? this.#picked.size : 0;
	}

	/** Every user of the view, whichever page they are on. */
	get allMatching(): boolean {
		return this.#current && this.#allMatching;
	}

	get empty(): boolean {
		return this.size === 0 && !this.allMatching;
	}

	has(id: string): boolean {
		return this.allMatching || (this.#current && this.#picked.has(id));
	}

	/** Ticks or unticks one row; unticking one of "all matching" leaves the rows ticked before. */
	toggle(user: UserRow, on = !this.has(user.id)): void {
		this.#adopt();
		this.#allMatching = false;
		if (on) this.#picked.set(user.id, user);
		else this.#picked.delete(user.id);
	}

	/** Ticks or unticks every row of a page. */
	setPage(users: readonly UserRow[], on: boolean): void {
		this.#adopt();
		this.#allMatching = false;
		for (const user of users) {
			if (on) this.#picked.set(user.id, user);
			else this.#picked.delete(user.id);
		}
	}

	selectAllMatching(): void {
		this.#adopt();
		this.#allMatching = true;
	}

	clear(): void {
		this.#picked.clear();
		this.#allMatching = false;
		this.#madeIn = null;
	}

	/** A selection made in another view starts over in this one. */
	#adopt(): void {
		const view = this.#view();
		if (this.#madeIn === view) return;
		this.#picked.clear();
		this.#allMatching = false;
		this.#madeIn = view;
	}
}
