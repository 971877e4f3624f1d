// Search, filters, sorting and pagination over an organization of a few thousand users (seeded by
// global setup), checking both what the admin sees and that every request asks for one page.
import pg from 'pg';
import { BIG_ORG_SIZE } from './support/seed.ts';
import { env, expect, signIn, test } from './support/fixtures.ts';

const fmt = (n: number) => new Intl.NumberFormat('en').format(n);
/** Seeded n has role (member, member, member, manager, external, admin)[n % 6] and is inactive when n % 7 = 0. */
const count = (keep: (n: number) => boolean) =>
	Array.from({ length: BIG_ORG_SIZE }, (_, i) => i + 1).filter(keep).length;

test('an admin pages, searches, filters and sorts thousands of users, one server page at a time', async ({
	page
}) => {
	// The seeded users, their admin, and whoever other specs added to the organization meanwhile.
	const db = new pg.Client({ connectionString: env('E2E_DB_URL') });
	await db.connect();
	const { rows: counted } = await db.query<{ n: number }>(
		'select count(*)::int as n from public.users where organization_id = $1',
		[env('E2E_BIG_ORG_ID')]
	);
	// Pages 2 and 3 in the name order, as the database sorts them.
	const { rows: byName } = await db.query<{ email: string }>(
		'select email from public.users where organization_id = $1 order by last_name, first_name, id offset 50 limit 100',
		[env('E2E_BIG_ORG_ID')]
	);
	await db.end();
	const emailsOnScreen = async () =>
		(await page.getByRole('table').locator('tbody td.email').allTextContents()).map((text) =>
			text.trim()
		);
	const TOTAL = counted[0]!.n;
	expect(TOTAL).toBeGreaterThan(BIG_ORG_SIZE);
	const listRequests: URL[] = [];
	page.on('request', (request) => {
		const url = new URL(request.url());
		if (
			url.pathname === '/rest/v1/users' &&
			request.method() === 'GET' &&
			url.searchParams.has('order')
		)
			listRequests.push(url);
	});
	await signIn(page, env('E2E_BIG_ADMIN_EMAIL'), env('E2E_BIG_ADMIN_PASSWORD'));
	const total = page.getByTestId('total-count');
	const rows = page.getByRole('table').locator('tbody tr');
	await expect(total).toHaveText(fmt(TOTAL));
	await expect(rows).toHaveCount(50);
	await expect(page.getByText(`Showing 1–50 of ${fmt(TOTAL)} users`)).toBeVisible();

	await page.getByRole('button', { name: 'Next' }).click();
	await expect(page.getByText(`Showing 51–100 of ${fmt(TOTAL)} users`)).toBeVisible();
	await expect(page.getByText(`Page 2 of ${fmt(Math.ceil(TOTAL / 50))}`)).toBeVisible();
	await expect.poll(emailsOnScreen).toEqual(byName.slice(0, 50).map((row) => row.email));
	await page.getByRole('button', { name: 'Next' }).click();
	await expect.poll(emailsOnScreen).toEqual(byName.slice(50, 100).map((row) => row.email));
	await page.getByRole('button', { name: 'Previous' }).click();
	await expect(page.getByText(`Showing 51–100 of ${fmt(TOTAL)} users`)).toBeVisible();
	await expect.poll(emailsOnScreen).toEqual(byName.slice(0, 50).map((row) => row.email));
	// Next/Previous continued from the rows on screen (keyset), not by skipping rows with offset.
	const keyset = listRequests.filter((url) =>
		url.searchParams.get('last_name')?.match(/^(gte|lte)\./)
	);
	expect(keyset).toHaveLength(3);
	for (const url of keyset) expect(url.searchParams.has('offset')).toBe(false);
	await page.getByRole('button', { name: 'Previous' }).click();
	await expect(page.getByText(`Showing 1–50 of ${fmt(TOTAL)} users`)).toBeVisible();

	// Search by email fragment, then by first name.
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

	// Every list request named the organization and asked for at most one page.
	expect(listRequests.length).toBeGreaterThan(5);
	for (const url of listRequests) {
		expect(url.searchParams.get('organization_id')).toBe(`eq.${env('E2E_BIG_ORG_ID')}`);
		expect(Number(url.searchParams.get('limit'))).toBe(50);
	}
});
