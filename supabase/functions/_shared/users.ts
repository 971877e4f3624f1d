// The users row as the console shows it, selected the same way by the functions and the SPA.
import type { Database } from './database.types.ts';

/** Never `select *`: a column added later does not leak into responses or the page. */
export const USER_COLUMNS =
	'id, organization_id, email, first_name, last_name, role, status, created_at, updated_at, created_by, must_change_password, last_sign_in_at' as const;
export type UserRow = Database['public']['Tables']['users']['Row'];
