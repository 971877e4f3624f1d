// A working day at the console, replayed: tab switches and second tabs (supabase-js re-reads and
// refreshes the session), two tabs editing one user, and a server that hangs and then goes down.
// Whatever happens, no page goes blank, no update is lost, no wait is unbounded and no raw error
// text reaches the admin.
import type { Browser, Page } from '@playwright/test';
import { env, expect, expectAccessible, screenshot, signIn, test } from './support/fixtures.ts';
import { setRelay } from './support/pausable-proxy.ts';

const RAW_ERROR = /TypeError|Failed to fetch|FetchError|AbortError|TimeoutError/;

/** What a tab switch does: the page goes hidden and comes back (supabase-js refreshes then). */
async function switchAwayAndBack(page: Page): Promise<void> {
	await page.evaluate(() => {
		for (const state of ['hidden', 'visible']) {
			Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
			document.dispatchEvent(new Event('visibilitychange'));
		}
	});
}

/** Ages the stored session so the next use trades the refresh token for a new one. */
async function expireAccessToken(page: Page): Promise<void> {
	await page.evaluate(() => {
		const key = Object.keys(localStorage).find((name) => name.endsWith('-auth-token'))!;
		const session = JSON.parse(localStorage.getItem(key)!) as { expires_at: number };
		session.expires_at = Math.floor(Date.now() / 1000) - 60;
		localStorage.setItem(key, JSON.stringify(session));
	});
}

async function adminTab(browser: Browser, baseURL: string | undefined): Promise<Page> {
	const context = await browser.newContext({ baseURL });
	const page = await context.newPage();
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	return page;
}

test('a tab switch, a token refresh and a second tab keep the view, the page and unsaved edits', async ({
	page,
	context
}) => {
	await signIn(page, env('E2E_BIG_ADMIN_EMAIL'), env('E2E_BIG_ADMIN_PASSWORD'));
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	await page.getByLabel('Filter by role').selectOption('member');
	await expect(page).toHaveURL(/role=member/);
	await page.getByRole('button', { name: 'Next' }).click();
	await expect(page.getByText(/^Page 2 of/)).toBeVisible();
	await expect(page).toHaveURL(/role=member&page=2/);
	const rows = page.getByRole('table').locator('tbody tr');
	await expect(rows).toHaveCount(50);
	const firstOnPage2 = await rows.first().locator('td.name a').innerText();

	await switchAwayAndBack(page);
	await expireAccessToken(page);
	const refreshed = page.waitForResponse((r) => r.url().includes('grant_type=refresh_token'));
	await switchAwayAndBack(page);
	expect((await refreshed).status()).toBe(200);
	const second = await context.newPage();
	await second.goto('/users');
	await expect(second.getByRole('heading', { name: 'User Management' })).toBeVisible();
	await page.bringToFront();
	await switchAwayAndBack(page);

	// Still the same view: filter, page, rows; no skeleton left behind.
	await expect(page.getByLabel('Filter by role')).toHaveValue('member');
	await expect(page.getByText(/^Page 2 of/)).toBeVisible();
	await expect(page.locator('tbody tr.skeleton')).toHaveCount(0);
	await expect(rows.first().locator('td.name a')).toHaveText(firstOnPage2);
	await expect(page.getByRole('button', { name: 'Next' })).toBeEnabled();
	// A reload (or a restarted server) brings back the same view from the address.
	await page.reload();
	await expect(page.getByLabel('Filter by role')).toHaveValue('member');
	await expect(page.getByText(/^Page 2 of/)).toBeVisible();
	await expect(rows.first().locator('td.name a')).toHaveText(firstOnPage2);

	// A user's settings page keeps what is being typed.
	await rows.first().locator('td.name a').click();
	const lastName = page.getByLabel('Last name');
	await expect(lastName).toBeVisible();
	await lastName.fill('Half-typed');
	await second.reload();
	await page.bringToFront();
	await expireAccessToken(page);
	await switchAwayAndBack(page);
	await page.waitForTimeout(500);
	await expect(lastName).toHaveValue('Half-typed');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await second.close();
});

