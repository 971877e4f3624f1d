// What each role may do, as the help centre describes it; shown wherever an admin picks a role so
// they choose knowingly.
import type { UserRole, UserStatus } from '$shared/user-limits.ts';

export interface RoleInfo {
	label: string;
	/** For the admin choosing a role: what a person with it may do. */
	summary: string;
	abilities: string[];
	/** The same, told to the person who has the role (their own profile). */
	own: { summary: string; abilities: string[] };
}

export const ROLE_INFO: Record<UserRole, RoleInfo> = {
	admin: {
		label: 'Admin',
		summary: 'Full access, including managing the organization’s users.',
		abilities: [
			'View, create and edit every user of the organization',
			'Change roles and set passwords (temporary until the user chooses their own); activate and deactivate users',
			'Edit their own personal information and change their own password with the current one'
		],
		own: {
			summary: 'You have full access, including managing your organization’s users.',
			abilities: [
				'You view, create and edit every user of your organization',
				'You change roles and passwords, and activate and deactivate users',
				'You edit your own personal information and set your own password on your settings page'
			]
		}
	},
	manager: {
		label: 'Manager',
		summary: 'Works in the dashboard and edits their own name.',
		abilities: [
			'Edit their own first and last name',
			'No access to other users',
			'Change their own password with “Forgot password?” on the sign-in page'
		],
		own: {
			summary: 'You work in the dashboard and keep your own name up to date.',
			abilities: [
				'You edit your own first and last name here',
				'You have no access to other users',
				'You change your password with “Forgot password?” on the sign-in page'
			]
		}
	},
	member: {
		label: 'Member',
		summary:
			'Works in the dashboard with the organization’s data; an admin maintains their profile.',
		abilities: [
			'View their own profile (read-only)',
			'No access to other users',
			'Change their own password with “Forgot password?” on the sign-in page'
		],
		own: {
			summary: 'You work in the dashboard with your organization’s data.',
			abilities: [
				'You can view your profile; an admin of your organization keeps it up to date',
				'You have no access to other users',
				'You change your password with “Forgot password?” on the sign-in page'
			]
		}
	},
	external: {
		label: 'External',
		summary:
			'For people outside the organization (agencies, partners): sees only what is shared with them.',
		abilities: [
			'View their own profile (read-only)',
			'Sees only the apps and data the organization shares with them',
			'Change their own password with “Forgot password?” on the sign-in page'
		],
		own: {
			summary:
				'You work with this organization from outside it: you see only what it shares with you.',
			abilities: [
				'You can view your profile; an admin of the organization keeps it up to date',
				'You see only the apps and data shared with you, and no other users',
				'You change your password with “Forgot password?” on the sign-in page'
			]
		}
	}
};

/**
 * The order roles are offered in: the least access first. A closed select moves to the next option
 * on an arrow key; that must never be Admin by accident.
 */
export const ROLES_BY_ACCESS = [
	'external',
	'member',
	'manager',
	'admin'
] as const satisfies readonly UserRole[];

/** How each status reads on screen; the statuses themselves come from the database's enum. */
export const STATUS_LABELS: Record<UserStatus, string> = {
	active: 'Active',
	inactive: 'Inactive'
};

/** "an Admin", "a Manager", "an External user": a role inside a sentence. */
export function roleArticle(role: UserRole): string {
	const noun = role === 'external' ? 'External user' : ROLE_INFO[role].label;
	return `${/^[AEIOU]/.test(noun) ? 'an' : 'a'} ${noun}`;
}
