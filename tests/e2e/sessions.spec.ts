// Where people are signed in, and "Sign out everywhere" (issue 15), in Chromium against the stack:
// an admin sees a user's sessions on their Settings page and ends them, and the user's other
// browser is signed out at its next refresh; an admin ending their own sessions lands on sign-in;
// a member does it from their profile; the table sorts by Last sign-in (keyset pages, never first)
// and filters who never signed in or not in the last 90 days. Its own organization, so the counts
// and orders here are exactly what this spec made.
import type { Browser, Page } from '@playwright/test';
import pg from 'pg';
import {
	env,
	expect,
	expectAccessible,
	screenshot,
	signIn,
	test,
	VIEWPORTS
} from './support/fixtures.ts';

test.describe.configure({ mode: 'serial' });

const stamp = Date.now().toString(36);
const email = (name: string) => `${name}.${stamp}@initech.test`;
const people = {
	admin: { first: 'Peter', last: 'Gibbons', email: email('peter'), role: 'admin' },
	grace: { first: 'Grace', last: 'Hopper', email: email('grace'), role: 'member' },
	neverOne: { first: 'Nadia', last: 'Never', email: email('nadia'), role: 'member' },
	neverTwo: { first: 'Ned', last: 'Neverland', email: email('ned'), role: 'external' },
	dormant: { first: 'Dora', last: 'Dormant', email: email('dora'), role: 'manager' }
} as const;
const password = `Initech-${crypto.randomUUID()}`;

async function createPerson(
	db: pg.Client,
	organizationId: string,
	person: (typeof people)[keyof typeof people]
) {
	const response = await fetch(`${env('E2E_API_URL')}/auth/v1/admin/users`, {
		method: 'POST',
		headers: {
			apikey: env('E2E_SERVICE_ROLE_KEY'),
			authorization: `Bearer ${env('E2E_SERVICE_ROLE_KEY')}`,
			'content-type': 'application/json'
		},
		body: JSON.stringify({ email: person.email, password, email_confirm: true })
	});
	expect(response.status).toBe(200);
	const { id } = (await response.json()) as { id: string };
	await db.query(
		`insert into public.users (id, organization_id, email, first_name, last_name, role) values ($1, $2, $3, $4, $5, $6)`,
		[id, organizationId, person.email, person.first, person.last, person.role]
	);
	return id;
}

test.beforeAll(async () => {
	const db = new pg.Client({ connectionString: env('E2E_DB_URL') });
	await db.connect();
	try {
		const { rows } = await db.query<{ id: string }>(
			`insert into public.organizations (name) values ($1) returning id`,
			[`Initech ${stamp}`]
		);
		const org = rows[0]!.id;
		for (const person of Object.values(people)) await createPerson(db, org, person);
		// Signed in once, 200 days ago (Auth's column; the trigger copies it to the row).
		await db.query(
			`update auth.users set last_sign_in_at = now() - interval '200 days' where email = $1`,
			[people.dormant.email]
		);
	} finally {
		await db.end();
	}
});

async function browserOf(browser: Browser, baseURL: string | undefined): Promise<Page> {
	return (await browser.newContext({ baseURL })).newPage();
}

/** The next refresh of this browser's session: the access token aged, then the page reloaded. */
async function refreshNow(page: Page): Promise<void> {
	await page.evaluate(() => {
		const key = Object.keys(localStorage).find((name) => name.endsWith('-auth-token'))!;
		const session = JSON.parse(localStorage.getItem(key)!) as { expires_at: number };
		session.expires_at = Math.floor(Date.now() / 1000) - 60;
		localStorage.setItem(key, JSON.stringify(session));
	});
	await page.reload();
}

async function capture(page: Page, name: string): Promise<void> {
	for (const [label, viewport] of Object.entries(VIEWPORTS)) {
		await page.setViewportSize(viewport);
		await expectAccessible(page);
		await screenshot(page, `${name}-${label}`, { fullPage: true });
	}
	await page.setViewportSize(VIEWPORTS.desktop);
}

const sessionsCard = (page: Page) =>
	page.locator('section', { has: page.getByRole('heading', { name: 'Sessions', exact: true }) });

