// Admin actions on an existing user of the caller's organization that need the service role:
// set a password, deactivate, activate, and one save of their personal information and role.
//
// Each runs in one database transaction (withUserAction): the caller's and the target's rows are
// locked, the caller is re-checked there, the row is changed, Auth is called while the locks are
// held, and the transaction commits only if Auth agreed. Two admins acting on one user at the same
// moment run one after the other, and Auth and the row end in agreement whatever the interleaving.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../_shared/database.types.ts';
import { requireActiveAdmin, type AdminCaller } from '../_shared/admin-caller.ts';
import {
	authEmailHeldByOther,
	fromDatabaseError,
	userRow,
	withUserAction,
	type Sql,
	type UserAction
} from '../_shared/database.ts';
import { emailTaken, fromAuthError } from '../_shared/errors.ts';
import { ApiError, json, readJsonBody, type Handler, type Log } from '../_shared/http.ts';
import { generatePassword } from '../_shared/password.ts';
import {
	fieldIssues,
	passwordWeakness,
	updateUserInput,
	type UpdateUserInput
} from '../_shared/user-input.ts';
import type { UserRow } from '../_shared/users.ts';

/** Supabase Auth has no permanent ban; a century is what its docs suggest. */
export const BAN_DURATION = '876000h';

type Service = SupabaseClient<Database>;
interface Deps {
	service: Service;
	db: Sql;
	log: Log;
}

const banDuration = (status: UserRow['status']) => (status === 'inactive' ? BAN_DURATION : 'none');

async function setStatus({ tx, target }: UserAction, status: UserRow['status']): Promise<UserRow> {
	const [updated] =
		await tx`update public.users as u set status = ${status} where u.id = ${target.id} returning to_jsonb(u) as row`;
	return userRow(updated!.row);
}

async function setPassword(
	deps: Deps,
	action: UserAction,
	input: Extract<UpdateUserInput, { action: 'set_password' }>
) {
	const { target } = action;
	const generated = input.password === undefined;
	const password = input.password ?? generatePassword();
	if (!generated) {
		const weakness = passwordWeakness(password, target.email);
		if (weakness) throw new ApiError('weak_password', weakness, { fields: { password: weakness } });
	}
	// Nothing in the row changes; the lock keeps the password from being set for a user another
	// admin is deactivating at this moment in another organization's name, and re-checks the caller.
	const { error } = await deps.service.auth.admin.updateUserById(target.id, { password });
	if (error) throw fromAuthError(error, 'set the password');
	// A generated password is returned once, for the admin to hand over; a typed one never is.
	return json(200, generated ? { user: target, password } : { user: target });
}

/** The row's status and the Auth ban, together: deactivate (ban, then end every session) or activate. */
async function changeStatus(deps: Deps, action: UserAction, status: UserRow['status']) {
	const { tx, target } = action;
	const before = target.status;
	// The row first: the database refuses to deactivate an organization's last active admin.
	const user = await setStatus(action, status);
	const { error } = await deps.service.auth.admin.updateUserById(target.id, {
		ban_duration: banDuration(status)
	});
	if (error) throw fromAuthError(error, status === 'inactive' ? 'ban the account' : 'lift the ban');
	action.authChanged({
		undo: async () => {
			const { error: undoError } = await deps.service.auth.admin.updateUserById(target.id, {
				ban_duration: banDuration(before)
			});
			if (undoError) throw new Error(undoError.message);
		},
		committedIn: (row) => row.status === status
	});
	if (status === 'inactive') {
		// After the ban no new session can start (trigger refuse_session_for_banned_user), so none
		// survives this.
		await tx`select public.end_user_sessions(${target.id})`;
	}
	return json(200, { user });
}

type ProfileInput = Extract<UpdateUserInput, { action: 'update_profile' }>;

async function updateProfile(
	deps: Deps,
	caller: AdminCaller,
	action: UserAction,
	input: ProfileInput
) {
	const { tx, target } = action;
	const changes: Partial<Pick<UserRow, 'first_name' | 'last_name' | 'email' | 'role'>> = {};
	for (const key of ['first_name', 'last_name', 'email', 'role'] as const) {
		const value = input[key];
		if (value !== undefined && value !== target[key]) Object.assign(changes, { [key]: value });
	}
	if (Object.keys(changes).length === 0) return json(200, { user: target });
	if (changes.role && target.id === caller.id) throw new ApiError('cannot_change_self');

	// The row first: its checks and triggers (last admin, an email another row holds) refuse before
	// Auth is touched.
	// No table alias here: postgres.js picks its column helper by the last keyword before it (`as`
	// would make it a select list).
	const [updated] =
		await tx`update public.users set ${tx(changes)} where id = ${target.id} returning to_jsonb(users) as row`;
	const user = userRow(updated!.row);
	if (changes.email !== undefined) {
		const email = changes.email;
		const { error } = await deps.service.auth.admin.updateUserById(target.id, {
			email,
			email_confirm: true
		});
		if (error) {
			// Auth refuses an address another Auth user holds (email_exists, or a 500 from its unique
			// index when the other one is being created at this moment): a lost race, not a failure.
			// Asked inside the transaction: another pool connection could be waiting behind this one.
			const taken = await authEmailHeldByOther(tx, email, target.id).catch(() => false);
			throw taken ? emailTaken() : fromAuthError(error, 'change the email');
		}
		action.authChanged({
			undo: async () => {
				const { error: undoError } = await deps.service.auth.admin.updateUserById(target.id, {
					email: target.email,
					email_confirm: true
				});
				if (undoError) throw new Error(undoError.message);
			},
			committedIn: (row) => row.email === email
		});
	}
	return json(200, { user });
}

export function updateUser(deps: Deps): Handler {
	const { service, db, log } = deps;
	return async (request, requestId) => {
		const caller = await requireActiveAdmin(service, request);
		const parsed = updateUserInput.safeParse(await readJsonBody(request));
		if (!parsed.success) {
			throw new ApiError('invalid_input', 'Check the highlighted fields.', {
				fields: fieldIssues(parsed.error)
			});
		}
		const input = parsed.data;
		if (
			(input.action === 'deactivate' || input.action === 'activate') &&
			input.user_id === caller.id
		) {
			throw new ApiError(
				'cannot_change_self',
				`You cannot ${input.action} your own account. Ask another admin of your organization.`
			);
		}

		try {
			return await withUserAction(
				db,
				caller.id,
				input.user_id,
				(action) => {
					switch (input.action) {
						case 'set_password':
							return setPassword(deps, action, input);
						case 'deactivate':
							return changeStatus(deps, action, 'inactive');
						case 'activate':
							return changeStatus(deps, action, 'active');
						case 'update_profile':
							return updateProfile(deps, caller, action, input);
					}
				},
				(message) => log(`[${requestId}] ${message}`),
				`${input.action.replace('_', ' ')} the user`
			);
		} catch (error) {
			throw fromDatabaseError(error, 'change the user');
		}
	};
}
