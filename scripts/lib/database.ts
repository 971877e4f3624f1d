// Bring a plain Postgres to the schema this project runs on: the Supabase bootstrap (what the
// Supabase image already has), then the project's migrations applied by the real Supabase CLI so
// the migration bookkeeping is the CLI's own.
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const projectRoot = resolve(import.meta.dirname, '../..');
export const bootstrapFile = resolve(projectRoot, 'local-stack/bootstrap/supabase-bootstrap.sql');

/** The CLI insists on sslmode for --db-url; a local throwaway server has no TLS. */
export function cliDbUrl(url: string): string {
	return `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`;
}

export function psql(url: string, args: string[]): string {
	return execFileSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe']
	});
}

export function supabaseCli(args: string[]): void {
	const result = spawnSync(resolve(projectRoot, 'node_modules/.bin/supabase'), args, {
		cwd: projectRoot,
		encoding: 'utf8',
		env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' }
	});
	const output = `${result.stdout}${result.stderr}`.trim();
	if (result.status !== 0) throw new Error(`supabase ${args[0]} ${args[1] ?? ''} failed:\n${output}`);
	if (output) console.log(output.replace(/postgresql:\/\/[^\s]+/g, '<db-url>'));
}

export function applyBootstrap(url: string): void {
	psql(url, ['-f', bootstrapFile]);
}

export function applyMigrations(url: string): void {
	supabaseCli(['migration', 'up', '--db-url', cliDbUrl(url)]);
}

export const seedFile = resolve(projectRoot, 'supabase/seed.sql');

export function applySeed(url: string): void {
	psql(url, ['-f', seedFile]);
}

export function prepareDatabase(url: string): void {
	applyBootstrap(url);
	applyMigrations(url);
}

export const typesFile = resolve(projectRoot, 'src/lib/database.types.ts');

/** What `supabase gen types typescript` prints, produced by postgres-meta (the CLI's own generator,
 *  which the CLI would otherwise run in Docker). */
export function generateTypes(url: string): string {
	const result = spawnSync(
		process.execPath,
		[resolve(projectRoot, 'node_modules/@supabase/postgres-meta/dist/server/server.js')],
		{
			encoding: 'utf8',
			timeout: 120_000,
			env: {
				...process.env,
				PG_META_DB_URL: url,
				PG_META_GENERATE_TYPES: 'typescript',
				PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS: 'public',
				PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS: 'true'
			}
		}
	);
	if (result.status !== 0 || !result.stdout.includes('export type Database')) {
		throw new Error(`postgres-meta type generation failed:\n${result.stdout}${result.stderr}`);
	}
	return result.stdout.trimEnd() + '\n';
}
