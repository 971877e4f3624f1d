// Brings the stack's database to the project's schema, the way a Supabase project gets there: the
// image's bootstrap (roles, auth schema…), then supabase/migrations applied by the Supabase CLI
// with its own bookkeeping table, then supabase/seed.sql on a fresh database only.
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

export interface SchemaResult {
	/** True when this start created the schema (and seeded it). */
	fresh: boolean;
}

export async function prepareSchema(options: {
	dbUrl: string;
	supabaseDir: string;
	demoAdminPassword: string;
	log: (message: string) => void;
}): Promise<SchemaResult> {
	const client = new pg.Client({ connectionString: options.dbUrl });
	await client.connect();
	try {
		const { rows } = await client.query(`select to_regclass('supabase_migrations.schema_migrations') is null as fresh`);
		const fresh = rows[0].fresh as boolean;

		await client.query(readFileSync(bootstrapFile, 'utf8'));

		// The CLI connects on its own; `sslmode=disable` because a local server speaks no TLS.
		const cli = join(projectRoot, 'node_modules/.bin/supabase');
		const separator = options.dbUrl.includes('?') ? '&' : '?';
		try {
			const { stdout, stderr } = await run(
				cli,
				['migration', 'up', '--include-all', '--db-url', `${options.dbUrl}${separator}sslmode=disable`, '--workdir', resolve(options.supabaseDir, '..')],
				{ env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' } }
			);
			for (const line of `${stdout}${stderr}`.split('\n')) {
				if (line.startsWith('Applying migration')) options.log(line.trim());
			}
		} catch (error) {
			const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
			throw new Error(`supabase migration up failed:\n${stdout}${stderr}`);
		}

		if (fresh) {
			await client.query(readFileSync(join(options.supabaseDir, 'seed.sql'), 'utf8'));
			// The seed carries no credentials; the demo admin gets this install's password, hashed
			// with bcrypt as GoTrue does.
			await client.query(
				`update auth.users
				 set encrypted_password = extensions.crypt($2, extensions.gen_salt('bf', 10)), updated_at = now()
				 where email = $1`,
				[DEMO_ADMIN_EMAIL, options.demoAdminPassword]
			);
			options.log('seeded supabase/seed.sql');
		}
		return { fresh };
	} finally {
		await client.end();
	}
}
