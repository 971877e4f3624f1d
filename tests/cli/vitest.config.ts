import { defineConfig } from 'vitest/config';

// The commands a developer types (`npm run dev`, `npm run stack`, `npm run stack:status`), run as
// child processes on the embedded PostgreSQL, the way a newcomer would.
export default defineConfig({
	test: {
		root: import.meta.dirname,
		include: ['**/*.test.ts'],
		testTimeout: 120_000,
		hookTimeout: 60_000,
		fileParallelism: false
	}
});
