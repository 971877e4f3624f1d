// Timing helpers: repeated runs, medians and 95th percentiles, in milliseconds.
export interface Timing {
	median: number;
	p95: number;
	runs: number;
}

export function summarize(samples: number[]): Timing {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
	return { median: at(0.5), p95: at(0.95), runs: sorted.length };
}

export async function time<T>(work: () => PromiseLike<T>): Promise<[number, T]> {
	const started = process.hrtime.bigint();
	const value = await work();
	return [Number(process.hrtime.bigint() - started) / 1e6, value];
}

/** Runs `work(i)` `runs` times, measuring each. */
export async function repeat(
	runs: number,
	work: (i: number) => PromiseLike<unknown>
): Promise<Timing> {
	const samples: number[] = [];
	for (let i = 0; i < runs; i++) samples.push((await time(() => work(i)))[0]);
	return summarize(samples);
}

export const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));

/** Runs two timed variants alternately (each returns its own measured milliseconds). */
export async function interleave(
	a: () => Promise<number>,
	b: () => Promise<number>,
	runs: number,
	warmup = 3
): Promise<{ rls: Timing; floor: Timing }> {
	for (let i = 0; i < warmup; i++) {
		await a();
		await b();
	}
	const first: number[] = [];
	const second: number[] = [];
	for (let i = 0; i < runs; i++) {
		first.push(await a());
		second.push(await b());
	}
	return { rls: summarize(first), floor: summarize(second) };
}
