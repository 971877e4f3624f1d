// Repair: remove Auth users that have no row in public.users ("orphans"). The console creates the
// Auth user first and the row second; if the create-user function dies in between (killed, its
// machine gone) and cannot undo the first step, the Auth user is left without a row: they can sign
// in to nothing, nobody was ever given their password, and they block the email. This finds them
// and deletes them, so creating the user again works. Users created in the last --min-age seconds
// are left alone (a creation may still be in flight). Defaults to the running local stack, like
// create-admin; `--url` / `--service-key` (or SUPABASE_URL / SUPABASE_SERVICE_ROLE_KEY) for another.
//
//   npm run repair-orphans -- [--dry-run] [--all] [--min-age 120] [--url URL --service-key KEY]
import { parseArgs } from 'node:util';
import { createNodeClient } from './lib/supabase-node.ts';
import { argumentsOrExit, fail, parseOrHelp } from './lib/command-line.ts';
import { supabaseTarget, targetOptions, targetUsage, UsageError } from './lib/target.ts';

const usage = `Usage: npm run repair-orphans -- [options]

Removes Auth users the console created that have no users row (left by a creation that died half-way).
Talks to the running local stack unless --url and --service-key name another Supabase.

Options:
  --dry-run            list what would be removed, remove nothing
  --all                also Auth users the console did not create (no organization in app_metadata)
  --min-age SECONDS    leave users younger than this alone (a creation may be in flight), default 120
${targetUsage}
  --help               this text

Example:
  npm run repair-orphans -- --dry-run`;

function parse() {
	const values = parseOrHelp(
		() =>
			parseArgs({
				options: {
					'dry-run': { type: 'boolean', default: false },
					all: { type: 'boolean', default: false },
					'min-age': { type: 'string', default: '120' },
					...targetOptions,
					help: { type: 'boolean', default: false }
				},
				strict: true
			}),
		usage
	);
	const minAgeSeconds = Number(values['min-age']);
	if (values['min-age'].trim() === '' || !Number.isFinite(minAgeSeconds) || minAgeSeconds < 0)
		throw new UsageError(`--min-age must be a number of seconds, got "${values['min-age']}".`);
	return { values, minAgeSeconds, target: supabaseTarget(values) };
}

const args = argumentsOrExit(parse, usage);
const { values, minAgeSeconds } = args;
const { url, serviceKey } = args.target;

const supabase = createNodeClient(url, serviceKey);

// Every Auth user, page by page (the Auth admin API's largest page is 1,000).
const authUsers: Array<{
	id: string;
	email?: string;
	created_at: string;
	app_metadata?: Record<string, unknown>;
}> = [];
for (let page = 1; ; page++) {
	const { data, error } = await supabase.auth.admin.listUsers({ page, perPage: 1000 });
	if (error) fail(`Could not list Auth users: ${error.message}`);
	authUsers.push(...data.users);
	if (data.users.length < 1000) break;
}

// Every row's id, read after the Auth users: a user created in between has its row by now or is
// younger than --min-age.
const rowIds = new Set<string>();
for (let from = 0; ; from += 1000) {
	const { data, error } = await supabase
		.from('users')
		.select('id')
		.order('id')
		.range(from, from + 999);
	if (error) fail(`Could not read public.users: ${error.message}`);
	for (const row of data) rowIds.add(row.id);
	if (data.length < 1000) break;
}

const cutoff = Date.now() - minAgeSeconds * 1000;
// Only users the console made: create-user and create-admin put the organization in app_metadata
// first thing. Other Auth users of a shared project (another app's, an operator's) are not ours
// to delete unless --all says so.
const orphans = authUsers.filter(
	(user) => !rowIds.has(user.id) && (values.all || user.app_metadata?.organization_id !== undefined)
);
const old = orphans.filter((user) => Date.parse(user.created_at) <= cutoff);
const young = orphans.length - old.length;

let removed = 0;
for (const orphan of old) {
	if (values['dry-run']) {
		console.log(`would remove ${orphan.id} ${orphan.email ?? ''} (created ${orphan.created_at})`);
		continue;
	}
	const { error } = await supabase.auth.admin.deleteUser(orphan.id);
	if (error && error.status !== 404) {
		console.error(`could not remove ${orphan.id} ${orphan.email ?? ''}: ${error.message}`);
		continue;
	}
	removed++;
	console.log(`removed ${orphan.id} ${orphan.email ?? ''} (created ${orphan.created_at})`);
}
console.log(
	`${authUsers.length} Auth users, ${orphans.length} without a users row` +
		(values['dry-run'] ? `; ${old.length} would be removed` : `; ${removed} removed`) +
		(young ? `; ${young} younger than ${minAgeSeconds} s left alone` : '') +
		'.'
);
if (!values['dry-run'] && removed < old.length) process.exit(1);
