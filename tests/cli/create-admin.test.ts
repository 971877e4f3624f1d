// `npm run create-admin` as an operator first meets it: --help, and every way of calling it wrong
// answered with one line and the usage (exit 2), never a stack trace. No Supabase is needed: each
// mistake is caught before anything is sent.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from './commands.ts';

const run = promisify(execFile);
// No stack runs there: a call that got past its arguments could reach none.
const stateDir = mkdtempSync(join(tmpdir(), 'umc-create-admin-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

async function createAdmin(args: string[], env: Record<string, string> = {}) {
	const cleanEnv = { ...process.env };
	delete cleanEnv.SUPABASE_URL;
	delete cleanEnv.SUPABASE_SERVICE_ROLE_KEY;
	return run('npm', ['run', '--silent', 'create-admin', '--', ...args], {
		cwd: projectRoot,
		env: { ...cleanEnv, STACK_STATE_DIR: stateDir, NO_COLOR: '1', ...env }
	}).then(
		({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
		(error: { code: number; stdout: string; stderr: string }) => error
	);
}

const stackTrace = /^\s+at |node:internal|Error: /m;

describe('npm run create-admin', () => {
	it('--help prints the usage, every flag and examples, and exits 0', async () => {
		const { code, stdout, stderr } = await createAdmin(['--help']);
		expect(code).toBe(0);
		expect(stderr).toBe('');
		expect(stdout).toMatch(/^Usage: npm run create-admin -- --org NAME --email EMAIL/);
		for (const flag of [
			'--org',
			'--email',
			'--first-name',
			'--last-name',
			'--url',
			'--service-key',
			'--state-dir',
			'--help'
		])
			expect(stdout).toContain(`  ${flag} `);
		expect(stdout).toMatch(/Examples:\n\s+npm run create-admin -- --org "Acme" --email/);
	});

	it.each([
		[['--bogus'], "Unknown option '--bogus'"],
		[['--org'], "Option '--org <value>' argument missing"],
		[['stray'], "Unexpected argument 'stray'"],
		[['--email', 'ada@acme.test'], '--org is required'],
		[['--org', '  ', '--email', 'ada@acme.test'], '--org is required'],
		[['--org', 'Acme'], '--email is required'],
		[['--org', 'Acme', '--email', 'not-an-email'], '--email: Enter a valid email address.'],
		[
			['--org', 'Acme', '--email', 'ada@acme.test', '--first-name', ' '],
			'--first-name: First name is required.'
		],
		[
			['--org', 'Acme', '--email', 'ada@acme.test', '--url', 'https://x.supabase.co'],
			'--service-key is missing'
		],
		[['--org', 'Acme', '--email', 'ada@acme.test', '--service-key', 'k'], '--url is missing'],
		[
			['--org', 'Acme', '--email', 'ada@acme.test', '--url', 'nope', '--service-key', 'k'],
			'--url must be a URL'
		]
	])('%j: one line saying what is wrong, the usage, exit 2', async (args, message) => {
		const { code, stdout, stderr } = await createAdmin(args);
		expect(code).toBe(2);
		expect(stdout).toBe('');
		const [first, blank, usage] = stderr.split('\n');
		expect(first).toContain(message);
		expect(blank).toBe('');
		expect(usage).toMatch(/^Usage: npm run create-admin -- --org NAME/);
		expect(stderr).not.toMatch(stackTrace);
	});

	it('half of the environment pair is a mistake too, not a mix with the local stack', async () => {
		const { code, stderr } = await createAdmin(['--org', 'Acme', '--email', 'ada@acme.test'], {
			SUPABASE_URL: 'https://x.supabase.co'
		});
		expect(code).toBe(2);
		expect(stderr.split('\n')[0]).toContain('SUPABASE_SERVICE_ROLE_KEY is missing');
		expect(stderr).not.toMatch(stackTrace);
	});

	it('with nothing to talk to, says so in one line (exit 1)', async () => {
		const { code, stdout, stderr } = await createAdmin([
			'--org',
			'Acme',
			'--email',
			'ada@acme.test'
		]);
		expect(code).toBe(1);
		expect(stdout).toBe('');
		expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('No Supabase to talk to')]);
	});
});
