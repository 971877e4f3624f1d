// One base URL for everything, as the Supabase CLI's gateway (Kong) serves it: /auth/v1 (GoTrue),
// /rest/v1 (PostgREST), /functions/v1 (Edge Functions). Like Kong it answers CORS for the APIs and
// asks /auth/v1 and /rest/v1 requests for a valid `apikey`; the services behind it decide the rest.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { StackContext } from './context.ts';

/** PostgREST and GoTrue both refuse bodies this large long before; the stack must not buffer more. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServiceApps {
	auth: Hono;
	rest: Hono;
	functions: Hono;
}

const API_HEADERS = [
	'authorization',
	'apikey',
	'content-type',
	'x-client-info',
	'x-supabase-api-version',
	'accept-profile',
	'content-profile',
	'prefer',
	'range',
	'range-unit',
	'accept'
];

export function createGateway(ctx: StackContext, apps: ServiceApps): Hono {
	const app = new Hono();
	const validKeys = new Set([ctx.keys.anonKey, ctx.keys.serviceRoleKey]);

	const apiCors = cors({
		origin: '*',
		allowHeaders: API_HEADERS,
		allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
		exposeHeaders: [
			'content-range',
			'content-location',
			'x-total-count',
			'link',
			'x-supabase-api-version'
		],
		maxAge: 3600
	});

	const requireApiKey = async (c: import('hono').Context, next: () => Promise<void>) => {
		if (c.req.method === 'OPTIONS') return next();
		// Kong's auth-v1-open routes: links in mails and OAuth callbacks are opened without a key.
		if (/^\/auth\/v1\/(verify|callback|authorize)(\/|$)/.test(c.req.path)) return next();
		const key = c.req.header('apikey') ?? c.req.query('apikey');
		if (!key) return c.json({ message: 'No API key found in request' }, 401);
		if (!validKeys.has(key)) return c.json({ message: 'Invalid API key' }, 401);
		return next();
	};

	const limit = bodyLimit({
		maxSize: MAX_BODY_BYTES,
		// The rest of the body is never read: tell the client not to reuse this connection.
		onError: (c) =>
			c.json({ message: `Request body larger than ${MAX_BODY_BYTES} bytes` }, 413, {
				connection: 'close'
			})
	});

	for (const prefix of ['/auth/v1', '/rest/v1'] as const) {
		app.use(`${prefix}/*`, apiCors, requireApiKey, limit);
	}
	app.use('/functions/v1/*', limit);

	app.route('/auth/v1', apps.auth);
	app.route('/rest/v1', apps.rest);
	app.route('/functions/v1', apps.functions);

	app.get('/', (c) =>
		c.json({
			service: 'user-management local stack',
			auth: '/auth/v1',
			rest: '/rest/v1',
			functions: '/functions/v1'
		})
	);
	app.notFound((c) => c.json({ message: 'no Route matched with those values' }, 404));
	app.onError((error, c) => {
		ctx.log(
			'gateway',
			`unhandled error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`
		);
		return c.json({ message: 'An unexpected error occurred in the local stack' }, 500);
	});
	return app;
}
