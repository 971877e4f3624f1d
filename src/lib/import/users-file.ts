// Reading a CSV file of people to import, in the browser, before anything is sent: papaparse splits
// it (UTF-8 with or without a byte-order mark, comma, semicolon or tab), the header row is matched
// leniently ("First name", "first_name", "Given name"…), and every row gets its verdict by the same
// rules create-user applies (the shared schema), plus the file's own duplicates. Whether an address
// is already a user is the server's to say (import-users, check_only). Loaded only on the import
// page: papaparse stays out of the users page's weight.
import Papa from 'papaparse';
import { createUserInput, fieldIssues, USER_ROLES, type UserRole } from '$shared/user-input.ts';

export const IMPORT_MAX_ROWS = 10_000;

export type ImportField = 'first_name' | 'last_name' | 'email' | 'role';

/** Header names each field is known by, compared without case, spaces, dashes or underscores. */
const HEADER_NAMES: Record<ImportField, string[]> = {
	first_name: ['firstname', 'first', 'givenname', 'forename', 'prenom', 'vorname'],
	last_name: ['lastname', 'last', 'surname', 'familyname', 'nom', 'nachname'],
	email: ['email', 'emailaddress', 'mail', 'address'],
	role: ['role', 'userrole', 'access']
};
const LABELS: Record<ImportField, string> = {
	first_name: 'first name',
	last_name: 'last name',
	email: 'email',
	role: 'role'
};
/** Role names a person may have typed, beside the database's own. */
const ROLE_NAMES: Record<string, UserRole> = {
	administrator: 'admin',
	user: 'member',
	guest: 'external'
};

export interface ImportRow {
	/** The file's line the row came from (the header is line 1). */
	line: number;
	first_name: string;
	last_name: string;
	email: string;
	role: string;
}

export type FileReading =
	{ ok: true; rows: ImportRow[]; delimiter: string } | { ok: false; message: string };

const normalise = (header: string) => header.toLowerCase().replace(/[\s_\-.]/g, '');

export function readUsersFile(text: string): FileReading {
	const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
		skipEmptyLines: 'greedy',
		delimitersToGuess: [',', ';', '\t']
	});
	const [header, ...data] = parsed.data;
	if (!header) return { ok: false, message: 'The file is empty.' };
	const columns = {} as Record<ImportField, number>;
	const missing: string[] = [];
	for (const field of Object.keys(HEADER_NAMES) as ImportField[]) {
		const index = header.findIndex((name) => HEADER_NAMES[field].includes(normalise(name)));
		if (index < 0) missing.push(LABELS[field]);
		else columns[field] = index;
	}
	if (missing.length > 0)
		return {
			ok: false,
			message: `The first line names no column for ${missing.join(', ')}. It should name the columns: First name, Last name, Email, Role.`
		};
	if (data.length > IMPORT_MAX_ROWS)
		return {
			ok: false,
			message: `The file has ${data.length.toLocaleString('en')} rows; an import takes at most ${IMPORT_MAX_ROWS.toLocaleString('en')}. Split it into several files.`
		};
	const cell = (row: string[], field: ImportField) => (row[columns[field]] ?? '').trim();
	return {
		ok: true,
		delimiter: parsed.meta.delimiter,
		rows: data.map((row, i) => ({
			line: i + 2,
			first_name: cell(row, 'first_name'),
			last_name: cell(row, 'last_name'),
			email: cell(row, 'email'),
			role: cell(row, 'role')
		}))
	};
}

/** A role as typed ("Admin", "administrator") as the database names it, or the text unchanged. */
export function roleOf(typed: string): string {
	const name = typed.trim().toLowerCase();
	if ((USER_ROLES as readonly string[]).includes(name)) return name;
	return ROLE_NAMES[name] ?? typed.trim();
}

export type RowVerdict =
	| { ok: true }
	| { ok: false; fields: Partial<Record<ImportField, string>> }
	| { ok: false; duplicateOf: number };

/**
 * Each row's verdict by create-user's own rules, and the file's duplicates (the later rows with
 * an address an earlier row has: the line of the first).
 */
export function rowVerdicts(rows: readonly ImportRow[]): RowVerdict[] {
	const firstLine = new Map<string, number>();
	return rows.map((row) => {
		const parsed = createUserInput.safeParse({
			first_name: row.first_name,
			last_name: row.last_name,
			email: row.email,
			role: roleOf(row.role)
		});
		if (!parsed.success) {
			const fields = fieldIssues(parsed.error) as Partial<Record<ImportField, string>>;
			if (fields.role) fields.role = `Unknown role “${row.role}”: one of ${USER_ROLES.join(', ')}`;
			return { ok: false, fields };
		}
		const earlier = firstLine.get(parsed.data.email);
		if (earlier !== undefined) return { ok: false, duplicateOf: earlier };
		firstLine.set(parsed.data.email, row.line);
		return { ok: true };
	});
}
