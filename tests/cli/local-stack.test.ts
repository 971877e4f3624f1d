// What a newcomer does on a bare machine: `npm run dev`, sign in as each printed demo persona, Ctrl-C;
// `npm run stack` + `npm run stack:status`; a restart that keeps the data; a busy port.
import { createNodeClient } from '../../scripts/lib/supabase-node.ts';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshEnvironment, interrupt, processGroupAlive, projectRoot, start } from './commands.ts';

const run = promisify(execFile);

describe('npm run dev', () => {
	it('brings up the app and the stack within 60 s, banner last; its Keys command finds it; each printed persona signs in; Ctrl-C stops everything', async () => {
		// The state folder as a flag, the way the README's flags read, not as STACK_STATE_DIR:
		// the banner's Keys command has to find the stack with no help from the environment.
		const { STACK_STATE_DIR: stateDir, ...env } = await freshEnvironment();
		const shellEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
		delete shellEnv.STACK_STATE_DIR;
		const dev = start('dev', env, ['--state-dir', stateDir]);
		try {
			const startedAt = Date.now();
			await dev.waitFor(/Stop: Ctrl-C/, 60_000);
			const seconds = (Date.now() - startedAt) / 1000;
			expect(seconds).toBeLessThan(60);
			// Nothing of the dev server's start (its URLs, "use --host to expose") under the banner.
			await new Promise((r) => setTimeout(r, 1500));
			const banner = dev
				.output()
				.slice(dev.output().lastIndexOf('User Management — local stack is up'));
			expect(banner.slice(banner.indexOf('Stop: Ctrl-C')).trim()).toBe('Stop: Ctrl-C');
			expect(dev.output()).not.toMatch(/Network:|VITE v/);

			const appUrl = /App\s+(http:\/\/\S+)/.exec(banner)![1]!;
			const apiUrl = /API\s+(http:\/\/\S+)/.exec(banner)![1]!;
			const [, email, password] = /Demo admin\s+(\S+) \/ (\S+)/.exec(banner)!;
			expect((await fetch(appUrl)).status).toBe(200);

			// Typed as printed, by a shell without STACK_STATE_DIR.
			const keysCommand = /Keys: (.+?) {2,}Stop/.exec(banner)![1]!;
			expect(keysCommand).toContain('--state-dir');
			const status = await run('sh', ['-c', keysCommand], { cwd: projectRoot, env: shellEnv });
			const anonKey = /^ANON_KEY=(.+)$/m.exec(status.stdout)![1]!;
			const signIn = async (email: string, password: string) => {
				const supabase = createNodeClient(apiUrl, anonKey);
				const { data, error } = await supabase.auth.signInWithPassword({ email, password });
				expect(error, email).toBeNull();
				const { data: me } = await supabase
					.from('users')
					.select('email, role')
					.eq('id', data.user!.id)
					.single();
				return me;
			};
			expect(await signIn(email!, password!)).toEqual({ email: 'admin@demo.test', role: 'admin' });

			// Every other persona of the seed, each with its own password, no admin needed first.
			const personas = [
				...banner.matchAll(/^ {2}(?:Demo users)? +(\S+@\S+) \/ (\S+) \/ (\w+)$/gm)
			].map(([, email, password, role]) => ({ email: email!, password: password!, role: role! }));
			expect(personas.map((p) => p.role)).toEqual(['manager', 'member', 'external']);
			for (const persona of personas)
				expect(await signIn(persona.email, persona.password)).toEqual({
					email: persona.email,
					role: persona.role
				});
			expect(new Set([password, ...personas.map((p) => p.password)]).size).toBe(4);

			// stack:status lists them all again, for people, without touching the NAME=value lines.
			expect(status.stderr.trim().split('\n')).toEqual([
				'Demo users (email / password / role):',
				`  admin@demo.test / ${password} / admin`,
				...personas.map((p) => `  ${p.email} / ${p.password} / ${p.role}`)
			]);
			// (npm's own "> stack:status" header precedes them, as typed without --silent.)
			expect(status.stdout).not.toContain('Demo users');
			expect(status.stdout.match(/^[A-Z_]+(?==)/gm)).toEqual([
				'API_URL',
				'DB_URL',
				'MAILPIT_URL',
				'ANON_KEY',
				'SERVICE_ROLE_KEY',
				'JWT_SECRET'
			]);
		} finally {
			await interrupt(dev);
			expect(processGroupAlive(dev.child.pid!)).toBe(false);
			expect(dev.output()).toContain('Stopping');
			rmSync(stateDir, { recursive: true, force: true });
		}
	});
});

