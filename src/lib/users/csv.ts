// The users export's columns. Roles and statuses as the database names them (what an import reads
// back); times in UTC, as the header says (organizations have no time zone of their own).
import { csvLines } from '$lib/csv/file.ts';
import type { ExportView } from './export.svelte.ts';
import type { UserRow } from './types.ts';

export const USERS_CSV_FIELDS = [
	'First name',
	'Last name',
	'Email',
	'Role',
	'Status',
	'Created (UTC, ISO 8601)',
	'Last sign-in (UTC, ISO 8601)'
] as const;

const iso = (time: string | null) => (time ? new Date(time).toISOString() : '');

export function usersCsvLines(users: readonly UserRow[], options: { header: boolean }): string {
	return csvLines(
		USERS_CSV_FIELDS,
		users.map((user) => [
			user.first_name,
			user.last_name,
			user.email,
			user.role,
			user.status,
			iso(user.created_at),
			iso(user.last_sign_in_at)
		]),
		options
	);
}

/** users-2026-12-01.csv, or with what narrows the view: users-admin-active-ford-2026-12-01.csv. */
export function exportFileName(view: ExportView, today = new Date()): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	const day = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
	const search = view.search
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 40);
	const signedIn = view.signedIn ? view.signedIn.replaceAll('_', '-') : '';
	const parts = ['users', view.role, view.status, signedIn, search, day].filter(Boolean);
	return `${parts.join('-')}.csv`;
}
