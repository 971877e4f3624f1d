// Who is calling: every function of the console acts for a signed-in user whose role and status are
// decided from the database (never from claims the user can write); the admin functions only for
// an active admin, in their own organization, who has chosen their own password.
import type { SupabaseClient, User } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { fromDataError, serviceUnavailable } from './errors.ts';
import { ApiError } from './http.ts';

export interface AdminCaller {
	id: string;
	email: string;
	organizationId: string;
}

export interface SignedInCaller {
	/** The bearer token as sent, checked by Auth (signature, expiry, session not ended). */
	token: string;
	user: User;
}

/** The caller's access token, checked with Auth: its signature, expiry, and that its session still exists. */
export async function requireSignedIn(
	service: SupabaseClient<Database>,
	request: Request
): Promise<SignedInCaller> {
	const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
	if (!token) throw new ApiError('unauthorized', 'Sign in first: the request has no access token.');

	// Auth checks signature, expiry and that the session still exists (ended sessions are refused).
	const { data, error } = await service.auth.getUser(token);
	// Auth failing (its database unreachable) says nothing about the token: not a reason to sign out.
	if (error && (error.status ?? 0) >= 500) throw serviceUnavailable();
	if (error || !data.user)
		throw new ApiError('unauthorized', 'Your session has ended. Sign in again.');
	return { token, user: data.user };
}

export async function requireActiveAdmin(
	service: SupabaseClient<Database>,
	request: Request
): Promise<AdminCaller> {
	const { user } = await requireSignedIn(service, request);

	const { data: row, error: rowError } = await service
		.from('users')
		.select('organization_id, role, status, must_change_password')
		.eq('id', user.id)
		.maybeSingle();
	if (rowError) throw fromDataError(rowError, 'check your permissions');
	if (!row || row.role !== 'admin' || row.status !== 'active') {
		throw new ApiError('forbidden', 'Only active admins of an organization can manage its users.');
	}
	// A password an admin set is known to someone else: until the user chooses their own, their
	// session changes nothing (the database refuses the same, under the lock, with UA428).
	if (row.must_change_password) throw new ApiError('password_change_required');
	return { id: user.id, email: user.email ?? '', organizationId: row.organization_id };
}
