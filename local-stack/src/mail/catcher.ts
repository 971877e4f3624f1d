// The mail catcher: Mailpit, the one the Supabase CLI runs, built once from its Go module into a
// cache outside the repo. Auth sends to its SMTP port; people read mail on a page served here, and
// tests read Mailpit's own HTTP API (/api/v1/…), proxied on the same port as the page. Mailpit's
// web UI is not in its Go module (its release build bundles it with npm), hence the page of ours.
import { serve, type ServerType } from '@hono/node-server';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { closeServer } from '../close-server.ts';
import { freePort } from '../free-port.ts';
import { endToEndHeaders, responseHeadersOf } from '../proxy-headers.ts';

export const MAILPIT_MODULE = 'github.com/axllent/mailpit';
export const MAILPIT_VERSION = 'v1.33.1';

export interface MailCatcher {
	/** The page and the API (Mailpit's, under /api/v1). */
	url: string;
	smtp: { host: string; port: number };
	stop(): Promise<void>;
}

export class MissingToolError extends Error {}

const cacheRoot = () =>
	join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'user-management-console');

/** The Mailpit binary, built with `go install` on first use (a different pin builds anew). */
export function ensureMailpit(log: (message: string) => void): string {
	const dir = join(cacheRoot(), `mailpit-${MAILPIT_VERSION}`);
	const binary = join(dir, 'mailpit');
	if (existsSync(binary)) return binary;
	if (spawnSync('go', ['version'], { encoding: 'utf8' }).status !== 0) {
		throw new MissingToolError(
			'The local stack builds its mail catcher (Mailpit) with Go, and `go` was not found: install Go 1.26 or newer (https://go.dev/doc/install; the golang package of Debian 12 is too old), or run the real Supabase CLI with Docker instead (`npx supabase start`).'
		);
	}
	const started = Date.now();
	log(
		`building Mailpit ${MAILPIT_VERSION} once into ${dir} (go install ${MAILPIT_MODULE}@${MAILPIT_VERSION}; half a minute to a few minutes)…`
	);
	const staging = `${dir}.building-${process.pid}`;
	mkdirSync(staging, { recursive: true });
	const result = spawnSync(
		'go',
		[
			'install',
			`-ldflags=-s -w -X ${MAILPIT_MODULE}/config.Version=${MAILPIT_VERSION}`,
			`${MAILPIT_MODULE}@${MAILPIT_VERSION}`
		],
		{
			encoding: 'utf8',
			env: { ...process.env, GOBIN: staging, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' }
		}
	);
	if (result.status !== 0) {
		rmSync(staging, { recursive: true, force: true });
		throw new Error(`building Mailpit failed:\n${result.stdout}${result.stderr}`);
	}
	rmSync(dir, { recursive: true, force: true });
	renameSync(staging, dir);
	log(`built Mailpit in ${((Date.now() - started) / 1000).toFixed(0)} s`);
	return binary;
}

const page = readFileSync(join(import.meta.dirname, 'page.html'), 'utf8');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The catcher listens on loopback only, whatever address the API listens on: a recovery mail's
 * link signs its reader in. Requests naming another host are refused, so a web page that rebinds
 * its own name to 127.0.0.1 cannot read the mailbox either.
 */
export async function startMailCatcher(options: {
	/** The page and API port (the CLI's 54324). */
	port: number;
	/** Where Auth sends mail (the CLI's 54325). */
	smtpPort: number;
	stateDir: string;
	reset?: boolean;
	log: (message: string) => void;
}): Promise<MailCatcher> {
	const binary = ensureMailpit(options.log);
	const smtp = { host: '127.0.0.1', port: options.smtpPort };
	const apiPort = await freePort();
	const database = join(options.stateDir, 'mail.db');
	if (options.reset) rmSync(database, { force: true });
	const child = spawn(
		binary,
		[
			'--listen',
			`127.0.0.1:${apiPort}`,
			'--smtp',
			`${smtp.host}:${smtp.port}`,
			'--smtp-auth-accept-any',
			'--smtp-auth-allow-insecure',
			'--database',
			database,
			'--disable-version-check',
			'--quiet'
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] }
	);
	const output: string[] = [];
	const keep = (chunk: Buffer) => {
		const text = chunk.toString();
		output.push(text);
		for (const line of text.split('\n')) if (line.trim()) options.log(line.trim());
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);

	const mailpit = `http://127.0.0.1:${apiPort}`;
	const app = new Hono();
	app.use(async (c, next) => {
		const host = (c.req.header('host') ?? '').replace(/:\d+$/, '');
		if (!LOOPBACK_HOSTS.has(host))
			return c.text('The mail catcher answers on 127.0.0.1 only.', 403);
		await next();
	});
	app.get('/', (c) => c.html(page));
	// Everything else is Mailpit's: its API for tests and the page, its message views.
	app.all('*', async (c) => {
		const url = new URL(c.req.url);
		try {
			const response = await fetch(`${mailpit}${url.pathname}${url.search}`, {
				method: c.req.method,
				headers: endToEndHeaders(c.req.raw.headers),
				body: ['GET', 'HEAD'].includes(c.req.method) ? undefined : await c.req.arrayBuffer(),
				redirect: 'manual'
			});
			return new Response(response.body, {
				status: response.status,
				headers: responseHeadersOf(response)
			});
		} catch (error) {
			options.log(`mail API request failed: ${(error as Error).message}`);
			return c.json({ error: 'The mail catcher (Mailpit) did not answer.' }, 502);
		}
	});

	let server: ServerType | undefined;
	const stop = async () => {
		process.off('exit', killOnExit);
		if (server) await closeServer(server);
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		}
	};
	try {
		const deadline = Date.now() + 30_000;
		for (;;) {
			if (child.exitCode !== null)
				throw new Error(`Mailpit exited while starting:\n${output.join('')}`);
			const ready = await fetch(`${mailpit}/readyz`).then(
				(r) => r.ok,
				() => false
			);
			if (ready) break;
			if (Date.now() > deadline)
				throw new Error(`Mailpit did not start within 30 s:\n${output.join('')}`);
			await new Promise((r) => setTimeout(r, 100));
		}
		server = await new Promise<ServerType>((resolveListen, reject) => {
			const listening = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: options.port });
			listening.once('listening', () => resolveListen(listening));
			listening.once('error', reject);
		});
		return { url: `http://127.0.0.1:${options.port}`, smtp, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
