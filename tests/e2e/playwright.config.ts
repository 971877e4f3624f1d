// End-to-end tests of the built SPA in Debian's Chromium, against the embedded stack on a throwaway
// PostgreSQL 17 that global-setup.ts starts (and tears down) on free ports.
import { defineConfig } from '@playwright/test';

export default defineConfig({
	testDir: '.',
	testMatch: '**/*.spec.ts',
	globalSetup: './global-setup.ts',
	outputDir: '../../test-results/e2e',
	// The flows share one stack and one demo organization; one worker keeps them in a known order.
	workers: 1,
	fullyParallel: false,
	forbidOnly: true,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.CI
		? [['list']]
		: [['list'], ['html', { open: 'never', outputFolder: '../../playwright-report' }]],
	use: {
		browserName: 'chromium',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
		},
		viewport: { width: 1280, height: 800 },
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure'
	}
});
