// Who is calling: every function of the console acts only for an active admin, in their own
// organization, decided from the database (never from claims the user can write).
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { fromDataError, serviceUnavailable } from './errors.ts';
import { ApiError } from './http.ts';

export interface AdminCaller {
	id: string;
	email: string;
	organizationId: string;
}

export async function requireActiveAdmin(
	service: SupabaseClient<Database>,
	request: Request
): Promise<AdminCaller> {
	const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
	if (!token) throw new ApiError('unauthorized', 'Sign in first: the request has no access token.');

	// Auth checks signature, expiry and that the session still exists (ended sessions are refused).
	const { data, error } = await service.auth.getUser(token);
	// Auth failing (its database unreachable) says nothing about the token: not a reason to sign out.
	if (error && (error.status ?? 0) >= 500) throw serviceUnavailable();
	if (error || !data.user)
		throw new ApiError('unauthorized', 'Your session has ended. Sign in again.');

	const { data: row, error: rowError } = await service
		.from('users')
		.select('organization_id, role, status')
		.eq('id', data.user.id)
		.maybeSingle();
	if (rowError) throw fromDataError(rowError, 'check your permissions');
	if (!row || row.role !== 'admin' || row.status !== 'active') {
		throw new ApiError('forbidden', 'Only active admins of an organization can manage its users.');
	}
	return { id: data.user.id, email: data.user.email ?? '', organizationId: row.organization_id };
}
