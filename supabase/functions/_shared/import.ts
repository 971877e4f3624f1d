// The contract of POST /functions/v1/import-users, for the function and the SPA alike: a batch of a
// CSV file's rows in, one result per row out, in the same order.
import * as z from 'zod/mini';
import type { ErrorCode } from './error-codes.ts';
import type { UserRow } from './users.ts';

/** Rows a request may carry: a few seconds of work (bcrypt), a body well under its limit. */
export const IMPORT_BATCH_ROWS = 50;
export const IMPORT_BODY_BYTES = 64 * 1024;

/**
 * Each row is checked as create-user's body is, apart: one bad row refuses only itself. With
 * `check_only` nothing is created: the preview learns which rows are already users (here, or
 * elsewhere: whose is not said, as create-user's 409 does not).
 */
export const importUsersInput = z.strictObject({
	rows: z.array(z.unknown()).check(z.minLength(1), z.maxLength(IMPORT_BATCH_ROWS)),
	check_only: z.optional(z.boolean())
});

export type ImportResult =
	| { status: 'created'; user: UserRow; password: string }
	/** check_only: would be created. */
	| { status: 'new' }
	/** Already one of the organization's users (this file run before, or added meanwhile). */
	| { status: 'exists' }
	/** The address is someone's outside the organization (whose is not said). */
	| { status: 'taken' }
	| { status: 'invalid'; fields: Record<string, string> }
	/** The same address earlier in this batch. */
	| { status: 'duplicate'; of: number }
	| { status: 'failed'; code: ErrorCode; message: string }
	/** Not tried: the caller stopped being an active admin during the batch. */
	| { status: 'not_attempted'; code: ErrorCode };
