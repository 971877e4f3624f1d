// The life of a user as the help page tells it: an admin creates them and hands over the password,
// they sign in, the admin changes their role, deactivates and activates them. Admin and user each
// have their own browser context, so both views are checked side by side.
import type { Browser, Page, Request } from '@playwright/test';
import { env, expect, signIn, signOut, test } from './support/fixtures.ts';

test.describe.configure({ mode: 'serial' });

const INACTIVE = 'Your account is inactive — ask an admin of your organization';
const newUser = { first: 'Marie', last: 'Curie', email: `marie.curie.${Date.now()}@demo.test` };
let password = '';

async function personPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
	const context = await browser.newContext({ baseURL });
	return context.newPage();
}

test('an admin creates a user, reads the generated password and signs out', async ({ page }) => {
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await expect(page).toHaveURL(/\/users$/);
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	await expect(page.getByRole('cell', { name: 'member@demo.test' })).toBeVisible();
	// Other specs add users to the demo organization too: count from what is there now.
	const before = Number(await page.getByTestId('total-count').textContent());

	const addUser = page.getByRole('button', { name: 'Add User' });
	await addUser.click();
	const dialog = page.getByRole('dialog', { name: 'Create User' });
	await expect(dialog).toBeVisible();
	await expect(dialog.getByLabel('First name')).toBeFocused();
	await dialog.getByLabel('First name').fill(newUser.first);
	await dialog.getByLabel('Last name').fill(newUser.last);
	await dialog.getByLabel('Email').fill(newUser.email);
	await dialog.getByLabel('Role').selectOption({ label: 'Member' });
	await expect(dialog.getByText('View their own profile (read-only)')).toBeVisible();
	await dialog.getByRole('button', { name: 'Create' }).click();

	const created = page.getByRole('dialog', { name: 'User created' });
	const passwordField = created.getByLabel('Password');
	await expect(passwordField).toBeVisible();
	password = await passwordField.inputValue();
	expect(password.length).toBeGreaterThanOrEqual(16);
	await expect(created.getByRole('button', { name: 'Copy' })).toBeVisible();
	await expect(created.getByText(/Hand this password to Marie/)).toBeVisible();
	// Copied the way many do it (Ctrl+C on the selected value): the dialog then closes at once.
	await passwordField.press('Control+c');
	await created.getByRole('button', { name: 'Done' }).click();
	await expect(created).toBeHidden();
	await expect(addUser).toBeFocused();
	await expect(page.getByRole('cell', { name: newUser.email })).toBeVisible();
	await expect(page.getByTestId('total-count')).toHaveText(String(before + 1));

	// The same email again is refused at the Email field, with the field issue the function sends.
	await addUser.click();
	await dialog.getByLabel('First name').fill('Other');
	await dialog.getByLabel('Last name').fill('Person');
	await dialog.getByLabel('Email').fill(newUser.email);
	await dialog.getByLabel('Role').selectOption('external');
	await dialog.getByRole('button', { name: 'Create' }).click();
	await expect(dialog.getByText('This email is already in use')).toBeVisible();
	await expect(dialog.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();

	await signOut(page);
	// The session is gone: the admin URL now asks to sign in.
	await page.goto('/users');
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('the new user signs in with the handed-over password, chooses their own, and sees their profile', async ({
	page
}) => {
	expect(password, 'needs the password from the previous test').not.toBe('');
	await signIn(page, newUser.email, password);
	// The handed-over password is temporary (passwords.spec.ts covers that screen in depth).
	await expect(page).toHaveURL(/\/choose-password$/);
	password = 'Polonium-Radium-Sorbonne-1898';
	await page.getByLabel('New password', { exact: true }).fill(password);
	await page.getByLabel('Confirm new password').fill(password);
	await page.getByRole('button', { name: 'Save and continue' }).click();
	await expect(page).toHaveURL(/\/profile$/);
	await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
	await expect(page.getByTestId('profile-role')).toHaveText('Member');
	await expect(
		page.getByText('Only an Admin of your organization can change your personal information.')
	).toBeVisible();
	await expect(page.getByRole('link', { name: 'User Management' })).toHaveCount(0);
	// The session persists across a reload.
	await page.reload();
	await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
});

test('the admin changes the role and the user’s view follows; deactivation locks them out; activation lets them in', async ({
	page,
	browser,
	baseURL
}) => {
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	const person = await personPage(browser, baseURL);
	await signIn(person, newUser.email, password);
	await expect(person.getByTestId('profile-role')).toHaveText('Member');

	// Role: Member → Manager on the settings page.
	await page.getByLabel('Search').fill(newUser.email);
	await page.getByRole('link', { name: `Settings of ${newUser.first} ${newUser.last}` }).click();
	await expect(
		page.getByRole('heading', { name: `${newUser.first} ${newUser.last}` })
	).toBeVisible();
	await page.getByLabel('Role').selectOption('manager');
	await expect(page.getByText('Edit their own first and last name')).toBeVisible();
	await page.getByRole('button', { name: 'Save role' }).click();
	await expect(page.getByRole('status').getByText(/is now a Manager/)).toBeVisible();

	await person.reload();
	await expect(person.getByTestId('profile-role')).toHaveText('Manager');
	// A manager edits their own name.
	await person.getByLabel('First name').fill('Maria');
	await person.getByRole('button', { name: 'Save' }).click();
	await expect(person.getByRole('status').getByText('Your name was saved')).toBeVisible();
	await expect(person.getByRole('link', { name: /Maria Curie/ })).toBeVisible();

	// Deactivate from the action column, with a confirmation.
	await page.getByRole('link', { name: '← User Management' }).click();
	await page.getByLabel('Search').fill(newUser.email);
	await page.getByRole('button', { name: `Deactivate Maria ${newUser.last}` }).click();
	const confirm = page.getByRole('dialog', { name: 'Deactivate user?' });
	await confirm.getByRole('button', { name: 'Deactivate' }).click();
	await expect(confirm).toBeHidden();
	const row = page.getByRole('row', { name: new RegExp(newUser.email) });
	await expect(row.getByText('Inactive')).toBeVisible();

	// Their open session ends: the next load signs them out with the message.
	await person.reload();
	await expect(person.getByRole('alert')).toHaveText(INACTIVE);
	await signIn(person, newUser.email, password);
	await expect(person.getByRole('alert')).toHaveText(INACTIVE);
	await expect(person).toHaveURL(/\/sign-in/);

	// Activate on the settings page's toggle, with a confirmation.
	await row.getByRole('link', { name: /Settings of/ }).click();
	const toggle = page.getByRole('switch', { name: 'Active' });
	await expect(toggle).toHaveAttribute('aria-checked', 'false');
	await toggle.click();
	await page
		.getByRole('dialog', { name: 'Activate user?' })
		.getByRole('button', { name: 'Activate' })
		.click();
	await expect(toggle).toHaveAttribute('aria-checked', 'true');

	await signIn(person, newUser.email, password);
	await expect(person.getByRole('heading', { name: 'Your profile' })).toBeVisible();
	await expect(person.getByTestId('profile-role')).toHaveText('Manager');

	// A new generated password, and a new last name and email saved together: the old password and
	// email stop working, the new ones work.
	await page.getByRole('button', { name: 'Generate a new password' }).click();
	await page
		.getByRole('dialog', { name: 'Generate a new password?' })
		.getByRole('button', { name: 'Generate password' })
		.click();
	const generated = page.getByLabel('Generated password (shown once)');
	await expect(generated).not.toHaveValue('');
	const newPassword = await generated.inputValue();
	const newEmail = `m.curie.${Date.now()}@demo.test`;
	await page.getByLabel('Last name').fill('Skłodowska-Curie');
	await page.getByLabel('Email').fill(newEmail);
	// One save is one request: update-user's update_profile, nothing through the Data API.
	const writes: string[] = [];
	const recordWrite = (request: Request) => {
		if (
			!['GET', 'HEAD', 'OPTIONS'].includes(request.method()) &&
			/\/(rest|functions)\/v1\//.test(request.url())
		)
			writes.push(
				`${request.method()} ${new URL(request.url()).pathname} ${request.postData() ?? ''}`
			);
	};
	page.on('request', recordWrite);
	await page.getByRole('button', { name: 'Save personal information' }).click();
	await expect(page.getByRole('status').getByText('Personal information saved')).toBeVisible();
	page.off('request', recordWrite);
	expect(writes).toHaveLength(1);
	expect(writes[0]).toMatch(/^POST \/functions\/v1\/update-user .*"action":"update_profile"/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Maria Skłodowska-Curie');

	await person.getByRole('button', { name: 'Sign out', exact: true }).click();
	await signIn(person, newUser.email, password);
	await expect(person.getByRole('alert')).toHaveText(
		'Wrong email or password. Check both and try again.'
	);
	await signIn(person, newEmail, newPassword);
	// An admin's reset is temporary again: the first thing asked is her own.
	await expect(person.getByRole('heading', { name: 'Choose your own password' })).toBeVisible();
	await person.context().close();
});

test('the last admin cannot deactivate or demote themselves, and the server refuses too', async ({
	page
}) => {
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await expect(page.getByRole('button', { name: 'Deactivate Ada Admin' })).toBeDisabled();
	await page.getByRole('link', { name: 'Settings of Ada Admin' }).click();
	await expect(page.getByRole('switch', { name: 'Active' })).toBeDisabled();
	await expect(page.getByLabel('Role')).toBeDisabled();
	// A string, not a pattern: Playwright folds the template's line breaks only for strings.
	await expect(
		page.getByText(
			'You cannot deactivate your own account: your organization must keep at least one active admin'
		)
	).toBeVisible();

	// Past the UI, straight at the API with the admin's own session: both refuse.
	const refusals = await page.evaluate(
		async ({ apiUrl, anonKey }) => {
			const key = Object.keys(localStorage).find((name) => name.endsWith('-auth-token'));
			const session = JSON.parse(localStorage.getItem(key ?? '') ?? '{}') as {
				access_token: string;
				user: { id: string };
			};
			const headers = {
				apikey: anonKey,
				authorization: `Bearer ${session.access_token}`,
				'content-type': 'application/json'
			};
			const deactivate = await fetch(`${apiUrl}/functions/v1/update-user`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ user_id: session.user.id, action: 'deactivate' })
			});
			const demote = await fetch(`${apiUrl}/rest/v1/users?id=eq.${session.user.id}`, {
				method: 'PATCH',
				headers,
				body: JSON.stringify({ role: 'member' })
			});
			return {
				deactivate: deactivate.status,
				deactivateBody: await deactivate.json(),
				demote: demote.status
			};
		},
		{ apiUrl: env('E2E_API_URL'), anonKey: env('E2E_ANON_KEY') }
	);
	expect(refusals.deactivate).toBe(403);
	expect(refusals.deactivateBody.error.code).toBe('cannot_change_self');
	expect(refusals.demote).toBeGreaterThanOrEqual(400);
	await page.reload();
	await expect(page.getByText('Active', { exact: true }).first()).toBeVisible();
	await expect(page.getByRole('switch', { name: 'Active' })).toHaveAttribute(
		'aria-checked',
		'true'
	);
});
