// The Edge Function runner on its own, with a fixture project: real Deno processes, verify_jwt from
// config.toml, the path and environment the edge runtime gives, recovery after a crash.
import { Hono } from 'hono';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StackContext } from '../../local-stack/src/context.ts';
import { Database } from '../../local-stack/src/database.ts';
import { createFunctionsApp, discoverFunctions } from '../../local-stack/src/functions/index.ts';
import { Jwt } from '../../local-stack/src/jwt.ts';

const fixture = resolve(import.meta.dirname, 'fixtures/supabase');
const secret = 'a-test-secret-of-at-least-thirty-two-characters';
const jwt = new Jwt(secret);
const anonKey = await jwt.sign({ role: 'anon', exp: Math.floor(Date.now() / 1000) + 600 });
const serviceRoleKey = await jwt.sign({ role: 'service_role', exp: Math.floor(Date.now() / 1000) + 600 });
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
const call = (path: string, init: RequestInit = {}) => gateway.request(`http://gateway/functions/v1${path}`, init);

afterAll(async () => {
	functions.stop();
	await ctx.db.close();
});

describe('function runner', () => {
	it('finds the functions of the project, not the _shared code', () => {
		expect(discoverFunctions(fixture).map((fn) => [fn.name, fn.verifyJwt]).sort()).toEqual([
			['crashy', false],
			['echo', true],
			['open', false]
		]);
	});

	it('refuses a verify_jwt function without a token, or with a bad one', async () => {
		const missing = await call('/echo', { method: 'POST' });
		expect(missing.status).toBe(401);
		expect(await missing.json()).toEqual({ code: 401, message: 'Missing authorization header' });

		const forged = await new Jwt('another-secret-of-at-least-thirty-two-chars').sign({ role: 'service_role' });
		const bad = await call('/echo', { method: 'POST', headers: { authorization: `Bearer ${forged}` } });
		expect(bad.status).toBe(401);
		expect(await bad.json()).toEqual({ code: 401, message: 'Invalid JWT' });

		const expired = await jwt.sign({ role: 'anon', exp: Math.floor(Date.now() / 1000) - 10 });
		const late = await call('/echo', { method: 'POST', headers: { authorization: `Bearer ${expired}` } });
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

	it('answers 404 for a folder that is not a function', async () => {
		expect((await call('/_shared', { headers: { authorization: `Bearer ${anonKey}` } })).status).toBe(404);
	});
});
