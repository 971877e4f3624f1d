// The Data API of the local stack: PostgREST's behaviour for what supabase-js sends, mounted by the
// gateway at /rest/v1. Requests run in Postgres as the JWT's role, so privileges, row-level
// security and triggers decide what each caller may read and write, exactly as on Supabase.
import { Hono, type Context } from 'hono';
import type { StackContext } from '../context.ts';
import { identify, type RequestIdentity } from './auth.ts';
import { readRestConfig } from './config.ts';
import {
	fromDatabaseError,
	invalidResourcePath,
	openApiDisabled,
	queryParamError,
	RestError,
	unsupportedMethod
} from './errors.ts';
import { QueryParseError } from './parse.ts';
import { parsePreferences } from './preferences.ts';
import { handleRead } from './read.ts';
import {
	errorResponse,
	negotiateSchema,
	type PreparedRequest,
	type RestRequest,
	type RestResponse,
	type RestService
} from './request.ts';
import { handleRpc } from './rpc.ts';
import { loadSchemaCache, SchemaCacheStore } from './schema-cache.ts';
import { handleDelete, handleInsert, handleUpdate } from './write.ts';

const TABLE_OPTIONS: RestResponse = {
	status: 200,
	headers: { allow: 'OPTIONS,GET,HEAD,POST,PATCH,DELETE' },
	body: null
};

async function dispatch(service: RestService, request: RestRequest): Promise<RestResponse> {
	let identity: RequestIdentity | undefined;
	try {
		identity = await identify(request.headers.get('authorization') ?? undefined, service.jwtSecret);
		const { schema, negotiated } = negotiateSchema(request, service.config);
		const preferHeader = request.headers.get('prefer');
		const preferences = parsePreferences(preferHeader === null ? [] : [preferHeader]);
		const prepared: PreparedRequest = {
			request,
			identity,
			schema,
			profileNegotiated: negotiated,
			preferences
		};
		if (request.target.kind === 'rpc') return await handleRpc(service, prepared);
		switch (request.method) {
			case 'GET':
			case 'HEAD':
				return await handleRead(service, prepared);
			case 'POST':
				return await handleInsert(service, prepared);
			case 'PATCH':
				return await handleUpdate(service, prepared);
			case 'DELETE':
				return await handleDelete(service, prepared);
			case 'OPTIONS':
				return TABLE_OPTIONS;
			default:
				throw unsupportedMethod(request.method);
		}
	} catch (error) {
		if (error instanceof QueryParseError)
			return errorResponse(queryParamError(error.message, error.details));
		const known = fromDatabaseError(error, identity?.authenticated ?? false);
		if (known) {
			// The schema may have changed under the cache (a dropped table or column): refresh it.
			if (['42P01', '42703', '42883'].includes(known.code))
				service.cache.refreshSince(Date.now()).catch(() => undefined);
			return errorResponse(known);
		}
		const failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
		service.log(
			'rest',
			`unexpected error on ${request.method} ${request.target.kind} ${request.target.name}: ${failure}`
		);
		return errorResponse(new RestError(500, 'PGRSTX00', 'Internal server error'));
	}
}

async function toRestRequest(c: Context, target: RestRequest['target']): Promise<RestRequest> {
	const url = c.req.url;
	const question = url.indexOf('?');
	const method = c.req.method.toUpperCase();
	const body = method === 'GET' || method === 'HEAD' ? '' : await c.req.text();
	return {
		method,
		target,
		rawQuery: question < 0 ? '' : url.slice(question + 1),
		headers: c.req.raw.headers,
		body
	};
}

function send(c: Context, response: RestResponse): Response {
	const noBody = c.req.method === 'HEAD' || response.status === 204 || response.status === 304;
	return new Response(noBody ? null : response.body, {
		status: response.status,
		headers: response.headers
	});
}

export function createRestApp(ctx: StackContext): Hono {
	const config = readRestConfig(ctx.supabaseDir);
	const cache = new SchemaCacheStore(() => loadSchemaCache(ctx.db, config.schemas));
	// Warm the cache now so the first request does not pay for it; a failure is retried on use.
	cache
		.get()
		.catch((error: Error) => ctx.log('rest', `schema cache not loaded yet: ${error.message}`));
	const service: RestService = {
		db: ctx.db,
		config,
		cache,
		jwtSecret: new TextEncoder().encode(ctx.keys.jwtSecret),
		log: ctx.log
	};

	const app = new Hono();
	app.all('/rpc/:name', async (c) =>
		send(
			c,
			await dispatch(service, await toRestRequest(c, { kind: 'rpc', name: c.req.param('name') }))
		)
	);
	app.all('/:name', async (c) =>
		send(
			c,
			await dispatch(service, await toRestRequest(c, { kind: 'table', name: c.req.param('name') }))
		)
	);
	app.all('/', (c) => send(c, errorResponse(openApiDisabled())));
	app.all('*', (c) => send(c, errorResponse(invalidResourcePath())));
	return app;
}
