// The activity log in the console: what an admin does through the UI and a person's sign-in each
// appear on the Activity page exactly once, with the right actor; the filters, keyset pages, the
// CSV export (formula-looking names neutralised) and a user's history on their settings page.
import type { Browser, Locator, Page } from '@playwright/test';
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
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
// A viewer an hour east of the server's UTC: the page shows their time, the export UTC.
test.use({ timezoneId: 'Europe/Berlin' });

const stamp = Date.now();
const ADMIN = 'Ada Admin';
const person = {
	first: 'Rosalind',
	last: 'Franklin',
	renamed: 'Franklin-Watson',
	email: `rosalind.franklin.${stamp}@demo.test`
};
const formula = {
	first: '=HYPERLINK("https://evil.test")',
	last: 'Formula',
	email: `formula.${stamp}@demo.test`
};
const name = `${person.first} ${person.renamed}`;
const chosen = 'Photo-51-Double-Helix-King-1952';

const entryList = (page: Page): Locator =>
	page.getByRole('list', { name: /^Activity entries/ }).getByRole('listitem');
const sentences = (page: Page): Promise<string[]> => entryList(page).locator('p').allTextContents();

async function capture(page: Page, name: string): Promise<void> {
	for (const [label, viewport] of Object.entries(VIEWPORTS)) {
		await page.setViewportSize(viewport);
		await expectAccessible(page);
		// Nothing wider than the screen: no sideways scrolling at phone width.
		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow, `horizontal overflow at ${label} width`).toBeLessThanOrEqual(0);
		await screenshot(page, `${name}-${label}`, {
			fullPage: label === 'phone',
			// The README shows the organization's log at desktop width.
			docsName: name === 'activity' && label === 'desktop' ? 'activity' : undefined
		});
	}
	await page.setViewportSize(VIEWPORTS.desktop);
}

async function createUser(page: Page, who: { first: string; last: string; email: string }) {
	await page.getByRole('button', { name: 'Add User' }).click();
	const dialog = page.getByRole('dialog', { name: 'Create User' });
	await dialog.getByLabel('First name').fill(who.first);
	await dialog.getByLabel('Last name').fill(who.last);
	await dialog.getByLabel('Email').fill(who.email);
	await dialog.getByLabel('Role').selectOption('member');
	await dialog.getByRole('button', { name: 'Create' }).click();
	const created = page.getByRole('dialog', { name: 'User created' });
	await expect(created.getByLabel('Password')).not.toHaveValue('');
	// Copied as people do it (the dialog then closes at once).
	await created.getByLabel('Password').press('Control+c');
	await created.getByRole('button', { name: 'Done' }).click();
	await expect(created).toBeHidden();
}

async function freshPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
	return (await browser.newContext({ baseURL })).newPage();
}

