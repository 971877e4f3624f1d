// Search, filters, sorting and pagination over an organization of a few thousand users (seeded by
// global setup), checking both what the admin sees and that every request asks for one page.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import pg from 'pg';
import { BIG_ORG_SIZE } from './support/seed.ts';
import { env, expect, signIn, test } from './support/fixtures.ts';

const fmt = (n: number) => new Intl.NumberFormat('en').format(n);
/** Seeded n has role (member, member, member, manager, external, admin)[n % 6] and is inactive when n % 7 = 0. */
const count = (keep: (n: number) => boolean) =>
	Array.from({ length: BIG_ORG_SIZE }, (_, i) => i + 1).filter(keep).length;

/** The organization's emails in a list_users order, straight from the table. */
async function emailsInOrder(db: pg.Client, order: string, where = 'true'): Promise<string[]> {
	const { rows } = await db.query<{ email: string }>(
		`select email from public.users where organization_id = $1 and ${where} order by ${order}`,
		[env('E2E_BIG_ORG_ID')]
	);
	return rows.map((row) => row.email);
}

test('an admin pages, searches, filters and sorts thousands of users, one server page at a time', async ({
	page
}) => {
	// The seeded users, their admin, and whoever other specs added to the organization meanwhile.
	const db = new pg.Client({ connectionString: env('E2E_DB_URL') });
	await db.connect();
	const byName = await emailsInOrder(
		db,
		'lower(last_name) collate "C", lower(first_name) collate "C", id'
	);
	const newestFirst = await emailsInOrder(db, 'created_at desc, id desc');
	// One letter: the start of a first name, last name or email.
	const startsWithM = await emailsInOrder(
		db,
		'email collate "C"',
		`(lower(first_name) like 'm%' or lower(last_name) like 'm%' or email like 'm%')`
	);
	// Three letters or more: any part.
	const containing = await emailsInOrder(
		db,
		'lower(last_name) collate "C", lower(first_name) collate "C", id',
		`((first_name || ' ' || last_name) ilike '%son0001%' or email ilike '%son0001%')`
	);
	await db.end();
	const emailsOnScreen = async () =>
		(await page.getByRole('table').locator('tbody td.email').allTextContents()).map((text) =>
			text.trim()
		);
	const TOTAL = byName.length;
	const PAGES = Math.ceil(TOTAL / 50);
	expect(TOTAL).toBeGreaterThan(BIG_ORG_SIZE);
	const listRequests: Array<Record<string, unknown>> = [];
	page.on('request', (request) => {
		const url = new URL(request.url());
		if (url.pathname === '/rest/v1/rpc/list_users')
			listRequests.push({ method: request.method(), ...request.postDataJSON() });
		// Nothing lists users any other way (by offset, through the table).
		if (url.pathname === '/rest/v1/users' && url.searchParams.has('order'))
			listRequests.push({ method: 'table', url: url.toString() });
	});
	await signIn(page, env('E2E_BIG_ADMIN_EMAIL'), env('E2E_BIG_ADMIN_PASSWORD'));
	const total = page.getByTestId('total-count');
	const place = page.getByTestId('page-place');
	const rows = page.getByRole('table').locator('tbody tr');
	await expect(total).toHaveText(fmt(TOTAL));
	await expect(rows).toHaveCount(50);
	await expect(page.getByText(`Showing 1–50 of ${fmt(TOTAL)} users`)).toBeVisible();
	await expect(place).toHaveText(`Page 1 of ${fmt(PAGES)}`);
	await expect(page.getByRole('button', { name: 'First', exact: true })).toBeDisabled();
	await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();

	// Next, Next, Previous: each continues from the rows on screen.
	await page.getByRole('button', { name: 'Next' }).click();
	await expect(page.getByText(`Showing 51–100 of ${fmt(TOTAL)} users`)).toBeVisible();
	await expect(place).toHaveText(`Page 2 of ${fmt(PAGES)}`);
	await expect.poll(emailsOnScreen).toEqual(byName.slice(50, 100));
	await page.getByRole('button', { name: 'Next' }).click();
	await expect.poll(emailsOnScreen).toEqual(byName.slice(100, 150));
	await expect(page).toHaveURL(/page=3&after=[0-9a-f-]{36}/);
	// A reload (or a link to it) brings back the same page.
	await page.reload();
	await expect(place).toHaveText(`Page 3 of ${fmt(PAGES)}`);
	await expect.poll(emailsOnScreen).toEqual(byName.slice(100, 150));
	await page.getByRole('button', { name: 'Previous' }).click();
	await expect(page.getByText(`Showing 51–100 of ${fmt(TOTAL)} users`)).toBeVisible();
	await expect.poll(emailsOnScreen).toEqual(byName.slice(50, 100));

	// Last: what is left after the full pages, numbered; Previous from there; First.
	await page.getByRole('button', { name: 'Last', exact: true }).click();
	await expect(place).toHaveText(`Page ${fmt(PAGES)} of ${fmt(PAGES)}`);
	await expect.poll(emailsOnScreen).toEqual(byName.slice((PAGES - 1) * 50));
	await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
	await expect(page.getByRole('button', { name: 'Last', exact: true })).toBeDisabled();
	await page.getByRole('button', { name: 'Previous' }).click();
	await expect(place).toHaveText(`Page ${fmt(PAGES - 1)} of ${fmt(PAGES)}`);
	await expect.poll(emailsOnScreen).toEqual(byName.slice((PAGES - 2) * 50, (PAGES - 1) * 50));
	await page.getByRole('button', { name: 'First', exact: true }).click();
	await expect.poll(emailsOnScreen).toEqual(byName.slice(0, 50));

	// Another order pages the same way: created, newest first.
	await page.getByRole('button', { name: /^Created/ }).click();
	await page.getByRole('button', { name: /^Created/ }).click();
	await expect(page.getByRole('columnheader', { name: /Created/ })).toHaveAttribute(
		'aria-sort',
		'descending'
	);
	await expect.poll(emailsOnScreen).toEqual(newestFirst.slice(0, 50));
	await page.getByRole('button', { name: 'Next' }).click();
	await expect.poll(emailsOnScreen).toEqual(newestFirst.slice(50, 100));
	await page.getByRole('button', { name: 'Last', exact: true }).click();
	await expect.poll(emailsOnScreen).toEqual(newestFirst.slice((PAGES - 1) * 50));

	// One letter: names and emails starting with it, here by email; the box says how it searches.
	await page.getByRole('button', { name: /^Email/ }).click();
	await expect(page.getByText('One or two letters: the start of a name or email.')).toBeVisible();
	await page.getByLabel('Search').fill('m');
	await expect(total).toHaveText(fmt(startsWithM.length));
	await expect.poll(emailsOnScreen).toEqual(startsWithM.slice(0, 50));
	// More letters: any part, by name again.
	await page.getByRole('button', { name: /^Name/ }).click();
	await page.getByLabel('Search').fill('son0001');
	await expect(total).toHaveText(fmt(containing.length));
	await expect.poll(emailsOnScreen).toEqual(containing.slice(0, 50));
	await page.getByLabel('Search').fill('person01234@');
	await expect(total).toHaveText('1');
	await expect(rows).toHaveCount(1);
	await expect(rows.first()).toContainText('person01234@globex.test');
	await page.getByLabel('Search').fill('margaret');
	await expect(total).toHaveText(fmt(count((n) => n % 10 === 8)));
	await expect(rows.first()).toContainText('Margaret');

	// Filters by role and status, combined with a search.
	await page.getByLabel('Search').fill('ken');
	await expect(total).toHaveText(fmt(count((n) => n % 10 === 7)));
	await page.getByLabel('Filter by role').selectOption('manager');
	await page.getByLabel('Filter by status').selectOption('inactive');
	await expect(total).toHaveText(fmt(count((n) => n % 10 === 7 && n % 6 === 3 && n % 7 === 0)));
	await page.getByLabel('Search').fill('');
	await expect(total).toHaveText(fmt(count((n) => n % 6 === 3 && n % 7 === 0)));
	for (const row of await rows.all()) {
		await expect(row).toContainText('Manager');
		await expect(row).toContainText('Inactive');
	}

	// Nothing matches: the empty state offers to clear the filters.
	await page.getByLabel('Search').fill('nobody-has-this-name');
	await expect(page.getByText('No users match these filters.')).toBeVisible();
	await page.getByRole('button', { name: 'Clear filters' }).click();
	await expect(total).toHaveText(fmt(TOTAL));

	// Sort by email, descending on the second click.
	await page.getByRole('button', { name: /^Email/ }).click();
	await expect(page.getByRole('columnheader', { name: /Email/ })).toHaveAttribute(
		'aria-sort',
		'ascending'
	);
	await expect(rows.first()).toContainText('boss@globex.test');
	await page.getByRole('button', { name: /^Email/ }).click();
	await expect(page.getByRole('columnheader', { name: /Email/ })).toHaveAttribute(
		'aria-sort',
		'descending'
	);
	await expect(rows.first()).toContainText(
		`person${String(BIG_ORG_SIZE).padStart(5, '0')}@globex.test`
	);

	// Every page was one list_users call for one page (and one more row, to know if more follow),
	// continuing from a user or from an end; nothing listed users by offset through the table.
	expect(listRequests.length).toBeGreaterThan(10);
	for (const call of listRequests) {
		expect(call.method).toBe('POST');
		expect(call.page_size).toBeLessThanOrEqual(51);
	}
	expect(listRequests.filter((call) => typeof call.after === 'string').length).toBeGreaterThan(3);
	expect(listRequests.filter((call) => typeof call.before === 'string').length).toBeGreaterThan(1);
	expect(listRequests.filter((call) => call.last_page === true).length).toBeGreaterThan(1);
});

