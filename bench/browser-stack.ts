// What the browser benchmarks stand on: the SPA built and served against a fresh test stack, and
// Debian's Chromium to open it.
import { chromium, type Browser } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../scripts/lib/database.ts';
import { serveSpa } from '../tests/e2e/support/static-server.ts';
import { startTestStack, type TestStack } from '../tests/support/test-stack.ts';

export interface BrowserStack {
	stack: TestStack['stack'];
	appUrl: string;
	browser: Browser;
	close(): Promise<void>;
}

export async function startBrowserStack(): Promise<BrowserStack> {
	execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], {
		cwd: projectRoot,
		stdio: ['ignore', 'ignore', 'inherit']
	});
	const { stack, stop } = await startTestStack();
	const app = await serveSpa(join(projectRoot, 'build'), {
		PUBLIC_SUPABASE_URL: stack.apiUrl,
		PUBLIC_SUPABASE_ANON_KEY: stack.keys.anonKey
	});
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']
	});
	return {
		stack,
		appUrl: app.url,
		browser,
		close: async () => {
			await browser.close();
			await app.close();
			await stop();
		}
	};
}
