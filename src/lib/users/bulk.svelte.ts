// One bulk action (activate, deactivate, change the role) on the users an admin selected, or on
// every user of the view. Each user goes through the same update-user call as the single action,
// so each keeps every protection of it: the caller re-checked as an active admin per user, the
// organization's last active admin kept, one's own account refused, a role another admin changed
// since the screen showed it left alone. A few at a time (the functions serve other admins too),
// with the users done, failed and left, the time left, and a Cancel: the calls in flight finish,
// the rest are not attempted. A view is read in full first (at most BULK_MAX_USERS), so the
// action's own changes cannot move users in or out of what it goes through.
import type { ApiError, UserAdminApi } from './api.ts';
import { isUncertain } from './errors.ts';
import { ROLE_INFO } from './roles.ts';
import type { UserRow } from './types.ts';
import type { ListSource } from './users-list.svelte.ts';
import type { UserRole } from '$shared/user-limits.ts';
import { viewPages, type View } from './view-pages.ts';

/** As many as an import file holds: beyond that, narrow the view. */
export const BULK_MAX_USERS = 10_000;
/** update-user calls in flight at once. */
export const BULK_CONCURRENCY = 4;

export type BulkAction =
	{ kind: 'activate' } | { kind: 'deactivate' } | { kind: 'role'; role: UserRole };

export type BulkOutcome =
	| { kind: 'changed' }
	/** Already so when the action began. */
	| { kind: 'unchanged'; reason: string }
	/** Kept as they are by a protection: the organization's last active admin. */
	| { kind: 'kept'; reason: string }
	/** Left alone: one's own account, changed by someone else meanwhile, no longer here. */
	| { kind: 'skipped'; reason: string }
	| { kind: 'failed'; reason: string }
	/** Cancelled, or the run stopped before reaching it. */
	| { kind: 'not_attempted'; reason: string };

export interface BulkRow {
	user: UserRow;
	outcome: BulkOutcome | null;
}

/**
 * Ticked rows (`asShown`: as they were when shown, maybe changed since), or every user of a view,
 * read when the action begins.
 */
export type BulkTargets = { users: readonly UserRow[]; asShown?: boolean } | { view: View };

/** Failures in a row (no answer, timeouts) after which the rest is not attempted. */
export const BULK_FAILURES_IN_A_ROW = 5;

export type BulkSource = ListSource & Pick<UserAdminApi, 'setActive' | 'updateProfile'>;

export type BulkPhase = 'reading' | 'running' | 'done';

/** What the action does to one user, in the words of the results ("deactivated"). */
export function actionDone(action: BulkAction): string {
	switch (action.kind) {
		case 'activate':
			return 'activated';
		case 'deactivate':
			return 'deactivated';
		case 'role':
			return `now ${ROLE_INFO[action.role].label}`;
	}
}

/** One user's line in the results: "deactivated", "kept: last active admin", "skipped: yourself". */
export function resultText(action: BulkAction, outcome: BulkOutcome | null): string {
	if (!outcome) return 'waiting';
	if (outcome.kind === 'changed') return actionDone(action);
	return `${outcome.kind === 'not_attempted' ? 'not attempted' : outcome.kind}: ${outcome.reason}`;
}

/** What a user the action leaves as they were already is: "already inactive". */
export function alreadyWord(action: BulkAction): string {
	if (action.kind === 'role') return `already ${ROLE_INFO[action.role].label}`;
	return action.kind === 'activate' ? 'already active' : 'already inactive';
}

/** The user already is what the action would make them. */
function alreadySo(action: BulkAction, user: UserRow): string | null {
	const already =
		action.kind === 'role'
			? user.role === action.role
			: user.status === (action.kind === 'activate' ? 'active' : 'inactive');
	return already ? alreadyWord(action) : null;
}

/** A refusal of one user's call: what the results say, and whether the rest may go on. */
function refusal(error: ApiError): { outcome: BulkOutcome; stop: boolean } {
	switch (error.code) {
		case 'last_admin':
			return { outcome: { kind: 'kept', reason: 'last active admin' }, stop: false };
		case 'cannot_change_self':
			return { outcome: { kind: 'skipped', reason: 'yourself' }, stop: false };
		case 'user_changed':
			return {
				outcome: { kind: 'skipped', reason: 'changed by someone else meanwhile' },
				stop: false
			};
		case 'user_not_found':
			return {
				outcome: { kind: 'skipped', reason: 'no longer in your organization' },
				stop: false
			};
		// The caller is no longer allowed (demoted, deactivated, signed out): nothing more would pass.
		case 'forbidden':
		case 'unauthorized':
		case 'password_change_required':
			return { outcome: { kind: 'failed', reason: error.message }, stop: true };
	}
	return {
		outcome: {
			kind: 'failed',
			reason: isUncertain(error)
				? `${error.message} It may have changed; the list shows what is true.`
				: error.message
		},
		stop: false
	};
}

export class BulkRun {
	phase = $state<BulkPhase>('reading');
	/** Every user the action goes through, with what happened to each so far. */
	rows = $state<BulkRow[]>([]);
	/** While a view is read: users read so far. */
	read = $state(0);
	/** Users so far by outcome. */
	changed = $state(0);
	unchanged = $state(0);
	kept = $state(0);
	skipped = $state(0);
	failed = $state(0);
	notAttempted = $state(0);
	secondsLeft = $state<number | null>(null);
	/** Why the run ended before its last user (reading failed, too many, the caller refused). */
	stopped = $state<string | null>(null);
	cancelled = $state(false);

