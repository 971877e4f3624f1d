// The signed-in user chooses their own password: after an admin set a temporary one, after
// following a password-recovery link, or — admins only — knowing the current one. This device
// stays signed in, every other session of the user ends, and the password stops being temporary.
//
// One transaction holds the user's row lock (private.begin_password_change) from the checks to the
// end, so an admin's reset or deactivation of this user at the same moment runs before or after
// it, never in between. Inside it: who may (own-password.ts), the current password checked against
// auth.users without opening a session (pgcrypto's crypt() reads GoTrue's bcrypt `$2a$` hashes),
// the strength and "not the current one" checks, then Auth's own PUT /auth/v1/user with the
// caller's token — GoTrue's UpdatePassword(tx, session): the new hash, every other session ended,
// this one kept — and last must_change_password = false.
//
// Between Auth and the commit (the commit fails, the connection drops): Auth has the new password,
// the row may still say temporary. That state is safe and nobody is stuck in it: a temporary
// password restricts, it never opens anything; the flag alone lets the user call change-password
// again (with this same device, still signed in, or after signing in with the new password) and
// choose once more; and this function first tries to finish the change itself (and its activity entry) — again under the
// row lock, and only while Auth still holds the password just set (had an admin reset it
// meanwhile, that reset and its temporary flag stand).
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../_shared/database.types.ts';
import { requireSignedIn } from '../_shared/admin-caller.ts';
import {
	actAs,
	fromDatabaseError,
	readWithRetries,
	userRow,
	type Sql,
	type Tx
} from '../_shared/database.ts';
import { ApiError, json, readJsonBody, type Handler, type Log } from '../_shared/http.ts';
import {
	changePasswordInput,
	isRecoverySession,
	passwordChangeRoute,
	unverifiedClaims
} from '../_shared/own-password.ts';
import { passwordWeakness } from '../_shared/password-strength.ts';
import { fieldIssues } from '../_shared/user-input.ts';
import type { UserRow } from '../_shared/users.ts';

/** What Auth answered to the password change (GoTrue's error body, or ok). */
export type OwnPasswordResult =
	{ ok: true } | { ok: false; status: number; code?: string; message?: string };

export interface ChangePasswordDeps {
	service: SupabaseClient<Database>;
	db: Sql;
	log: Log;
	/** PUT /auth/v1/user { password } as the caller (their token): keeps their session, ends the others. */
	setOwnPassword: (token: string, password: string) => Promise<OwnPasswordResult>;
	/** Unix seconds. */
	now?: () => number;
}

/** GoTrue's PUT /auth/v1/user with the user's own token, through the gateway as the SPA would send it. */
export function ownPasswordThroughAuth(supabaseUrl: string, anonKey: string) {
	return async (token: string, password: string): Promise<OwnPasswordResult> => {
		let response: Response;
		try {
			response = await fetch(`${supabaseUrl.replace(/\/$/, '')}/auth/v1/user`, {
				method: 'PUT',
				headers: {
					apikey: anonKey,
					authorization: `Bearer ${token}`,
					'content-type': 'application/json'
				},
				body: JSON.stringify({ password }),
				signal: AbortSignal.timeout(15_000)
			});
		} catch (error) {
			return {
				ok: false,
				status: 0,
				message: error instanceof Error ? error.message : 'no answer'
			};
		}
		if (response.ok) {
			await response.body?.cancel();
			return { ok: true };
		}
		const body = (await response.json().catch(() => ({}))) as {
			code?: unknown;
			error_code?: unknown;
			msg?: unknown;
			message?: unknown;
		};
		const code = body.error_code ?? body.code;
		return {
			ok: false,
			status: response.status,
			code: typeof code === 'string' ? code : undefined,
			message: String(body.msg ?? body.message ?? '')
		};
	};
}

const passwordField = (code: 'weak_password' | 'same_password', message: string) =>
	new ApiError(code, message, { fields: { password: message } });

/** The caller's current password (hash in auth.users) against what they sent, in the transaction. */
async function passwordChecks(tx: Tx, userId: string, password: string, current?: string) {
	// crypt() with the stored hash as salt re-hashes with its cost and salt; equal means the same
	// password. A user without a bcrypt hash (none set) matches nothing.
	const [row] = await tx`
		select
			case when ${current ?? null}::text is null or h.hash not like '$2_$%' then null
			     else extensions.crypt(${current ?? null}::text, h.hash) = h.hash end as current_matches,
			case when h.hash not like '$2_$%' then false
			     else extensions.crypt(${password}, h.hash) = h.hash end as same_as_current
		from (select coalesce(a.encrypted_password, '') as hash from auth.users as a where a.id = ${userId}) as h`;
	return {
		currentMatches: row?.current_matches as boolean | null,
		sameAsCurrent: row?.same_as_current === true
	};
}

/** Whether Auth's stored hash is now the password just sent (Auth's answer may have been lost). */
async function authHolds(tx: Tx | Sql, userId: string, password: string): Promise<boolean> {
	const [row] = await tx`
		select coalesce(a.encrypted_password, '') like '$2_$%'
		       and extensions.crypt(${password}, a.encrypted_password) = a.encrypted_password as holds
		from auth.users as a where a.id = ${userId}`;
	return row?.holds === true;
}

