// Many users of the caller's organization at once (a CSV import, sent a batch at a time): each row
// created as create-user creates one — the caller re-checked as an active admin in the transaction
// that writes it, a generated password returned once, the activity recorded — a few at a time, so
// that one organization's import does not hold every connection. Idempotent by email: a row whose
// address is already one of the organization's users is reported as such and not created again,
// so a re-run after a failure or a closed tab creates each person once.
import { requireActiveAdmin } from '../_shared/admin-caller.ts';
import { createOneUser, type CreationDeps } from '../_shared/create-one-user.ts';
import type { ErrorCode } from '../_shared/error-codes.ts';
import { ApiError, json, readJsonBody, type Handler } from '../_shared/http.ts';
import {
	IMPORT_BATCH_ROWS,
	IMPORT_BODY_BYTES,
	importUsersInput,
	type ImportResult
} from '../_shared/import.ts';
import { createUserInput, fieldIssues, type CreateUserInput } from '../_shared/user-input.ts';

/** Rows of one request created at once (each holds a database connection while it writes). */
export const IMPORT_CONCURRENCY = 4;

export function importUsers(deps: CreationDeps): Handler {
	return async (request, requestId) => {
		const caller = await requireActiveAdmin(deps.service, request);
		const body = importUsersInput.safeParse(await readJsonBody(request, IMPORT_BODY_BYTES));
		if (!body.success) {
			throw new ApiError(
				'invalid_input',
				`Send 1 to ${IMPORT_BATCH_ROWS} rows of first_name, last_name, email and role.`
			);
		}
		// Who already has which address: the organization's users, and Auth's (anyone's; Auth keeps
		// addresses in lower case, as the rows' schema makes them, so its unique index answers).
		const members = async (emails: string[]) =>
			new Set(
				(
					await deps.db<Array<{ email: string }>>`
						select email from public.users
						where organization_id = ${caller.organizationId}
						  and email in (select jsonb_array_elements_text(${deps.db.json(emails)}))`
				).map((row) => row.email)
			);
		const heldByAnyone = async (emails: string[]) =>
			new Set(
				(
					await deps.db<Array<{ email: string }>>`
						select a.email from auth.users as a
						where a.email in (select jsonb_array_elements_text(${deps.db.json(emails)}))`
				).map((row) => row.email)
			);
		const creatingHere = async (email: string) =>
			(
				await deps.db`
					select 1 from auth.users as a
					where a.email = ${email}
					  and a.raw_app_meta_data ->> 'organization_id' = ${caller.organizationId}`
			).length > 0;

		const results: ImportResult[] = new Array(body.data.rows.length);
		const toCreate: Array<{ index: number; input: CreateUserInput }> = [];
		const firstIndex = new Map<string, number>();
		body.data.rows.forEach((row, index) => {
			const parsed = createUserInput.safeParse(row);
			if (!parsed.success) {
				results[index] = { status: 'invalid', fields: fieldIssues(parsed.error) };
				return;
			}
			const earlier = firstIndex.get(parsed.data.email);
			if (earlier !== undefined) {
				results[index] = { status: 'duplicate', of: earlier };
				return;
			}
			firstIndex.set(parsed.data.email, index);
			toCreate.push({ index, input: parsed.data });
		});

		const already = await members(toCreate.map((row) => row.input.email));
		const pending = toCreate.filter(({ index, input }) => {
			if (!already.has(input.email)) return true;
			results[index] = { status: 'exists' };
			return false;
		});
		if (body.data.check_only) {
			const elsewhere = await heldByAnyone(pending.map((row) => row.input.email));
			for (const { index, input } of pending)
				results[index] = elsewhere.has(input.email) ? { status: 'taken' } : { status: 'new' };
			return json(200, { results });
		}

		let stoppedBy: ErrorCode | null = null;
		const createRow = async ({ index, input }: (typeof pending)[number]) => {
			if (stoppedBy) {
				results[index] = { status: 'not_attempted', code: stoppedBy };
				return;
			}
			try {
				results[index] = {
					status: 'created',
					...(await createOneUser(deps, caller, input, requestId))
				};
			} catch (error) {
				if (!(error instanceof ApiError)) throw error;
				if (error.status === 401 || error.status === 403) {
					stoppedBy = error.code;
					results[index] = { status: 'not_attempted', code: error.code };
				} else if (error.code === 'email_taken') {
					// Taken by this organization meanwhile (another tab's run of the same file, its Auth
					// user made and its row perhaps not yet), or by someone elsewhere.
					const ours = await creatingHere(input.email);
					results[index] = ours ? { status: 'exists' } : { status: 'taken' };
				} else results[index] = { status: 'failed', code: error.code, message: error.message };
			}
		};
		const queue = [...pending];
		await Promise.all(
			Array.from({ length: Math.min(IMPORT_CONCURRENCY, queue.length) }, async () => {
				for (let next = queue.shift(); next; next = queue.shift()) await createRow(next);
			})
		);
		return json(200, { results });
	};
}
