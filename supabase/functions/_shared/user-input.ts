// What the console accepts from an admin, written once: the SPA validates forms with these schemas
// before sending, the Edge Functions validate requests with the same ones. zod/mini keeps the
// browser bundle small (~6 KB against ~95 KB for the full zod).
import * as z from 'zod/mini';

export const USER_ROLES = ['admin', 'manager', 'member', 'external'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const PASSWORD_MIN_LENGTH = 12;
/** bcrypt, which Supabase Auth hashes with, ignores what comes after 72 bytes. */
export const PASSWORD_MAX_BYTES = 72;

const personName = (label: string) =>
	z.string({ error: `${label} is required` }).check(
		z.trim(),
		z.minLength(1, `${label} is required`),
		z.maxLength(100, `${label} has at most 100 characters`),
		z.refine((value) => !/\p{Cc}/u.test(value), `${label} cannot contain control characters`)
	);

export const emailSchema = z.pipe(
	z.string({ error: 'Email is required' }).check(z.trim(), z.toLowerCase(), z.minLength(1, 'Email is required')),
	z.email({ error: 'Enter a valid email address' }).check(z.maxLength(254, 'Email has at most 254 characters'))
);

export const roleSchema = z.enum(USER_ROLES, { error: `Role is one of ${USER_ROLES.join(', ')}` });

const userId = z.guid({ error: 'user_id must be a user id' });

/** Body of POST /functions/v1/create-user. Unknown keys (an organization id, say) are refused. */
export const createUserInput = z.strictObject({
	email: emailSchema,
	first_name: personName('First name'),
	last_name: personName('Last name'),
	role: roleSchema
});
export type CreateUserInput = z.infer<typeof createUserInput>;

/** Body of POST /functions/v1/update-user: one admin action on an existing user. */
export const updateUserInput = z.discriminatedUnion(
	'action',
	[
		z.strictObject({
			user_id: userId,
			action: z.literal('set_password'),
			/** Omit it to have a strong password generated and returned once. */
			password: z.optional(z.string({ error: 'Password must be text' }))
		}),
		z.strictObject({ user_id: userId, action: z.literal('deactivate') }),
		z.strictObject({ user_id: userId, action: z.literal('activate') }),
		z.strictObject({ user_id: userId, action: z.literal('change_email'), email: emailSchema })
	],
	{ error: 'action is one of set_password, deactivate, activate, change_email' }
);
export type UpdateUserInput = z.infer<typeof updateUserInput>;

/** Field name → first problem with it, the shape forms and API errors use. */
export type FieldIssues = Record<string, string>;

export function fieldIssues(error: z.core.$ZodError): FieldIssues {
	const fields: FieldIssues = {};
	for (const issue of error.issues) {
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) fields[key] ??= 'Unknown field';
			continue;
		}
		const field = issue.path.length ? issue.path.join('.') : 'body';
		fields[field] ??= issue.code === 'invalid_type' && issue.path.length === 0 ? 'Send a JSON object' : issue.message;
	}
	return fields;
}

/**
 * Why a password an admin typed is not strong enough, or null when it is. Generated passwords are
 * always strong; this guards the ones people choose.
 */
export function passwordWeakness(password: string, email?: string): string | null {
	if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
	if (new TextEncoder().encode(password).length > PASSWORD_MAX_BYTES) return `Use at most ${PASSWORD_MAX_BYTES} bytes; longer passwords are cut.`;
	const localPart = email?.split('@')[0]?.toLowerCase() ?? '';
	if (localPart.length >= 3 && password.toLowerCase().includes(localPart)) return 'Do not include the email address in the password.';
	const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
	if (classes < 2) return 'Mix letters with digits, symbols or other-case letters.';
	return null;
}
