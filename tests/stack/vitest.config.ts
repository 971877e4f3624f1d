import { defineConfig } from 'vitest/config';

// Contract tests: supabase-js against the local stack (started by global-setup.ts) or any Supabase.
export default defineConfig({
	test: {
		root: import.meta.dirname,
		include: ['**/*.test.ts'],
		globalSetup: ['./global-setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 120_000,
		// Files share one stack; they run one after another so timing-sensitive ones stay honest.
		fileParallelism: false
	}
});
