// Importing users from a real CSV file in Chromium: the preview judges every row before anything is
// created, a bad row is fixed in place, the good ones are created with the progress in view, the
// temporary passwords come down once as a file, and the same file again creates nobody.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
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

test('an admin imports a CSV file: preview, a fix, creation, passwords once, and a re-run that creates nobody', async ({
	page
}) => {
	const stamp = Date.now().toString(36);
	const good = Array.from({ length: 8 }, (_, i) => [
		`Imported${i}`,
		'Person',
		`import.${stamp}.${i}@demo.test`,
		i === 0 ? 'Manager' : 'member'
	]);
	const csv = Papa.unparse({
		fields: ['First name', 'Last name', 'Email', 'Role'],
		data: [
			...good,
			['Broken', 'Address', `broken.${stamp}`, 'member'],
			['Again', 'Person', good[1]![2]!.toUpperCase(), 'member']
		]
	});
	const upload = { name: 'team.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}`) };

	await signIn(page, env('E2E_ADMIN_EMAIL'), env('E2E_ADMIN_PASSWORD'));
	await expect(page.getByRole('heading', { name: 'User Management' })).toBeVisible();
	await page.getByRole('link', { name: 'Import CSV' }).click();
	await expect(page.getByRole('heading', { name: 'Import users' })).toBeVisible();
	await page.getByLabel('Choose a CSV file').setInputFiles(upload);
	const summary = page.getByTestId('import-summary');
	await expect(summary).toHaveText(/10 rows — 8 ready to create, 2 need attention$/);
	await expect(page.getByRole('cell', { name: 'Enter a valid email address' })).toBeVisible();
	await expect(page.getByRole('cell', { name: 'Same email as line 3' })).toBeVisible();
	for (const [label, viewport] of Object.entries(VIEWPORTS)) {
		await page.setViewportSize(viewport);
		await expectAccessible(page);
		await screenshot(page, `import-preview-${label}`);
	}
	await page.setViewportSize(VIEWPORTS.desktop);

	// Fixed in place; the duplicate dropped.
	const fixed = `fixed.${stamp}@demo.test`;
	await page.getByLabel('Email, line 10').fill(fixed);
	await page.getByLabel('Email, line 10').press('Tab');
	await page.getByRole('button', { name: 'Drop line 11' }).click();
	await expect(summary).toHaveText(/10 rows — 9 ready to create, 1 dropped$/);

	await page.getByRole('button', { name: 'Create 9 users' }).click();
	await expect(page.getByTestId('import-progress')).toContainText('9 done · 0 failed · 0 left');
	// Leaving before the passwords are saved asks first; staying keeps them.
	page.once('dialog', (dialog) => {
		expect(dialog.message()).toContain('cannot be shown again');
		void dialog.dismiss();
	});
	await page.getByRole('link', { name: 'Back to users' }).click();
	await expect(page.getByRole('heading', { name: 'Import users' })).toBeVisible();
	await expect(summary).toHaveText(/10 rows — 9 created, 1 dropped$/);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Download the temporary passwords (CSV)' }).click()
	]);
	expect(download.suggestedFilename()).toBe('temporary-passwords-team.csv');
	const [header, ...passwords] = Papa.parse<string[]>(
		readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, ''),
		{ skipEmptyLines: true }
	).data;
	expect(header).toEqual(['Email', 'First name', 'Last name', 'Temporary password']);
	expect(passwords.map((row) => row[0]).sort()).toEqual(
		[...good.map((row) => row[2]!), fixed].sort()
	);
	for (const row of passwords) expect(row[3]!.length).toBeGreaterThanOrEqual(16);
	for (const [label, viewport] of Object.entries(VIEWPORTS)) {
		await page.setViewportSize(viewport);
		await expectAccessible(page);
		await screenshot(page, `import-done-${label}`);
	}
	await page.setViewportSize(VIEWPORTS.desktop);

	const db = new pg.Client({ connectionString: env('E2E_DB_URL') });
	await db.connect();
	const { rows } = await db.query(
		`select email, role, must_change_password from public.users where email like $1 or email = $2 order by email`,
		[`import.${stamp}.%`, fixed]
	);
	await db.end();
	expect(rows).toHaveLength(9);
	expect(rows.every((row) => row.must_change_password)).toBe(true);
	expect(rows.find((row) => row.email === good[0]![2])?.role).toBe('manager');

	// The same file again: everyone is a user already.
	await page.getByRole('link', { name: 'Back to users' }).click();
	await page.getByRole('link', { name: 'Import CSV' }).click();
	await page.getByLabel('Choose a CSV file').setInputFiles(upload);
	await expect(summary).toHaveText(
		/10 rows — 0 ready to create, 2 need attention, 8 already users$/
	);
	await expect(page.getByRole('button', { name: 'Create 0 users' })).toBeDisabled();
	await expect(page.getByRole('cell', { name: 'Already a user here: skipped' })).toHaveCount(8);
});
