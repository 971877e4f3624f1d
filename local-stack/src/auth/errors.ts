// GoTrue's three error families and the JSON it answers them with. Clients branch on these bodies
// (auth-js reads `code` or `error_code` depending on the X-Supabase-Api-Version the response
// echoes), so the shapes follow internal/api/errors.go and apierrors/ exactly.
import { isPostgresError } from '../database.ts';

/** GoTrue's HTTPError: a status, an error code and a message meant for the client. */
export class AuthHttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		/** What went wrong underneath; never shown, except a Postgres error in the pre-2024 shape. */
		readonly internal?: unknown
	) {
		super(message);
	}
}

/** Password policy failure: answered 422 with the policy's reasons. */
export class WeakPasswordError extends Error {
	constructor(
		message: string,
		readonly reasons: string[]
	) {
		super(message);
	}
}

/** RFC 6749 style error GoTrue still uses for a few grant failures; always 400. */
export class OAuthError extends Error {
	constructor(
		readonly error: string,
		readonly description: string
	) {
		super(`${error}: ${description}`);
	}
}

export const badRequest = (code: string, message: string, internal?: unknown) =>
	new AuthHttpError(400, code, message, internal);
export const unauthorized = (code: string, message: string) =>
	new AuthHttpError(401, code, message);
export const forbidden = (code: string, message: string) => new AuthHttpError(403, code, message);
export const notFound = (code: string, message: string) => new AuthHttpError(404, code, message);
export const unprocessable = (code: string, message: string) =>
	new AuthHttpError(422, code, message);
export const internalError = (message: string, internal?: unknown) =>
	new AuthHttpError(500, 'unexpected_failure', message, internal);

export const API_VERSION_HEADER = 'X-Supabase-Api-Version';
const API_VERSION_2024 = '2024-01-01';

/**
 * GoTrue's DetermineClosestAPIVersion: any valid date on or after 2024-01-01 selects the 2024
 * error shape; no header, an earlier date or a malformed one keeps the initial shape.
 */
export function closestApiVersion(
	header: string | undefined | null
): typeof API_VERSION_2024 | null {
	if (!header || !/^\d{4}-\d{2}-\d{2}$/.test(header)) return null;
	const parsed = new Date(`${header}T00:00:00Z`);
	// Rejects impossible dates such as 2024-02-31, which Go's time.Parse refuses too.
	if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== header) return null;
	return header >= API_VERSION_2024 ? API_VERSION_2024 : null;
}

export interface ErrorResponse {
	status: number;
	body: Record<string, unknown>;
	headers: Record<string, string>;
}

/** Postgres errors a user can trigger; GoTrue shows these verbatim in the initial shape. */
const PUBLIC_POSTGRES_CODES = new Set([
	'P0001',
	'23000',
	'23001',
	'23502',
	'23503',
	'23505',
	'23514',
	'23P01'
]);

function publicPostgresError(
	internal: unknown
): { status: number; body: Record<string, unknown> } | null {
	if (!isPostgresError(internal)) return null;
	let status = PUBLIC_POSTGRES_CODES.has(internal.code) ? 500 : 0;
	// PostgREST's convention, which GoTrue shares: SQLSTATE PTxxx answers HTTP xxx.
	if (internal.code.startsWith('PT') && /^\d{3}$/.test(internal.code.slice(2)))
		status = Number(internal.code.slice(2));
	if (!status) return null;
	const body: Record<string, unknown> = { code: internal.code, message: internal.message };
	if (internal.hint) body.hint = internal.hint;
	if (internal.detail) body.detail = internal.detail;
	return { status, body };
}

/** The response GoTrue's HandleResponseError writes for `error`. */
export function errorResponse(
	error: unknown,
	request: { apiVersionHeader?: string | null; requestId: string }
): ErrorResponse {
	const version = closestApiVersion(request.apiVersionHeader);
	const headers: Record<string, string> = version ? { [API_VERSION_HEADER]: version } : {};

	if (error instanceof WeakPasswordError) {
		const weakPassword = { reasons: error.reasons };
		if (version)
			return {
				status: 422,
				headers,
				body: { code: 'weak_password', message: error.message, weak_password: weakPassword }
			};
		headers['x-sb-error-code'] = 'weak_password';
		return {
			status: 422,
			headers,
			body: {
				code: 422,
				error_code: 'weak_password',
				msg: error.message,
				weak_password: weakPassword
			}
		};
	}

	if (error instanceof OAuthError) {
		const body: Record<string, unknown> = { error: error.error };
		if (error.description) body.error_description = error.description;
		return { status: 400, headers, body };
	}

	if (!(error instanceof AuthHttpError)) {
		// An error nobody anticipated: GoTrue hides it behind a fixed message and no error id.
		const message = 'Unexpected failure, please check server logs for more information';
		if (version) return { status: 500, headers, body: { code: 'unexpected_failure', message } };
		return {
			status: 500,
			headers,
			body: { code: 500, error_code: 'unexpected_failure', msg: message }
		};
	}

	const httpError = error;
	const code = httpError.code || (httpError.status === 500 ? 'unexpected_failure' : 'unknown');
	if (httpError.code) headers['x-sb-error-code'] = httpError.code;

	if (version)
		return { status: httpError.status, headers, body: { code, message: httpError.message } };

	const postgres = publicPostgresError(httpError.internal);
	if (postgres) return { status: postgres.status, headers, body: postgres.body };

	const body: Record<string, unknown> = {
		code: httpError.status,
		error_code: code,
		msg: httpError.message
	};
	if (httpError.status >= 500) body.error_id = request.requestId;
	return { status: httpError.status, headers, body };
}
