import type { Database } from '$shared/database.types.ts';

export type UserRow = Database['public']['Tables']['users']['Row'];
/** The columns the console shows, written once with the Edge Functions'. */
export { USER_COLUMNS } from '$shared/users.ts';

export const fullName = (user: Pick<UserRow, 'first_name' | 'last_name'>): string =>
	`${user.first_name} ${user.last_name}`;
