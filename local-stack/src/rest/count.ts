// How `Prefer: count=…` is answered: exactly in the statement, by the planner's estimate (EXPLAIN),
// or, for count=estimated with max_rows set, exactly up to max_rows and estimated beyond.
// Deciding is part of planning; the estimate itself is an EXPLAIN the executors run (read.ts).
// Table reads only: PostgREST counts a call's rows exactly or not at all (call-plan.ts).
import type { Preferences } from './preferences.ts';

export type CountStrategy =
	| { kind: 'none' }
	| { kind: 'exact' }
	| { kind: 'planned' }
	| { kind: 'estimated'; maxRows: number };

export function countStrategy(
	preference: Preferences['count'],
	maxRows: number | undefined
): CountStrategy {
	if (preference === 'exact' || (preference === 'estimated' && maxRows === undefined))
		return { kind: 'exact' };
	if (preference === 'planned') return { kind: 'planned' };
	if (preference === 'estimated' && maxRows !== undefined) return { kind: 'estimated', maxRows };
	return { kind: 'none' };
}

/** The total to report, from what the statement counted (exactly or up to a bound) and the strategy. */
export async function finishCount(
	strategy: CountStrategy,
	counted: number | undefined,
	estimate: () => Promise<number>
): Promise<number | undefined> {
	if (strategy.kind === 'planned') return estimate();
	if (strategy.kind === 'estimated' && counted !== undefined && counted > strategy.maxRows)
		return Math.max(counted, await estimate());
	return counted;
}
