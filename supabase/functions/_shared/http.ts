// The HTTP contract every Edge Function of the console keeps: JSON in, JSON out, CORS preflight,
// POST only, bounded bodies, and errors as `{ error: { code, message, ...details } }` where a 5xx
// carries a request id and never the internals.

import { ERROR_CODES, type ErrorCode } from './error-codes.ts';

export const MAX_BODY_BYTES = 16 * 1024;

export const corsHeaders: Record<string, string> = {
	'access-control-allow-origin': '*',
	'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type',
	'access-control-allow-methods': 'POST, OPTIONS',
	'access-control-max-age': '3600'
};

/** A refusal with one of the shared codes; its status comes with the code, its message may be more precise. */
export class ApiError extends Error {
	readonly status: number;
	constructor(
		readonly code: ErrorCode,
		message: string = ERROR_CODES[code].message,
		readonly details: Record<string, unknown> = {}
	) {
		super(message);
		this.status = ERROR_CODES[code].status;
	}
}

export function json(
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { ...corsHeaders, 'content-type': 'application/json; charset=utf-8', ...headers }
	});
}

export function errorBody(error: ApiError): { error: Record<string, unknown> } {
	return { error: { code: error.code, message: error.message, ...error.details } };
}

/** The request's JSON body, refusing what is not JSON or is larger than `maxBytes`. */
export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
	const declared = Number(request.headers.get('content-length') ?? '0');
	if (declared > maxBytes)
		throw new ApiError('payload_too_large', `The request body is larger than ${maxBytes} bytes.`);
	const bytes = new Uint8Array(await request.arrayBuffer());
	if (bytes.byteLength > maxBytes)
		throw new ApiError('payload_too_large', `The request body is larger than ${maxBytes} bytes.`);
	const text = new TextDecoder().decode(bytes);
	if (!text.trim())
		throw new ApiError('invalid_json', 'The request body is empty; send a JSON object.');
	try {
		return JSON.parse(text);
	} catch {
		throw new ApiError('invalid_json', 'The request body is not valid JSON.');
	}
}

export type Handler = (request: Request, requestId: string) => Promise<Response>;
export type Log = (message: string) => void;

/**
 * How long a request may take before it is answered 503 (the SPA gives up at 15 s): an import
 * batch of 50 takes about 1.5 s, a single action well under one.
 */
export const REQUEST_DEADLINE_MS = 12_000;

export interface ServeOptions {
	/** Called when a request reached the deadline (the database's pool is then replaced). */
	onDeadline?: () => void;
	deadlineMs?: number;
}

/**
 * Wraps a handler with the shared contract. Unexpected failures are logged with the request id
 * (the message only: bodies may hold passwords) and answered as a bare 500. A request still
 * unanswered at the deadline is answered 503 and `onDeadline` runs; the handler goes on to its
 * own end (its rollback and undo), but its answer is dropped.
 */
export function serveJson(
	handler: Handler,
	log: Log = console.error,
	options: ServeOptions = {}
): (request: Request) => Promise<Response> {
	const deadlineMs = options.deadlineMs ?? REQUEST_DEADLINE_MS;
	return async (request) => {
		if (request.method === 'OPTIONS')
			return new Response(null, { status: 204, headers: corsHeaders });
		const requestId = crypto.randomUUID();
		if (request.method !== 'POST') {
			return json(405, errorBody(new ApiError('method_not_allowed', 'Use POST.')), {
				allow: 'POST, OPTIONS'
			});
		}
		let timer: ReturnType<typeof setTimeout> | undefined;
		const late = new Promise<Response>((resolve) => {
			timer = setTimeout(() => {
				log(`[${requestId}] no answer within ${deadlineMs / 1000} s`);
				options.onDeadline?.();
				const body = errorBody(new ApiError('service_unavailable'));
				body.error.request_id = requestId;
				resolve(json(503, body));
			}, deadlineMs);
		});
		const handled = handler(request, requestId);
		// Past the deadline its failure is nobody's to answer.
		handled.catch(() => undefined);
		try {
			return await Promise.race([handled, late]);
		} catch (error) {
			if (error instanceof ApiError) {
				const body = errorBody(error);
				if (error.status >= 500) {
					body.error.request_id = requestId;
					log(`[${requestId}] ${error.code}: ${error.message}`);
				}
				return json(error.status, body);
			}
			log(
				`[${requestId}] unexpected error: ${error instanceof Error ? error.message : String(error)}`
			);
			return json(500, {
				error: {
					code: 'internal_error',
					message:
						'Something went wrong on our side. Try again, or quote the request id to support.',
					request_id: requestId
				}
			});
		} finally {
			clearTimeout(timer);
		}
	};
}
