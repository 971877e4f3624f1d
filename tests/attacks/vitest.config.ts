import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The attack and fault suite (issue 7): tests/attacks/ and tests/faults/ against one embedded stack
// on a throwaway PostgreSQL 17 (global-setup.ts), files one after another: the fault tests cut the
// stack's database connections and must not hit another file's requests, and secrets.test.ts reads
// every log and password the other files produced, so it runs last.
class LastSecretsSequencer extends BaseSequencer {
	override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
		const rank = (file: TestSpecification) => (file.moduleId.endsWith('secrets.test.ts') ? 1 : 0);
		return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
	}
}

export default defineConfig({
	test: {
		root: resolve(import.meta.dirname, '..'),
		include: ['attacks/**/*.test.ts', 'faults/**/*.test.ts'],
		globalSetup: [resolve(import.meta.dirname, 'global-setup.ts')],
		testTimeout: 60_000,
		hookTimeout: 180_000,
		fileParallelism: false,
		sequence: { sequencer: LastSecretsSequencer }
	}
});
