// One user of the caller's organization created with a generated password (create-user, and each
// row of import-users): the Auth user and the users row both, or neither.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import type { AdminCaller } from './admin-caller.ts';
import {
	actAs,
	authEmailHeldByOther,
	fromDatabaseError,
	isConnectionFailure,
	readUser,
	readWithRetries,
	userRow,
	type Sql
} from './database.ts';
import { emailTaken, fromAuthError } from './errors.ts';
import type { Log } from './http.ts';
import { generatePassword } from './password.ts';
import { temporaryPasswordHash } from './temporary-password-hash.ts';
import type { CreateUserInput } from './user-input.ts';
import type { UserRow } from './users.ts';

export interface CreationDeps {
	service: SupabaseClient<Database>;
	db: Sql;
	log: Log;
}

/** The new user and their password (shown to the admin once, stored nowhere). */
export async function createOneUser(
	deps: CreationDeps,
	caller: AdminCaller,
	input: CreateUserInput,
	requestId: string
): Promise<{ user: UserRow; password: string }> {
	const { service, db, log } = deps;
	const password = generatePassword();
	const passwordHash = await temporaryPasswordHash(password);
	const logLine = (message: string) => log(`[${requestId}] ${message}`);

	// The organization goes to app_metadata (which only the service role writes), never the role:
	// access is decided from public.users. The id is chosen here, so that an attempt whose outcome
	// is unknown (a 5xx: the commit may have happened before the connection dropped) can be undone
	// by id: nothing half-made is left behind, whatever Auth managed to do.
	const createAuthUser = (id: string) =>
		service.auth.admin.createUser({
			id,
			email: input.email,
			password_hash: passwordHash,
			email_confirm: true,
			app_metadata: { organization_id: caller.organizationId }
		});
	let created: { user: { id: string } | null } = { user: null };
	let error: { status?: number; code?: string; message: string } | null = null;
	// Two attempts. Auth checks for a taken email before inserting; two requests racing with the
	// same email both pass that check and the loser hits the unique index, which Auth reports as a
	// 500. By then the winner has committed, so the second attempt gets the proper email_exists.
	for (let attempt = 0; attempt < 2; attempt++) {
		const id = crypto.randomUUID();
		({ data: created, error } = await createAuthUser(id));
		if (!error || (error.status ?? 500) < 500) break;
		await undoAuthUser(service, id, logLine);
	}
	if (error || !created.user) {
		// An address another Auth user holds (the winner of a race, possibly an email change of
		// another organization at this moment) is a 409, whatever Auth answered.
		const taken =
			error?.code === 'email_exists' ||
			(await authEmailHeldByOther(db, input.email, null).catch(() => false));
		throw taken
			? emailTaken()
			: fromAuthError(error ?? { message: 'no user returned' }, 'create the account');
	}
	const id = created.user.id;

	// One transaction re-checks the creator where the row is written: their row locked for share,
	// so a demotion or deactivation waits for this insert, and every insert after it sees it.
	try {
		const [row] = await db.begin(async (tx) => {
			await actAs(tx, caller.id, requestId);
			await tx`select private.begin_user_creation(${caller.id}, ${caller.organizationId})`;
			return tx`insert into public.users ${tx({
				id,
				organization_id: caller.organizationId,
				email: input.email,
				first_name: input.first_name,
				last_name: input.last_name,
				role: input.role,
				created_by: caller.id,
				// The admin knows this password: the user must choose their own at first sign-in.
				must_change_password: true
			})} returning to_jsonb(users) as row`;
		});
		return { user: userRow(row!.row), password };
	} catch (rowError) {
		if (isConnectionFailure(rowError)) {
			// The commit may have happened before the connection dropped: look before undoing.
			const row = await readWithRetries(() => readUser(db, id)).catch(() => undefined);
			if (row) return { user: row, password };
		}
		// Nothing half-made: without its row the Auth user could sign in to nothing, and would
		// block a retry with the same email. The password is not returned.
		await undoAuthUser(service, id, logLine);
		throw fromDatabaseError(rowError, 'save the user');
	}
}

/**
 * Deletes the Auth user whose row could not be written. The row write most often fails because the
 * database went away for a moment, and then the first delete may fail the same way: a few retries
 * over about 1.5 s outlast a dropped connection (tests/faults/connection-drop.test.ts). What is
 * still left is logged, id only, for `npm run repair-orphans`.
 */
async function undoAuthUser(
	service: SupabaseClient<Database>,
	id: string,
	log: Log
): Promise<void> {
	let lastError = '';
	for (let attempt = 0; attempt < 5; attempt++) {
		if (attempt) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (attempt - 1)));
		const { error } = await service.auth.admin.deleteUser(id);
		if (!error || error.status === 404) return;
		lastError = error.message;
		if ((error.status ?? 500) < 500) break;
	}
	log(
		`orphan Auth user ${id} may be left without its users row (npm run repair-orphans removes it): ${lastError}`
	);
}