test('what the admin does through the UI and the person’s sign-in each appear once, with the right actor', async ({
	page,
	browser,
	baseURL
}) => {
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	await createUser(page, person);
	await createUser(page, formula);

	// Rename and a new role on the settings page.
	await page.getByLabel('Search').fill(person.email);
	// Only once the search answered: the table rewrites its rows in place, under the pointer.
	await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(1);
	await page.getByRole('link', { name: `Settings of ${person.first} ${person.last}` }).click();
	await page.getByLabel('Last name').fill(person.renamed);
	await page.getByRole('button', { name: 'Save personal information' }).click();
	await expect(page.getByRole('status').getByText('Personal information saved')).toBeVisible();
	await page.getByLabel('Role').selectOption('manager');
	await page.getByRole('button', { name: 'Save role' }).click();
	await expect(page.getByRole('status').getByText(/is now a Manager/)).toBeVisible();

	// Deactivate, then activate again, with the settings page's switch.
	const toggle = page.getByRole('switch', { name: 'Active' });
	await toggle.click();
	await page
		.getByRole('dialog', { name: 'Deactivate user?' })
		.getByRole('button', { name: 'Deactivate' })
		.click();
	await expect(toggle).toHaveAttribute('aria-checked', 'false');
	await toggle.click();
	await page
		.getByRole('dialog', { name: 'Activate user?' })
		.getByRole('button', { name: 'Activate' })
		.click();
	await expect(toggle).toHaveAttribute('aria-checked', 'true');

	// A generated password, handed over.
	await page.getByRole('button', { name: 'Generate a new password' }).click();
	await page
		.getByRole('dialog', { name: 'Generate a new password?' })
		.getByRole('button', { name: 'Generate password' })
		.click();
	const generated = page.getByLabel('Generated password (shown once)');
	await expect(generated).not.toHaveValue('');
	const handedOver = await generated.inputValue();

	// She signs in with it and chooses her own.
	const rosalind = await freshPage(browser, baseURL);
	await signIn(rosalind, person.email, handedOver);
	await expect(rosalind).toHaveURL(/\/choose-password$/);
	await rosalind.getByLabel('New password', { exact: true }).fill(chosen);
	await rosalind.getByLabel('Confirm new password').fill(chosen);
	await rosalind.getByRole('button', { name: 'Save and continue' }).click();
	await expect(rosalind.getByRole('heading', { name: 'Your profile' })).toBeVisible();
	await rosalind.context().close();

	// The Activity page, filtered to her through the user search.
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Activity' })
		.click();
	await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
	await expect(entryList(page).first()).toBeVisible();
	await page.getByLabel('User', { exact: true }).fill(person.email);
	await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
	await expect(page.getByTestId('picked-user')).toHaveText(name);
	await expect(page).toHaveURL(/[?&]user=[0-9a-f-]{36}/);
	// Newest first, each exactly once, with who did it.
	await expect
		.poll(() => sentences(page))
		.toEqual([
			`${name} replaced the temporary password with their own`,
			`${name} signed in with Chrome on Linux, by password`,
			`${ADMIN} set a new temporary password for ${name} (generated)`,
			`${ADMIN} activated ${name}`,
			`${ADMIN} deactivated ${name}`,
			`${ADMIN} changed ${name}'s role from Member to Manager`,
			`${ADMIN} changed ${name}'s last name from ${person.last} to ${person.renamed}`,
			`${ADMIN} created ${name} as a Member`
		]);
	// The people link to their settings; the actor is the signed-in admin.
	const created = entryList(page).last();
	await expect(created.getByRole('link', { name: ADMIN })).toHaveAttribute(
		'href',
		'/users/00000000-0000-4000-8000-00000000d001'
	);
	// In the viewer's zone, the exact moment with the zone on hover.
	const time = created.locator('time');
	const at = new Date((await time.getAttribute('datetime'))!);
	const berlin = new Intl.DateTimeFormat('en', {
		timeZone: 'Europe/Berlin',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(at);
	await expect(time).toHaveText(new RegExp(`, ${berlin}$`));
	await expect(time).toHaveAttribute('title', /\d:\d{2}:\d{2} [AP]M GMT\+1$/);

	// By action too: her role change, and nobody else's.
	await page.getByLabel('Action').selectOption({ label: 'Role changed' });
	await expect
		.poll(() => sentences(page))
		.toEqual([`${ADMIN} changed ${name}'s role from Member to Manager`]);
	await expect(page).toHaveURL(/action=role_changed/);
	// The address keeps the view: a reload shows the same.
	await page.reload();
	await expect(page.getByTestId('picked-user')).toHaveText(name);
	await expect(page.getByLabel('Action')).toHaveValue('role_changed');
	await expect.poll(() => sentences(page)).toHaveLength(1);

	// Everyone again, only creations: both users this test made, once each.
	await page.getByRole('button', { name: /^Show everyone's activity/ }).click();
	await page.getByLabel('Action').selectOption({ label: 'User created' });
	await expect(page).toHaveURL(/\/activity\?action=user_created$/);
	const once = async (sentence: string) =>
		(await sentences(page)).filter((text) => text === sentence).length;
	await expect.poll(() => once(`${ADMIN} created ${name} as a Member`)).toBe(1);
	expect(await once(`${ADMIN} created ${formula.first} ${formula.last} as a Member`)).toBe(1);
	// Only creations on the page now.
	expect((await sentences(page)).every((text) => / created .+ as an? /.test(text))).toBe(true);

	// A date range without any: the empty state; then today again.
	await page.getByLabel('From').fill('2020-01-01');
	await page.getByLabel('To').fill('2020-01-31');
	await expect(page.getByText('No activity matches these filters.')).toBeVisible();
	await expect(page).toHaveURL(/from=2020-01-01&to=2020-01-31/);
	await page.getByRole('button', { name: 'Clear filters' }).first().click();
	await expect(page).toHaveURL(/\/activity$/);
	await expect(entryList(page).first()).toBeVisible();
	await capture(page, 'activity');
});

test('the export writes what the filters select as CSV, formula-looking names made harmless', async ({
	page
}) => {
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	await page.goto('/activity?action=user_created');
	await expect(entryList(page).first()).toBeVisible();
	const today = new Date().toISOString().slice(0, 10);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Export CSV' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/^activity-until-\d{4}-\d{2}-\d{2}\.csv$/);
	await expect(page.getByRole('status').getByText(/^Exported \d+ entr/)).toBeVisible();
	const text = readFileSync((await download.path())!, 'utf8');
	const [header, ...rows] = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
		skipEmptyLines: true
	}).data;
	expect(header).toEqual([
		'Time (UTC, ISO 8601)',
		'Actor',
		'Actor email',
		'Action',
		'Target',
		'Target email',
		'Changes',
		'Sentence',
		'Request id'
	]);
	// Only creations, and the page's count of them.
	expect(rows.length).toBeGreaterThanOrEqual(2);
	expect(new Set(rows.map((row) => row[3]))).toEqual(new Set(['user_created']));
	const evil = rows.filter((row) => row[5] === formula.email);
	expect(evil).toHaveLength(1);
	const [row] = evil;
	// The name a spreadsheet would run is text: prefixed with ' (and quoted in the file).
	expect(row![4]).toBe(`'${formula.first} ${formula.last}`);
	expect(text).toContain(`"'=HYPERLINK(""https://evil.test"") Formula"`);
	for (const cells of rows)
		for (const cell of cells) expect(cell, cells.join(' | ')).not.toMatch(/^[=+\-@\t\r]/);
	expect(row![0]).toMatch(new RegExp(`^${today}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$`));
	expect(row![1]).toBe(ADMIN);
	expect(row![2]).toBe(env('E2E_ADMIN_EMAIL'));
	expect(row![6]).toContain('role: Member');
	// The function's request id, which its errors and logs carry.
	expect(row![8]).toMatch(/\S/);
});

test('a user’s settings page shows their history, newest first, with the rest on the Activity page', async ({
	page
}) => {
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await page.getByLabel('Search').fill(person.email);
	await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(1);
	await page.getByRole('link', { name: `Settings of ${name}` }).click();
	const history = page.getByRole('list', { name: /^Activity about this user/ });
	await expect(history.getByRole('listitem')).toHaveCount(8);
	await expect(history.getByRole('listitem').first()).toContainText(
		`${name} replaced the temporary password with their own`
	);
	await expect(history.getByRole('listitem').last()).toContainText(
		`${ADMIN} created ${name} as a Member`
	);
	// Fewer than a page: nothing older to show.
	await expect(page.getByRole('button', { name: 'Show older' })).toHaveCount(0);
	await page.getByRole('heading', { name: 'Activity', level: 2 }).scrollIntoViewIfNeeded();
	await capture(page, 'user-activity');
	await page.getByRole('link', { name: 'All activity' }).click();
	await expect(page.getByTestId('picked-user')).toHaveText(name);
	await expect.poll(() => sentences(page)).toHaveLength(8);
	// The header's link to this very page shows its plain view again.
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Activity' })
		.click();
	await expect(page.getByLabel('User', { exact: true })).toHaveValue('');
	await expect(page).toHaveURL(/\/activity$/);
	await expect.poll(async () => (await sentences(page)).length).toBeGreaterThan(8);
});

test('a large log pages Older and Newer by keyset, and the address keeps the page', async ({
	page
}) => {
	// Globex: thousands of users seeded straight into the database in one statement, so thousands
	// of an operator's creations at one instant: only the id tells them apart (the keyset's tie).
	await signIn(page, env('E2E_BIG_ADMIN_EMAIL'), env('E2E_BIG_ADMIN_PASSWORD'));
	await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(50);
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Activity' })
		.click();
	await expect(entryList(page)).toHaveCount(50);
	const newer = page.getByRole('button', { name: '← Newer' });
	const older = page.getByRole('button', { name: 'Older →' });
	await expect(newer).toBeDisabled();
	const first = await sentences(page);
	expect(first.filter((text) => text.startsWith('An operator created '))).not.toHaveLength(0);

	await older.click();
	await expect(page).toHaveURL(/older=\d+%40/);
	await expect.poll(() => sentences(page)).not.toEqual(first);
	const second = await sentences(page);
	expect(second).toHaveLength(50);
	// Each user was created once: no entry shows on two pages.
	expect(second.filter((text) => first.includes(text))).toEqual([]);
	await older.click();
	await expect.poll(() => sentences(page)).not.toEqual(second);
	const third = await sentences(page);
	expect(third).toHaveLength(50);
	expect(third.filter((text) => second.includes(text) || first.includes(text))).toEqual([]);

	// Back one page: the same entries as before; a reload keeps them (the address says which).
	await newer.click();
	await expect.poll(() => sentences(page)).toEqual(second);
	await page.reload();
	await expect.poll(() => sentences(page)).toEqual(second);
	await expect(newer).toBeEnabled();
	// Into a user's settings and back: the same page again.
	await entryList(page).first().getByRole('link').last().click();
	await expect(page.getByRole('heading', { name: 'Activity', level: 2 })).toBeVisible();
	await page.goBack();
	await expect.poll(() => sentences(page)).toEqual(second);
	await newer.click();
	await expect.poll(() => sentences(page)).toEqual(first);
	await expect(newer).toBeDisabled();
	await expect(page).toHaveURL(/\/activity$/);
});