test('an admin sees where a user is signed in and signs them out everywhere; their browser follows', async ({
	page,
	browser,
	baseURL
}) => {
	const grace = await browserOf(browser, baseURL);
	await signIn(grace, people.grace.email, password);
	await expect(grace.getByRole('heading', { name: 'Your profile' })).toBeVisible();
	await expect(sessionsCard(grace).getByText('This device')).toBeVisible();

	await signIn(page, people.admin.email, password);
	await page.getByRole('link', { name: 'Settings of Grace Hopper' }).click();
	await expect(page.getByRole('heading', { name: 'Grace Hopper' })).toBeVisible();
	const card = sessionsCard(page);
	await expect(card.getByText('Where Grace is signed in: 1 session')).toBeVisible();
	const item = card.getByRole('listitem');
	await expect(item).toHaveCount(1);
	// Headless Chromium on Linux, through the stack's relay on this machine.
	await expect(item.getByText('Chrome on Linux')).toBeVisible();
	await expect(item).toContainText('IP 127.0.0.1');
	await expect(item).toContainText(/Started .+Last active /);
	await expect(item.getByText('This device')).toHaveCount(0);
	await capture(page, 'user-sessions');

	await card.getByRole('button', { name: 'Sign out everywhere' }).click();
	const dialog = page.getByRole('dialog', { name: 'Sign out everywhere?' });
	await expect(dialog).toContainText(
		'Grace will be signed out on every device at once (1 session)'
	);
	await expectAccessible(page);
	await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
	await expect(page.getByText('Signed Grace Hopper out of 1 session')).toBeVisible();
	await expect(card.getByText('Not signed in anywhere.')).toBeVisible();
	await expect(card.getByRole('button', { name: 'Sign out everywhere' })).toBeDisabled();

	// Grace's browser: its refresh token no longer works, so its next refresh signs it out.
	const refused = grace.waitForResponse((response) =>
		response.url().includes('/auth/v1/token?grant_type=refresh_token')
	);
	await refreshNow(grace);
	expect((await refused).status()).toBeGreaterThanOrEqual(400);
	await expect(grace.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await grace.context().close();
});

test('a member signs themselves out everywhere from their profile', async ({
	page,
	browser,
	baseURL
}) => {
	const elsewhere = await browserOf(browser, baseURL);
	await signIn(elsewhere, people.grace.email, password);
	await expect(elsewhere.getByRole('heading', { name: 'Your profile' })).toBeVisible();

	await signIn(page, people.grace.email, password);
	const card = sessionsCard(page);
	await expect(card.getByText('Where you are signed in: 2 sessions')).toBeVisible();
	await expect(card.getByText('This device')).toHaveCount(1);
	await capture(page, 'profile-sessions');
	await card.getByRole('button', { name: 'Sign out everywhere' }).click();
	await page
		.getByRole('dialog', { name: 'Sign out everywhere?' })
		.getByRole('button', { name: 'Sign out everywhere' })
		.click();
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await expect(
		page.getByText('You were signed out everywhere. Sign in again to go on.')
	).toBeVisible();

	await refreshNow(elsewhere);
	await expect(elsewhere.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await elsewhere.context().close();
});

test('an admin who signs themselves out everywhere lands on sign-in, and can sign in again', async ({
	page
}) => {
	await signIn(page, people.admin.email, password);
	await page.getByRole('link', { name: 'Settings of Peter Gibbons' }).click();
	const card = sessionsCard(page);
	await expect(card.getByText('This device')).toBeVisible();
	await card.getByRole('button', { name: 'Sign out everywhere' }).click();
	const dialog = page.getByRole('dialog', { name: 'Sign out everywhere?' });
	await expect(dialog).toContainText('this one included');
	await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	// This session and the one of the first test here, whose browser closed without signing out.
	await expect(
		page.getByText(/^You were signed out everywhere \(\d sessions?, this one included\)/)
	).toBeVisible();
	// The way back leads to the same page.
	await expect(page).toHaveURL(/\/sign-in\?next=%2Fusers%2F/);
	await page.getByLabel('Email').fill(people.admin.email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { name: 'Peter Gibbons' })).toBeVisible();
	await expect(sessionsCard(page).getByText('Where you are signed in: 1 session')).toBeVisible();
});

test('the table shows, sorts by and filters on the last sign-in', async ({ page }) => {
	await signIn(page, people.admin.email, password);
	const rows = page.getByRole('table').locator('tbody tr');
	const total = page.getByTestId('total-count');
	await expect(total).toHaveText('5');
	const names = async () =>
		(await page.getByRole('table').locator('tbody td.name a').allTextContents()).map((text) =>
			text.trim()
		);

	await page.getByRole('button', { name: /^Last sign-in/ }).click();
	await expect(page.getByRole('columnheader', { name: /Last sign-in/ })).toHaveAttribute(
		'aria-sort',
		'ascending'
	);
	await expect(page).toHaveURL(/sort=last_sign_in_at/);
	// Never first, then the oldest sign-in; the admin, just signed in, last.
	await expect
		.poll(async () => (await names()).slice(2))
		.toEqual(['Dora Dormant', 'Grace Hopper', 'Peter Gibbons']);
	expect((await names()).slice(0, 2).sort()).toEqual(['Nadia Never', 'Ned Neverland']);
	await expect(rows.nth(0).locator('td.sign-in')).toHaveText(/Never/);
	const dora = rows.nth(2).locator('td.sign-in time');
	await expect(dora).toHaveAttribute('title', /\d{4}/);
	// At desktop width every date shows whole (no ellipsis): the columns fit the longest one.
	const cut = await page
		.locator('td.date, td.sign-in')
		.evaluateAll((cells) =>
			cells.filter((cell) => cell.scrollWidth > cell.clientWidth).map((cell) => cell.textContent)
		);
	expect(cut).toEqual([]);
	await capture(page, 'users-by-last-sign-in');

	await page.getByRole('button', { name: /^Last sign-in/ }).click();
	await expect(page.getByRole('columnheader', { name: /Last sign-in/ })).toHaveAttribute(
		'aria-sort',
		'descending'
	);
	await expect
		.poll(async () => (await names()).slice(0, 3))
		.toEqual(['Peter Gibbons', 'Grace Hopper', 'Dora Dormant']);

	await page.getByLabel('Filter by sign-in').selectOption({ label: 'Never signed in' });
	await expect(total).toHaveText('2');
	await expect(page).toHaveURL(/signed_in=never/);
	for (const row of await rows.all()) await expect(row.locator('td.sign-in')).toHaveText(/Never/);
	await page.getByLabel('Filter by role').selectOption('external');
	await expect(total).toHaveText('1');
	await expect(rows).toHaveCount(1);
	await expect(rows.first()).toContainText('Ned Neverland');
	await page.getByLabel('Filter by role').selectOption('');

	await page.getByLabel('Filter by sign-in').selectOption({ label: 'Not in the last 90 days' });
	await expect(total).toHaveText('3');
	await page.reload();
	await expect(page.getByLabel('Filter by sign-in')).toHaveValue('not_in_90_days');
	await expect(total).toHaveText('3');
	expect((await names()).sort()).toEqual(['Dora Dormant', 'Nadia Never', 'Ned Neverland']);
	await page.getByLabel('Search').fill('dora');
	await expect(total).toHaveText('1');
	await expect(rows.first()).toContainText('Dora Dormant');
});

test('pages by last sign-in continue from the rows on screen, in the database’s order', async ({
	page
}) => {
	await signIn(page, env('E2E_BIG_ADMIN_EMAIL'), env('E2E_BIG_ADMIN_PASSWORD'));
	await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(50);
	// Read after signing in: the sign-in itself moved the admin in these orders.
	const db = new pg.Client({ connectionString: env('E2E_DB_URL') });
	await db.connect();
	const order = (direction: 'asc nulls first' | 'desc nulls last') =>
		db
			.query<{ email: string }>(
				`select email from public.users where organization_id = $1 order by last_sign_in_at ${direction}, id ${direction.startsWith('asc') ? 'asc' : 'desc'} limit 150`,
				[env('E2E_BIG_ORG_ID')]
			)
			.then(({ rows }) => rows.map((row) => row.email));
	const ascending = await order('asc nulls first');
	const descending = await order('desc nulls last');
	await db.end();
	const keyset: Array<Record<string, unknown>> = [];
	page.on('request', (request) => {
		const url = new URL(request.url());
		if (
			url.pathname === '/rest/v1/rpc/list_users' &&
			request.postDataJSON()?.sort === 'last_sign_in_at'
		)
			keyset.push(request.postDataJSON());
	});
	const emailsOnScreen = async () =>
		(await page.getByRole('table').locator('tbody td.email').allTextContents()).map((text) =>
			text.trim()
		);

	await page.getByRole('button', { name: /^Last sign-in/ }).click();
	await expect.poll(emailsOnScreen).toEqual(ascending.slice(0, 50));
	await page.getByRole('button', { name: 'Next' }).click();
	await expect.poll(emailsOnScreen).toEqual(ascending.slice(50, 100));
	await page.getByRole('button', { name: 'Next' }).click();
	await expect.poll(emailsOnScreen).toEqual(ascending.slice(100, 150));
	await page.getByRole('button', { name: 'Previous' }).click();
	await expect.poll(emailsOnScreen).toEqual(ascending.slice(50, 100));

	await page.getByRole('button', { name: /^Last sign-in/ }).click();
	await expect.poll(emailsOnScreen).toEqual(descending.slice(0, 50));
	await page.getByRole('button', { name: 'Next' }).click();
	await expect.poll(emailsOnScreen).toEqual(descending.slice(50, 100));

	// Next and Previous asked for the rows after the last (before the first) on screen.
	expect(keyset.filter((call) => 'after' in call)).toHaveLength(3);
	expect(keyset.filter((call) => 'before' in call)).toHaveLength(1);
	expect(keyset.at(-1)).toMatchObject({ descending: true });
});
