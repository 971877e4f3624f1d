// The Edge Function runner on its own, with a fixture project: real Deno processes, verify_jwt from
// config.toml, the path and environment the edge runtime gives, recovery after a crash.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StackContext } from '../../local-stack/src/context.ts';
import { Database } from '../../local-stack/src/database.ts';
import { createFunctionsApp, discoverFunctions } from '../../local-stack/src/functions/index.ts';
import { endToEndHeaders } from '../../local-stack/src/proxy-headers.ts';
import { Jwt } from '../../local-stack/src/jwt.ts';

const fixture = resolve(import.meta.dirname, 'fixtures/supabase');
const secret = 'a-test-secret-of-at-least-thirty-two-characters';
const jwt = new Jwt(secret);
const anonKey = await jwt.sign({ role: 'anon', exp: Math.floor(Date.now() / 1000) + 600 });
const serviceRoleKey = await jwt.sign({
	role: 'service_role',
	exp: Math.floor(Date.now() / 1000) + 600
});
const logs: string[] = [];
const ctx: StackContext = {
	db: new Database('postgresql://supabase_admin@127.0.0.1:1/never-connected'),
	dbUrl: 'postgresql://postgres@127.0.0.1:1/never-connected',
	jwt,
	keys: { jwtSecret: secret, anonKey, serviceRoleKey },
	apiUrl: 'http://127.0.0.1:54321',
	jwtExpiry: 3600,
	supabaseDir: fixture,
	smtp: { host: '127.0.0.1', port: 1 },
	log: (scope, message) => logs.push(`[${scope}] ${message}`)
};
const functions = createFunctionsApp(ctx);
// Mounted as the gateway mounts it.
const gateway = new Hono().route('/functions/v1', functions.app);
const call = async (path: string, init: RequestInit = {}): Promise<Response> =>
	gateway.request(`http://gateway/functions/v1${path}`, init);

// The same gateway on a real socket, for requests fetch() would not send as they are.
const server = serve({ fetch: gateway.fetch, hostname: '127.0.0.1', port: 0 });
await new Promise<void>((ready) =>
	server.listening ? ready() : server.once('listening', () => ready())
);
const serverPort = (server.address() as { port: number }).port;

