// `npm run stack:status`: NAME=value lines for the running stack, as `supabase status -o env`,
// on stdout (so it can be sourced or redirected to an env file); the demo users, for people, on
// stderr.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDemoUser } from './demo-users.ts';
import { readStatusFile } from './status-file.ts';
import { defaultStateDir } from './stack.ts';

const usage = `npm run stack:status -- [options]

Options:
  --state-dir DIR      the state folder the stack was started with, default .local-stack
                       (env STACK_STATE_DIR)
  --help               this text`;

let values;
try {
	({ values } = parseArgs({
		options: { 'state-dir': { type: 'string' }, help: { type: 'boolean', default: false } },
		strict: true
	}));
} catch (error) {
	console.error(`${(error as Error).message}\n\n${usage}`);
	process.exit(2);
}
if (values.help) {
	console.log(usage);
	process.exit(0);
}

const stateDir = resolve(values['state-dir'] ?? process.env.STACK_STATE_DIR ?? defaultStateDir);
const status = readStatusFile(stateDir);
if (!status) {
	console.error(
		`The local stack is not running (no live stack in ${stateDir}). Start it with \`npm run stack\` or \`npm run dev\`; if it was started with --state-dir, pass the same here.`
	);
	process.exit(1);
}
for (const name of [
	'API_URL',
	'DB_URL',
	'MAILPIT_URL',
	'ANON_KEY',
	'SERVICE_ROLE_KEY',
	'JWT_SECRET'
] as const) {
	console.log(`${name}=${status[name]}`);
}
// A status file from a stack started before it listed them has none.
if (status.demoUsers?.length) {
	console.error(
		[
			'',
			'Demo users (email / password / role):',
			...status.demoUsers.map((u) => `  ${formatDemoUser(u)}`)
		].join('\n')
	);
}
