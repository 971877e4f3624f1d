// A running stack leaves its connection details in the state folder so that `npm run
// stack:status`, scripts and tests can reach it, with the names `supabase status -o env` prints.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoUser } from './demo-users.ts';
import type { RunningStack } from './stack.ts';

export interface StatusFile {
	pid: number;
	API_URL: string;
	DB_URL: string;
	/** The mail catcher's page; the CLI prints it as INBUCKET_URL / MAILPIT_URL. */
	MAILPIT_URL: string;
	ANON_KEY: string;
	SERVICE_ROLE_KEY: string;
	JWT_SECRET: string;
	/** Not a NAME=value line: `npm run stack:status` prints them as a block for people. */
	demoUsers: DemoUser[];
}

export const statusFilePath = (stateDir: string) => join(stateDir, 'status.json');

export function writeStatusFile(stateDir: string, stack: RunningStack): void {
	const status: StatusFile = {
		pid: process.pid,
		API_URL: stack.apiUrl,
		DB_URL: stack.dbUrl,
		MAILPIT_URL: stack.mailUrl,
		ANON_KEY: stack.keys.anonKey,
		SERVICE_ROLE_KEY: stack.keys.serviceRoleKey,
		JWT_SECRET: stack.keys.jwtSecret,
		demoUsers: stack.demoUsers
	};
	writeFileSync(statusFilePath(stateDir), JSON.stringify(status, null, 2) + '\n', { mode: 0o600 });
}

export function removeStatusFile(stateDir: string): void {
	rmSync(statusFilePath(stateDir), { force: true });
}

export function readStatusFile(stateDir: string): StatusFile | null {
	const file = statusFilePath(stateDir);
	if (!existsSync(file)) return null;
	const status = JSON.parse(readFileSync(file, 'utf8')) as StatusFile;
	try {
		process.kill(status.pid, 0);
		return status;
	} catch {
		return null; // left behind by a stack that was killed
	}
}