test('an admin exports the view on screen, every page of it, as a CSV file', async ({ page }) => {
	const db = new pg.Client({ connectionString: env('E2E_DB_URL') });
	await db.connect();
	// Members, newest first: a filtered view several export requests long.
	const expected = await emailsInOrder(db, 'created_at desc, id desc', `role = 'member'`);
	await db.end();
	expect(expected.length).toBeGreaterThan(499);
	await signIn(page, env('E2E_BIG_ADMIN_EMAIL'), env('E2E_BIG_ADMIN_PASSWORD'));
	// Signed in (the session stored) before the address is opened anew.
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	await page.goto('/users?role=member&sort=created_at&order=desc');
	await expect(page.getByTestId('total-count')).toHaveText(fmt(expected.length));
	const exportRequests: unknown[] = [];
	page.on('request', (request) => {
		if (new URL(request.url()).pathname === '/rest/v1/rpc/list_users')
			exportRequests.push(request.postDataJSON());
	});
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Export CSV' }).click()
	]);
	const today = new Date();
	const day = [today.getFullYear(), today.getMonth() + 1, today.getDate()]
		.map((n) => String(n).padStart(2, '0'))
		.join('-');
	expect(download.suggestedFilename()).toBe(`users-member-${day}.csv`);
	await expect(
		page.getByRole('status').getByText(`Exported ${fmt(expected.length)} users`)
	).toBeVisible();
	// Written to disk as it was read: the file came from the service worker's stream, not a Blob.
	expect(download.url()).toMatch(/\/__download\/[0-9a-f-]{36}$/);
	const text = readFileSync((await download.path())!, 'utf8');
	expect(text.startsWith('\uFEFF')).toBe(true);
	const [header, ...rows] = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
		skipEmptyLines: true
	}).data;
	expect(header).toEqual([
		'First name',
		'Last name',
		'Email',
		'Role',
		'Status',
		'Created (UTC, ISO 8601)',
		'Last sign-in (UTC, ISO 8601)'
	]);
	expect(rows.map((row) => row[2])).toEqual(expected);
	expect(new Set(rows.map((row) => row[3]))).toEqual(new Set(['member']));
	// Page by page, each after the last row of the one before, in the view's order and filters.
	expect(exportRequests.length).toBe(Math.ceil(expected.length / 499));
	expect(exportRequests[1]).toMatchObject({
		role: 'member',
		sort: 'created_at',
		descending: true,
		page_size: 500
	});
});
