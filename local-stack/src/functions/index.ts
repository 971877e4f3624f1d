// /functions/v1/<name>: the project's Edge Functions, each run by real Deno as its own process,
// the request forwarded with the path the edge runtime gives it (/<name>/...). `verify_jwt` from
// config.toml is enforced here, before the function sees the request, as the edge runtime does.
import { Hono } from 'hono';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { StackContext } from '../context.ts';
import { endToEndHeaders, responseHeadersOf } from '../proxy-headers.ts';
import { freePort } from '../free-port.ts';
import { JwtError } from '../jwt.ts';

const denoBin = resolve(import.meta.dirname, '../../../node_modules/.bin/deno');

interface FunctionConfig {
	name: string;
	entrypoint: string;
	verifyJwt: boolean;
}

/** Functions are the folders of supabase/functions with an index.ts (or a config.toml entrypoint); `_shared` and other `_` folders are code, not functions. */
export function discoverFunctions(supabaseDir: string): FunctionConfig[] {
	const functionsDir = join(supabaseDir, 'functions');
	if (!existsSync(functionsDir)) return [];
	const configFile = join(supabaseDir, 'config.toml');
	const config = (existsSync(configFile) ? parseToml(readFileSync(configFile, 'utf8')) : {}) as {
		functions?: Record<string, { verify_jwt?: boolean; entrypoint?: string; enabled?: boolean }>;
	};
	return readdirSync(functionsDir, { withFileTypes: true })
		.filter(
			(entry) => entry.isDirectory() && !entry.name.startsWith('_') && !entry.name.startsWith('.')
		)
		.map((entry) => {
			const settings = config.functions?.[entry.name] ?? {};
			const entrypoint = settings.entrypoint
				? resolve(supabaseDir, settings.entrypoint)
				: join(functionsDir, entry.name, 'index.ts');
			return {
				name: entry.name,
				entrypoint,
				verifyJwt: settings.verify_jwt ?? true,
				enabled: settings.enabled ?? true
			};
		})
		.filter((fn) => fn.enabled && existsSync(fn.entrypoint));
}

/** One Deno process of a function, as long as it lives. */
interface Instance {
	port: number;
	child: ChildProcess;
}

/** Resolves true when something accepts a TCP connection on the port within the timeout. */
function acceptsConnections(port: number, timeoutMs = 1_000): Promise<boolean> {
	return new Promise((resolveProbe) => {
		const socket = connect({ host: '127.0.0.1', port });
		const done = (alive: boolean) => {
			socket.destroy();
			resolveProbe(alive);
		};
		socket.setTimeout(timeoutMs, () => done(false));
		socket.once('connect', () => done(true));
		socket.once('error', () => done(false));
	});
}

class FunctionProcess {
	private current?: Instance;
	private ready?: Promise<Instance>;

	constructor(
		private readonly fn: FunctionConfig,
		private readonly env: Record<string, string>,
		private readonly log: (message: string) => void
	) {}

	/** Starts Deno on first use (and again after a crash); resolves with the running instance. */
	instance(): Promise<Instance> {
		this.ready ??= this.start().catch((error) => {
			this.ready = undefined;
			throw error;
		});
		return this.ready;
	}

	async port(): Promise<number> {
		return (await this.instance()).port;
	}

	/** The process of this instance is gone: it exited, or its port no longer accepts connections. */
	async isGone(instance: Instance): Promise<boolean> {
		if (instance.child.exitCode !== null || instance.child.signalCode !== null) return true;
		return !(await acceptsConnections(instance.port));
	}

