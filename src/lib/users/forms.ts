// The forms' checks, composed from the shared field schemas (the ones the Edge Functions and the
// database's constraints follow): a field has one rule and one message in every form.
import * as z from 'zod/mini';
import {
	emailSchema,
	fieldIssues,
	firstNameSchema,
	lastNameSchema,
	type FieldIssues
} from '$shared/user-input.ts';
import type { ApiError } from './errors.ts';

/** A person's own names: the manager's profile, an admin's own names. */
export const namesInput = z.object({ first_name: firstNameSchema, last_name: lastNameSchema });
/** Another user's personal information on their settings page. */
export const personalInfoInput = z.object({
	first_name: firstNameSchema,
	last_name: lastNameSchema,
	email: emailSchema
});

export type Checked<T> = { ok: true; data: T } | { ok: false; errors: FieldIssues };

/** The normalised values, or the first problem of each field. */
export function check<T>(schema: z.ZodMiniType<T>, values: unknown): Checked<T> {
	const parsed = schema.safeParse(values);
	return parsed.success
		? { ok: true, data: parsed.data }
		: { ok: false, errors: fieldIssues(parsed.error) };
}

/** The issues a refusal brings for the fields this form has (others are the form's to show). */
export function issuesFor(error: ApiError, fields: readonly string[]): FieldIssues | null {
	const known = Object.entries(error.fields ?? {}).filter(([field]) => fields.includes(field));
	return known.length ? Object.fromEntries(known) : null;
}