	readonly action: BulkAction;
	readonly #source: () => BulkSource;
	readonly #me: string;
	readonly #controller = new AbortController();

	constructor(source: () => BulkSource, me: string, action: BulkAction) {
		this.#source = source;
		this.#me = me;
		this.action = action;
	}

	get done(): number {
		return (
			this.changed + this.unchanged + this.kept + this.skipped + this.failed + this.notAttempted
		);
	}

	get left(): number {
		return this.rows.length - this.done;
	}

	async run(targets: BulkTargets): Promise<void> {
		const users = 'users' in targets ? [...targets.users] : await this.#readView(targets.view);
		// A row as shown may be out of date: the server is asked even when it looks done already.
		const asShown = 'users' in targets && targets.asShown === true;
		if (!users) {
			this.phase = 'done';
			return;
		}
		this.rows = users.map((user) => ({ user, outcome: null }));
		this.phase = 'running';
		const started = performance.now();
		let next = 0;
		let stop = false;
		let failuresInARow = 0;
		const worker = async () => {
			while (next < this.rows.length) {
				const row = this.rows[next++]!;
				if (stop || this.#controller.signal.aborted) {
					this.#settle(row, {
						kind: 'not_attempted',
						reason: this.cancelled ? 'cancelled' : 'stopped'
					});
					continue;
				}
				const { outcome, user, halt } = await this.#one(row.user, asShown);
				if (user) row.user = user;
				this.#settle(row, outcome);
				failuresInARow = outcome.kind === 'failed' ? failuresInARow + 1 : 0;
				if ((halt || failuresInARow >= BULK_FAILURES_IN_A_ROW) && !stop) {
					stop = true;
					const reason = 'reason' in outcome ? outcome.reason : '';
					this.stopped = halt
						? reason
						: `Stopped after ${BULK_FAILURES_IN_A_ROW} failures in a row: ${reason}`;
				}
				const perUser = (performance.now() - started) / 1000 / this.done;
				this.secondsLeft = this.left > 0 ? Math.ceil(perUser * this.left) : null;
			}
		};
		await Promise.all(Array.from({ length: BULK_CONCURRENCY }, worker));
		this.secondsLeft = null;
		this.phase = 'done';
	}

	/** Every user gone through and what happened to each, as a CSV file. */
	async resultsFile(): Promise<Blob> {
		const { csvBlob } = await import('$lib/csv/file.ts');
		return csvBlob(
			['Email', 'First name', 'Last name', 'Result'],
			this.rows.map(({ user, outcome }) => [
				user.email,
				user.first_name,
				user.last_name,
				resultText(this.action, outcome)
			])
		);
	}

	/** Starts no more calls; those in flight finish and are reported. */
	cancel(): void {
		if (this.phase === 'done') return;
		this.cancelled = true;
		this.#controller.abort();
	}

	#settle(row: BulkRow, outcome: BulkOutcome): void {
		row.outcome = outcome;
		if (outcome.kind === 'changed') this.changed++;
		else if (outcome.kind === 'unchanged') this.unchanged++;
		else if (outcome.kind === 'kept') this.kept++;
		else if (outcome.kind === 'skipped') this.skipped++;
		else if (outcome.kind === 'failed') this.failed++;
		else this.notAttempted++;
	}

	async #one(
		user: UserRow,
		asShown: boolean
	): Promise<{ outcome: BulkOutcome; user?: UserRow; halt?: boolean }> {
		if (user.id === this.#me) return { outcome: { kind: 'skipped', reason: 'yourself' } };
		const already = alreadySo(this.action, user);
		if (already && !asShown) return { outcome: { kind: 'unchanged', reason: already } };
		// Not cancelled mid-call: an answer lost on the way would leave the admin guessing.
		const answer =
			this.action.kind === 'role'
				? await this.#source().updateProfile(
						user.id,
						{ role: this.action.role },
						{ role: user.role }
					)
				: await this.#source().setActive(user.id, this.action.kind === 'activate');
		if (answer.ok) {
			const now = answer.data.user;
			// A role save with the role shown changes nothing (`expected`): when another admin gave
			// another role meanwhile, the answer shows it.
			if (this.action.kind === 'role' && now.role !== this.action.role)
				return {
					outcome: { kind: 'skipped', reason: 'changed by someone else meanwhile' },
					user: now
				};
			// A role save with the role it had changes nothing: "already". A status change is made
			// whatever the row showed (it may have changed since), so it is reported as done.
			const unchanged = already && this.action.kind === 'role';
			return {
				outcome: unchanged ? { kind: 'unchanged', reason: already } : { kind: 'changed' },
				user: now
			};
		}
		const { outcome, stop } = refusal(answer.error);
		return { outcome, user: answer.error.user, halt: stop };
	}

	async #readView(view: View): Promise<UserRow[] | null> {
		const users: UserRow[] = [];
		for await (const page of viewPages(this.#source, view, this.#controller.signal)) {
			if (!page.ok) {
				this.stopped = `The users could not be read: ${page.error.message}`;
				return null;
			}
			users.push(...page.rows);
			this.read = users.length;
			if (users.length > BULK_MAX_USERS) {
				this.stopped = `More than ${BULK_MAX_USERS.toLocaleString('en')} users match this view. Narrow it with the search or the filters, then try again.`;
				return null;
			}
		}
		return this.#controller.signal.aborted ? null : users;
	}
}
