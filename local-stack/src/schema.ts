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
		const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
		throw new Error(`supabase migration up failed:\n${stdout}${stderr}`, { cause: error });
	}
}

export async function applySeed(dbUrl: string, supabaseDir: string): Promise<void> {
	await withClient(dbUrl, (client) =>
		client.query(readFileSync(join(supabaseDir, 'seed.sql'), 'utf8'))
	);
}

export interface SchemaResult {
	/** True when this start created the schema (and seeded it). */
	fresh: boolean;
}

export async function prepareSchema(options: {
	adminDbUrl: string;
	dbUrl: string;
	supabaseDir: string;
	/** Seed a fresh database with the demo data, and give the demo admin this password. */
	demoAdminPassword?: string;
	log: (message: string) => void;
}): Promise<SchemaResult> {
	const fresh = await withClient(options.adminDbUrl, async (client) => {
		const { rows } = await client.query(
			`select to_regclass('supabase_migrations.schema_migrations') is null as fresh`
		);
		return rows[0].fresh as boolean;
	});
	await applyBootstrap(options.adminDbUrl);
	for (const line of await applyMigrations(options.dbUrl, options.supabaseDir)) options.log(line);

	if (fresh && options.demoAdminPassword !== undefined) {
		await applySeed(options.dbUrl, options.supabaseDir);
		// The seed carries no credentials; the demo admin gets this install's password, hashed with
		// bcrypt as GoTrue does.
		await withClient(options.dbUrl, (client) =>
			client.query(
				`update auth.users
				 set encrypted_password = extensions.crypt($2, extensions.gen_salt('bf', 10)), updated_at = now()
				 where email = $1`,
				[DEMO_ADMIN_EMAIL, options.demoAdminPassword]
			)
		);
		options.log('seeded supabase/seed.sql');
	}
	return { fresh };
}
