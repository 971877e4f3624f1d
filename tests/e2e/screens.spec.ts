// Every main screen: no serious or critical axe violations, and a screenshot at desktop and phone
// width (test-results/screenshots/; the README's two are copied to docs/screenshots/).
import type { Page } from '@playwright/test';
import {
	env,
	expect,
	expectAccessible,
	screenshot,
	signIn,
	signOut,
	test,
	VIEWPORTS
} from './support/fixtures.ts';

async function capture(page: Page, name: string, docsName?: string): Promise<void> {
	for (const [label, viewport] of Object.entries(VIEWPORTS)) {
		await page.setViewportSize(viewport);
		await expectAccessible(page);
		await screenshot(page, `${name}-${label}`, {
			docsName: label === 'desktop' ? docsName : undefined
		});
	}
	await page.setViewportSize(VIEWPORTS.desktop);
}

test('admin screens: User Management, Create User (form and password), user settings, confirmation', async ({
	page
}) => {
	await page.goto('/sign-in');
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
	await capture(page, 'sign-in');

	await signIn(page, env('E2E_BIG_ADMIN_EMAIL'), env('E2E_BIG_ADMIN_PASSWORD'));
	await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(50);
	await capture(page, 'user-management', 'user-management');

	await page.getByRole('button', { name: 'Add User' }).click();
	const dialog = page.getByRole('dialog', { name: 'Create User' });
	await dialog.getByLabel('First name').fill('Katherine');
	await dialog.getByLabel('Last name').fill('Johnson');
	await dialog.getByLabel('Email').fill('katherine.johnson@globex.test');
	await dialog.getByLabel('Role').selectOption('manager');
	await capture(page, 'create-user-form');
	await dialog.getByRole('button', { name: 'Create' }).click();
	await expect(
		page.getByRole('dialog', { name: 'User created' }).getByLabel('Password')
	).not.toHaveValue('');
	await capture(page, 'create-user-password', 'create-user-password');
	await page
		.getByRole('dialog', { name: 'User created' })
		.getByLabel('Password')
		.press('Control+c');
	await page.getByRole('button', { name: 'Done' }).click();

	await page.getByLabel('Search').fill('katherine.johnson');
	await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(1);
	await page.getByRole('button', { name: 'Deactivate Katherine Johnson' }).click();
	await expect(page.getByRole('dialog', { name: 'Deactivate user?' })).toBeVisible();
	await capture(page, 'confirm-deactivate');
	await page.getByRole('button', { name: 'Cancel' }).click();

	await page.getByRole('link', { name: 'Settings of Katherine Johnson' }).click();
	await expect(page.getByRole('heading', { name: 'Katherine Johnson' })).toBeVisible();
	await capture(page, 'user-settings');
	await signOut(page);
});

test('member screens: own profile and "no access"', async ({ page }) => {
	await signIn(page, 'member@demo.test', env('E2E_MEMBER_PASSWORD'));
	await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
	await capture(page, 'profile-member');
	await page.goto('/users');
	await expect(page.getByRole('heading', { name: 'No access' })).toBeVisible();
	await capture(page, 'no-access');
});

test('manager screen: editable profile', async ({ page }) => {
	await signIn(page, 'manager@demo.test', env('E2E_MANAGER_PASSWORD'));
	await expect(page.getByLabel('First name')).toBeEditable();
	await capture(page, 'profile-manager');
});
