// The whole local stack in one process: Postgres (embedded PGlite, or any server by URL), the
// project's schema, and the gateway serving Auth, Data API and Edge Functions on one base URL.
import { serve, type ServerType } from '@hono/node-server';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createAuthApp } from './auth/index.ts';
import type { StackContext } from './context.ts';
import { Database } from './database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';
import { createFunctionsApp } from './functions/index.ts';
import { createGateway } from './gateway.ts';
import { Jwt } from './jwt.ts';
import { createRestApp } from './rest/index.ts';
import { DEMO_ADMIN_EMAIL, prepareSchema } from './schema.ts';
import { loadOrCreateSecrets, type InstallSecrets } from './secrets.ts';

export const projectRoot = resolve(import.meta.dirname, '../..');
export const defaultStateDir = join(projectRoot, '.local-stack');

export interface StackOptions {
	/** Use this Postgres instead of the embedded PGlite (must be a superuser URL). */
	dbUrl?: string;
	/** Folder for secrets and PGlite data (git-ignored). */
	stateDir?: string;
	/** Start from an empty embedded database. */
	reset?: boolean;
	host?: string;
	apiPort?: number;
	dbPort?: number;
	supabaseDir?: string;
	jwtExpiry?: number;
	/** Start every Edge Function's Deno process before resolving. */
	warmFunctions?: boolean;
	log?: (scope: string, message: string) => void;
}

export interface RunningStack {
	apiUrl: string;
	dbUrl: string;
	keys: InstallSecrets;
	embedded: boolean;
	demoAdmin: { email: string; password: string };
	stop(): Promise<void>;
}

export class PortInUseError extends Error {
	constructor(
		readonly port: number,
		readonly what: string,
		readonly override: string
	) {
		super(`Port ${port} (${what}) is already in use. Stop whatever uses it, or pick another port with ${override}.`);
	}
}

function listen(app: { fetch: (request: Request) => Response | Promise<Response> }, host: string, port: number): Promise<ServerType> {
	return new Promise((resolveListen, reject) => {
		const server = serve({ fetch: app.fetch, hostname: host, port });
		server.once('listening', () => resolveListen(server));
		server.once('error', (error: NodeJS.ErrnoException) =>
			reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, 'API gateway', '--port or STACK_API_PORT') : error)
		);
	});
}

/** Fails fast, before minutes of database work, when a port is taken. */
async function ensurePortFree(host: string, port: number, error: PortInUseError): Promise<void> {
	const probe = createServer();
	await new Promise<void>((resolveProbe, reject) => {
		probe.once('error', (cause: NodeJS.ErrnoException) => reject(cause.code === 'EADDRINUSE' ? error : cause));
		probe.listen(port, host, () => probe.close(() => resolveProbe()));
	});
}

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
	const log = options.log ?? ((scope, message) => console.log(`[${scope}] ${message}`));
	const stateDir = options.stateDir ?? defaultStateDir;
	const host = options.host ?? '127.0.0.1';
	const apiPort = options.apiPort ?? 54321;
	const supabaseDir = options.supabaseDir ?? join(projectRoot, 'supabase');
	await ensurePortFree(host, apiPort, new PortInUseError(apiPort, 'API gateway', '--port or STACK_API_PORT'));
	if (!options.dbUrl) {
		const dbPort = options.dbPort ?? 54330;
		await ensurePortFree('127.0.0.1', dbPort, new PortInUseError(dbPort, 'embedded Postgres', '--db-port or STACK_DB_PORT'));
	}
	const secrets = await loadOrCreateSecrets(stateDir);

	let embedded: EmbeddedPostgres | undefined;
	let dbUrl = options.dbUrl;
	if (!dbUrl) {
		const dbPort = options.dbPort ?? 54330;
		try {
			embedded = await startEmbeddedPostgres({ dataDir: join(stateDir, 'pglite'), port: dbPort, reset: options.reset });
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(dbPort, 'embedded Postgres', '--db-port or STACK_DB_PORT');
			throw error;
		}
		dbUrl = embedded.url;
	}

	const cleanup: Array<() => Promise<void> | void> = [];
	const stop = async () => {
		for (const step of cleanup.reverse()) await step();
		await embedded?.stop();
	};

	try {
		await prepareSchema({ dbUrl, supabaseDir, demoAdminPassword: secrets.demoAdminPassword, log: (m) => log('db', m) });

		// PGlite runs one statement at a time; a large pool would only queue inside the socket server.
		const db = new Database(dbUrl, { max: embedded ? 4 : 10, restoreSessionAuthorization: Boolean(embedded) });
		cleanup.push(() => db.close());

		const apiUrl = `http://${host}:${apiPort}`;
		const ctx: StackContext = {
			db,
			jwt: new Jwt(secrets.jwtSecret),
			keys: secrets,
			apiUrl,
			jwtExpiry: options.jwtExpiry ?? 3600,
			supabaseDir,
			log
		};
		const functions = createFunctionsApp(ctx);
		cleanup.push(() => functions.stop());
		const gateway = createGateway(ctx, { auth: createAuthApp(ctx), rest: createRestApp(ctx), functions: functions.app });
		const server = await listen(gateway, host, apiPort);
		cleanup.push(() => new Promise<void>((done) => server.close(() => done())));
		if (options.warmFunctions) await functions.warmUp();

		return {
			apiUrl,
			dbUrl,
			keys: secrets,
			embedded: Boolean(embedded),
			demoAdmin: { email: DEMO_ADMIN_EMAIL, password: secrets.demoAdminPassword },
			stop
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
