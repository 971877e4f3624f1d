// No secrets where they don't belong (runs last: the sequencer in vitest.config.ts).
// 1. The built SPA, built here with this stack's PUBLIC_SUPABASE_URL / PUBLIC_SUPABASE_ANON_KEY,
//    holds the anon key (the control: the build used them, and the search finds a key) and no
//    service-role key, JWT secret or password.
// 2. The stack's and the Edge Functions' logs (every line they wrote during the whole suite)
//    hold no password the suite created or was given, and no key or secret.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { stack } from '../stack/stack-under-test.ts';
import './support-files.ts';

const run = promisify(execFile);
const projectRoot = resolve(import.meta.dirname, '../..');

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

/** The secrets of this suite: keys, the JWT secret, and every remembered password. */
function secrets(): Array<{ what: string; value: string }> {
	const passwords = readFileSync(inject('suiteFiles').secretsFile, 'utf8')
		.split('\n')
		.filter((line) => line.length >= 8);
	return [
		{ what: 'service-role key', value: stack().serviceRoleKey },
		{
			what: 'service-role key signature',
			value: stack().serviceRoleKey.split('.')[2] ?? stack().serviceRoleKey
		},
		{ what: 'JWT secret', value: stack().jwtSecret ?? '' },
		...[...new Set(passwords)].map((value) => ({ what: `password ${value.slice(0, 2)}…`, value }))
	].filter((secret) => secret.value.length >= 8);
}

describe('no secrets where they do not belong', () => {
	it(
		'the built SPA holds the anon key but no service-role key, JWT secret or password',
		{ timeout: 180_000 },
		async () => {
			// NODE_ENV: vitest sets it to `test`, which would make a development-flavoured bundle (and
			// leave it in build/ for the suites that serve it); this must be the build that ships.
			const env = {
				...process.env,
				NODE_ENV: 'production',
				PUBLIC_SUPABASE_URL: stack().apiUrl,
				PUBLIC_SUPABASE_ANON_KEY: stack().anonKey
			};
			await run('npx', ['vite', 'build'], {
				cwd: projectRoot,
				env,
				maxBuffer: 64 * 1024 * 1024
			}).catch((error: { stdout?: string; stderr?: string }) => {
				throw new Error(`npm run build failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
			});
			const files = filesUnder(join(projectRoot, 'build'));
			expect(files.length).toBeGreaterThan(0);
			const contents = files.map((file) => ({ file, text: readFileSync(file).toString('latin1') }));
			expect(
				contents.some(({ text }) => text.includes(stack().anonKey)),
				'the build carries the anon key it was given'
			).toBe(true);
			const list = secrets();
			expect(list.length).toBeGreaterThan(3);
			const leaks = list.flatMap(({ what, value }) =>
				contents.filter(({ text }) => text.includes(value)).map(({ file }) => `${what} in ${file}`)
			);
			expect(leaks).toEqual([]);
		}
	);

	it("neither the stack's nor the functions' logs hold a password, key or secret", () => {
		const log = readFileSync(inject('suiteFiles').logFile, 'utf8');
		expect(log.length, 'the logs were captured').toBeGreaterThan(0);
		const list = secrets();
		const leaks = list.filter(({ value }) => log.includes(value)).map(({ what }) => what);
		console.log(
			`secrets check: ${list.length} secrets looked for in ${log.split('\n').length} log lines`
		);
		expect(leaks).toEqual([]);
	});
});
