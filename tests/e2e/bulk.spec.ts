// Bulk actions in Chromium: rows ticked, then every user of the view; one confirmation with the
// count and what happens; the progress; what became of each user, and the same as a file. One's
// own account is never part of it.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import {
	env,
	expect,
	expectAccessible,
	screenshot,
	signIn,
	test,
	VIEWPORTS
} from './support/fixtures.ts';

/** Six new users of the demo organization, through import-users as the demo admin. */
async function createTeam(stamp: string): Promise<string[]> {
	const api = env('E2E_API_URL');
	const apikey = env('E2E_ANON_KEY');
	const session = await (
		await fetch(`${api}/auth/v1/token?grant_type=password`, {
			method: 'POST',
			headers: { apikey, 'content-type': 'application/json' },
			body: JSON.stringify({
				email: env('E2E_ADMIN_EMAIL'),
				password: env('E2E_ADMIN_PASSWORD')
			})
		})
	).json();
	const rows = Array.from({ length: 6 }, (_, i) => ({
		first_name: `Bulk${i}`,
		last_name: `Team${stamp}`,
		email: `bulk.${stamp}.${i}@demo.test`,
		role: i === 0 ? 'admin' : 'member'
	}));
	const answer = await fetch(`${api}/functions/v1/import-users`, {
		method: 'POST',
		headers: {
			apikey,
			authorization: `Bearer ${session.access_token}`,
			'content-type': 'application/json'
		},
		body: JSON.stringify({ rows })
	});
	const { results } = await answer.json();
	expect(results.map((result: { status: string }) => result.status)).toEqual(
		rows.map(() => 'created')
	);
	return rows.map((row) => `${row.first_name} ${row.last_name}`);
}

test('an admin deactivates ticked users, then changes the role of every user of a view, and reads what became of each', async ({
	page
}) => {
	const stamp = Date.now().toString(36);
	const names = await createTeam(stamp);
	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();

	// One's own row is never selectable.
	await page.getByLabel('Search').fill(env('E2E_ADMIN_EMAIL'));
	await expect(page.getByRole('table').locator('tbody tr')).toHaveCount(1);
	await expect(page.getByRole('checkbox', { name: /^Select / }).last()).toBeDisabled();

	await page.getByLabel('Search').fill(stamp);
	const rows = page.getByRole('table').locator('tbody tr');
	await expect(rows).toHaveCount(6);
	const bar = page.getByRole('group', { name: 'Bulk actions' });
	await expect(bar).toHaveCount(0);
	await page.getByRole('checkbox', { name: `Select ${names[1]}` }).check();
	await page.getByRole('checkbox', { name: `Select ${names[2]}` }).check();
	await expect(bar).toContainText('2 users selected');
	// Half the page ticked: the page's box says so.
	await expect(
		page.getByRole('checkbox', { name: 'Select every user on this page' })
	).toHaveJSProperty('indeterminate', true);

	await bar.getByRole('button', { name: 'Deactivate', exact: true }).click();
	const dialog = page.getByRole('dialog');
	await expect(dialog.getByRole('heading', { name: 'Deactivate 2 users?' })).toBeVisible();
	await expect(dialog).toContainText('signed out everywhere at once');
	for (const [label, viewport] of Object.entries(VIEWPORTS)) {
		await page.setViewportSize(viewport);
		await expectAccessible(page);
		await screenshot(page, `bulk-confirm-${label}`);
	}
	await page.setViewportSize(VIEWPORTS.desktop);
	await dialog.getByRole('button', { name: 'Deactivate 2 users' }).click();
	await expect(dialog.getByTestId('bulk-summary')).toHaveText('2 deactivated');
	await expect(dialog.getByRole('heading', { name: 'Deactivation finished' })).toBeVisible();
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(dialog).toHaveCount(0);
	await expect(bar).toHaveCount(0);
	for (const name of [names[1]!, names[2]!])
		await expect(rows.filter({ hasText: name })).toContainText('Inactive');
	await expect(rows.filter({ hasText: names[3]! })).toContainText('Active');

	// Every user of the view: one ticked, then all of them, whatever page they are on.
	await page.getByRole('checkbox', { name: `Select ${names[0]}` }).check();
	await bar.getByRole('button', { name: 'Select all 6 users of this view' }).click();
	await expect(bar).toContainText('All 6 users of this view selected');
	await bar.getByRole('button', { name: 'Change role…' }).click();
	await expect(dialog.getByRole('heading', { name: 'Change the role of 6 users?' })).toBeVisible();
	await expect(dialog.getByRole('button', { name: 'Change roles' })).toBeDisabled();
	await dialog.getByLabel('Role').selectOption('member');
	await dialog.getByRole('button', { name: 'Make 6 users Member' }).click();
	// The admin among them becomes a member; the other five already were.
	await expect(dialog.getByTestId('bulk-summary')).toHaveText('1 now Member · 5 already Member');
	const results = dialog.getByRole('list', { name: 'Users not changed' });
	await expect(results.getByRole('listitem')).toHaveCount(5);
	await expect(results).toContainText('unchanged: already Member');
	for (const [label, viewport] of Object.entries(VIEWPORTS)) {
		await page.setViewportSize(viewport);
		await expectAccessible(page);
		await screenshot(page, `bulk-results-${label}`);
	}
	await page.setViewportSize(VIEWPORTS.desktop);

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		dialog.getByRole('button', { name: 'Download the results (CSV)' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/^bulk-role-\d{4}-\d{2}-\d{2}\.csv$/);
	const [header, ...lines] = Papa.parse<string[]>(
		readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, ''),
		{ skipEmptyLines: true }
	).data;
	expect(header).toEqual(['Email', 'First name', 'Last name', 'Result']);
	expect(Object.fromEntries(lines.map((line) => [line[0], line[3]]))).toEqual(
		Object.fromEntries(
			names.map((_, i) => [
				`bulk.${stamp}.${i}@demo.test`,
				i === 0 ? 'now Member' : 'unchanged: already Member'
			])
		)
	);
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(rows.filter({ hasText: names[0]! }).locator('td.role')).toHaveText('Member');
});
