// `npm run create-admin`: the operator's way to start an organization on any Supabase.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GENERATED_PASSWORD_PATTERN } from '../../supabase/functions/_shared/password.ts';
import { signIn } from './personas.ts';
import { serviceClient, stack, uniqueEmail } from './stack-under-test.ts';

const run = promisify(execFile);
const projectRoot = resolve(import.meta.dirname, '../..');

function createAdmin(args: string[]) {
	return run(
		resolve(projectRoot, 'node_modules/.bin/tsx'),
		[
			'scripts/create-admin.ts',
			...args,
			'--url',
			stack().apiUrl,
			'--service-key',
			stack().serviceRoleKey
		],
		{
			cwd: projectRoot
		}
	);
}

describe('create-admin', () => {
	it('creates an organization and its active admin, prints the password once, and does not duplicate on a re-run', async () => {
		const email = uniqueEmail('operator');
		const org = `Operator Org ${email}`;
		const first = await createAdmin([
			'--org',
			org,
			'--email',
			email.toUpperCase(),
			'--first-name',
			'Olga'
		]);
		expect(first.stdout).toContain(`Created organization "${org}" and its admin ${email}.`);
		const password = /Password \(shown once, hand it over securely\): (\S+)/.exec(
			first.stdout
		)![1]!;
		expect(password).toMatch(GENERATED_PASSWORD_PATTERN);

		const admin = await signIn(email, password);
		const { data } = await admin.client
			.from('users')
			.select('role, status, first_name, organizations(name)')
			.single();
		expect(data).toEqual({
			role: 'admin',
			status: 'active',
			first_name: 'Olga',
			organizations: { name: org }
		});

		const again = await createAdmin(['--org', org, '--email', email]);
		expect(again.stdout).toContain(
			`${email} already exists (admin, active, organization "${org}"). Nothing changed.`
		);
		expect(again.stdout).not.toContain('Password');
		const { count } = await serviceClient()
			.from('organizations')
			.select('id', { count: 'exact', head: true })
			.eq('name', org);
		expect(count).toBe(1);
	});

	it('refuses a missing organization or a malformed email with its usage line', async () => {
		const failed = await createAdmin(['--email', 'not-an-email']).catch((error) => error);
		expect(failed.code).toBe(2);
		expect(failed.stderr).toContain('Usage: npm run create-admin');
	});
});
