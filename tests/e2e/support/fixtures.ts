// Shared fixtures and steps for the e2e specs: the app's URL from global setup, sign-in/out as a
// person does it, axe checks and screenshots.
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function env(name: string): string {
	const value = process.env[name];
	if (!value)
		throw new Error(
			`${name} is not set: run the suite with tests/e2e/playwright.config.ts (its global setup sets it)`
		);
	return value;
}

export const test = base.extend({
	// Playwright reads a fixture's dependencies from its first parameter, which must be a pattern.
	// eslint-disable-next-line no-empty-pattern
	baseURL: async ({}, use) => {
		await use(env('E2E_APP_URL'));
	}
});
export { expect };

export async function signIn(page: Page, email: string, password: string): Promise<void> {
	await page.goto('/sign-in');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'Sign out', exact: true }).click();
	await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

/** No serious or critical axe violations on what the page shows now. */
export async function expectAccessible(page: Page): Promise<void> {
	const results = await new AxeBuilder({ page }).analyze();
	const severe = results.violations
		.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
		.map(
			(violation) =>
				`${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`
		);
	expect(severe, 'serious or critical accessibility violations').toEqual([]);
}

const root = resolve(import.meta.dirname, '../../..');
export const screenshotDir = join(root, 'test-results/screenshots');

export const VIEWPORTS = {
	desktop: { width: 1280, height: 800 },
	phone: { width: 390, height: 844 }
} as const;

/**
 * Saves the current screen into test-results/screenshots. `docsName` also copies it to
 * docs/screenshots for the README when that copy is missing or E2E_DOCS_SCREENSHOTS=1 asks to
 * refresh it (so ordinary runs do not rewrite tracked files).
 */
export async function screenshot(
	page: Page,
	name: string,
	options: { docsName?: string; fullPage?: boolean } = {}
): Promise<string> {
	mkdirSync(screenshotDir, { recursive: true });
	const path = join(screenshotDir, `${name}.png`);
	await page.screenshot({ path, fullPage: options.fullPage ?? false, animations: 'disabled' });
	const docsPath = options.docsName && join(root, 'docs/screenshots', `${options.docsName}.png`);
	if (docsPath && (process.env.E2E_DOCS_SCREENSHOTS === '1' || !existsSync(docsPath))) {
		mkdirSync(join(root, 'docs/screenshots'), { recursive: true });
		copyFileSync(path, docsPath);
	}
	return path;
}
