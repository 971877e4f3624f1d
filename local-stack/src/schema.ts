// Brings a database to the project's schema, the way a Supabase project gets there: the image's
// bootstrap (roles, auth schema…) as the superuser, then supabase/migrations applied by the
// Supabase CLI as `postgres` (not a superuser, as on Supabase) with the CLI's own bookkeeping
// table, then supabase/seed.sql on a fresh database only. The stack and the test scripts share it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { DEMO_ADMIN_EMAIL } from './demo-users.ts';

const run = promisify(execFile);
const stackRoot = resolve(import.meta.dirname, '..');
const projectRoot = resolve(stackRoot, '..');
export const bootstrapFile = join(stackRoot, 'bootstrap/supabase-bootstrap.sql');

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

/** The CLI insists on sslmode for --db-url; a local server speaks no TLS. */
export function cliDbUrl(url: string): string {
	return `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`;
}

export async function applyBootstrap(adminDbUrl: string): Promise<void> {
	await withClient(adminDbUrl, (client) => client.query(readFileSync(bootstrapFile, 'utf8')));
}

const redactUrls = (text: string) => text.replace(/postgres(ql)?:\/\/\S+/g, '<db-url>');

/** `supabase migration up` as the given login; returns the CLI's "Applying migration" lines. */
export async function applyMigrations(dbUrl: string, supabaseDir: string): Promise<string[]> {
	const cli = join(projectRoot, 'node_modules/.bin/supabase');
	try {
		const { stdout, stderr } = await run(
			cli,
			[
				'migration',
				'up',
				'--include-all',
				'--db-url',
				cliDbUrl(dbUrl),
				'--workdir',
				resolve(supabaseDir, '..')
			],
			{ env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' } }
		);
		return `${stdout}${stderr}`
			.split('\n')
			.filter((line) => line.startsWith('Applying migration'))
			.map((line) => line.trim());
	} catch (error) {
		// Not the error itself: its message holds the command line, and the URL may hold a password.
		const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
		// eslint-disable-next-line preserve-caught-error
		throw new Error(`supabase migration up failed:\n${redactUrls(`${stdout}${stderr}`)}`);
	}
}

export interface SchemaResult {
	/** True when this start seeded the demo data. */
	seeded: boolean;
}

export async function prepareSchema(options: {
	adminDbUrl: string;
	dbUrl: string;
	supabaseDir: string;
	/** Seed a fresh database with the demo data, and give each demo persona (by email) this password. */
	demoPasswords?: Record<string, string>;
	log: (message: string) => void;
}): Promise<SchemaResult> {
	await applyBootstrap(options.adminDbUrl);
	for (const line of await applyMigrations(options.dbUrl, options.supabaseDir)) options.log(line);
	const passwords = options.demoPasswords;
	if (passwords === undefined) return { seeded: false };
	const emails = Object.keys(passwords);
	// The seed carries no credentials; the personas get this install's passwords, hashed with
	// bcrypt as GoTrue does. Only where there is none yet: a password set since (in the console)
	// is the user's, and stays.
	const setMissingPasswords = (client: pg.Client) =>
		client.query(
			`update auth.users as u
			 set encrypted_password = extensions.crypt(p.password, extensions.gen_salt('bf', 10)), updated_at = now()
			 from unnest($1::text[], $2::text[]) as p(email, password)
			 where u.email = p.email and coalesce(u.encrypted_password, '') = ''`,
			[emails, emails.map((email) => passwords[email])]
		);

	// Seeded when the demo admin is missing, with the passwords in the same transaction: a first
	// start that died half-way seeds on the next one, and the printed passwords always work.
	const result = await withClient(options.dbUrl, async (client) => {
		const { rows } = await client.query(`select 1 from auth.users where email = $1`, [
			DEMO_ADMIN_EMAIL
		]);
		// A database seeded before every persona had a password gets the missing ones.
		if (rows.length)
			return { seeded: false, updated: (await setMissingPasswords(client)).rowCount };
		await client.query('begin');
		try {
			await client.query(readFileSync(join(options.supabaseDir, 'seed.sql'), 'utf8'));
			await setMissingPasswords(client);
			await client.query('commit');
		} catch (error) {
			await client.query('rollback');
			throw error;
		}
		return { seeded: true, updated: 0 };
	});
	if (result.seeded) options.log('seeded supabase/seed.sql');
	if (result.updated) options.log(`gave ${result.updated} demo personas their generated password`);
	return { seeded: result.seeded };
}