export function refusalOf(result: Extract<OwnPasswordResult, { ok: false }>): ApiError {
	if (result.code === 'same_password')
		return passwordField('same_password', 'Choose a password different from your current one.');
	if (result.code === 'weak_password')
		return passwordField('weak_password', result.message || 'Choose a stronger password.');
	if (result.status === 400 || result.status === 422)
		return new ApiError('invalid_input', undefined, {
			fields: { password: result.message || 'Not accepted by Auth' }
		});
	if (result.status === 401 || result.status === 403) return new ApiError('unauthorized');
	return new ApiError('auth_failed', 'Supabase Auth refused to change the password.');
}

type OwnPasswordAction = 'password_recovered' | 'password_changed';

/** The activity entry of a password the user chose after a recovery link or with their current one. */
async function recordOwnPassword(tx: Tx, userId: string, action: OwnPasswordAction) {
	await tx`select private.record_user_activity(${userId}, ${action})`;
}

async function startChange(tx: Tx, userId: string): Promise<UserRow> {
	try {
		const [started] =
			await tx`select to_jsonb(t) as row from private.begin_password_change(${userId}) as t`;
		return userRow(started!.row);
	} catch (error) {
		if ((error as { code?: unknown }).code === 'UA403')
			throw new ApiError(
				'forbidden',
				'Only active users of an organization change their password.'
			);
		throw error;
	}
}

export function changePassword(deps: ChangePasswordDeps): Handler {
	const { service, db, log } = deps;
	const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
	return async (request, requestId) => {
		const { token, user } = await requireSignedIn(service, request);
		const parsed = changePasswordInput.safeParse(await readJsonBody(request));
		if (!parsed.success) {
			throw new ApiError('invalid_input', 'Check the highlighted fields.', {
				fields: fieldIssues(parsed.error)
			});
		}
		const input = parsed.data;
		// Auth accepted this token a moment ago; its amr says how its session was opened.
		const recoverySession = isRecoverySession(unverifiedClaims(token), now());

		let authChanged = false;
		let recorded: OwnPasswordAction | null = null;
		try {
			return await db.begin(async (tx) => {
				await actAs(tx, user.id, requestId);
				const row = await startChange(tx, user.id);
				const route = passwordChangeRoute({
					mustChangePassword: row.must_change_password,
					recoverySession,
					role: row.role,
					currentPasswordGiven: input.current_password !== undefined
				});
				if (route === 'use_forgot_password') throw new ApiError('use_forgot_password');
				if (route === 'current_required') {
					throw new ApiError('invalid_input', 'Enter your current password.', {
						fields: { current_password: 'Enter your current password' }
					});
				}

				const checks = await passwordChecks(tx, user.id, input.password, input.current_password);
				if (route === 'check_current' && checks.currentMatches !== true) {
					throw new ApiError('invalid_input', 'Your current password is not right.', {
						fields: { current_password: 'This is not your current password' }
					});
				}
				const weakness = passwordWeakness(input.password, {
					email: row.email,
					firstName: row.first_name,
					lastName: row.last_name
				});
				if (weakness) throw passwordField('weak_password', weakness);
				if (checks.sameAsCurrent)
					throw passwordField(
						'same_password',
						'Choose a password different from your current one.'
					);

				const result = await deps.setOwnPassword(token, input.password);
				// No answer, or a failure whose outcome is unknown: Auth may have stored it all the same.
				if (!result.ok && !(result.status >= 500 || result.status === 0)) throw refusalOf(result);
				if (!result.ok && !(await authHolds(tx, user.id, input.password))) throw refusalOf(result);
				authChanged = true;
				// The end of a temporary password is recorded by the database when the flag clears.
				recorded = row.must_change_password
					? null
					: recoverySession
						? 'password_recovered'
						: 'password_changed';

				if (recorded) await recordOwnPassword(tx, user.id, recorded);
				const [updated] =
					await tx`update public.users as u set must_change_password = false where u.id = ${user.id} returning to_jsonb(u) as row`;
				return json(200, { user: userRow(updated!.row) });
			});
		} catch (error) {
			if (!authChanged) throw fromDatabaseError(error, 'change the password');
			const finished = await finishChange(
				db,
				{ userId: user.id, requestId, recorded },
				input.password
			).catch(() => undefined);
			if (finished) return json(200, { user: finished });
			log(
				`[${requestId}] password of user ${user.id} changed in Auth, but the row still says temporary: ${error instanceof Error ? error.message : String(error)}`
			);
			throw new ApiError('password_change_unfinished');
		}
	};
}

/**
 * After Auth took the new password and the transaction did not commit: clear the temporary flag on
 * its own, under the row lock, only if Auth still holds that password (an admin's reset since then
 * stands). A few retries outlast a dropped connection. Null when the flag stays.
 */
async function finishChange(
	db: Sql,
	change: { userId: string; requestId: string; recorded: OwnPasswordAction | null },
	password: string
): Promise<UserRow | null> {
	const { userId, requestId, recorded } = change;
	return readWithRetries(() =>
		db.begin(async (tx) => {
			await actAs(tx, userId, requestId);
			await tx`select 1 from public.users as u where u.id = ${userId} for update`;
			if (!(await authHolds(tx, userId, password))) return null;
			if (recorded) await recordOwnPassword(tx, userId, recorded);
			const [updated] =
				await tx`update public.users as u set must_change_password = false where u.id = ${userId} returning to_jsonb(u) as row`;
			return updated ? userRow(updated.row) : null;
		})
	);
}