describe('npm run stack', () => {
	it('gives working keys through stack:status, keeps data across a restart, and is reachable over the wire protocol', async () => {
		const env = await freshEnvironment();
		try {
			const first = start('stack', env);
			await first.waitFor(/Stop: Ctrl-C/);
			const status = await run('npm', ['run', '--silent', 'stack:status'], {
				cwd: projectRoot,
				env: { ...process.env, ...env }
			});
			const values = Object.fromEntries(
				status.stdout
					.trim()
					.split('\n')
					.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
			);
			expect(Object.keys(values)).toEqual([
				'API_URL',
				'DB_URL',
				'MAILPIT_URL',
				'ANON_KEY',
				'SERVICE_ROLE_KEY',
				'JWT_SECRET'
			]);

			// The mail catcher: a page to read mail, and Mailpit's API.
			const page = await fetch(values.MAILPIT_URL!);
			expect(page.status).toBe(200);
			expect(await page.text()).toContain('Local mail');
			const mailbox = await (await fetch(`${values.MAILPIT_URL}/api/v1/messages`)).json();
			expect(mailbox).toMatchObject({ messages: expect.any(Array) });

			// The service key creates a user through the Auth admin API; that user signs in with the anon key.
			const admin = createNodeClient(values.API_URL!, values.SERVICE_ROLE_KEY!);
			const created = await admin.auth.admin.createUser({
				email: 'kept@restart.test',
				password: 'a-long-password-1',
				email_confirm: true
			});
			expect(created.error).toBeNull();
			const signIn = await createNodeClient(
				values.API_URL!,
				values.ANON_KEY!
			).auth.signInWithPassword({
				email: 'kept@restart.test',
				password: 'a-long-password-1'
			});
			expect(signIn.error).toBeNull();

			// psql, the Supabase CLI and the functions reach the same database by its URL.
			const client = new pg.Client({ connectionString: values.DB_URL });
			await client.connect();
			const { rows } = await client.query(
				`select count(*)::int as n from public.users where email like '%@demo.test'`
			);
			// As on Supabase: PostgreSQL 17, and DB_URL's postgres is no superuser.
			const { rows: server } = await client.query(
				`select current_setting('server_version_num')::int / 10000 as major, current_user as login, (select rolsuper from pg_roles where rolname = current_user) as superuser`
			);
			await client.end();
			expect(rows[0].n).toBe(4);
			expect(server[0]).toEqual({ major: 17, login: 'postgres', superuser: false });

			await interrupt(first);
			const notRunning = await run('npm', ['run', '--silent', 'stack:status'], {
				cwd: projectRoot,
				env: { ...process.env, ...env }
			}).catch((e) => e);
			expect(notRunning.code).toBe(1);
			expect(notRunning.stderr).toMatch(/not running/);

			const warmStart = Date.now();
			const second = start('stack', env);
			await second.waitFor(/Stop: Ctrl-C/);
			console.log(`warm start of npm run stack: ${((Date.now() - warmStart) / 1000).toFixed(1)} s`);
			expect(second.output()).not.toMatch(/Applying migration|seeded/);
			const again = await createNodeClient(
				values.API_URL!,
				values.ANON_KEY!
			).auth.signInWithPassword({
				email: 'kept@restart.test',
				password: 'a-long-password-1'
			});
			expect(again.error).toBeNull();
			await interrupt(second);
		} finally {
			rmSync(env.STACK_STATE_DIR, { recursive: true, force: true });
		}
	});

	it('takes its Postgres, Mailpit and Deno along when only its own process is told to stop', async () => {
		// A service manager or `kill` signals the stack's process alone, not its process group:
		// the stack itself must stop its children, or they would outlive it holding the ports.
		const env = await freshEnvironment();
		const stack = start('stack', env);
		try {
			await stack.waitFor(/Stop: Ctrl-C/);
			const { pid } = JSON.parse(
				readFileSync(join(env.STACK_STATE_DIR, 'status.json'), 'utf8')
			) as { pid: number };
			process.kill(pid, 'SIGTERM');
			await stack.exited;
			let alive = true;
			for (let i = 0; i < 100 && alive; i++) {
				alive = processGroupAlive(stack.child.pid!);
				if (alive) await new Promise((r) => setTimeout(r, 100));
			}
			expect(alive).toBe(false);
		} finally {
			if (processGroupAlive(stack.child.pid!)) process.kill(-stack.child.pid!, 'SIGKILL');
			rmSync(env.STACK_STATE_DIR, { recursive: true, force: true });
		}
	});

	it('names the busy port and how to pick another', async () => {
		const env = await freshEnvironment();
		const blocker = createServer().listen(Number(env.STACK_API_PORT), '127.0.0.1');
		try {
			const stack = start('stack', env);
			expect(await stack.exited).toBe(1);
			expect(stack.output()).toContain(
				`Port ${env.STACK_API_PORT} (API gateway) is already in use`
			);
			expect(stack.output()).toContain('--port or STACK_API_PORT');
		} finally {
			blocker.close();
			rmSync(env.STACK_STATE_DIR, { recursive: true, force: true });
		}
	});
});