test('two tabs on one user: the stale one never reverts the other’s change, and is told to reload', async ({
	browser,
	baseURL
}) => {
	const tabA = await adminTab(browser, baseURL);
	const tabB = await adminTab(browser, baseURL);
	const stamp = Date.now();
	const original = `stale.${stamp}@demo.test`;
	// A user of their own, made the way an admin does.
	await tabA.getByRole('button', { name: 'Add User' }).click();
	const dialog = tabA.getByRole('dialog', { name: 'Create User' });
	await dialog.getByLabel('First name').fill('Ada');
	await dialog.getByLabel('Last name').fill(`Stale${stamp}`);
	await dialog.getByLabel('Email').fill(original);
	await dialog.getByLabel('Role').selectOption('member');
	await dialog.getByRole('button', { name: 'Create' }).click();
	await tabA
		.getByRole('dialog', { name: 'User created' })
		.getByRole('button', { name: 'Copy' })
		.click();
	await tabA.getByRole('button', { name: 'Done' }).click();
	// Shown on top of the table, marked, whatever the sort.
	const newRow = tabA.getByRole('table').locator('tbody tr').first();
	await expect(newRow).toContainText(`Ada Stale${stamp}`);
	await expect(newRow.getByText('New')).toBeVisible();
	await newRow.getByRole('link', { name: `Ada Stale${stamp}`, exact: true }).click();
	await tabA.waitForURL(/\/users\/[0-9a-f-]{36}$/);
	const userUrl = tabA.url();
	await tabB.goto(userUrl);
	await expect(tabB.getByLabel('Email')).toHaveValue(original);

	// A changes the email.
	await tabA.getByLabel('Email').fill(`changed.${stamp}@demo.test`);
	await tabA.getByRole('button', { name: 'Save personal information' }).click();
	await expect(tabA.getByText('Personal information saved')).toBeVisible();

	// B, still showing the old email, changes only the last name: saved, and A's email stays.
	await tabB.getByLabel('Last name').fill(`Stale${stamp}-B`);
	await tabB.getByRole('button', { name: 'Save personal information' }).click();
	await expect(tabB.getByText('Personal information saved')).toBeVisible();
	await expect(tabB.getByLabel('Email')).toHaveValue(`changed.${stamp}@demo.test`);

	// A, now behind B, changes the last name B just changed: refused, with a way to catch up.
	await tabA.getByLabel('Last name').fill(`Stale${stamp}-A`);
	await tabA.getByRole('button', { name: 'Save personal information' }).click();
	const conflict = tabA.getByRole('alert').filter({ hasText: 'Someone else changed this user' });
	await expect(conflict).toContainText(`the last name is now “Stale${stamp}-B”`);
	await expect(tabA.getByLabel('Last name')).toHaveValue(`Stale${stamp}-A`);
	await screenshot(tabA, 'working-day-conflict');
	await expectAccessible(tabA);
	await tabA.getByRole('button', { name: 'Reload this user' }).click();
	await expect(tabA.getByLabel('Last name')).toHaveValue(`Stale${stamp}-B`);
	await expect(conflict).toBeHidden();

	await tabA.reload();
	await expect(tabA.getByLabel('Email')).toHaveValue(`changed.${stamp}@demo.test`);
	await expect(tabA.getByLabel('Last name')).toHaveValue(`Stale${stamp}-B`);
	await tabA.context().close();
	await tabB.context().close();
});

