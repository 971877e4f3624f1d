// Operator bootstrap: create an organization and its first admin on any Supabase, and print the
// generated password once. Defaults to the running local stack; `--url` / `--service-key` (or
// SUPABASE_URL / SUPABASE_SERVICE_ROLE_KEY) point it elsewhere.
//
//   npm run create-admin -- --org "Acme" --email ada@acme.test [--first-name Ada] [--last-name Admin]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readStatusFile } from '../local-stack/src/status-file.ts';
import { defaultStateDir } from '../local-stack/src/stack.ts';
import { generatePassword } from '../supabase/functions/_shared/password.ts';
import { emailSchema } from '../supabase/functions/_shared/user-input.ts';
import { createNodeClient } from './lib/supabase-node.ts';

function fail(message: string, code = 1): never {
	console.error(message);
	process.exit(code);
}

const { values } = parseArgs({
	options: {
		org: { type: 'string' },
		email: { type: 'string' },
		'first-name': { type: 'string', default: 'Admin' },
		'last-name': { type: 'string', default: 'Admin' },
		url: { type: 'string' },
		'service-key': { type: 'string' }
	},
	strict: true
});

const org = values.org?.trim();
const email = emailSchema.safeParse(values.email ?? '');
if (!org || !email.success) {
	fail(
		'Usage: npm run create-admin -- --org "Acme" --email ada@acme.test [--first-name Ada] [--last-name Admin] [--url URL --service-key KEY]',
		2
	);
}

const local = readStatusFile(resolve(process.env.STACK_STATE_DIR ?? defaultStateDir));
const url = values.url ?? process.env.SUPABASE_URL ?? local?.API_URL;
const serviceKey =
	values['service-key'] ?? process.env.SUPABASE_SERVICE_ROLE_KEY ?? local?.SERVICE_ROLE_KEY;
if (!url || !serviceKey) {
	fail(
		'No Supabase to talk to: start the local stack (npm run stack), or pass --url and --service-key.'
	);
}

const supabase = createNodeClient(url, serviceKey);

const { data: existing, error: lookupError } = await supabase
	.from('users')
	.select('role, status, organizations(name)')
	.eq('email', email.data)
	.maybeSingle();
if (lookupError) fail(`Could not look the email up: ${lookupError.message}`);
if (existing) {
	console.log(
		`${email.data} already exists (${existing.role}, ${existing.status}, organization "${existing.organizations?.name}"). Nothing changed.`
	);
	process.exit(0);
}

const password = generatePassword();
// Marked as the console's from the start (organization filled in below), so that if this script
// dies half-way `npm run repair-orphans` recognises the Auth user as ours to remove.
const { data: created, error: authError } = await supabase.auth.admin.createUser({
	email: email.data,
	password,
	email_confirm: true,
	app_metadata: { organization_id: null }
});
if (authError || !created.user) {
	fail(
		authError?.code === 'email_exists'
			? `${email.data} is registered in Auth but has no users row (an orphan): \`npm run repair-orphans\` removes it (add --all if it was not made by the console), or pick another email.`
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
	email: email.data,
	first_name: values['first-name'].trim(),
	last_name: values['last-name'].trim(),
	role: 'admin'
});
if (rowError) {
	await supabase.auth.admin.deleteUser(created.user.id);
	fail(
		`Could not create the admin's row (organization ${organization.id} is left empty): ${rowError.message}`
	);
}

console.log(`Created organization "${org}" and its admin ${email.data}.`);
console.log(`Password (shown once, hand it over securely): ${password}`);
