// One embedded stack on a throwaway PostgreSQL 17 for the attack and fault suite, like
// tests/stack/global-setup.ts, plus what the secrets check needs: every line the stack and the
// functions log goes to a file, and every password the suite creates or sees is appended to
// another (support.ts `rememberSecret`), so secrets.test.ts can look for one in the other.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { stackUnderTest, startTestStack } from '../support/test-stack.ts';
import type { StackUnderTest } from '../stack/stack-under-test.ts';
import type { SuiteFiles } from './support-files.ts';

export default async function setup(project: TestProject) {
	const workDir = mkdtempSync(join(tmpdir(), 'umc-attacks-'));
	const files: SuiteFiles = {
		workDir,
		logFile: join(workDir, 'stack.log'),
		secretsFile: join(workDir, 'secrets.txt')
	};
	writeFileSync(files.logFile, '');
	writeFileSync(files.secretsFile, '');
	try {
		const { stack, stop } = await startTestStack({
			onLog: (line) => appendFileSync(files.logFile, `${line}\n`)
		});
		project.provide('stack', stackUnderTest(stack) satisfies StackUnderTest);
		project.provide('suiteFiles', files);
		for (const { password } of stack.demoUsers) appendFileSync(files.secretsFile, `${password}\n`);
		return async () => {
			await stop();
			if (!process.env.KEEP_ATTACK_LOGS) rmSync(workDir, { recursive: true, force: true });
			else console.log(`attack suite logs kept in ${workDir}`);
		};
	} catch (error) {
		rmSync(workDir, { recursive: true, force: true });
		throw error;
	}
}
