// What failures of Supabase Auth and the Data API mean for the console's callers, in the shared
// codes of error-codes.ts.
import { CONSTRAINT_FIELDS, codeOfDatabaseError } from './error-codes.ts';
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
	new ApiError('email_taken', undefined, { fields: { email: 'This email is already in use' } });

/** Errors from supabase.auth.admin.* calls. */
export function fromAuthError(error: AuthLikeError, during: string): ApiError {
	if (error.code === 'email_exists' || error.code === 'user_already_exists') return emailTaken();
	if (error.code === 'weak_password')
		return new ApiError('weak_password', error.message, { fields: { password: error.message } });
	if (error.code === 'user_not_found') return new ApiError('user_not_found');
	return new ApiError('auth_failed', `Supabase Auth refused to ${during}.`);
}

/**
 * The Data API could not reach the database (PostgREST's PGRST000/PGRST001/PGRST002, or the
 * connection ended under the query: 57P01 admin shutdown and friends, class 08): nothing was
 * decided, the caller may simply try again.
 */
const DATABASE_UNAVAILABLE = /^(PGRST00[012]|57P0[123]|08[0-9A-Z]{3})$/;

export const serviceUnavailable = () => new ApiError('service_unavailable');

/** Errors from the Data API (PostgREST) with the service role. */
export function fromDataError(error: PostgrestLikeError, during: string): ApiError {
	if (DATABASE_UNAVAILABLE.test(error.code)) return serviceUnavailable();
	const own = codeOfDatabaseError(error.code);
	if (own) return new ApiError(own);
	if (error.code === '23505' && /email/.test(`${error.message} ${error.details ?? ''}`))
		return emailTaken();
	// A check constraint is the database's copy of an input rule (user-input.ts has the same).
	const field =
		error.code === '23514'
			? Object.entries(CONSTRAINT_FIELDS).find(([name]) => error.message.includes(name))?.[1]
			: undefined;
	if (field)
		return new ApiError('invalid_input', undefined, {
			fields: { [field]: 'Not accepted by the database' }
		});
	return new ApiError('database_error', `The database refused to ${during}.`);
}
