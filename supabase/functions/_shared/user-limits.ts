// The fields' limits and enums, apart from the schemas (user-input.ts) so that the pages loaded on
// every visit can use them without loading zod: the users list needs the roles, the statuses and
// the longest search, not the schemas.
import { Constants, type Database } from './database.types.ts';

/** From the database's enums (generated types): a role removed there stops compiling here. */
export const USER_ROLES = Constants.public.Enums.user_role;
export type UserRole = Database['public']['Enums']['user_role'];
export const USER_STATUSES = Constants.public.Enums.user_status;
export type UserStatus = Database['public']['Enums']['user_status'];

/** public.users' check constraints: users_first_name_length, users_last_name_length, users_email_shape. */
export const NAME_MAX_LENGTH = 100;
export const EMAIL_MAX_LENGTH = 254;
/** public.search_users refuses longer searches: nothing longer can match an email. */
export const SEARCH_MAX_LENGTH = EMAIL_MAX_LENGTH;

/** Typed passwords' hard limits, here for the always-loaded SPA; password-strength.ts judges the rest. */
export const PASSWORD_MIN_LENGTH = 12;
/** bcrypt, which Supabase Auth hashes with, ignores what comes after 72 bytes. */
export const PASSWORD_MAX_BYTES = 72;
