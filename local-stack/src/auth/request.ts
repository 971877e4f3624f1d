// What the Auth routes read off a request: its JSON body (decoded as GoTrue's Go structs would be),
// the caller's IP and user agent (kept on sessions and in the audit log), and a request id.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { badRequest } from './errors.ts';
import { decodeGoJson, GoJsonError, type Decoded, type GoStruct } from './go-json.ts';

function decodeBody<S extends GoStruct>(body: string, struct: S): Decoded<S> {
	try {
		return decodeGoJson(body, struct);
	} catch (error) {
		if (error instanceof GoJsonError)
			throw badRequest('bad_json', `Could not parse request body as JSON: ${error.message}`);
		throw error;
	}
}

/** GoTrue's retrieveRequestParams: the whole body into `struct`, 400 bad_json when it does not fit. */
export async function readParams<S extends GoStruct>(c: Context, struct: S): Promise<Decoded<S>> {
	return decodeBody(await c.req.text(), struct);
}

/** Like readParams, but an empty body means "all defaults" (GoTrue's DELETE /admin/users/{id}). */
export async function readOptionalParams<S extends GoStruct>(
	c: Context,
	struct: S
): Promise<Decoded<S>> {
	const body = await c.req.text();
	return decodeBody(body.length === 0 ? '{}' : body, struct);
}

export interface RequestMeta {
	/** A valid IP address or null: auth.sessions.ip is of type inet. */
	ip: string | null;
	userAgent: string | null;
	requestId: string;
}

function clientIp(c: Context): string | null {
	// GoTrue's GetIPAddress: the first usable X-Forwarded-For entry, else the peer address.
	for (const candidate of (c.req.header('x-forwarded-for') ?? '').split(',')) {
		const ip = candidate.trim();
		if (isIP(ip)) return ip;
	}
	try {
		const address = getConnInfo(c).remote.address;
		return address && isIP(address) ? address : null;
	} catch {
		// Not served by @hono/node-server (e.g. app.request() in a unit test): no peer to report.
		return null;
	}
}

export function requestMeta(c: Context): RequestMeta {
	return {
		ip: clientIp(c),
		userAgent: c.req.header('user-agent') || null,
		requestId: c.req.header('x-request-id') || randomUUID()
	};
}
