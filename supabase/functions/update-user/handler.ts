// Admin actions on an existing user of the caller's organization that need the service role:
// set a password, deactivate, activate, sign out everywhere, and one save of their personal information and role.
//
// Each runs in one database transaction (withUserAction): the caller's and the target's rows are
// locked, the caller is re-checked there, the row is changed, Auth is called while the locks are
// held, and the transaction commits only if Auth agreed. Two admins acting on one user at the same
// moment run one after the other, and Auth and the row end in agreement whatever the interleaving.
// A save from a screen that showed older values than the row now holds is refused (user_changed)
// instead of silently undoing the other admin's change.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../_shared/database.types.ts';
import { requireActiveAdmin, type AdminCaller } from '../_shared/admin-caller.ts';
import {
	actAs,
	authEmailHeldByOther,
	fromDatabaseError,
	userRow,
	withUserAction,
	type Sql,
	type Tx,
	type UserAction
} from '../_shared/database.ts';
import { emailTaken, fromAuthError } from '../_shared/errors.ts';
import { ApiError, json, readJsonBody, type Handler, type Log } from '../_shared/http.ts';
import { generatePassword } from '../_shared/password.ts';
import { passwordWeakness } from '../_shared/password-strength.ts';
import {
	PROFILE_FIELDS,
	fieldIssues,
	updateUserInput,
	type ProfileField,
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
	input: Extract<UpdateUserInput, { action: 'set_password' }>,
	passwordSet: () => void
) {
	const { tx, target } = action;
	const generated = input.password === undefined;
	const password = input.password ?? generatePassword();
	if (!generated) {
		const weakness = passwordWeakness(password, {
			email: target.email,
			firstName: target.first_name,
			lastName: target.last_name
		});
		if (weakness) throw new ApiError('weak_password', weakness, { fields: { password: weakness } });
	}
	// The row first: a password an admin set or saw is temporary (the user must choose their own at
	// their next sign-in), in this transaction, so it commits exactly when the password is set.
	// (One's own is refused before this: it goes through change-password.) The lock keeps the
	// password from being set for a user another admin is deactivating at this moment in another
	// organization's name, and re-checks the caller.
	const [updated] =
		await tx`update public.users as u set must_change_password = true where u.id = ${target.id} returning to_jsonb(u) as row`;
	const user = userRow(updated!.row);
	// Auth ends the user's sessions as it stores the password: counted now, for the activity log.
	const [open] =
		await tx`select count(*)::int as sessions from auth.sessions as s where s.user_id = ${target.id}`;
	const { error } = await deps.service.auth.admin.updateUserById(target.id, { password });
	if (error) throw fromAuthError(error, 'set the password');
	passwordSet();
	// Then every session of the user ends: whoever knew the old password is signed out everywhere.
	//
	// Auth first, the sessions second, and why that order is the safe one:
	// - A sign-in checks the password, then opens its session in a later transaction. This statement
	//   runs after Auth stored the new password, so it ends every session committed before it,
	//   whichever password opened it — also one whose sign-in checked the old password while Auth
	//   was being called. The other order would end the sessions first and leave alive every one
	//   opened with the old password between the two steps.
	// - Auth (GoTrue's UpdatePassword(tx, nil), and the local stack alike) also ends them all in the
	//   transaction that stores the hash; ending them here keeps the rule whatever Auth version runs,
	//   and is the sweep that comes after Auth answered.
	// - The lock on the users row holds back every other admin action on this user (a second reset,
	//   a deactivation) until this commits; sign-ins never touch public.users and are not held back.
	// - What no order closes: a sign-in that read the old hash before Auth stored the new one and
	//   commits its session after this statement (its bcrypt check in flight across the whole
	//   call). Only Auth could close that, by checking the password inside the transaction that
	//   opens the session.
	const [swept] = await tx`select public.end_user_sessions(${target.id}) as ended`;
	// What the sweep ended it records itself; the rest Auth ended.
	const endedByAuth = Math.max(Number(open!.sessions) - Number(swept!.ended), 0);
	await recordPasswordSet(tx, target.id, { generated, sessions_ended: endedByAuth });
	// A generated password is returned once, for the admin to hand over; a typed one never is.
	return json(200, generated ? { user, password } : { user });
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

/**
 * The password_set entry of the activity log: whether it was generated and how many sessions ended
 * with it, never the password.
 */
async function recordPasswordSet(
	db: Sql | Tx,
	userId: string,
	details: { generated: boolean; sessions_ended?: number }
) {
	await db`select private.record_user_activity(${userId}, 'password_set', ${db.json(details)})`;
}

/** Sign out everywhere: every session of the user ends (the database records how many). */
async function endSessions({ tx, target }: UserAction) {
	const [row] = await tx`select public.end_user_sessions(${target.id}) as ended`;
	return json(200, { user: target, ended: row!.ended as number });
}

type ProfileInput = Extract<UpdateUserInput, { action: 'update_profile' }>;
type ProfileChanges = Partial<Pick<UserRow, ProfileField>>;

/**
 * What one update_profile save changes on the row as it is now (locked), and whether it must be
 * refused because a field it changes no longer holds what the admin's screen showed (`expected`).
 * Per field sent:
 * - sent with the value shown (`expected`): not edited on that screen, left as the row has it;
 * - sent with the value the row already holds: nothing to change (also when someone else made the
 *   same change meanwhile);
 * - otherwise changed, and a conflict when a shown value came with it and the row differs from it.
 * Fields sent without a shown value are changed whatever the row holds, as before `expected`.
 */
export function planProfileChange(
	current: UserRow,
	input: ProfileInput
): { changes: ProfileChanges; conflict: boolean } {
	const changes: ProfileChanges = {};
	let conflict = false;
	for (const key of PROFILE_FIELDS) {
		const value = input[key];
		const shown = input.expected?.[key];
		if (value === undefined || value === shown || value === current[key]) continue;
		if (shown !== undefined && shown !== current[key]) conflict = true;
		Object.assign(changes, { [key]: value });
	}
	return { changes, conflict };
}

async function updateProfile(
	deps: Deps,
	caller: AdminCaller,
	action: UserAction,
	input: ProfileInput
) {
	const { tx, target } = action;
	// `target` was read after the lock was granted: what the last committed save left.
	const { changes, conflict } = planProfileChange(target, input);
	if (Object.keys(changes).length === 0) return json(200, { user: target });
	if (changes.role && target.id === caller.id) throw new ApiError('cannot_change_self');
	// Nothing was written yet: the row and Auth stay as the other admin left them. The row comes
	// with the refusal, for the screen to show what is there now.
	if (conflict) throw new ApiError('user_changed', undefined, { user: target });

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
		// One's own password goes through change-password, which asks for the current one: a session
		// left open on someone else's desk must not be enough to take over the account.
		if (input.action === 'set_password' && input.user_id === caller.id) {
			throw new ApiError(
				'cannot_change_self',
				'Change your own password under “Your password” on your settings page, with your current one.'
			);
		}

		// Set once Auth took the new password: a failure after it (ending the sessions, the commit)
		// cannot be undone (the old password is gone) and must not be reported as "nothing saved".
		let passwordSet = false;
		try {
			return await withUserAction(
				db,
				caller.id,
				requestId,
				input.user_id,
				(action) => {
					switch (input.action) {
						case 'set_password':
							return setPassword(deps, action, input, () => (passwordSet = true));
						case 'deactivate':
							return changeStatus(deps, action, 'inactive');
						case 'activate':
							return changeStatus(deps, action, 'active');
						case 'end_sessions':
							return endSessions(action);
						case 'update_profile':
							return updateProfile(deps, caller, action, input);
					}
				},
				(message) => log(`[${requestId}] ${message}`),
				`${input.action.replace('_', ' ')} the user`
			);
		} catch (error) {
			if (passwordSet) {
				// The row's change went with the transaction: mark the password temporary on its own, as the
				// password an admin set it is (best effort; setting it again does both).
				await Promise.resolve()
					.then(() =>
						db.begin(async (tx) => {
							await actAs(tx, caller.id, requestId);
							await tx`update public.users set must_change_password = true where id = ${input.user_id}`;
							await recordPasswordSet(tx, input.user_id, {
								generated: !('password' in input) || input.password === undefined
							});
						})
					)
					.catch(() =>
						log(`[${requestId}] user ${input.user_id}: password set but not marked temporary`)
					);
				log(
					`[${requestId}] password of user ${input.user_id} set, but its sessions were not ended: ${error instanceof Error ? error.message : String(error)}`
				);
				throw new ApiError('sessions_not_ended');
			}
			throw fromDatabaseError(error, 'change the user');
		}
	};
}
