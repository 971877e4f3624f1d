// GoTrue's input checks for the admin and user endpoints: email and phone formats, ban durations,
// pagination numbers. Each throws GoTrue's 400 with its wording.
import { badRequest } from './errors.ts';
import { GoDurationError, parseGoDuration } from './go-duration.ts';

// The pattern of badoux/checkmail's ValidateFormat, which GoTrue uses.
const EMAIL_PATTERN =
	/^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** GoTrue's validateEmail: the address lowercased, or a 400 validation_failed. */
export function validateEmail(email: string): string {
	if (email === '') throw badRequest('validation_failed', 'An email address is required');
	if (email.length > 255) throw badRequest('validation_failed', 'An email address is too long');
	if (!EMAIL_PATTERN.test(email))
		throw badRequest('validation_failed', 'Unable to validate email address: invalid format');
	return email.toLowerCase();
}

/** GoTrue's validatePhone: E.164 digits without the leading +. */
export function validatePhone(phone: string): string {
	const digits = phone.replace(/^\+/, '').replaceAll(' ', '');
	if (!/^[1-9]\d{1,14}$/.test(digits))
		throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)');
	return digits;
}

/**
 * An admin `ban_duration` as microseconds from now: null when not given, 0 for "none" (lift the
 * ban), negative for a ban already over.
 */
export function parseBanDuration(value: string): bigint | null {
	if (value === '') return null;
	if (value === 'none') return 0n;
	try {
		return parseGoDuration(value) / 1000n;
	} catch (error) {
		if (error instanceof GoDurationError)
			throw badRequest('validation_failed', `invalid format for ban duration: ${error.message}`);
		throw error;
	}
}

/** Go's strconv.ParseUint(value, 10, 64), with its error text. */
export function parseUnsigned(value: string): bigint {
	if (!/^\d+$/.test(value))
		throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`);
	const parsed = BigInt(value);
	if (parsed > 2n ** 64n - 1n)
		throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(value)}: value out of range`);
	return parsed;
}

export interface Pagination {
	page: number;
	perPage: number;
}

/** GoTrue's paginate: page 1 and 50 per page unless given. */
export function parsePagination(query: { page?: string; perPage?: string }): Pagination {
	let page = 1n;
	let perPage = 50n;
	try {
		if (query.page) page = parseUnsigned(query.page);
		if (query.perPage) perPage = parseUnsigned(query.perPage);
	} catch (error) {
		throw badRequest(
			'validation_failed',
			`Bad Pagination Parameters: ${(error as Error).message}`,
			error
		);
	}
	// GoTrue's query builder falls back to page 1 and 20 per page for zeros (its headers then
	// divide by zero; ours stay consistent with the rows returned).
	const safePage =
		page < 1n ? 1 : Number(page > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : page);
	const safePerPage = perPage < 1n ? 20 : Number(perPage > 1_000_000n ? 1_000_000n : perPage);
	return { page: safePage, perPage: safePerPage };
}
