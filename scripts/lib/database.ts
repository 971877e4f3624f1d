// Helpers of the test and generation scripts: psql, the Supabase CLI, the schema (written once in
// local-stack/src/schema.ts), type generation.
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { cliDbUrl, prepareSchema } from '../../local-stack/src/schema.ts';

export const projectRoot = resolve(import.meta.dirname, '../..');
export const supabaseDir = resolve(projectRoot, 'supabase');
export { cliDbUrl };

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
	if (result.status !== 0)
		throw new Error(`supabase ${args[0]} ${args[1] ?? ''} failed:\n${output}`);
	if (output) console.log(output.replace(/postgresql:\/\/[^\s]+/g, '<db-url>'));
}

/** Bootstrap as the superuser, migrations as `postgres`: see local-stack/src/schema.ts. */
export async function prepareDatabase(server: { adminUrl: string; url: string }): Promise<void> {
	await prepareSchema({
		adminDbUrl: server.adminUrl,
		dbUrl: server.url,
		supabaseDir,
		log: (line) => console.log(line)
	});
}

export const seedFile = resolve(supabaseDir, 'seed.sql');

export const typesFile = resolve(supabaseDir, 'functions/_shared/database.types.ts');

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
