import type { Database } from '$lib/database.types';

export type UserRow = Database['public']['Tables']['users']['Row'];
export type UserStatus = Database['public']['Enums']['user_status'];
/** The columns the console shows, written once with the Edge Functions'. */
export { USER_COLUMNS } from '../../../supabase/functions/_shared/users.ts';

export const fullName = (user: Pick<UserRow, 'first_name' | 'last_name'>): string => `${user.first_name} ${user.last_name}`;
