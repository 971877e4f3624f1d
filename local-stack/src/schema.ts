// Brings a database to the project's schema, the way a Supabase project gets there: the image's
// bootstrap (roles, auth schema…) as the superuser, then supabase/migrations applied by the
// Supabase CLI as `postgres` (not a superuser, as on Supabase) with the CLI's own bookkeeping
// table, then supabase/seed.sql on a fresh database only. The stack and the test scripts share it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const stackRoot = resolve(import.meta.dirname, '..');
const projectRoot = resolve(stackRoot, '..');
export const bootstrapFile = join(stackRoot, 'bootstrap/supabase-bootstrap.sql');
export const DEMO_ADMIN_EMAIL = 'admin@demo.test';

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
	/** Seed a fresh database with the demo data, and give the demo admin this password. */
	demoAdminPassword?: string;
	log: (message: string) => void;
}): Promise<SchemaResult> {
	await applyBootstrap(options.adminDbUrl);
	for (const line of await applyMigrations(options.dbUrl, options.supabaseDir)) options.log(line);
	const password = options.demoAdminPassword;
	if (password === undefined) return { seeded: false };

	// Seeded when the demo admin is missing, with its password in the same transaction: a first
	// start that died half-way seeds on the next one, and the printed password always works.
	const seeded = await withClient(options.dbUrl, async (client) => {
		const { rows } = await client.query(`select 1 from auth.users where email = $1`, [
			DEMO_ADMIN_EMAIL
		]);
		if (rows.length) return false;
		await client.query('begin');
		try {
			await client.query(readFileSync(join(options.supabaseDir, 'seed.sql'), 'utf8'));
			// The seed carries no credentials; the demo admin gets this install's password, hashed
			// with bcrypt as GoTrue does.
			await client.query(
				`update auth.users
				 set encrypted_password = extensions.crypt($2, extensions.gen_salt('bf', 10)), updated_at = now()
				 where email = $1`,
				[DEMO_ADMIN_EMAIL, password]
			);
			await client.query('commit');
		} catch (error) {
			await client.query('rollback');
			throw error;
		}
		return true;
	});
	if (seeded) options.log('seeded supabase/seed.sql');
	return { seeded };
}
