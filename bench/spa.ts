// Part 3: the SPA in Chromium — what the User Management page downloads (gzipped JavaScript and
// CSS) and the time from navigation to a rendered page of 50 rows. The floor is navigating to the
// built app's favicon on the same server (a round trip with nothing to run).
import type { Response } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { startBrowserStack } from './browser-stack.ts';
import { summarize, type Timing } from './measure.ts';

export interface SpaResult {
	gzippedBytes: { js: number; css: number; total: number };
	toRenderedPage: Timing;
	floor: Timing;
}

export async function benchSpa(options: {
	quick: boolean;
	log: (line: string) => void;
}): Promise<SpaResult> {
	const runs = options.quick ? 5 : 20;
	const { stack, appUrl, browser, close } = await startBrowserStack();
	try {
		// The demo organization, grown to a few hundred users so the page has 50 rows to show.
		const db = new pg.Client({ connectionString: stack.dbUrl });
		await db.connect();
		await db.query(`
			with made as (
				insert into auth.users (id, aud, role, email, confirmation_token, recovery_token, email_change_token_new, email_change)
				select gen_random_uuid(), 'authenticated', 'authenticated', 'page' || g || '@demo.test', '', '', '', '' from generate_series(1, 300) as g
				returning id, email
			)
			insert into public.users (id, organization_id, email, first_name, last_name, role)
			select id, '00000000-0000-4000-8000-00000000d000', email, 'Page', 'User ' || email, 'member' from made`);
		await db.end();

		const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		const page = await context.newPage();
		await page.goto(`${appUrl}/sign-in`);
		await page.getByLabel('Email').fill(stack.demoAdmin.email);
		await page.getByLabel('Password').fill(stack.demoAdmin.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		const rows = page.getByRole('table').locator('tbody tr');
		await rows.nth(49).waitFor();

		// What a load of the page downloads with the session already stored, gzipped as a host
		// would serve it: counted as the e2e suite's budget test counts it (every .js and .css of
		// the app's origin on a reload), each body read before the next step.
		const sizes = { js: 0, css: 0 };
		const bodies = new Map<string, Promise<Buffer>>();
		const collect = (response: Response) => {
			const url = new URL(response.url());
			if (url.origin === new URL(appUrl).origin && /\.(js|css)$/.test(url.pathname))
				bodies.set(url.pathname, response.body());
		};
		page.on('response', collect);
		await page.reload();
		await rows.nth(49).waitFor();
		await page.waitForLoadState('networkidle');
		page.off('response', collect);
		for (const [path, body] of bodies)
			sizes[path.endsWith('.js') ? 'js' : 'css'] += gzipSync(await body, { level: 9 }).length;

		const toRenderedPage: number[] = [];
		const floor: number[] = [];
		for (let i = 0; i < runs; i++) {
			await page.goto(`${appUrl}/users`);
			await rows.nth(49).waitFor();
			toRenderedPage.push(await page.evaluate(() => performance.now()));
			await page.goto(`${appUrl}/favicon.svg`);
			floor.push(
				await page.evaluate(
					() => performance.getEntriesByType('navigation')[0]!.duration || performance.now()
				)
			);
		}
		options.log(`  rendered 50 rows: median ${summarize(toRenderedPage).median.toFixed(0)} ms`);
		return {
			gzippedBytes: { js: sizes.js, css: sizes.css, total: sizes.js + sizes.css },
			toRenderedPage: summarize(toRenderedPage),
			floor: summarize(floor)
		};
	} finally {
		await close();
	}
}
