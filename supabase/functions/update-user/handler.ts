// Admin actions on an existing user of the caller's organization that need the service role:
// set a password, deactivate, activate, and one save of their personal information and role.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../_shared/database.types.ts';
import { requireActiveAdmin, type AdminCaller } from '../_shared/admin-caller.ts';
import { emailTaken, fromAuthError, fromDataError } from '../_shared/errors.ts';
import { ApiError, json, readJsonBody, type Handler, type Log } from '../_shared/http.ts';
import { generatePassword } from '../_shared/password.ts';
import { fieldIssues, passwordWeakness, updateUserInput, type UpdateUserInput } from '../_shared/user-input.ts';
import { USER_COLUMNS, type UserRow } from '../_shared/users.ts';

/** Supabase Auth has no permanent ban; a century is what its docs suggest. */
export const BAN_DURATION = '876000h';

type Service = SupabaseClient<Database>;

async function setStatus(service: Service, userId: string, status: UserRow['status'], during: string): Promise<UserRow> {
	const { data, error } = await service.from('users').update({ status }).eq('id', userId).select(USER_COLUMNS).single();
	if (error || !data) throw fromDataError(error ?? { code: 'PGRST116', message: 'no row' }, during);
	return data;
}

async function setPassword(service: Service, target: UserRow, input: Extract<UpdateUserInput, { action: 'set_password' }>) {
	const generated = input.password === undefined;
	const password = input.password ?? generatePassword();
	if (!generated) {
		const weakness = passwordWeakness(password, target.email);
		if (weakness) throw new ApiError('weak_password', weakness, { fields: { password: weakness } });
	}
	const { error } = await service.auth.admin.updateUserById(target.id, { password });
	if (error) throw fromAuthError(error, 'set the password');
	// A generated password is returned once, for the admin to hand over; a typed one never is.
	return json(200, generated ? { user: target, password } : { user: target });
}

async function deactivate(service: Service, caller: AdminCaller, target: UserRow, log: Log, requestId: string) {
	if (target.id === caller.id) {
		throw new ApiError('cannot_change_self', 'You cannot deactivate your own account. Ask another admin of your organization.');
	}
	// Status first: the database refuses to deactivate an organization's last active admin, and
	// from this moment the user's access token reads nothing.
	const user = await setStatus(service, target.id, 'inactive', 'deactivate the user');
	const { error: banError } = await service.auth.admin.updateUserById(target.id, { ban_duration: BAN_DURATION });
	if (banError) {
		await setStatus(service, target.id, target.status, 'undo the deactivation').catch((undo: Error) =>
			log(`[${requestId}] user ${target.id} left inactive but not banned: ${undo.message}`)
		);
		throw fromAuthError(banError, 'ban the account');
	}
	// After the ban no new session can start, so none survives this.
	const { error: sessionsError } = await service.rpc('end_user_sessions', { target_user_id: target.id });
	if (sessionsError) throw fromDataError(sessionsError, 'end the user\'s sessions');
	return json(200, { user });
}

async function activate(service: Service, target: UserRow) {
	const { error } = await service.auth.admin.updateUserById(target.id, { ban_duration: 'none' });
	if (error) throw fromAuthError(error, 'lift the ban');
	return json(200, { user: await setStatus(service, target.id, 'active', 'activate the user') });
}

type ProfileInput = Extract<UpdateUserInput, { action: 'update_profile' }>;

async function updateProfile(service: Service, caller: AdminCaller, target: UserRow, input: ProfileInput, log: Log, requestId: string) {
	const changes: Partial<Pick<UserRow, 'first_name' | 'last_name' | 'email' | 'role'>> = {};
	for (const key of ['first_name', 'last_name', 'email', 'role'] as const) {
		const value = input[key];
		if (value !== undefined && value !== target[key]) Object.assign(changes, { [key]: value });
	}
	if (Object.keys(changes).length === 0) return json(200, { user: target });
	// With the service role the database cannot tell who asks, so its own-role trigger is blind here.
	if (changes.role && target.id === caller.id) throw new ApiError('cannot_change_self');

	const emailChanges = changes.email !== undefined;
	if (emailChanges) {
		// Auth's admin update has no duplicate check of its own (a taken email fails on its unique
		// index as a 500), so ask first; every Auth user of the console has a row with its email.
		const { data: holder, error: lookupError } = await service.from('users').select('id').eq('email', changes.email!).maybeSingle();
		if (lookupError) throw fromDataError(lookupError, 'check the email');
		if (holder) throw emailTaken();
		const { error } = await service.auth.admin.updateUserById(target.id, { email: changes.email, email_confirm: true });
		if (error) throw fromAuthError(error, 'change the email');
	}
	const { data: user, error: rowError } = await service.from('users').update(changes).eq('id', target.id).select(USER_COLUMNS).single();
	if (rowError || !user) {
		// Auth and the row change together or not at all: the row refused (the last admin, say).
		if (emailChanges) {
			const { error: undoError } = await service.auth.admin.updateUserById(target.id, { email: target.email, email_confirm: true });
			if (undoError) log(`[${requestId}] Auth email of ${target.id} differs from its row: ${undoError.message}`);
		}
		throw fromDataError(rowError ?? { code: 'PGRST116', message: 'no row' }, 'save the profile');
	}
	return json(200, { user });
}

export function updateUser(deps: { service: Service; log: Log }): Handler {
	const { service, log } = deps;
	return async (request, requestId) => {
		const caller = await requireActiveAdmin(service, request);
		const parsed = updateUserInput.safeParse(await readJsonBody(request));
		if (!parsed.success) {
			throw new ApiError('invalid_input', 'Check the highlighted fields.', { fields: fieldIssues(parsed.error) });
		}
		const input = parsed.data;

		// Users of other organizations do not exist as far as this admin is concerned.
		const { data: target, error } = await service
			.from('users')
			.select(USER_COLUMNS)
			.eq('id', input.user_id)
			.eq('organization_id', caller.organizationId)
			.maybeSingle();
		if (error) throw fromDataError(error, 'find the user');
		if (!target) throw new ApiError('user_not_found', 'No such user in your organization.');

		switch (input.action) {
			case 'set_password':
				return setPassword(service, target, input);
			case 'deactivate':
				return deactivate(service, caller, target, log, requestId);
			case 'activate':
				return activate(service, target);
			case 'update_profile':
				return updateProfile(service, caller, target, input, log, requestId);
		}
	};
}
