// Passwords people can live with, in Chromium against the stack and its mail catcher: the admin's
// hand-over password is temporary and replaced at the first sign-in; "Forgot password?" mails a
// link that works once; the screens work from the keyboard and pass axe.
import type { Browser, Page } from '@playwright/test';
import { linkIn, mailCatcher } from '../support/mail-catcher.ts';
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

const person = {
	first: 'Hedy',
	last: 'Lamarr',
	email: `hedy.lamarr.${Date.now()}@demo.test`
};
let handedOver = '';
const chosen = 'Frequency-Hopping-Torpedo-1942';
const recovered = 'Ecstasy-Vienna-Spread-Spectrum-77';

async function freshPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
	return (await browser.newContext({ baseURL })).newPage();
}

test('an admin’s hand-over password is temporary: the first sign-in asks for one’s own', async ({
	page,
	browser,
	baseURL
}) => {
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await page.getByRole('button', { name: 'Add User' }).click();
	const dialog = page.getByRole('dialog', { name: 'Create User' });
	await dialog.getByLabel('First name').fill(person.first);
	await dialog.getByLabel('Last name').fill(person.last);
	await dialog.getByLabel('Email').fill(person.email);
	await dialog.getByLabel('Role').selectOption('member');
	await dialog.getByRole('button', { name: 'Create' }).click();
	const created = page.getByRole('dialog', { name: 'User created' });
	const field = created.getByLabel('Password');
	handedOver = await field.inputValue();
	// Groups a person can read out: no look-alikes, no symbols to spell.
	expect(handedOver).toMatch(/^([A-Za-z0-9]{4}-){3,}[A-Za-z0-9]{4}$/);
	await expect(created).toContainText('temporary');
	await field.press('Control+c');
	await created.getByRole('button', { name: 'Done' }).click();
	const row = page.getByRole('table').locator('tbody tr').first();
	await expect(row).toContainText('Temporary password · never signed in');

	const hedy = await freshPage(browser, baseURL);
	await signIn(hedy, person.email, handedOver);
	await expect(hedy).toHaveURL(/\/choose-password$/);
	await expect(hedy.getByRole('heading', { name: 'Choose your own password' })).toBeVisible();
	// Nothing else opens meanwhile.
	await hedy.goto('/profile');
	await expect(hedy).toHaveURL(/\/choose-password$/);

	// Judged as typed, with the reason; the temporary one is refused as the new one.
	await hedy.getByLabel('New password', { exact: true }).fill('password1234');
	await expect(hedy.getByTestId('password-verdict')).toContainText(/weak/i);
	await screenshot(hedy, 'choose-password-weak');
	await expectAccessible(hedy);
	await hedy.setViewportSize(VIEWPORTS.phone);
	await screenshot(hedy, 'choose-password-weak-phone');
	await hedy.setViewportSize(VIEWPORTS.desktop);
	await hedy.getByLabel('New password', { exact: true }).fill(handedOver);
	await hedy.getByLabel('Confirm new password').fill(handedOver);
	await hedy.getByRole('button', { name: 'Save and continue' }).click();
	await expect(hedy.getByText(/different/i)).toBeVisible();

	// From the keyboard: type, Tab, type, Enter.
	await hedy.getByLabel('New password', { exact: true }).fill('');
	await hedy.getByLabel('New password', { exact: true }).focus();
	await hedy.keyboard.type(chosen);
	await hedy.keyboard.press('Tab');
	await expect(hedy.getByLabel('Confirm new password')).toBeFocused();
	await hedy.keyboard.type(chosen);
	await hedy.keyboard.press('Enter');
	await expect(hedy).toHaveURL(/\/profile$/);
	await expect(hedy.getByRole('heading', { name: 'Your profile' })).toBeVisible();
	await expect(hedy.getByRole('link', { name: 'Mail me a link' })).toBeVisible();
	await hedy.context().close();

	// The admin's view follows; the hand-over password no longer works, the chosen one does.
	await page.reload();
	await expect(page.getByRole('row', { name: new RegExp(person.email) })).not.toContainText(
		'Temporary password'
	);
	const again = await freshPage(browser, baseURL);
	await signIn(again, person.email, handedOver);
	await expect(again.getByRole('alert')).toContainText('Wrong email or password');
	await signIn(again, person.email, chosen);
	await expect(again.getByRole('heading', { name: 'Your profile' })).toBeVisible();
	await again.context().close();
});

test('Forgot password?: the same answer for any address, a mail, a link that signs in once', async ({
	page,
	browser,
	baseURL
}) => {
	const mail = mailCatcher(env('E2E_MAIL_URL'));
	await page.goto('/sign-in');
	await page.getByLabel('Email').fill(person.email);
	await page.getByRole('link', { name: 'Forgot password?' }).click();
	await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
	await expect(page.getByLabel('Email')).toHaveValue(person.email);
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Send the link' }).click();
	await expect(
		page.getByRole('status').filter({ hasText: 'a mail with a link is on its way' })
	).toContainText(person.email);
	await screenshot(page, 'forgot-password-sent');
	await page.setViewportSize(VIEWPORTS.phone);
	await screenshot(page, 'forgot-password-sent-phone');
	await page.setViewportSize(VIEWPORTS.desktop);

	// An address without an account reads exactly the same.
	const nobody = `nobody.${Date.now()}@demo.test`;
	await page.getByRole('button', { name: 'Ask again' }).click();
	await page.getByLabel('Email').fill(nobody);
	await page.getByRole('button', { name: 'Send the link' }).click();
	await expect(page.getByText('a mail with a link is on its way')).toBeVisible();

	const [message] = await mail.waitForMails(person.email);
	expect(message, 'the recovery mail').toBeTruthy();
	expect(message!.Subject).toBe('Choose a new password for User Management');
	const link = linkIn(message!, /\/reset-password\?token_hash=/);
	expect(link.origin).toBe(new URL(baseURL!).origin);
	expect(await mail.mailsTo(nobody)).toEqual([]);

	const device = await freshPage(browser, baseURL);
	await device.goto(link.href);
	await expect(device.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
	// The token leaves the address bar once used.
	await expect(device).toHaveURL(/\/reset-password$/);
	await device.getByLabel('New password', { exact: true }).fill(recovered);
	await device.getByLabel('Confirm new password').fill(recovered);
	await screenshot(device, 'reset-password');
	await expectAccessible(device);
	await device.getByRole('button', { name: 'Save and sign in' }).click();
	await expect(device.getByRole('heading', { name: 'Your profile' })).toBeVisible();
	await device.context().close();

	// The same link again: a plain page and the way to ask for a new one.
	const replay = await freshPage(browser, baseURL);
	await replay.goto(link.href);
	await expect(replay.getByRole('heading', { name: 'This link cannot be used' })).toBeVisible();
	await expect(replay.getByRole('alert')).toContainText('expired or was already used');
	await expect(replay.getByRole('link', { name: 'Ask for a new link' })).toBeVisible();
	await screenshot(replay, 'reset-password-used-link');
	await expectAccessible(replay);
	await replay.context().close();

	// The new password works; the earlier one does not.
	const check = await freshPage(browser, baseURL);
	await signIn(check, person.email, chosen);
	await expect(check.getByRole('alert')).toContainText('Wrong email or password');
	await signIn(check, person.email, recovered);
	await expect(check.getByRole('heading', { name: 'Your profile' })).toBeVisible();
	await check.context().close();
});
