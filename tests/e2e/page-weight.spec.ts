// The User Management page stays light and steady: what it loads (JS + CSS, gzipped) within the
// 120 KB budget, and no layout shift while its data arrives. Sizes and shift scores are
// properties of the build, not timings, so they are asserted here.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { env, expect, signIn, test } from './support/fixtures.ts';

const BUDGET_BYTES = 120 * 1024;

test('the User Management page loads at most 120 KB of gzipped JavaScript and CSS', async ({
	page,
	baseURL
}) => {
	await signIn(page, env('E2E_BIG_ADMIN_EMAIL'), env('E2E_BIG_ADMIN_PASSWORD'));
	await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(50);

	// A fresh load of the page itself, with the session already in storage.
	const assets = new Map<string, Promise<Buffer>>();
	page.on('response', (response) => {
		const url = new URL(response.url());
		if (url.origin === new URL(baseURL!).origin && /\.(js|css)$/.test(url.pathname))
			assets.set(url.pathname, response.body());
	});
	await page.reload();
	await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(50);
	const files = await Promise.all(
		[...assets].map(async ([path, body]) => ({
			path,
			gzip: gzipSync(await body, { level: 9 }).length
		}))
	);
	const js = files
		.filter((file) => file.path.endsWith('.js'))
		.reduce((sum, file) => sum + file.gzip, 0);
	const css = files
		.filter((file) => file.path.endsWith('.css'))
		.reduce((sum, file) => sum + file.gzip, 0);
	const report = {
		page: '/users',
		files: files.length,
		jsGzipBytes: js,
		cssGzipBytes: css,
		totalGzipBytes: js + css,
		budgetBytes: BUDGET_BYTES
	};
	const out = resolve(import.meta.dirname, '../../test-results');
	mkdirSync(out, { recursive: true });
	writeFileSync(
		join(out, 'spa-weight.json'),
		JSON.stringify({ ...report, detail: files.sort((a, b) => b.gzip - a.gzip) }, null, 2)
	);
	console.log(
		`User Management page: ${(js / 1024).toFixed(1)} KB JS + ${(css / 1024).toFixed(1)} KB CSS gzipped = ${((js + css) / 1024).toFixed(1)} KB (budget 120 KB)`
	);
	expect(files.length).toBeGreaterThan(0);
	expect(js + css).toBeLessThanOrEqual(BUDGET_BYTES);
});

test('loading the User Management page shifts no layout', async ({ page }) => {
	await signIn(page, env('E2E_BIG_ADMIN_EMAIL'), env('E2E_BIG_ADMIN_PASSWORD'));
	await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(50);
	await page.addInitScript(() => {
		const shifts: number[] = [];
		(window as unknown as { __shifts: number[] }).__shifts = shifts;
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries() as Array<
				PerformanceEntry & { value: number; hadRecentInput: boolean }
			>) {
				if (!entry.hadRecentInput) shifts.push(entry.value);
			}
		}).observe({ type: 'layout-shift', buffered: true });
	});
	await page.reload();
	await expect(page.getByTestId('total-count')).toBeVisible();
	await expect(page.getByRole('link', { name: /^Settings of/ })).toHaveCount(50);
	// Then a filter change: rows are replaced in place.
	await page.getByLabel('Filter by role').selectOption('external');
	await expect(page.getByRole('link', { name: /^Settings of/ })).toHaveCount(50);
	const shift = await page.evaluate(() =>
		(window as unknown as { __shifts: number[] }).__shifts.reduce((sum, value) => sum + value, 0)
	);
	console.log(`User Management page: cumulative layout shift ${shift.toFixed(4)}`);
	// "Good" by the Core Web Vitals threshold.
	expect(shift).toBeLessThan(0.1);
});
