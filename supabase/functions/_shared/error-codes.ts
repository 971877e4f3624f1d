// Every error code that crosses a boundary, written once: the Edge Functions answer with these
// codes, the SPA shows these messages, and the database's own refusals are recognised by their
// SQLSTATE (never by their wording) and turned into the same codes. Messages speak to the admin
// using the console; the database keeps its own, exact wording for people reading its logs.

export const ERROR_CODES = {
	invalid_input: { status: 400, message: 'Check the highlighted fields.' },
	invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
	weak_password: { status: 400, message: 'Choose a stronger password.' },
	cannot_change_self: {
		status: 403,
		message: 'You cannot change your own role or status. Ask another admin of your organization.'
	},
	unauthorized: { status: 401, message: 'Your session has ended. Sign in again.' },
	password_change_required: {
		status: 403,
		message:
			'Your password was set by an admin. Choose your own password first, then you can continue.'
	},
	use_forgot_password: {
		status: 403,
		message:
			'To change your password, sign out and use "Forgot password?" on the sign-in page. We will mail you a link.'
	},
	same_password: {
		status: 400,
		message: 'Choose a password different from your current one.'
	},
	forbidden: { status: 403, message: 'Only active admins of this organization may do this.' },
	user_not_found: { status: 404, message: 'No such user in your organization.' },
	page_start_gone: {
		status: 404,
		message:
			'The list changed: the user your page started at is no longer in it. Here is its first page.'
	},
	method_not_allowed: { status: 405, message: 'Use POST.' },
	email_taken: { status: 409, message: 'A user with this email already exists.' },
	user_changed: {
		status: 409,
		message:
			'Someone else changed this user meanwhile. Reload to see their change, then make yours again.'
	},
	last_admin: {
		status: 409,
		message:
			'Your organization must keep at least one active admin. Make another user an active admin first.'
	},
	payload_too_large: { status: 413, message: 'The request is too large.' },
	database_error: { status: 500, message: 'The database refused the change. Nothing was saved.' },
	internal_error: {
		status: 500,
		message: 'Something went wrong on our side. Nothing was saved; try again.'
	},
	password_change_unfinished: {
		status: 500,
		message:
			'Your new password is set, but the change could not be finished. Choose a new password once more (a different one).'
	},
	sessions_not_ended: {
		status: 500,
		message:
			'The new password is set, but not every session of the user could be ended. Set the password again.'
	},
	auth_failed: {
		status: 502,
		message: 'Authentication refused the change. Nothing was saved; try again.'
	},
	service_unavailable: {
		status: 503,
		message: 'The database cannot be reached right now. Nothing was changed; try again in a moment.'
	}
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const isErrorCode = (code: unknown): code is ErrorCode =>
	typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);

/**
 * SQLSTATEs the project's triggers raise, one per rule (PostgREST answers `PTxyz` with HTTP xyz).
 * supabase/migrations raise them; pgTAP checks each with its exact code.
 */
export const DATABASE_ERROR_CODES = {
	PT409: 'last_admin',
	PT403: 'cannot_change_self',
	/** public.list_users: the page was to start at a user who is not (or no longer) in the organization. */
	PT404: 'page_start_gone',
	/** private.begin_user_action / begin_user_creation: the caller is no longer an active admin of the organization. */
	UA403: 'forbidden',
	/** private.begin_user_action / begin_user_creation: the caller's own password is still a temporary one. */
	UA428: 'password_change_required',
	/** private.begin_user_action: the target is not a user of the caller's organization. */
	UA404: 'user_not_found'
} as const satisfies Record<string, ErrorCode>;

/** Check constraints of public.users, by the field whose rule they enforce. */
export const CONSTRAINT_FIELDS: Record<string, string> = {
	users_email_normalized: 'email',
	users_email_shape: 'email',
	users_first_name_length: 'first_name',
	users_first_name_clean: 'first_name',
	users_last_name_length: 'last_name',
	users_last_name_clean: 'last_name'
};

/** The code a database refusal stands for, or null when it is none of the project's own rules. */
export function codeOfDatabaseError(sqlstate: string | undefined): ErrorCode | null {
	return sqlstate && Object.hasOwn(DATABASE_ERROR_CODES, sqlstate)
		? DATABASE_ERROR_CODES[sqlstate as keyof typeof DATABASE_ERROR_CODES]
		: null;
}

/**
 * The database could not be reached or went away under the query (PostgREST's PGRST000–002, admin
 * shutdown 57P01–03, connection exceptions class 08): nothing was decided, the caller may retry.
 */
export const isDatabaseUnavailable = (sqlstate: string | undefined): boolean =>
	!!sqlstate && /^(PGRST00[012]|57P0[123]|08[0-9A-Z]{3})$/.test(sqlstate);

/** The field whose rule a check-constraint refusal names (Postgres quotes the constraint). */
export function fieldOfConstraint(message: string): string | undefined {
	return Object.entries(CONSTRAINT_FIELDS).find(([name]) => message.includes(`"${name}"`))?.[1];
}
