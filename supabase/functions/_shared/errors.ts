// What failures of Supabase Auth and the Data API mean for the console's callers.
import { ApiError } from './http.ts';

interface AuthLikeError {
	status?: number;
	code?: string;
	message: string;
}

interface PostgrestLikeError {
	code: string;
	message: string;
	details?: string | null;
	hint?: string | null;
}

export const emailTaken = () =>
	new ApiError(409, 'email_taken', 'A user with this email already exists.', { fields: { email: 'This email is already in use' } });

export const lastAdmin = () =>
	new ApiError(409, 'last_admin', 'Your organization must keep at least one active admin. Make another user an active admin first.');

/** Errors from supabase.auth.admin.* calls. */
export function fromAuthError(error: AuthLikeError, during: string): ApiError {
	if (error.code === 'email_exists' || error.code === 'user_already_exists') return emailTaken();
	if (error.code === 'weak_password') return new ApiError(400, 'weak_password', error.message, { fields: { password: error.message } });
	if (error.code === 'user_not_found') return new ApiError(404, 'user_not_found', 'No such user in your organization.');
	return new ApiError(502, 'auth_failed', `Supabase Auth refused to ${during}.`);
}

/**
 * The Data API could not reach the database (PostgREST's PGRST000/PGRST001/PGRST002, or the
 * connection ended under the query: 57P01 admin shutdown and friends, class 08): nothing was
 * decided, the caller may simply try again.
 */
const DATABASE_UNAVAILABLE = /^(PGRST00[012]|57P0[123]|08[0-9A-Z]{3})$/;

export const serviceUnavailable = () =>
	new ApiError(503, 'service_unavailable', 'The database cannot be reached right now. Nothing was changed; try again in a moment.');

/** Errors from the Data API (PostgREST) with the service role. */
export function fromDataError(error: PostgrestLikeError, during: string): ApiError {
	if (DATABASE_UNAVAILABLE.test(error.code)) return serviceUnavailable();
	if (error.code === 'PT409') return lastAdmin();
	if (error.code === '23505' && /email/.test(`${error.message} ${error.details ?? ''}`)) return emailTaken();
	return new ApiError(500, 'database_error', `The database refused to ${during}.`);
}
