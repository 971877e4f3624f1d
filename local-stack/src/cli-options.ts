// Command-line flags shared by `npm run stack` and `npm run dev`, with environment overrides so
// scripts and CI can set them without flags.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { defaultStateDir, type StackOptions } from './stack.ts';

export const usage = `Options:
  --reset              start from an empty embedded database and mailbox (the per-install keys are kept)
  --db-url URL         use this Postgres instead of the embedded one: a superuser other than
                       postgres, e.g. postgresql://supabase_admin@host:5432/postgres (env STACK_DB_URL)
  --port N             API gateway port, default 54321 (env STACK_API_PORT)
  --db-port N          embedded Postgres port, default 54330 (env STACK_DB_PORT)
  --mail-port N        mail page and API port on 127.0.0.1, default 54324 (env STACK_MAIL_PORT)
  --smtp-port N        where Auth sends mail, default the mail port + 1 (env STACK_SMTP_PORT)
  --host HOST          address to listen on, default 127.0.0.1 (env STACK_HOST)
  --state-dir DIR      keys and embedded data, default .local-stack (env STACK_STATE_DIR)
  --help               this text`;

function port(value: string | undefined, name: string): number | undefined {
	if (value === undefined) return undefined;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535)
		throw new Error(`${name} must be a port number, got "${value}"`);
	return parsed;
}

export function parseStackOptions(
	argv: string[],
	env: NodeJS.ProcessEnv = process.env
): StackOptions & { help: boolean; stateDir: string } {
	const { values } = parseArgs({
		args: argv,
		options: {
			reset: { type: 'boolean', default: false },
			'db-url': { type: 'string' },
			port: { type: 'string' },
			'db-port': { type: 'string' },
			'mail-port': { type: 'string' },
			'smtp-port': { type: 'string' },
			host: { type: 'string' },
			'state-dir': { type: 'string' },
			help: { type: 'boolean', default: false }
		},
		strict: true
	});
	return {
		help: values.help ?? false,
		reset: values.reset ?? false,
		dbUrl: values['db-url'] ?? env.STACK_DB_URL,
		apiPort: port(values.port ?? env.STACK_API_PORT, '--port'),
		dbPort: port(values['db-port'] ?? env.STACK_DB_PORT, '--db-port'),
		mailPort: port(values['mail-port'] ?? env.STACK_MAIL_PORT, '--mail-port'),
		smtpPort: port(values['smtp-port'] ?? env.STACK_SMTP_PORT, '--smtp-port'),
		host: values.host ?? env.STACK_HOST,
		stateDir: resolve(values['state-dir'] ?? env.STACK_STATE_DIR ?? defaultStateDir)
	};
}
