// What every Data API handler shares: the service's parts, the request once authenticated and its
// schema negotiated, planning against the schema cache (reloaded once when the request names
// something new), running in the request's transaction, and the response headers PostgREST adds.
import type { Database, Sql } from '../database.ts';
import type { RequestIdentity } from './auth.ts';
import type { RestConfig } from './config.ts';
import { RestError, unacceptableSchema } from './errors.ts';
import type { Preferences } from './preferences.ts';
import type { SchemaCache, SchemaCacheStore } from './schema-cache.ts';
import { parseCookies, runAsRequest } from './transaction.ts';

export interface RestService {
	db: Database;
	config: RestConfig;
	cache: SchemaCacheStore;
	jwtSecret: Uint8Array;
	log: (scope: string, message: string) => void;
}

export interface RestRequest {
	method: string;
	target: { kind: 'table' | 'rpc'; name: string };
	/** The query string without '?', as sent. */
	rawQuery: string;
	headers: Headers;
	body: string;
}

export interface RestResponse {
	status: number;
	headers: Record<string, string>;
	/** null for responses without a body (204, HEAD). */
	body: string | null;
}

export interface PreparedRequest {
	request: RestRequest;
	identity: RequestIdentity;
	schema: string;
	/** The client named the schema (Accept-Profile / Content-Profile): the response names it back. */
	profileNegotiated: boolean;
	preferences: Preferences;
}

/** Query parameters the gateway consumes before PostgREST sees the request. */
export const GATEWAY_PARAMS = ['apikey'];

export const isReadMethod = (method: string) => method === 'GET' || method === 'HEAD';

export function negotiateSchema(
	request: RestRequest,
	config: RestConfig
): { schema: string; negotiated: boolean } {
	const header = request.headers.get(
		isReadMethod(request.method) ? 'accept-profile' : 'content-profile'
	);
	if (header === null) return { schema: config.schemas[0] as string, negotiated: false };
	const schema = header.trim();
	if (!config.schemas.includes(schema)) throw unacceptableSchema(schema, config.schemas);
	return { schema, negotiated: true };
}

/** Errors that mean "the schema cache does not know this (yet)". */
const CACHE_MISS_CODES = new Set(['PGRST200', 'PGRST202', 'PGRST204', 'PGRST205', '42703']);

/**
 * Plans against the schema cache. `plan` must not touch the database: when it reports a name the
 * cache does not know, the cache is brought up to date with the catalog and the plan made once more.
 */
export async function planWithCache<T>(
	service: RestService,
	plan: (cache: SchemaCache) => T
): Promise<T> {
	const started = Date.now();
	try {
		return plan(await service.cache.get());
	} catch (error) {
		if (!(error instanceof RestError) || !CACHE_MISS_CODES.has(error.code)) throw error;
		await service.cache.refreshSince(started);
		return plan(await service.cache.get());
	}
}

/** Runs `work` in the request's transaction as the request's role. */
export function execute<T>(
	service: RestService,
	prepared: PreparedRequest,
	cache: SchemaCache,
	readOnly: boolean,
	work: (sql: Sql) => Promise<T>
): Promise<T> {
	const { request, identity } = prepared;
	const path =
		request.target.kind === 'rpc' ? `/rpc/${request.target.name}` : `/${request.target.name}`;
	return runAsRequest(
		service.db,
		{
			identity,
			method: request.method,
			path,
			headers: Object.fromEntries(request.headers),
			cookies: parseCookies(request.headers.get('cookie') ?? undefined),
			searchPath: [prepared.schema, ...service.config.extraSearchPath],
			roleSettings: cache.roleSettings.get(identity.role) ?? []
		},
		readOnly,
		work
	);
}

/** The one row every PostgREST statement returns. */
export interface ResultRow {
	total_result_set: string | null;
	page_total: string;
	body: string;
	response_headers: string | null;
	response_status: string | null;
	inserted?: number | null;
}

/**
 * Status and headers a function or trigger set through the `response.status` / `response.headers`
 * settings override PostgREST's own (GucHeader.hs).
 */
export function applyResponseSettings(row: ResultRow, response: RestResponse): RestResponse {
	const headers = { ...response.headers };
	let status = response.status;
	if (row.response_headers !== null) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(row.response_headers);
		} catch {
			parsed = undefined;
		}
		const valid =
			Array.isArray(parsed) &&
			parsed.every(
				(entry) =>
					typeof entry === 'object' &&
					entry !== null &&
					Object.values(entry).length === 1 &&
					Object.values(entry).every((v) => typeof v === 'string')
			);
		if (!valid) {
			throw new RestError(
				500,
				'PGRST111',
				'response.headers guc must be a JSON array composed of objects with a single key and a string value'
			);
		}
		for (const entry of parsed as Array<Record<string, string>>) {
			for (const [name, value] of Object.entries(entry)) headers[name.toLowerCase()] = value;
		}
	}
	if (row.response_status !== null) {
		const override = Number(row.response_status);
		if (!Number.isInteger(override) || override < 100 || override > 599) {
			throw new RestError(500, 'PGRST112', 'response.status guc must be a valid status code');
		}
		status = override;
	}
	return { ...response, status, headers };
}

export function profileHeaders(prepared: PreparedRequest): Record<string, string> {
	return prepared.profileNegotiated ? { 'content-profile': prepared.schema } : {};
}

export function errorResponse(error: RestError): RestResponse {
	return {
		status: error.status,
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'proxy-status': `PostgREST; error=${error.code}`,
			...Object.fromEntries(
				Object.entries(error.headers).map(([name, value]) => [name.toLowerCase(), value])
			)
		},
		body: JSON.stringify(error)
	};
}
