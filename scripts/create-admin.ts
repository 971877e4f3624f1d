// Operator bootstrap: create an organization and its first admin on any Supabase, and print the
// generated password once. Defaults to the running local stack; `--url` / `--service-key` (or
// SUPABASE_URL / SUPABASE_SERVICE_ROLE_KEY) point it elsewhere.
import { parseArgs } from 'node:util';
import { generatePassword } from '../supabase/functions/_shared/password.ts';
import {
	emailSchema,
	firstNameSchema,
	lastNameSchema
} from '../supabase/functions/_shared/user-input.ts';
import { createNodeClient } from './lib/supabase-node.ts';
import { argumentsOrExit, fail, parseOrHelp } from './lib/command-line.ts';
import { supabaseTarget, targetOptions, targetUsage, UsageError } from './lib/target.ts';

const usage = `Usage: npm run create-admin -- --org NAME --email EMAIL [options]

Creates an organization and its first admin, and prints the admin's generated password once.
Talks to the running local stack unless --url and --service-key name another Supabase.

Options:
  --org NAME           the new organization's name (required)
  --email EMAIL        its first admin's email, the sign-in (required)
  --first-name NAME    the admin's first name, default Admin
  --last-name NAME     the admin's last name, default Admin
${targetUsage}
  --help               this text

Examples:
  npm run create-admin -- --org "Acme" --email ada@acme.test --first-name Ada --last-name Lovelace
  SUPABASE_URL=https://<ref>.supabase.co SUPABASE_SERVICE_ROLE_KEY=<service-role key> \\
    npm run create-admin -- --org "Acme" --email ada@acme.test`;

function parse() {
	const values = parseOrHelp(
		() =>
			parseArgs({
				options: {
					org: { type: 'string' },
					email: { type: 'string' },
					'first-name': { type: 'string', default: 'Admin' },
					'last-name': { type: 'string', default: 'Admin' },
					...targetOptions,
					help: { type: 'boolean', default: false }
				},
				strict: true
			}),
		usage
	);
	const org = values.org?.trim();
	if (!org) throw new UsageError("--org is required: the new organization's name.");
	if (values.email === undefined) throw new UsageError("--email is required: the admin's email.");
	const checked = (
		flag: string,
		result: { success: boolean; data?: string; error?: { issues: Array<{ message: string }> } }
	) => {
		if (!result.success) throw new UsageError(`${flag}: ${result.error!.issues[0]!.message}.`);
		return result.data!;
	};
	return {
		org,
		email: checked('--email', emailSchema.safeParse(values.email)),
		firstName: checked('--first-name', firstNameSchema.safeParse(values['first-name'])),
		lastName: checked('--last-name', lastNameSchema.safeParse(values['last-name'])),
		target: supabaseTarget(values)
	};
}

const args = argumentsOrExit(parse, usage);
const { org, email, firstName, lastName } = args;
const { url, serviceKey } = args.target;

const supabase = createNodeClient(url, serviceKey);

const { data: existing, error: lookupError } = await supabase
	.from('users')
	.select('role, status, organizations(name)')
	.eq('email', email)
	.maybeSingle();
if (lookupError) fail(`Could not look the email up: ${lookupError.message}`);
if (existing) {
	console.log(
		`${email} already exists (${existing.role}, ${existing.status}, organization "${existing.organizations?.name}"). Nothing changed.`
	);
	process.exit(0);
}

const password = generatePassword();
// Marked as the console's from the start (organization filled in below), so that if this script
// dies half-way `npm run repair-orphans` recognises the Auth user as ours to remove.
const { data: created, error: authError } = await supabase.auth.admin.createUser({
	email: email,
	password,
	email_confirm: true,
	app_metadata: { organization_id: null }
});
if (authError || !created.user) {
	fail(
		authError?.code === 'email_exists'
			? `${email} is registered in Auth but has no users row (an orphan): \`npm run repair-orphans\` removes it (add --all if it was not made by the console), or pick another email.`
			: `Auth refused to create the user: ${authError?.message}`
	);
}

const { data: organization, error: orgError } = await supabase
	.from('organizations')
	.insert({ name: org })
	.select('id')
	.single();
if (orgError || !organization) {
	await supabase.auth.admin.deleteUser(created.user.id);
	fail(`Could not create the organization: ${orgError?.message}`);
}
const { error: metadataError } = await supabase.auth.admin.updateUserById(created.user.id, {
	app_metadata: { organization_id: organization.id }
});
if (metadataError) {
	await supabase.auth.admin.deleteUser(created.user.id);
	fail(
		`Could not record the organization on the Auth user (organization ${organization.id} is left empty): ${metadataError.message}`
	);
}

const { error: rowError } = await supabase.from('users').insert({
	id: created.user.id,
	organization_id: organization.id,
	email: email,
	first_name: firstName,
	last_name: lastName,
	role: 'admin'
});
if (rowError) {
	await supabase.auth.admin.deleteUser(created.user.id);
	fail(
		`Could not create the admin's row (organization ${organization.id} is left empty): ${rowError.message}`
	);
}

console.log(`Created organization "${org}" and its admin ${email}.`);
console.log(`Password (shown once, hand it over securely): ${password}`);
