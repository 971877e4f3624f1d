// What each role may do, as the help centre describes it; shown wherever an admin picks a role so
// they choose knowingly.
import type { UserRole, UserStatus } from '$shared/user-input.ts';

export interface RoleInfo {
	label: string;
	summary: string;
	abilities: string[];
}

export const ROLE_INFO: Record<UserRole, RoleInfo> = {
	admin: {
		label: 'Admin',
		summary: 'Full access, including managing the organization’s users.',
		abilities: [
			'View, create and edit every user of the organization',
			'Change roles and passwords; activate and deactivate users',
			'Edit their own personal information'
		]
	},
	manager: {
		label: 'Manager',
		summary: 'Works in the dashboard and edits their own name.',
		abilities: [
			'Edit their own first and last name',
			'No access to other users',
			'Cannot change passwords here; an admin sets a new one'
		]
	},
	member: {
		label: 'Member',
		summary: 'Works in the dashboard; an admin maintains their profile.',
		abilities: [
			'View their own profile (read-only)',
			'No access to other users',
			'Cannot change passwords here; an admin sets a new one'
		]
	},
	external: {
		label: 'External',
		summary: 'Limited access for people outside the organization.',
		abilities: [
			'View their own profile (read-only)',
			'No access to other users',
			'Cannot change passwords here; an admin sets a new one'
		]
	}
};

/** How each status reads on screen; the statuses themselves come from the database's enum. */
export const STATUS_LABELS: Record<UserStatus, string> = {
	active: 'Active',
	inactive: 'Inactive'
};
