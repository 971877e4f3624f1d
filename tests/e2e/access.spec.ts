// Who sees what: clear messages at sign-in, each role's landing page, and "no access" (with no
// data) for anyone but an admin on the admin pages.
import { env, expect, signIn, test } from './support/fixtures.ts';

test('a wrong password gets a clear message and no session', async ({ page }) => {
	await signIn(page, env('E2E_ADMIN_EMAIL'), 'not-the-password');
	await expect(page.getByRole('alert')).toHaveText(
		'Wrong email or password. Check both and try again.'
	);
	await expect(page).toHaveURL(/\/sign-in/);
	await page.goto('/users');
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('a member lands on their read-only profile and sees no data on the User Management URL', async ({
	page
}) => {
	const userRequests: string[] = [];
	page.on('request', (request) => {
		if (request.url().includes('/rest/v1/users')) userRequests.push(request.url());
	});
	await signIn(page, 'member@demo.test', env('E2E_MEMBER_PASSWORD'));
	await expect(page).toHaveURL(/\/profile$/);
	await expect(page.getByTestId('profile-role')).toHaveText('Member');
	await expect(page.getByRole('textbox')).toHaveCount(0);
	await expect(
		page.getByText('Only an Admin of your organization can change your personal information.')
	).toBeVisible();

	const before = userRequests.length;
	await page.goto('/users');
	await expect(page.getByRole('heading', { name: 'No access' })).toBeVisible();
	await expect(page.getByRole('table')).toHaveCount(0);
	await expect(page.getByText('admin@demo.test')).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Add User' })).toHaveCount(0);
	// The page did not even ask for the organization's users.
	expect(userRequests.slice(before).filter((url) => url.includes('organization_id=eq'))).toEqual(
		[]
	);

	await page.goto('/users/00000000-0000-4000-8000-00000000d001');
	await expect(page.getByRole('heading', { name: 'No access' })).toBeVisible();
	await expect(page.getByText('admin@demo.test')).toHaveCount(0);
	await page.getByRole('link', { name: 'Go to your profile' }).click();
	await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
});

test('a manager edits their own name and nothing else', async ({ page }) => {
	await signIn(page, 'manager@demo.test', env('E2E_MANAGER_PASSWORD'));
	await expect(page).toHaveURL(/\/profile$/);
	await expect(page.getByLabel('Email')).toHaveAttribute('readonly', '');
	await page.getByLabel('Last name').fill('Hopper');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByRole('status').getByText('Your name was saved')).toBeVisible();
	await page.reload();
	await expect(page.getByLabel('Last name')).toHaveValue('Hopper');
	await page.goto('/users');
	await expect(page.getByRole('heading', { name: 'No access' })).toBeVisible();
});