	private async start(): Promise<Instance> {
		const port = await freePort();
		const child = spawn(
			denoBin,
			[
				'run',
				'--allow-net',
				'--allow-env',
				'--allow-read',
				'--allow-sys',
				'--no-prompt',
				this.fn.entrypoint
			],
			{
				cwd: resolve(this.fn.entrypoint, '..'),
				env: {
					...process.env,
					...this.env,
					DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}`,
					NO_COLOR: '1'
				},
				stdio: ['ignore', 'pipe', 'pipe']
			}
		);
		const instance: Instance = { port, child };
		this.current = instance;
		return new Promise<Instance>((resolveStart, reject) => {
			const timer = setTimeout(
				() => reject(new Error(`function ${this.fn.name} did not start within 60 s`)),
				60_000
			);
			// Deno announces `Listening on …` once Deno.serve is bound; everything else is the function's log.
			const output = (chunk: Buffer) => {
				for (const line of chunk.toString('utf8').split('\n')) {
					if (line.startsWith('Listening on')) {
						clearTimeout(timer);
						resolveStart(instance);
					} else if (line.trim()) {
						this.log(line);
					}
				}
			};
			child.stdout?.on('data', output);
			child.stderr?.on('data', output);
			child.on('exit', (code, signal) => {
				clearTimeout(timer);
				// A discarded process may exit after its replacement started: leave that one be.
				if (this.current === instance) {
					this.ready = undefined;
					this.current = undefined;
				}
				if (signal !== 'SIGTERM' && signal !== 'SIGKILL') this.log(`exited (${code ?? signal})`);
				reject(new Error(`function ${this.fn.name} exited before listening (${code ?? signal})`));
			});
		});
	}

	/**
	 * Forgets this instance (killing it if it still runs): the next request starts a new one. Only
	 * the instance a request found gone is discarded, never a replacement another request started.
	 */
	discard(instance: Instance): void {
		instance.child.kill('SIGKILL');
		if (this.current !== instance) return;
		this.current = undefined;
		this.ready = undefined;
	}

	stop(): void {
		this.current?.child.kill('SIGTERM');
	}
}

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1, with the older Keep-Alive, Proxy-Connection and Trailer
 * names) describe the client's connection to this proxy, not the request: a proxy must not forward
 * them, nor the headers `Connection` names. `Expect` is answered here (Node sends 100 Continue), and
 * `Host` and `Content-Length` are the new connection's own. fetch() refuses several of these outright.
 */

const causeCode = (error: unknown): string | undefined =>
	(error as { cause?: { code?: string } }).cause?.code;

function describeError(error: unknown): string {
	const cause = (error as { cause?: Error & { code?: string } }).cause;
	return cause
		? `${(error as Error).message} (${cause.code ?? cause.name}: ${cause.message})`
		: (error as Error).message;
}

export interface FunctionsApp {
	app: Hono;
	/** Starts every function's Deno process ahead of the first request. */
	warmUp(): Promise<void>;
	stop(): void;
}

export function createFunctionsApp(ctx: StackContext): FunctionsApp {
	const env = {
		SUPABASE_URL: ctx.apiUrl,
		SUPABASE_ANON_KEY: ctx.keys.anonKey,
		SUPABASE_SERVICE_ROLE_KEY: ctx.keys.serviceRoleKey,
		SUPABASE_DB_URL: ctx.dbUrl
	};
	const functions = new Map(
		discoverFunctions(ctx.supabaseDir).map((fn) => [
			fn.name,
			{ fn, process: new FunctionProcess(fn, env, (m) => ctx.log(`fn:${fn.name}`, m)) }
		])
	);

	const app = new Hono();
	app.all('/:name{[^/]+}/*', async (c) => forward(c.req.param('name'), c.req.raw));
	app.all('/:name{[^/]+}', async (c) => forward(c.req.param('name'), c.req.raw));

	async function forward(name: string, request: Request): Promise<Response> {
		const entry = functions.get(name);
		if (!entry)
			return Response.json(
				{ code: 'NOT_FOUND', message: 'Requested function was not found' },
				{ status: 404 }
			);

		if (entry.fn.verifyJwt && request.method !== 'OPTIONS') {
			const header = request.headers.get('authorization') ?? '';
			const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
			if (!token)
				return Response.json(
					{ code: 401, message: 'Missing authorization header' },
					{ status: 401 }
				);
			try {
				await ctx.jwt.verify(token);
			} catch (error) {
				const message =
					error instanceof JwtError && error.reason === 'expired' ? 'JWT expired' : 'Invalid JWT';
				return Response.json({ code: 401, message }, { status: 401 });
			}
		}

		const incoming = new URL(request.url);
		const path = `${incoming.pathname.replace(/^\/functions\/v1/, '')}${incoming.search}`;
		const headers = endToEndHeaders(request.headers);
		const body =
			request.method === 'GET' || request.method === 'HEAD'
				? undefined
				: await request.arrayBuffer();

		let instance: Instance;
		try {
			instance = await entry.process.instance();
		} catch (error) {
			ctx.log(`fn:${name}`, `request failed: ${(error as Error).message}`);
			return Response.json(
				{ code: 'BOOT_ERROR', message: 'Function failed to start (please check logs)' },
				{ status: 503 }
			);
		}
		const send = (target: Instance) =>
			fetch(`http://127.0.0.1:${target.port}${path}`, {
				method: request.method,
				headers,
				body,
				redirect: 'manual'
			});
		try {
			let response: Response;
			try {
				response = await send(instance);
			} catch (error) {
				// A refused connection never reached the function (it had died since the last
				// request): start a fresh process and deliver the request once more.
				if (causeCode(error) !== 'ECONNREFUSED' || !(await entry.process.isGone(instance)))
					throw error;
				entry.process.discard(instance);
				try {
					instance = await entry.process.instance();
				} catch (bootError) {
					ctx.log(`fn:${name}`, `request failed: ${(bootError as Error).message}`);
					return Response.json(
						{ code: 'BOOT_ERROR', message: 'Function failed to start (please check logs)' },
						{ status: 503 }
					);
				}
				response = await send(instance);
			}
			return new Response(response.body, {
				status: response.status,
				headers: responseHeadersOf(response)
			});
		} catch (error) {
			ctx.log(`fn:${name}`, `request failed: ${describeError(error)}`);
			// fetch refused to send this request: nothing reached the function, which is fine.
			if (
				causeCode(error)?.startsWith('UND_ERR_INVALID_ARG') ||
				(error as { cause?: Error }).cause?.name === 'InvalidArgumentError'
			) {
				return Response.json(
					{ code: 'BAD_REQUEST', message: 'The request could not be forwarded to the function' },
					{ status: 400 }
				);
			}
			// Only a process that is gone is replaced; one request failing leaves the calls in flight be.
			if (await entry.process.isGone(instance)) entry.process.discard(instance);
			return Response.json(
				{ code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' },
				{ status: 502 }
			);
		}
	}

	return {
		app,
		async warmUp() {
			await Promise.allSettled([...functions.values()].map(({ process }) => process.port()));
		},

		stop() {
			for (const { process } of functions.values()) process.stop();
		}
	};
}