/** Sends one HTTP/1.1 request as written and resolves with the status line of the final answer and its body. */
function raw(head: string[], body = ''): Promise<{ status: number; body: string }> {
	return new Promise((done, fail) => {
		const socket = connect({ host: '127.0.0.1', port: serverPort });
		let received = '';
		socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${head[0]}`)));
		socket.on('connect', () =>
			socket.write([...head, 'Host: gateway', 'Connection: close', '', body].join('\r\n'))
		);
		socket.on('data', (chunk) => (received += chunk.toString('utf8')));
		socket.on('error', fail);
		socket.on('close', () => {
			// 100 Continue comes first when the request asked for it: the final answer is the last.
			const answers = received
				.split(/(?=HTTP\/1\.1 \d{3} )/)
				.filter((part) => !part.startsWith('HTTP/1.1 100 '));
			const last = answers[answers.length - 1] ?? '';
			const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(last)?.[1] ?? 0);
			const split = last.indexOf('\r\n\r\n');
			let body = last.slice(split + 4);
			if (/^transfer-encoding: *chunked/im.test(last.slice(0, split))) {
				let decoded = '';
				for (let size = Number.parseInt(body, 16); size > 0; size = Number.parseInt(body, 16)) {
					const start = body.indexOf('\r\n') + 2;
					decoded += body.slice(start, start + size);
					body = body.slice(start + size + 2);
				}
				body = decoded;
			}
			done({ status, body });
		});
	});
}

afterAll(async () => {
	await new Promise((closed) => server.close(closed));
	functions.stop();
	await ctx.db.close();
});

describe('function runner', () => {
	it('finds the functions of the project, not the _shared code', () => {
		expect(
			discoverFunctions(fixture)
				.map((fn) => [fn.name, fn.verifyJwt])
				.sort()
		).toEqual([
			['crashy', false],
			['echo', true],
			['open', false]
		]);
	});

	it('refuses a verify_jwt function without a token, or with a bad one', async () => {
		const missing = await call('/echo', { method: 'POST' });
		expect(missing.status).toBe(401);
		expect(await missing.json()).toEqual({ code: 401, message: 'Missing authorization header' });

		const forged = await new Jwt('another-secret-of-at-least-thirty-two-chars').sign({
			role: 'service_role'
		});
		const bad = await call('/echo', {
			method: 'POST',
			headers: { authorization: `Bearer ${forged}` }
		});
		expect(bad.status).toBe(401);
		expect(await bad.json()).toEqual({ code: 401, message: 'Invalid JWT' });

		const expired = await jwt.sign({ role: 'anon', exp: Math.floor(Date.now() / 1000) - 10 });
		const late = await call('/echo', {
			method: 'POST',
			headers: { authorization: `Bearer ${expired}` }
		});
		expect(await late.json()).toEqual({ code: 401, message: 'JWT expired' });
	});

	it('runs the function in Deno with the path, body and environment of the edge runtime', async () => {
		const response = await call('/echo/nested/path?x=1', {
			method: 'POST',
			headers: { authorization: `Bearer ${anonKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({ hello: 'world' })
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({
			path: '/echo/nested/path',
			search: '?x=1',
			method: 'POST',
			body: '{"hello":"world"}',
			authorization: `Bearer ${anonKey}`,
			greeting: 'hello from _shared',
			env: {
				SUPABASE_URL: 'http://127.0.0.1:54321',
				SUPABASE_ANON_KEY: anonKey,
				SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
				SUPABASE_DB_URL: ctx.dbUrl
			}
		});
	});

	it('lets verify_jwt = false functions answer anyone, preflight included', async () => {
		const response = await call('/open');
		expect(await response.json()).toEqual({ open: true });
		const preflight = await call('/open', { method: 'OPTIONS' });
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
	});

	it('answers 502 when a function dies mid-request, then starts it again', async () => {
		const first = (await (await call('/crashy')).json()) as { pid: number };
		const crash = await call('/crashy/exit');
		expect(crash.status).toBe(502);
		expect(await crash.json()).toMatchObject({ code: 'WORKER_ERROR' });
		const again = (await (await call('/crashy')).json()) as { alive: boolean; pid: number };
		expect(again.alive).toBe(true);
		expect(again.pid).not.toBe(first.pid);
	});

	// Issue 12 #8: one request with a hop-by-hop header made fetch() throw, and the runner killed the
	// process every other call was in. Each such header, through fetch and over a raw socket, while
	// normal calls run: the same process answers before and after, and every normal call succeeds.
	const hopByHop: Array<[string, string]> = [
		['upgrade', 'h2c'],
		['connection', 'keep-alive, x-private'],
		['keep-alive', 'timeout=5, max=1000'],
		['expect', '100-continue'],
		['transfer-encoding', 'chunked'],
		['te', 'trailers'],
		['trailer', 'x-checksum'],
		['proxy-authorization', 'Basic eDp5'],
		['proxy-connection', 'keep-alive']
	];

	it('forwards only end-to-end headers, and drops those Connection names', () => {
		const incoming = new Headers([
			...hopByHop,
			['x-private', 'secret'],
			['x-client-info', 'supabase-js'],
			['authorization', 'Bearer t'],
			['host', 'gateway'],
			['content-length', '2']
		]);
		expect([...endToEndHeaders(incoming).keys()].sort()).toEqual([
			'authorization',
			'x-client-info'
		]);
	});

	it('keeps the process alive when a request carries a hop-by-hop header (sent by fetch)', async () => {
		const before = (await (await call('/crashy')).json()) as { pid: number };
		const normal = () =>
			call('/crashy').then(async (response) => ({
				status: response.status,
				body: (await response.json()) as { pid: number }
			}));
		const hostile = hopByHop.map(([name, value]) =>
			call('/crashy', {
				method: 'POST',
				headers: { [name]: value, 'content-type': 'application/json' },
				body: '{}'
			}).then((response) => response.status)
		);
		const [normals, hostiles] = await Promise.all([
			Promise.all(Array.from({ length: 20 }, normal)),
			Promise.all(hostile)
		]);
		expect(hostiles).toEqual(hopByHop.map(() => 200));
		expect(normals.map((answer) => [answer.status, answer.body.pid])).toEqual(
			normals.map(() => [200, before.pid])
		);
		const after = (await (await call('/crashy')).json()) as { pid: number };
		expect(after.pid).toBe(before.pid);
	});

	it('keeps the process alive when a request carries a hop-by-hop header (sent raw)', async () => {
		const before = (await (await call('/crashy')).json()) as { pid: number };
		const requests: Array<[string[], string]> = [
			[
				[
					'POST /functions/v1/crashy HTTP/1.1',
					'Upgrade: h2c',
					'HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA',
					'Content-Length: 2'
				],
				'{}'
			],
			[['POST /functions/v1/crashy HTTP/1.1', 'Keep-Alive: timeout=5', 'Content-Length: 2'], '{}'],
			[['POST /functions/v1/crashy HTTP/1.1', 'Expect: 100-continue', 'Content-Length: 2'], '{}'],
			[
				['POST /functions/v1/crashy HTTP/1.1', 'Transfer-Encoding: chunked'],
				'2\r\n{}\r\n0\r\n\r\n'
			],
			[
				[
					'POST /functions/v1/crashy HTTP/1.1',
					'TE: trailers',
					'Trailer: X-Checksum',
					'Transfer-Encoding: chunked'
				],
				'2\r\n{}\r\n0\r\nX-Checksum: 1\r\n\r\n'
			],
			[
				[
					'GET /functions/v1/crashy HTTP/1.1',
					'Proxy-Authorization: Basic eDp5',
					'Proxy-Connection: keep-alive'
				],
				''
			],
			// `Connection: close` is added to each; this one names more headers besides.
			[
				[
					'GET /functions/v1/crashy HTTP/1.1',
					'Connection: X-Private, Upgrade',
					'X-Private: 1',
					'Upgrade: websocket'
				],
				''
			]
		];
		const normal = () =>
			call('/crashy').then(async (response) => [
				response.status,
				((await response.json()) as { pid: number }).pid
			]);
		const [normals, answers] = await Promise.all([
			Promise.all(Array.from({ length: 20 }, normal)),
			Promise.all(requests.map(([head, body]) => raw(head, body)))
		]);
		expect(answers.map((answer) => answer.status)).toEqual(requests.map(() => 200));
		for (const answer of answers)
			expect(JSON.parse(answer.body)).toEqual({ alive: true, pid: before.pid });
		expect(normals).toEqual(normals.map(() => [200, before.pid]));
		const after = (await (await call('/crashy')).json()) as { pid: number };
		expect(after.pid).toBe(before.pid);
	});

	it('answers 404 for a folder that is not a function', async () => {
		expect(
			(await call('/_shared', { headers: { authorization: `Bearer ${anonKey}` } })).status
		).toBe(404);
	});
});