test('a hung, then stopped server: every wait ends, Cancel works, errors are plain, the view survives', async ({
	page
}) => {
	test.setTimeout(120_000);
	const relay = env('E2E_RELAY_CONTROL_URL');
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	await page.getByLabel('Filter by status').selectOption('active');
	await expect(page.getByTestId('total-count')).toBeVisible();
	try {
		await setRelay(relay, 'hang');

		// Creating: the wait can be cancelled, and the dialog says what that means.
		await page.getByRole('button', { name: 'Add User' }).click();
		const dialog = page.getByRole('dialog', { name: 'Create User' });
		await dialog.getByLabel('First name').fill('Hung');
		await dialog.getByLabel('Last name').fill('Server');
		await dialog.getByLabel('Email').fill(`hung.${Date.now()}@demo.test`);
		await dialog.getByLabel('Role').selectOption('member');
		await dialog.getByRole('button', { name: 'Create' }).click();
		await expect(dialog.getByRole('button', { name: 'Creating…' })).toBeVisible();
		await page.keyboard.press('Escape');
		await expect(dialog.getByRole('alert')).toContainText(
			'Cancelled. If the server had already received the request, the user was created'
		);
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await expect(dialog).toBeHidden();

		// Reading: the list gives up after its deadline, in plain words, with nothing stale around it.
		await page.getByLabel('Filter by role').selectOption('member');
		const failure = page.getByRole('alert').filter({ hasText: 'The users could not be loaded' });
		await expect(failure).toContainText('The server did not answer within 15 seconds', {
			timeout: 25_000
		});
		await expect(page.getByText(/^Showing/)).toHaveCount(0);
		// Behind the error nothing claims a page or offers another.
		await expect(page.getByRole('button', { name: 'Next' })).toBeHidden();
		await screenshot(page, 'working-day-server-hung');

		// Down: the retry fails fast, again in plain words.
		await setRelay(relay, 'down');
		await failure.getByRole('button', { name: 'Try again' }).click();
		await expect(failure).toContainText('Could not reach the server', { timeout: 25_000 });
		await expect(page.getByText(RAW_ERROR)).toHaveCount(0);

		// Back up: one retry and the same view is there.
		await setRelay(relay, 'up');
		await failure.getByRole('button', { name: 'Try again' }).click();
		await expect(page.getByTestId('total-count')).toBeVisible();
		await expect(page.getByLabel('Filter by status')).toHaveValue('active');
		await expect(page.getByLabel('Filter by role')).toHaveValue('member');
		await expect(page).toHaveURL(/role=member&status=active/);
		// The cancelled creation may or may not have reached the server; either way it is not half
		// made: the user is in the list with its row, or nowhere.
		await page.reload();
		await expect(page.getByLabel('Filter by role')).toHaveValue('member');
		await expect(page.getByText(RAW_ERROR)).toHaveCount(0);
	} finally {
		await setRelay(relay, 'up');
	}
});

test('an admin’s password reset asks first, ends the user’s sessions, and the one-time password is guarded', async ({
	page,
	browser,
	baseURL
}) => {
	await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	const email = `reset.${Date.now()}@demo.test`;
	await page.getByRole('button', { name: 'Add User' }).click();
	const dialog = page.getByRole('dialog', { name: 'Create User' });
	await dialog.getByLabel('First name').fill('Rosa');
	await dialog.getByLabel('Last name').fill('Reset');
	await dialog.getByLabel('Email').fill(email);
	await dialog.getByLabel('Role').selectOption('manager');
	await dialog.getByRole('button', { name: 'Create' }).click();
	const created = page.getByRole('dialog', { name: 'User created' });
	const handedOver = await created.getByLabel('Password').inputValue();
	// Escape before copying asks; going back keeps the password on screen.
	await page.keyboard.press('Escape');
	await expect(created.getByText('You have not copied the password')).toBeVisible();
	await created.getByRole('button', { name: 'Back to the password' }).click();
	await created.getByRole('button', { name: 'Copy' }).click();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(handedOver);
	await created.getByRole('button', { name: 'Done' }).click();
	await expect(created).toBeHidden();

	// Rosa signs in on her own device.
	const rosa = await (await browser.newContext({ baseURL })).newPage();
	await signIn(rosa, email, handedOver);
	// The hand-over password is temporary: she chooses her own first.
	const rosasOwn = 'Montgomery-Bus-Boycott-1955';
	await rosa.getByLabel('New password', { exact: true }).fill(rosasOwn);
	await rosa.getByLabel('Confirm new password').fill(rosasOwn);
	await rosa.getByRole('button', { name: 'Save and continue' }).click();
	await expect(rosa.getByRole('heading', { name: 'Your profile' })).toBeVisible();

	// The admin generates a new password: asked first, then shown once.
	await page.getByRole('link', { name: 'Rosa Reset' }).first().click();
	await page.getByRole('button', { name: 'Generate a new password' }).click();
	const confirm = page.getByRole('dialog', { name: 'Generate a new password?' });
	await expect(confirm).toContainText('signed out on every device');
	await confirm.getByRole('button', { name: 'Generate password' }).click();
	const fresh = page.getByLabel('Generated password (shown once)');
	await expect(fresh).toBeVisible();
	expect(await fresh.inputValue()).not.toBe(handedOver);

	// Rosa's session is gone: the next refresh of her token is refused and she is signed out.
	await expireAccessToken(rosa);
	await rosa.reload();
	await expect(rosa.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await rosa.context().close();
});
