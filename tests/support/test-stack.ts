// The local stack as the test suites use it: on a throwaway PostgreSQL of the configured major
// (the embedded default, 17), with its own state folder and ports, every function warmed up.
// Its log is kept in memory for the test to inspect and printed when startup fails; STACK_LOG=1
// prints it as it goes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local-stack/src/free-port.ts';
import { projectRoot, startStack, type RunningStack } from '../../local-stack/src/stack.ts';
import { configuredMajor, startPostgres } from '../../local-stack/src/postgres.ts';

/** What the contract and attack suites are told about a local stack (see tests/stack/stack-under-test.ts). */
export function stackUnderTest(stack: RunningStack) {
	return {
		apiUrl: stack.apiUrl,
		anonKey: stack.keys.anonKey,
		serviceRoleKey: stack.keys.serviceRoleKey,
		dbUrl: stack.adminDbUrl,
		mailUrl: stack.mailUrl,
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
export async function startTestStack(
	options: { onLog?: (line: string) => void } = {}
): Promise<TestStack> {
	const cluster = await startPostgres({ major: configuredMajor(join(projectRoot, 'supabase')) });
	const stateDir = mkdtempSync(join(tmpdir(), 'umc-stack-'));
	const logs: string[] = [];
	const removeAll = async () => {
		await cluster.stop();
		rmSync(stateDir, { recursive: true, force: true });
	};
	try {
		const stack = await startStack({
			dbUrl: cluster.adminUrl,
			stateDir,
			apiPort: await freePort(),
			mailPort: await freePort(),
			smtpPort: await freePort(),
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
				await removeAll();
			}
		};
	} catch (error) {
		console.error(logs.slice(-50).join('\n'));
		await removeAll();
		throw error;
	}
}
