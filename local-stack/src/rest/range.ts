// Which rows a read returns and how the response describes them (PostgREST's RangeQuery.hs): the
// `Range` header, limit/offset and max_rows combined; `Content-Range` and 200/206/416 from the
// page and the count.
import type { RowRange } from './ast.ts';
import { invalidRange } from './errors.ts';

function parseRangeHeader(header: string | undefined): RowRange | undefined {
	const match = header === undefined ? null : /^([0-9]+)-([0-9]*)$/.exec(header.trim());
	if (!match) return undefined;
	const lower = Number(match[1]);
	if (!match[2]) return { offset: lower };
	const upper = Number(match[2]);
	if (upper < lower)
		throw invalidRange(
			'The lower boundary must be lower than or equal to the upper boundary in the Range header.'
		);
	return { offset: lower, limit: upper - lower + 1 };
}

function intersect(a: RowRange, b: RowRange): RowRange {
	const offset = Math.max(a.offset, b.offset);
	const ends = [a, b]
		.filter((range) => range.limit !== undefined)
		.map((range) => range.offset + (range.limit as number));
	if (ends.length === 0) return { offset };
	return { offset, limit: Math.max(0, Math.min(...ends) - offset) };
}

/** The top-level range: query-string limit/offset ∩ Range header (GET and HEAD only), capped at max_rows. */
export function topLevelRange(
	fromQuery: RowRange | undefined,
	rangeHeader: string | undefined,
	maxRows: number | undefined
): RowRange {
	if (fromQuery?.limit !== undefined && fromQuery.limit < 0)
		throw invalidRange('Limit should be greater than or equal to zero.');
	let range = fromQuery ?? { offset: 0 };
	const requested = parseRangeHeader(rangeHeader);
	if (requested) range = intersect(range, requested);
	if (maxRows !== undefined) range = intersect(range, { offset: range.offset, limit: maxRows });
	return range;
}

/** `Content-Range` as PostgREST writes it: `0-24/3573458`, `*\/0`, `0-24/*`. */
export function contentRange(lower: number, upper: number, total: number | undefined): string {
	const showRange = total !== 0 && lower <= upper;
	return `${showRange ? `${lower}-${upper}` : '*'}/${total ?? '*'}`;
}

export interface ReadOutcome {
	status: 200 | 206 | 416;
	contentRange: string;
}

export function readOutcome(
	offset: number,
	pageRows: number,
	total: number | undefined
): ReadOutcome {
	const upper = offset + pageRows - 1;
	let status: ReadOutcome['status'] = 200;
	if (total !== undefined && offset > total) status = 416;
	else if (total !== undefined && pageRows < total) status = 206;
	return { status, contentRange: contentRange(offset, upper, total) };
}
