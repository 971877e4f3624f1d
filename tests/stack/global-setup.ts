// Contract tests run against a Supabase: by default a fresh embedded stack on a throwaway
// PostgreSQL 15; or, when SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY (and
// optionally SUPABASE_DB_URL) are set, any Supabase, e.g. `npx supabase start` where Docker exists.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startThrowawayCluster } from '../../scripts/lib/pg-cluster.ts';
import { startStack } from '../../local-stack/src/stack.ts';
import { freePort } from '../../local-stack/src/free-port.ts';
import type { StackUnderTest } from './stack-under-test.ts';

export default async function setup(project: TestProject) {
	const { SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY, SUPABASE_DB_URL, SUPABASE_JWT_SECRET } = process.env;
	if (SUPABASE_URL && SUPABASE_ANON_KEY && SUPABASE_SERVICE_ROLE_KEY) {
		project.provide('stack', {
			apiUrl: SUPABASE_URL,
			anonKey: SUPABASE_ANON_KEY,
			serviceRoleKey: SUPABASE_SERVICE_ROLE_KEY,
			dbUrl: SUPABASE_DB_URL ?? null,
			jwtSecret: SUPABASE_JWT_SECRET ?? null,
			embedded: false
		} satisfies StackUnderTest);
		return;
	}

	const cluster = await startThrowawayCluster();
	const stateDir = mkdtempSync(join(tmpdir(), 'umc-stack-'));
	const logs: string[] = [];
	try {
		const stack = await startStack({
			dbUrl: cluster.url,
			stateDir,
			apiPort: await freePort(),
			warmFunctions: true,
			log: (scope, message) => {
				logs.push(`[${scope}] ${message}`);
				if (process.env.STACK_LOG) console.log(`[${scope}] ${message}`);
			}
		});
		project.provide('stack', {
			apiUrl: stack.apiUrl,
			anonKey: stack.keys.anonKey,
			serviceRoleKey: stack.keys.serviceRoleKey,
			dbUrl: stack.dbUrl,
			jwtSecret: stack.keys.jwtSecret,
			embedded: true
		} satisfies StackUnderTest);
		return async () => {
			await stack.stop();
			cluster.stop();
			rmSync(stateDir, { recursive: true, force: true });
		};
	} catch (error) {
		cluster.stop();
		rmSync(stateDir, { recursive: true, force: true });
		console.error(logs.join('\n'));
		throw error;
	}
}
