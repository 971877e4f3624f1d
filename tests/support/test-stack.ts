// The local stack as the test suites use it: on a throwaway PostgreSQL 15 (real concurrency, the
// Postgres of Supabase's image), with its own state folder and port, every function warmed up.
// Its log is kept in memory for the test to inspect and printed when startup fails; STACK_LOG=1
// prints it as it goes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local-stack/src/free-port.ts';
import { startStack, type RunningStack } from '../../local-stack/src/stack.ts';
import { startThrowawayCluster } from '../../scripts/lib/pg-cluster.ts';

/** What the contract and attack suites are told about a local stack (see tests/stack/stack-under-test.ts). */
export function stackUnderTest(stack: RunningStack) {
	return {
		apiUrl: stack.apiUrl,
		anonKey: stack.keys.anonKey,
		serviceRoleKey: stack.keys.serviceRoleKey,
		dbUrl: stack.dbUrl,
		jwtSecret: stack.keys.jwtSecret,
		embedded: true
	};
}

export interface TestStack {
	stack: RunningStack;
	logs: string[];
	stop(): Promise<void>;
}

/** `onLog` receives every line the stack and its functions log (the attack suite files them). */
export async function startTestStack(options: { onLog?: (line: string) => void } = {}): Promise<TestStack> {
	const cluster = await startThrowawayCluster();
	const stateDir = mkdtempSync(join(tmpdir(), 'umc-stack-'));
	const logs: string[] = [];
	const removeAll = () => {
		cluster.stop();
		rmSync(stateDir, { recursive: true, force: true });
	};
	try {
		const stack = await startStack({
			dbUrl: cluster.url,
			stateDir,
			apiPort: await freePort(),
			warmFunctions: true,
			log: (scope, message) => {
				const line = `[${scope}] ${message}`;
				logs.push(line);
				options.onLog?.(line);
				if (process.env.STACK_LOG) console.log(line);
			}
		});
		return {
			stack,
			logs,
			async stop() {
				await stack.stop();
				removeAll();
			}
		};
	} catch (error) {
		console.error(logs.slice(-50).join('\n'));
		removeAll();
		throw error;
	}
}
