// Issue 17: "Export CSV" of an organization of a million users in Chromium, through the SPA as an
// admin clicks it, with what the browser holds meanwhile: the page's JavaScript heap and the
// resident memory of every Chromium process, sampled while the file is written, against the same
// figures measured just before the click (the baseline) and against the file's size. A page that
// gathered every user before writing would grow by more than the file; a streamed one by a page.
import { createReadStream, readFileSync, readdirSync, statSync } from 'node:fs';
import pg from 'pg';
import { startBrowserStack } from './browser-stack.ts';
import { createBenchAdmin } from './bench-admin.ts';

export interface ExportBenchResult {
	users: number;
	/** How the file came down: a streamed download (service worker) or a Blob built in the page. */
	delivery: 'streamed' | 'blob';
	fileBytes: number;
	lines: number;
	seconds: number;
	seedSeconds: number;
	/** The page's JavaScript heap (used), after a garbage collection, before the click. */
	heapBaselineBytes: number;
	/** The most it held live: sampled after a forced garbage collection, about once a second. */
	liveHeapPeakBytes: number;
	/** The most it used at all (garbage not yet collected included), sampled every 200 ms. */
	heapPeakBytes: number;
	/** Every Chromium process's resident memory, summed. */
	rssBaselineBytes: number;
	rssPeakBytes: number;
	samples: number;
}

const MiB = 1024 * 1024;

/** Resident memory of this process's Chromium descendants (browser, renderers, GPU, utilities). */
function chromiumRss(): number {
	const children = new Map<number, number[]>();
	const rss = new Map<number, number>();
	const chromium = new Set<number>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const parent = Number(fields[1]);
			children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
			if (/^\d+ \(chrom/.test(stat)) chromium.add(Number(entry));
			const status = readFileSync(`/proc/${entry}/status`, 'utf8');
			rss.set(Number(entry), Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
		} catch {
			// Ended meanwhile.
		}
	}
	let total = 0;
	const pending = [process.pid];
	while (pending.length) {
		const pid = pending.pop()!;
		if (chromium.has(pid)) total += rss.get(pid) ?? 0;
		pending.push(...(children.get(pid) ?? []));
	}
	return total;
}

async function countLines(path: string): Promise<number> {
	let lines = 0;
	for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>)
		for (const byte of chunk) if (byte === 10) lines++;
	return lines;
}

export async function benchExport(options: {
	quick: boolean;
	log: (line: string) => void;
}): Promise<ExportBenchResult> {
	const users = options.quick ? 20_000 : 1_000_000;
	const { stack, appUrl, browser, close } = await startBrowserStack();
	try {
		const admin = await createBenchAdmin(stack, 'export');
		options.log(`  seeding ${users.toLocaleString('en')} users in the admin's organization…`);
		const seedStarted = performance.now();
		const db = new pg.Client({ connectionString: stack.dbUrl });
		await db.connect();
		try {
			// Seeded straight into the tables (the activity trigger off: a million user_created
			// entries are not what is measured).
			await db.query('begin');
			await db.query('alter table public.users disable trigger record_user_change');
			await db.query(
				`create temporary table export_people on commit drop as
				 select gen_random_uuid() as id, g,
				        (array['Ada','Grace','Linus','Edsger','Barbara','Alan','Margaret','Ken'])[1 + g % 8] as first_name,
				        'Export' || (g % 997) as last_name
				 from generate_series(1, $1::int) as g`,
				[users]
			);
			await db.query(
				`insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
				 select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated',
				        'export.' || g || '@big.test', now(), '{"provider":"email","providers":["email"]}', '{}', now(), now()
				 from export_people`
			);
			await db.query(
				`insert into public.users (id, organization_id, email, first_name, last_name, role)
				 select id, $1, 'export.' || g || '@big.test', first_name, last_name,
				        (array['member','member','member','manager','external'])[1 + g % 5]::public.user_role
				 from export_people`,
				[admin.organizationId]
			);
			await db.query('alter table public.users enable trigger record_user_change');
			await db.query('commit');
			await db.query('vacuum analyze public.users, auth.users');
		} finally {
			await db.end();
		}
		const seedSeconds = (performance.now() - seedStarted) / 1000;
		options.log(`  seeded in ${seedSeconds.toFixed(0)} s`);

		const context = await browser.newContext({
			viewport: { width: 1280, height: 800 },
			acceptDownloads: true
		});
		const page = await context.newPage();
		await page.goto(`${appUrl}/sign-in`);
		await page.getByLabel('Email').fill(admin.email);
		await page.getByLabel('Password').fill(admin.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('table').locator('tbody tr').nth(49).waitFor({ timeout: 60_000 });
		await page.waitForLoadState('networkidle');

		const cdp = await context.newCDPSession(page);
		await cdp.send('Performance.enable');
		const heapUsed = async () => {
			const { metrics } = await cdp.send('Performance.getMetrics');
			return metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
		};
		const rss = chromiumRss;
		await cdp.send('HeapProfiler.collectGarbage');
		const heapBaselineBytes = await heapUsed();
		const rssBaselineBytes = rss();

		let heapPeakBytes = heapBaselineBytes;
		let liveHeapPeakBytes = heapBaselineBytes;
		let rssPeakBytes = rssBaselineBytes;
		let samples = 0;
		let sampling = true;
		const sampler = (async () => {
			while (sampling) {
				heapPeakBytes = Math.max(heapPeakBytes, await heapUsed().catch(() => 0));
				rssPeakBytes = Math.max(rssPeakBytes, rss());
				// Every fifth sample after a collection: what the page still holds, garbage aside.
				if (++samples % 5 === 0) {
					await cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
					liveHeapPeakBytes = Math.max(liveHeapPeakBytes, await heapUsed().catch(() => 0));
				}
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		})();
		const started = performance.now();
		const [download] = await Promise.all([
			page.waitForEvent('download', { timeout: 30 * 60_000 }),
			page.getByRole('button', { name: 'Export CSV' }).click()
		]);
		const path = await download.path();
		const seconds = (performance.now() - started) / 1000;
		sampling = false;
		await sampler;
		const fileBytes = statSync(path).size;
		const delivery = download.url().startsWith('blob:') ? 'blob' : 'streamed';
		const lines = await countLines(path);
		options.log(
			`  exported (${delivery}) ${(lines - 1).toLocaleString('en')} users (${(fileBytes / MiB).toFixed(0)} MiB) in ${seconds.toFixed(0)} s; JS heap ${(heapBaselineBytes / MiB).toFixed(1)} MiB → live peak ${(liveHeapPeakBytes / MiB).toFixed(1)} MiB (${(heapPeakBytes / MiB).toFixed(1)} MiB with garbage), Chromium ${(rssBaselineBytes / MiB).toFixed(0)} → peak ${(rssPeakBytes / MiB).toFixed(0)} MiB resident`
		);
		return {
			users,
			delivery,
			fileBytes,
			lines,
			seconds,
			seedSeconds,
			heapBaselineBytes,
			liveHeapPeakBytes,
			heapPeakBytes,
			rssBaselineBytes,
			rssPeakBytes,
			samples
		};
	} finally {
		await close();
	}
}
