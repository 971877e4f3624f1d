// What the console accepts from an admin, written once: the SPA validates forms with these schemas
// before sending, the Edge Functions validate requests with the same ones. zod/mini keeps the
// browser bundle small (~6 KB against ~95 KB for the full zod).
import * as z from 'zod/mini';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, USER_ROLES } from './user-limits.ts';

export * from './user-limits.ts';

/**
 * Invisible format characters (Unicode Cf) make a name look blank or read backwards (U+200B,
 * U+202E); U+200C and U+200D stay allowed, as Persian and Indic names and emoji need them.
 * public.users' checks (private.is_clean_name) refuse the same.
 */
const INVISIBLE = /(?![\u200C\u200D])\p{Cf}/u;

// The same rules as public.users' checks (trimmed, 1–100 characters, no control or invisible
// format characters), so a form says what the database would refuse before anything is sent.
const personName = (label: string) =>
	z.string({ error: `${label} is required` }).check(
		z.trim(),
		z.minLength(1, `${label} is required`),
		z.maxLength(NAME_MAX_LENGTH, `${label} has at most ${NAME_MAX_LENGTH} characters`),
		z.refine((value) => !/\p{Cc}/u.test(value), `${label} cannot contain control characters`),
		z.refine((value) => !INVISIBLE.test(value), `${label} cannot contain invisible characters`)
	);

export const firstNameSchema = personName('First name');
export const lastNameSchema = personName('Last name');

export const emailSchema = z.pipe(
	z
		.string({ error: 'Email is required' })
		.check(z.trim(), z.toLowerCase(), z.minLength(1, 'Email is required')),
	z
		.email({ error: 'Enter a valid email address' })
		.check(z.maxLength(EMAIL_MAX_LENGTH, `Email has at most ${EMAIL_MAX_LENGTH} characters`))
);

export const roleSchema = z.enum(USER_ROLES, { error: `Role is one of ${USER_ROLES.join(', ')}` });

const userId = z.guid({ error: 'user_id must be a user id' });

/** Body of POST /functions/v1/create-user. Unknown keys (an organization id, say) are refused. */
export const createUserInput = z.strictObject({
	email: emailSchema,
	first_name: firstNameSchema,
	last_name: lastNameSchema,
	role: roleSchema
});
export type CreateUserInput = z.infer<typeof createUserInput>;

/** The fields update_profile changes, each with the rule it has everywhere else. */
export const PROFILE_FIELDS = ['first_name', 'last_name', 'email', 'role'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
const profileFields = {
	first_name: z.optional(firstNameSchema),
	last_name: z.optional(lastNameSchema),
	email: z.optional(emailSchema),
	role: z.optional(roleSchema)
};

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
		/** Sign out everywhere: every session of the user ends (one's own included). */
		z.strictObject({ user_id: userId, action: z.literal('end_sessions') }),
		// One save of another user's personal information and role: Auth and the row change
		// together or not at all. Fields left out stay as they are.
		z
			.strictObject({
				user_id: userId,
				action: z.literal('update_profile'),
				...profileFields,
				/**
				 * For fields being changed, the value the admin's screen showed before editing: when the
				 * row holds something else by now (another admin saved meanwhile), nothing is saved
				 * (409 user_changed). A field sent with its shown value was not edited and is left as the
				 * row has it.
				 */
				expected: z.optional(
					z.strictObject(profileFields, {
						error: 'expected must be an object of the values shown before editing'
					})
				)
			})
			.check(
				z.refine((input) => PROFILE_FIELDS.some((key) => key in input), {
					message: `Send at least one of ${PROFILE_FIELDS.join(', ')}`,
					path: ['body']
				}),
				z.superRefine((input, context) => {
					for (const key of PROFILE_FIELDS) {
						if (input.expected?.[key] !== undefined && input[key] === undefined) {
							context.issues.push({
								code: 'custom',
								message: `Send ${key} too, or leave it out of expected`,
								path: ['expected', key],
								input: input.expected
							});
						}
					}
				})
			)
	],
	{ error: 'action is one of set_password, deactivate, activate, end_sessions, update_profile' }
);
export type UpdateUserInput = z.infer<typeof updateUserInput>;

/** Field name → first problem with it, the shape forms and API errors use. */
export type FieldIssues = Record<string, string>;

export function fieldIssues(error: z.core.$ZodError): FieldIssues {
	const fields: FieldIssues = {};
	for (const issue of error.issues) {
		if (issue.code === 'unrecognized_keys') {
			// Named by their full path: an unknown key inside `expected` is `expected.<key>`.
			for (const key of issue.keys) fields[[...issue.path, key].join('.')] ??= 'Unknown field';
			continue;
		}
		const field = issue.path.length ? issue.path.join('.') : 'body';
		fields[field] ??=
			issue.code === 'invalid_type' && issue.path.length === 0
				? 'Send a JSON object'
				: issue.message;
	}
	return fields;
}
