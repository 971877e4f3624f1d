import type { UserRow } from '$shared/users.ts';

/** The row and the columns the console shows, written once with the Edge Functions'. */
export { USER_COLUMNS, type UserRow } from '$shared/users.ts';

export const fullName = (user: Pick<UserRow, 'first_name' | 'last_name'>): string =>
	`${user.first_name} ${user.last_name}`;
