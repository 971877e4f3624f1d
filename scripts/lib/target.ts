// Which Supabase an operator script talks to: --url with --service-key, else SUPABASE_URL with
// SUPABASE_SERVICE_ROLE_KEY, else the running local stack. Each pair is taken whole or not at all:
// half of one filled in from elsewhere would send the local stack's service key to another URL.
import { resolve } from 'node:path';
import { readStatusFile } from '../../local-stack/src/status-file.ts';
import { defaultStateDir } from '../../local-stack/src/stack.ts';

/** A mistake in how the script was called: one line, then the usage, exit code 2. */
export class UsageError extends Error {}

export const targetOptions = {
	url: { type: 'string' },
	'service-key': { type: 'string' },
	'state-dir': { type: 'string' }
} as const;

export const targetUsage = `  --url URL            another Supabase's API URL (env SUPABASE_URL), with --service-key
  --service-key KEY    its service-role key (env SUPABASE_SERVICE_ROLE_KEY), with --url
  --state-dir DIR      the local stack's state folder, default .local-stack (env STACK_STATE_DIR)`;

export function supabaseTarget(
	values: { url?: string; 'service-key'?: string; 'state-dir'?: string },
	env: NodeJS.ProcessEnv = process.env
): { url: string; serviceKey: string } {
	const pair = (url: string | undefined, key: string | undefined, names: [string, string]) => {
		if (url === undefined && key === undefined) return null;
		if (!url || !key)
			throw new UsageError(
				`${url ? names[1] : names[0]} is missing: ${names[0]} and ${names[1]} go together.`
			);
		try {
			new URL(url);
		} catch {
			throw new UsageError(
				`${names[0]} must be a URL such as https://<ref>.supabase.co, got "${url}".`
			);
		}
		return { url, serviceKey: key };
	};
	const target =
		pair(values.url, values['service-key'], ['--url', '--service-key']) ??
		pair(env.SUPABASE_URL, env.SUPABASE_SERVICE_ROLE_KEY, [
			'SUPABASE_URL',
			'SUPABASE_SERVICE_ROLE_KEY'
		]);
	if (target) return target;
	const stateDir = resolve(values['state-dir'] ?? env.STACK_STATE_DIR ?? defaultStateDir);
	const local = readStatusFile(stateDir);
	if (!local)
		throw new Error(
			`No Supabase to talk to: no local stack runs with state folder ${stateDir} (start it with npm run stack, or pass the --state-dir it was started with), and no --url and --service-key were given.`
		);
	return { url: local.API_URL, serviceKey: local.SERVICE_ROLE_KEY };
}
