// `npm run stack:status`: NAME=value lines for the running stack, as `supabase status -o env`.
import { resolve } from 'node:path';
import { readStatusFile } from './status-file.ts';
import { defaultStateDir } from './stack.ts';

const status = readStatusFile(resolve(process.env.STACK_STATE_DIR ?? defaultStateDir));
if (!status) {
	console.error('The local stack is not running. Start it with `npm run stack` or `npm run dev`.');
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
