import type { Database } from '$lib/database.types';

export type UserRow = Database['public']['Tables']['users']['Row'];
export type UserStatus = Database['public']['Enums']['user_status'];
/** The columns the console shows; never `select *`, so new columns do not leak into the page. */
export const USER_COLUMNS = 'id, organization_id, email, first_name, last_name, role, status, created_at, updated_at, created_by' as const;

export const fullName = (user: Pick<UserRow, 'first_name' | 'last_name'>): string => `${user.first_name} ${user.last_name}`;
