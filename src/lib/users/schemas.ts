// The input rules are written once, beside the Edge Functions that enforce them; the SPA checks
// forms with the very same schemas before sending (zod/mini keeps the bundle small).
export {
	USER_ROLES,
	PASSWORD_MIN_LENGTH,
	createUserInput,
	updateUserInput,
	emailSchema,
	roleSchema,
	fieldIssues,
	passwordWeakness,
	type UserRole,
	type CreateUserInput,
	type UpdateUserInput,
	type FieldIssues
} from '../../../supabase/functions/_shared/user-input.ts';
