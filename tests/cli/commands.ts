// Starting the project's commands as a developer would, with their own ports and state folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const projectRoot = resolve(import.meta.dirname, '../..');

import { freePort } from '../../local-stack/src/free-port.ts';

export { freePort };

export type StackEnvironment = Record<
	| 'STACK_API_PORT'
	| 'STACK_DB_PORT'
	| 'STACK_MAIL_PORT'
	| 'STACK_SMTP_PORT'
	| 'APP_PORT'
	| 'STACK_STATE_DIR',
	string
>;

export async function freshEnvironment(): Promise<StackEnvironment> {
	return {
		STACK_API_PORT: String(await freePort()),
		STACK_DB_PORT: String(await freePort()),
		STACK_MAIL_PORT: String(await freePort()),
		STACK_SMTP_PORT: String(await freePort()),
		APP_PORT: String(await freePort()),
		STACK_STATE_DIR: mkdtempSync(join(tmpdir(), 'umc-cli-'))
	};
}

export interface Running {
	child: ChildProcess;
	output: () => string;
	/** Resolves with the output once `pattern` appears in it; rejects on exit or after `ms`. */
	waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
	exited: Promise<number | null>;
}

export function start(
	script: string,
	env: Partial<StackEnvironment>,
	args: string[] = []
): Running {
	const child = spawn('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
		cwd: projectRoot,
		env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true // its own process group, so the test can tell whether every child is gone
	});
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	const exited = new Promise<number | null>((resolveExit) =>
		child.on('exit', (code) => resolveExit(code))
	);
	return {
		child,
		output: () => output,
		exited,
		waitFor(pattern, ms = 60_000) {
			return new Promise((resolveMatch, reject) => {
				const started = Date.now();
				const timer = setInterval(() => {
					const match = pattern.exec(output);
					if (match) {
						clearInterval(timer);
						resolveMatch(match);
					} else if (child.exitCode !== null || Date.now() - started > ms) {
						clearInterval(timer);
						reject(new Error(`did not see ${pattern} (exit ${child.exitCode}) in:\n${output}`));
					}
				}, 100);
			});
		}
	};
}

/**
 * Ctrl-C as a terminal sends it: SIGINT to the whole process group (npm, tsx, the stack, vite,
 * Deno). Resolves once no process of the group is left, or rejects after 20 s.
 */
export async function interrupt(running: Running): Promise<void> {
	process.kill(-running.child.pid!, 'SIGINT');
	await running.exited;
	for (let i = 0; i < 200; i++) {
		if (!processGroupAlive(running.child.pid!)) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(
		`processes of group ${running.child.pid} still run 20 s after Ctrl-C:\n${running.output()}`
	);
}

export function processGroupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}
