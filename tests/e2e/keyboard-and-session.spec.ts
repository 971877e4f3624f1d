// Keyboard use with visible focus, and a session that survives reloads and refreshes its token.
import { env, expect, signIn, test } from './support/fixtures.ts';

test('the console works from the keyboard, with visible focus and a trapped, restoring modal', async ({
	page
}) => {
	await page.goto('/sign-in');
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await page.keyboard.press('Tab');
	await expect(page.getByLabel('Email')).toBeFocused();
	await page.keyboard.type(env('E2E_BIG_ADMIN_EMAIL'));
	await page.keyboard.press('Tab');
	await expect(page.getByLabel('Password')).toBeFocused();
	await page.keyboard.type(env('E2E_BIG_ADMIN_PASSWORD'));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(50);

	// Tab from the top reaches Add User, and focus is drawn.
	const addUser = page.getByRole('button', { name: 'Add User' });
	for (let i = 0; i < 10 && !(await addUser.evaluate((el) => el === document.activeElement)); i++)
		await page.keyboard.press('Tab');
	await expect(addUser).toBeFocused();
	const outline = await addUser.evaluate((el) => getComputedStyle(el).outlineStyle);
	expect(outline).not.toBe('none');

	await page.keyboard.press('Enter');
	const dialog = page.getByRole('dialog', { name: 'Create User' });
	await expect(dialog.getByLabel('First name')).toBeFocused();
	// However often Tab is pressed, focus stays in the dialog.
	for (let i = 0; i < 12; i++) {
		await page.keyboard.press('Tab');
		expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
	}
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(addUser).toBeFocused();

	// Sorting from the keyboard.
	await page.getByRole('button', { name: /^Created/ }).focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('columnheader', { name: /Created/ })).toHaveAttribute(
		'aria-sort',
		'ascending'
	);
});

test('the session persists across reloads and is refreshed when its access token expired', async ({
	page
}) => {
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	const storageKey = await page.evaluate(() =>
		Object.keys(localStorage).find((key) => key.endsWith('-auth-token'))
	);
	expect(storageKey).toBeTruthy();
	// Age the stored session: supabase-js must trade the refresh token for a new session. (Compare
	// refresh tokens: they rotate on every refresh, while an access token minted within the same
	// second as the old one can be identical to it.)
	const oldRefreshToken = await page.evaluate((key) => {
		const session = JSON.parse(localStorage.getItem(key!)!) as {
			refresh_token: string;
			expires_at: number;
		};
		session.expires_at = Math.floor(Date.now() / 1000) - 60;
		localStorage.setItem(key!, JSON.stringify(session));
		return session.refresh_token;
	}, storageKey);
	const refreshed = page.waitForResponse((response) =>
		response.url().includes('/auth/v1/token?grant_type=refresh_token')
	);
	await page.reload();
	expect((await refreshed).status()).toBe(200);
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	await expect(page.getByRole('cell', { name: 'admin@demo.test' })).toBeVisible();
	const newRefreshToken = await page.evaluate(
		(key) => (JSON.parse(localStorage.getItem(key!)!) as { refresh_token: string }).refresh_token,
		storageKey
	);
	expect(newRefreshToken).not.toBe(oldRefreshToken);
});
