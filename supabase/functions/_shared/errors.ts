// What failures of Supabase Auth and the Data API mean for the console's callers, in the shared
// codes of error-codes.ts.
import { codeOfDatabaseError, fieldOfConstraint, isDatabaseUnavailable } from './error-codes.ts';
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

export const serviceUnavailable = () => new ApiError('service_unavailable');

/** Errors from the Data API (PostgREST) with the service role. */
export function fromDataError(error: PostgrestLikeError, during: string): ApiError {
	if (isDatabaseUnavailable(error.code)) return serviceUnavailable();
	const own = codeOfDatabaseError(error.code);
	if (own) return new ApiError(own);
	if (error.code === '23505' && /email/.test(`${error.message} ${error.details ?? ''}`))
		return emailTaken();
	// A check constraint is the database's copy of an input rule (user-input.ts has the same).
	const field = error.code === '23514' ? fieldOfConstraint(error.message) : undefined;
	if (field)
		return new ApiError('invalid_input', undefined, {
			fields: { [field]: 'Not accepted by the database' }
		});
	return new ApiError('database_error', `The database refused to ${during}.`);
}
