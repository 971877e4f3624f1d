// The database test run: a throwaway PostgreSQL 15 cluster with the Supabase bootstrap, the
// migrations applied by the Supabase CLI, `supabase db lint`, the pgTAP suite under pg_prove (what
// `supabase test db` runs in its container), the concurrency tests, and a check that the
// generated types match the schema. The cluster is removed afterwards, pass or fail.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mutations } from '../tests/db/mutations.ts';
import { startThrowawayCluster } from './lib/pg-cluster.ts';
import {
	applySeed,
	cliDbUrl,
	generateTypes,
	prepareDatabase,
	projectRoot,
	psql,
	supabaseCli,
	typesFile
} from './lib/database.ts';

function step(title: string) {
	console.log(`\n── ${title}`);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, quiet = false): boolean {
	const result = spawnSync(cmd, args, {
		cwd: projectRoot,
		stdio: quiet ? 'ignore' : 'inherit',
		env: { ...process.env, ...env }
	});
	if (!quiet && result.status !== 0) throw new Error(`${cmd} exited with ${result.status ?? result.signal}`);
	return result.status === 0;
}

const pgProve = (port: number, database: string, quiet = false) =>
	run('pg_prove', ['--ext', '.sql', '-r', '--failures', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database, 'supabase/tests'], {}, quiet);
const raceTest = (url: string, quiet = false) =>
	run('npx', ['vitest', 'run', '--config', 'tests/db/vitest.config.ts'], { TEST_DATABASE_URL: url }, quiet);

execFileSync('bash', [resolve(projectRoot, 'scripts/ensure-system-deps.sh')], { stdio: 'inherit' });

step('throwaway PostgreSQL 15 cluster');
const cluster = await startThrowawayCluster();
try {
	console.log(`port ${cluster.port}, data in ${cluster.dataDir}`);

	step('Supabase bootstrap + migrations (supabase migration up)');
	prepareDatabase(cluster.url);

	step('supabase db lint');
	supabaseCli(['db', 'lint', '--db-url', cliDbUrl(cluster.url), '--level', 'warning', '--fail-on', 'error']);

	step('pgTAP (pg_prove)');
	// `supabase test db` installs pgTAP the same way before running pg_prove.
	psql(cluster.url, ['-c', 'create extension if not exists pgtap with schema extensions']);
	pgProve(cluster.port, 'postgres');

	step('concurrency (separate connections)');
	// On a copy: the race test leaves its organization behind, the mutation copies must not inherit it.
	psql(cluster.url, ['-c', 'create database race template postgres']);
	raceTest(cluster.url.replace(/\/postgres$/, '/race'));

	step(`mutations: each of ${mutations.length} weakened rules must make a test fail`);
	const survivors: string[] = [];
	for (const [index, mutation] of mutations.entries()) {
		const database = `mutant_${index}`;
		psql(cluster.url, ['-c', `create database ${database} template postgres`]);
		const mutantUrl = cluster.url.replace(/\/postgres$/, `/${database}`);
		psql(mutantUrl, ['-c', mutation.sql]);
		const passed = mutation.caughtBy === 'pgtap' ? pgProve(cluster.port, database, true) : raceTest(mutantUrl, true);
		console.log(`${passed ? 'SURVIVED' : 'caught  '}  ${mutation.name} (${mutation.caughtBy})`);
		if (passed) survivors.push(mutation.name);
	}
	if (survivors.length) throw new Error(`tests did not notice: ${survivors.join('; ')}`);

	step('seed applies, twice');
	applySeed(cluster.url);
	applySeed(cluster.url);
	const seeded = psql(cluster.url, ['-tA', '-c', `select string_agg(role::text, ',' order by role) from public.users where organization_id = '00000000-0000-4000-8000-00000000d000'`]).trim();
	if (seeded !== 'admin,manager,member,external') throw new Error(`seed produced roles [${seeded}]`);
	console.log(`demo organization: ${seeded}`);

	step('generated types are current');
	const generated = generateTypes(cluster.url);
	if (generated !== readFileSync(typesFile, 'utf8')) {
		throw new Error('src/lib/database.types.ts is stale: run `npm run gen:types` and commit the result.');
	}
	console.log('src/lib/database.types.ts matches the migrations');
} finally {
	cluster.stop();
}
