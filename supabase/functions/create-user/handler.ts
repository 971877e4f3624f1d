// Create a user of the caller's organization with a generated password, shown to the admin once.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../../../src/lib/database.types.ts';
import { requireActiveAdmin } from '../_shared/admin-caller.ts';
import { fromAuthError, fromDataError } from '../_shared/errors.ts';
import { ApiError, json, readJsonBody, type Handler, type Log } from '../_shared/http.ts';
import { generatePassword } from '../_shared/password.ts';
import { createUserInput, fieldIssues } from '../_shared/user-input.ts';
import { USER_COLUMNS } from '../_shared/users.ts';

export function createUser(deps: { service: SupabaseClient<Database>; log: Log }): Handler {
	const { service, log } = deps;
	return async (request, requestId) => {
		const caller = await requireActiveAdmin(service, request);
		const parsed = createUserInput.safeParse(await readJsonBody(request));
		if (!parsed.success) {
			throw new ApiError(400, 'invalid_input', 'Check the highlighted fields.', { fields: fieldIssues(parsed.error) });
		}
		const input = parsed.data;
		const password = generatePassword();

		// The organization goes to app_metadata (which only the service role writes), never the role:
		// access is decided from public.users.
		const createAuthUser = () =>
			service.auth.admin.createUser({
				email: input.email,
				password,
				email_confirm: true,
				app_metadata: { organization_id: caller.organizationId }
			});
		let { data: created, error } = await createAuthUser();
		// Auth checks for a taken email before inserting; two requests racing with the same email
		// both pass that check and the loser hits the unique index, which Auth reports as a 500.
		// By then the winner has committed, so one more attempt gets the proper email_exists.
		if (error && (error.status ?? 500) >= 500) ({ data: created, error } = await createAuthUser());
		if (error || !created.user) throw fromAuthError(error ?? { message: 'no user returned' }, 'create the account');

		const { data: user, error: rowError } = await service
			.from('users')
			.insert({
				id: created.user.id,
				organization_id: caller.organizationId,
				email: input.email,
				first_name: input.first_name,
				last_name: input.last_name,
				role: input.role,
				created_by: caller.id
			})
			.select(USER_COLUMNS)
			.single();
		if (rowError || !user) {
			// Nothing half-made: without its row the Auth user could sign in to nothing, and would
			// block a retry with the same email.
			const { error: undoError } = await service.auth.admin.deleteUser(created.user.id);
			if (undoError) log(`[${requestId}] orphan Auth user ${created.user.id} left after a failed row write: ${undoError.message}`);
			throw fromDataError(rowError ?? { code: 'PGRST116', message: 'no row returned' }, 'save the user');
		}
		return json(201, { user, password });
	};
}
