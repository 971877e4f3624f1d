// /functions/v1/<name>: the project's Edge Functions, each run by real Deno as its own process,
// the request forwarded with the path the edge runtime gives it (/<name>/...). `verify_jwt` from
// config.toml is enforced here, before the function sees the request, as the edge runtime does.
import { Hono } from 'hono';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { StackContext } from '../context.ts';
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
	const config = parseToml(readFileSync(join(supabaseDir, 'config.toml'), 'utf8')) as {
		functions?: Record<string, { verify_jwt?: boolean; entrypoint?: string; enabled?: boolean }>;
	};
	return readdirSync(functionsDir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && !entry.name.startsWith('.'))
		.map((entry) => {
			const settings = config.functions?.[entry.name] ?? {};
			const entrypoint = settings.entrypoint
				? resolve(supabaseDir, settings.entrypoint)
				: join(functionsDir, entry.name, 'index.ts');
			return { name: entry.name, entrypoint, verifyJwt: settings.verify_jwt ?? true, enabled: settings.enabled ?? true };
		})
		.filter((fn) => fn.enabled && existsSync(fn.entrypoint));
}

class FunctionProcess {
	private child?: ChildProcess;
	private ready?: Promise<number>;

	constructor(
		private readonly fn: FunctionConfig,
		private readonly env: Record<string, string>,
		private readonly log: (message: string) => void
	) {}

	/** Starts Deno on first use (and again after a crash); resolves with the port it listens on. */
	port(): Promise<number> {
		this.ready ??= this.start().catch((error) => {
			this.ready = undefined;
			throw error;
		});
		return this.ready;
	}

	private async start(): Promise<number> {
		const port = await freePort();
		const child = spawn(denoBin, ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-sys', '--no-prompt', this.fn.entrypoint], {
			cwd: resolve(this.fn.entrypoint, '..'),
			env: { ...process.env, ...this.env, DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}`, NO_COLOR: '1' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		this.child = child;
		return new Promise<number>((resolveStart, reject) => {
			const timer = setTimeout(() => reject(new Error(`function ${this.fn.name} did not start within 60 s`)), 60_000);
			// Deno announces `Listening on …` once Deno.serve is bound; everything else is the function's log.
			const output = (chunk: Buffer) => {
				for (const line of chunk.toString('utf8').split('\n')) {
					if (line.startsWith('Listening on')) {
						clearTimeout(timer);
						resolveStart(port);
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
				if (this.child === child) {
					this.ready = undefined;
					this.child = undefined;
				}
				if (signal !== 'SIGTERM' && signal !== 'SIGKILL') this.log(`exited (${code ?? signal})`);
				reject(new Error(`function ${this.fn.name} exited before listening (${code ?? signal})`));
			});
		});
	}

	/** Forgets the current process (killing it if it still runs): the next request starts a new one. */
	discard(): void {
		this.child?.kill('SIGKILL');
		this.child = undefined;
		this.ready = undefined;
	}

	stop(): void {
		this.child?.kill('SIGTERM');
	}
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
		discoverFunctions(ctx.supabaseDir).map((fn) => [fn.name, { fn, process: new FunctionProcess(fn, env, (m) => ctx.log(`fn:${fn.name}`, m)) }])
	);

	const app = new Hono();
	app.all('/:name{[^/]+}/*', async (c) => forward(c.req.param('name'), c.req.raw));
	app.all('/:name{[^/]+}', async (c) => forward(c.req.param('name'), c.req.raw));

	async function forward(name: string, request: Request): Promise<Response> {
		const entry = functions.get(name);
		if (!entry) return Response.json({ code: 'NOT_FOUND', message: 'Requested function was not found' }, { status: 404 });

		if (entry.fn.verifyJwt && request.method !== 'OPTIONS') {
			const header = request.headers.get('authorization') ?? '';
			const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
			if (!token) return Response.json({ code: 401, message: 'Missing authorization header' }, { status: 401 });
			try {
				await ctx.jwt.verify(token);
			} catch (error) {
				const message = error instanceof JwtError && error.reason === 'expired' ? 'JWT expired' : 'Invalid JWT';
				return Response.json({ code: 401, message }, { status: 401 });
			}
		}

		const incoming = new URL(request.url);
		const path = `${incoming.pathname.replace(/^\/functions\/v1/, '')}${incoming.search}`;
		const headers = new Headers(request.headers);
		headers.delete('host');
		const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
		const send = async () => {
			const port = await entry.process.port();
			return fetch(`http://127.0.0.1:${port}${path}`, { method: request.method, headers, body, redirect: 'manual' });
		};
		try {
			let response: Response;
			try {
				response = await send();
			} catch (error) {
				// A refused connection never reached the function (it had died since the last
				// request): start a fresh process and deliver the request once more.
				if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED') throw error;
				entry.process.discard();
				response = await send();
			}
			// fetch has already decoded the body: its original encoding and length no longer apply.
			const responseHeaders = new Headers(response.headers);
			responseHeaders.delete('content-encoding');
			responseHeaders.delete('content-length');
			return new Response(response.body, { status: response.status, headers: responseHeaders });
		} catch (error) {
			const message = (error as Error).message;
			ctx.log(`fn:${name}`, `request failed: ${message}`);
			entry.process.discard();
			if (/did not start|exited before listening/.test(message)) {
				return Response.json({ code: 'BOOT_ERROR', message: 'Function failed to start (please check logs)' }, { status: 503 });
			}
			return Response.json({ code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' }, { status: 502 });
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
