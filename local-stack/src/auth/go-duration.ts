// Go's time.ParseDuration, because GoTrue's `ban_duration` is one ("24h", "876000h", "1h30m",
// "-5m", "none" handled by the caller) and clients rely on Go's accepted syntax and error texts.

const NANOS_PER_UNIT: Record<string, bigint> = {
	ns: 1n,
	us: 1_000n,
	µs: 1_000n, // U+00B5 micro sign
	μs: 1_000n, // U+03BC Greek mu
	ms: 1_000_000n,
	s: 1_000_000_000n,
	m: 60n * 1_000_000_000n,
	h: 3600n * 1_000_000_000n
};

/** Go's Duration is an int64 of nanoseconds; ParseDuration refuses anything beyond it. */
const MAX_DURATION_NANOS = 2n ** 63n - 1n;

export class GoDurationError extends Error {}

/** Go's strconv.Quote for the strings ParseDuration echoes in its errors. */
const quote = (text: string) => JSON.stringify(text);

/** Parses a Go duration string into nanoseconds. Throws GoDurationError with Go's message. */
export function parseGoDuration(input: string): bigint {
	const invalid = () => new GoDurationError(`time: invalid duration ${quote(input)}`);
	let rest = input;
	let negative = false;
	if (rest.startsWith('-') || rest.startsWith('+')) {
		negative = rest.startsWith('-');
		rest = rest.slice(1);
	}
	if (rest === '0') return 0n;
	if (rest === '') throw invalid();

	let total = 0n;
	while (rest !== '') {
		const number = /^(\d*)(?:\.(\d*))?/.exec(rest);
		const whole = number?.[1] ?? '';
		const fraction = number?.[2] ?? '';
		const consumed = number?.[0] ?? '';
		if (whole === '' && fraction === '') throw invalid();
		rest = rest.slice(consumed.length);

		const unit = /^[^\d.]*/.exec(rest)?.[0] ?? '';
		if (unit === '') throw new GoDurationError(`time: missing unit in duration ${quote(input)}`);
		const scale = NANOS_PER_UNIT[unit];
		if (scale === undefined)
			throw new GoDurationError(`time: unknown unit ${quote(unit)} in duration ${quote(input)}`);
		rest = rest.slice(unit.length);

		let nanos = BigInt(whole || '0') * scale;
		if (fraction !== '') {
			// Go truncates the fraction to whole nanoseconds rather than rounding.
			nanos += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
		}
		total += nanos;
		if (total > MAX_DURATION_NANOS) throw invalid();
	}
	return negative ? -total : total;
}
