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

/**
 * Failures that never reach a server, so no server has a code for them: the request did not get
 * through, or what came back was not the functions' error shape (a proxy in between, say).
 */
export const CLIENT_ERRORS = {
	network: 'Could not reach the server. Check your connection and try again.',
	unexpected_response:
		'The server gave an answer the console does not understand. Nothing may have changed; reload and try again.'
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

export interface ApiError {
	code: ErrorCode | ClientErrorCode;
	message: string;
	fields?: FieldIssues;
	status?: number;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export function apiError(
	code: ErrorCode | ClientErrorCode,
	details: { fields?: FieldIssues; status?: number } = {}
): ApiError {
	const message = isErrorCode(code) ? ERROR_CODES[code].message : CLIENT_ERRORS[code];
	return {
		code,
		message,
		...(details.fields ? { fields: details.fields } : {}),
		...(details.status ? { status: details.status } : {})
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
	const error = (payload as { error?: { code?: unknown; fields?: unknown } } | null)?.error;
	if (!error || !isErrorCode(error.code)) return apiError('unexpected_response', { status });
	const fields =
		error.fields && typeof error.fields === 'object' ? (error.fields as FieldIssues) : undefined;
	return apiError(error.code, { fields, status });
}
