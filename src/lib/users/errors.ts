// What the console shows when something is refused: always the shared table's message for the
// error's code (or the field issues that came with it), never the wording of whatever answered.
// Database refusals are recognised by their SQLSTATE, function refusals by their code.
import {
	ERROR_CODES,
	codeOfDatabaseError,
	fieldOfConstraint,
	isDatabaseUnavailable,
	isErrorCode,
	type ErrorCode
} from '$shared/error-codes.ts';
import type { FieldIssues } from '$shared/user-input.ts';
import type { UserRow } from '$shared/users.ts';
import { REQUEST_TIMEOUT_MS } from '$lib/supabase/deadline.ts';

/**
 * Failures that never reach a server, so no server has a code for them: the request did not get
 * through, took too long, was cancelled, or what came back was not the functions' error shape (a
 * proxy in between, say).
 */
export const CLIENT_ERRORS = {
	network: 'Could not reach the server. Check your connection and try again.',
	timeout: `The server did not answer within ${REQUEST_TIMEOUT_MS / 1000} seconds. Check your connection and try again.`,
	cancelled: 'Cancelled.',
	unexpected_response:
		'The server gave an answer the console does not understand. Nothing may have changed; reload and try again.'
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

export interface ApiError {
	code: ErrorCode | ClientErrorCode;
	message: string;
	fields?: FieldIssues;
	status?: number;
	/** With `user_changed`: the row as it is now, so the screen can show it. */
	user?: UserRow;
}

/**
 * The request may or may not have reached the server before it ended: a change may have been made.
 * Whoever sent a change then reloads what it touched instead of guessing.
 */
export const isUncertain = (error: ApiError): boolean =>
	error.code === 'network' ||
	error.code === 'timeout' ||
	error.code === 'cancelled' ||
	error.code === 'unexpected_response';

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export function apiError(
	code: ErrorCode | ClientErrorCode,
	details: { fields?: FieldIssues; status?: number; user?: UserRow } = {}
): ApiError {
	const message = isErrorCode(code) ? ERROR_CODES[code].message : CLIENT_ERRORS[code];
	return {
		code,
		message,
		...(details.fields ? { fields: details.fields } : {}),
		...(details.status ? { status: details.status } : {}),
		...(details.user ? { user: details.user } : {})
	};
}

interface PostgrestLikeError {
	code?: string;
	message: string;
}

/** A refusal of the Data API (PostgREST), by its code. */
export function fromDataError(error: PostgrestLikeError): ApiError {
	const own = codeOfDatabaseError(error.code);
	if (own) return apiError(own);
	if (isDatabaseUnavailable(error.code)) return apiError('service_unavailable');
	if (error.code === '23514') {
		// A check constraint is the database's copy of a field rule; PostgREST names the constraint.
		const field = fieldOfConstraint(error.message);
		return apiError(
			'invalid_input',
			field ? { fields: { [field]: ERROR_CODES.invalid_input.message } } : {}
		);
	}
	// RLS or column privileges: not this caller's row, or not this column.
	if (error.code === '42501') return apiError('forbidden');
	if (error.code === 'PGRST116') return apiError('user_not_found');
	return apiError('database_error');
}

/** The body of an Edge Function's error answer: `{ error: { code, message, ...details } }`. */
export function fromFunctionError(status: number, payload: unknown): ApiError {
	const error = (payload as { error?: { code?: unknown; fields?: unknown; user?: unknown } } | null)
		?.error;
	if (!error || !isErrorCode(error.code)) return apiError('unexpected_response', { status });
	const fields =
		error.fields && typeof error.fields === 'object' ? (error.fields as FieldIssues) : undefined;
	const user =
		error.user && typeof error.user === 'object' && 'id' in error.user
			? (error.user as UserRow)
			: undefined;
	return apiError(error.code, { fields, status, user });
}
