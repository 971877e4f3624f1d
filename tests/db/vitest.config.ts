import { defineConfig } from 'vitest/config';

// Tests that need a prepared PostgreSQL; scripts/test-db.ts starts one and passes TEST_DATABASE_URL.
export default defineConfig({
	test: {
		root: import.meta.dirname,
		include: ['**/*.test.ts'],
		testTimeout: 120_000,
		hookTimeout: 60_000
	}
});
