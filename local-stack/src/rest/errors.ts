// PostgREST's errors: the `{ code, details, hint, message }` body, the HTTP status for each of its
// own PGRSTxxx codes, and the status it derives from a Postgres SQLSTATE (Error.hs, mapSQLtoHTTP).
import { isPostgresError } from '../database.ts';

export class RestError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		/** A string, or JSON for the few errors whose details are structured (PGRST201). */
		readonly details: unknown = null,
		readonly hint: string | null = null,
		readonly headers: Record<string, string> = {}
	) {
		super(message);
	}

	/** Keys in the order PostgREST's JSON encoder writes them. */
	toJSON() {
		return { code: this.code, details: this.details, hint: this.hint, message: this.message };
	}
}

// ── request errors (PGRST1xx) ─────────────────────────────────────────────────────────────────

export const queryParamError = (message: string, details: string) =>
	new RestError(400, 'PGRST100', message, details);

export const invalidRpcMethod = (method: string) =>
	new RestError(405, 'PGRST101', `Cannot use the ${method} method on RPC`);

export const invalidBody = (message = 'Empty or invalid json') =>
	new RestError(400, 'PGRST102', message);

export const invalidRange = (details: string) =>
	new RestError(416, 'PGRST103', 'Requested range not satisfiable', details);

export const unacceptableSchema = (schema: string, exposed: string[]) =>
	new RestError(
		406,
		'PGRST106',
		`Invalid schema: ${schema}`,
		null,
		`Only the following schemas are exposed: ${exposed.join(', ')}`
	);

export const unacceptableMediaTypes = (mediaTypes: string[]) =>
	new RestError(
		406,
		'PGRST107',
		`None of these media types are available: ${mediaTypes.join(', ')}`
	);

export const unsupportedContentType = (mediaType: string) =>
	new RestError(415, 'PGRST107', `Content-Type not acceptable: ${mediaType}`);

export const notEmbedded = (resource: string) =>
	new RestError(
		400,
		'PGRST108',
		`'${resource}' is not an embedded resource in this request`,
		null,
		`Verify that '${resource}' is included in the 'select' query parameter.`
	);

export const singularityError = (rows: number) =>
	new RestError(
		406,
		'PGRST116',
		'Cannot coerce the result to a single JSON object',
		`The result contains ${rows} rows`
	);

export const unsupportedMethod = (method: string) =>
	new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);

export const relatedOrderNotToOne = (origin: string, target: string) =>
	new RestError(
		400,
		'PGRST118',
		`A related order on '${target}' is not possible`,
		`'${origin}' and '${target}' do not form a many-to-one or one-to-one relationship`
	);

export const spreadNotToOne = (origin: string, target: string) =>
	new RestError(
		400,
		'PGRST119',
		`A spread operation on '${target}' is not possible`,
		`'${origin}' and '${target}' do not form a many-to-one or one-to-one relationship`
	);

export const unacceptableFilter = (target: string) =>
	new RestError(
		400,
		'PGRST120',
		`Bad operator on the '${target}' embedded resource`,
		'Only is null or not is null filters are allowed on embedded resources'
	);

export const invalidPreferences = (preferences: string[]) =>
	new RestError(
		400,
		'PGRST122',
		'Invalid preferences given with handling=strict',
		`Invalid preferences: ${preferences.join(', ')}`
	);

export const aggregatesNotAllowed = () =>
	new RestError(400, 'PGRST123', 'Use of aggregate functions is not allowed');

export const maxAffectedViolation = (rows: number) =>
	new RestError(
		400,
		'PGRST124',
		'Query result exceeds max-affected preference constraint',
		`The query affects ${rows} rows`
	);

export const invalidResourcePath = () =>
	new RestError(404, 'PGRST125', 'Invalid path specified in request URL');

export const openApiDisabled = () =>
	new RestError(404, 'PGRST126', 'Root endpoint metadata is disabled');

// ── schema cache errors (PGRST2xx) ────────────────────────────────────────────────────────────

export const noRelationship = (
	parent: string,
	child: string,
	hint: string | undefined,
	schema: string
) =>
	new RestError(
		400,
		'PGRST200',
		`Could not find a relationship between '${parent}' and '${child}' in the schema cache`,
		`Searched for a foreign key relationship between '${parent}' and '${child}'${hint ? ` using the hint '${hint}'` : ''} in the schema '${schema}', but no matches were found.`
	);

export const ambiguousRelationship = (
	parent: string,
	child: string,
	details: unknown,
	hint: string
) =>
	new RestError(
		300,
		'PGRST201',
		`Could not embed because more than one relationship was found for '${parent}' and '${child}'`,
		details,
		hint
	);

export const functionNotFound = (
	qualifiedName: string,
	argumentNames: string[],
	withJsonAlternative: boolean,
	hint: string | null
) => {
	const list = argumentNames.join(', ');
	const inMessage = argumentNames.length ? `(${list})` : ' without parameters';
	const inDetails = argumentNames.length
		? ` with parameter${argumentNames.length > 1 ? 's' : ''} ${list}`
		: ' without parameters';
	return new RestError(
		404,
		'PGRST202',
		`Could not find the function ${qualifiedName}${inMessage} in the schema cache`,
		`Searched for the function ${qualifiedName}${inDetails}${withJsonAlternative ? ' or with a single unnamed json/jsonb parameter' : ''}, but no matches were found in the schema cache.`,
		hint
	);
};

export const ambiguousFunction = (candidates: string[]) =>
	new RestError(
		300,
		'PGRST203',
		`Could not choose the best candidate function between: ${candidates.join(', ')}`,
		null,
		'Try renaming the parameters or the function itself in the database so function overloading can be resolved'
	);

export const columnNotFound = (table: string, column: string) =>
	new RestError(
		400,
		'PGRST204',
		`Could not find the '${column}' column of '${table}' in the schema cache`
	);

export const tableNotFound = (schema: string, table: string, suggestion: string | undefined) =>
	new RestError(
		404,
		'PGRST205',
		`Could not find the table '${schema}.${table}' in the schema cache`,
		null,
		suggestion ? `Perhaps you meant the table '${schema}.${suggestion}'` : null
	);

/**
 * What Postgres answers for a column it does not know (42703). The stack checks names against the
 * schema cache before any SQL runs, so it writes the server's message itself.
 */
export const undefinedColumn = (reference: string, column: string) =>
	new RestError(400, '42703', `column ${reference}.${column} does not exist`);

// ── JWT errors (PGRST3xx) ─────────────────────────────────────────────────────────────────────

function jwtError(
	code: 'PGRST301' | 'PGRST303',
	message: string,
	details: string | null = null
): RestError {
	const description = JSON.stringify(message);
	return new RestError(401, code, message, details, null, {
		'www-authenticate': `Bearer error="invalid_token", error_description=${description}`
	});
}

export const jwtDecodeError = (message: string, details: string | null = null) =>
	jwtError('PGRST301', message, details);
export const jwtClaimsError = (message: string) => jwtError('PGRST303', message);

// ── Postgres errors ───────────────────────────────────────────────────────────────────────────

const STATUS_BY_SQLSTATE: Record<string, number> = {
	'23503': 409, // foreign_key_violation
	'23505': 409, // unique_violation
	'25006': 405, // read_only_sql_transaction
	'53400': 500, // configuration_limit_exceeded
	'57P01': 503, // admin_shutdown
	P0001: 400, // raise_exception
	'42P01': 404, // undefined_table
	'42P17': 500 // infinite_recursion
};

const STATUS_BY_SQLSTATE_CLASS: Record<string, number> = {
	'08': 503,
	'09': 500,
	'0L': 403,
	'0P': 403,
	'25': 500,
	'28': 403,
	'2D': 500,
	'38': 500,
	'39': 500,
	'3B': 500,
	'40': 500,
	'53': 503,
	'54': 500,
	'55': 500,
	'57': 500,
	'58': 500,
	F0: 500,
	HV: 500,
	P0: 500,
	XX: 500
};

/** HTTP status for a SQLSTATE, as PostgREST's mapSQLtoHTTP decides it; anything else is the client's fault (400). */
export function statusForSqlState(code: string, message: string, authenticated: boolean): number {
	if (code === '42501') return authenticated ? 403 : 401;
	if (code === '21000') return message.endsWith('requires a WHERE clause') ? 400 : 500;
	if (code === '22023')
		return message.startsWith('role') && message.endsWith('does not exist') ? 401 : 400;
	if (code === '42883') return message.startsWith('function xmlagg(') ? 406 : 404;
	const exact = STATUS_BY_SQLSTATE[code];
	if (exact !== undefined) return exact;
	if (code.startsWith('PT')) {
		const status = Number(code.slice(2));
		return Number.isInteger(status) && status >= 100 && status <= 599 ? status : 500;
	}
	return STATUS_BY_SQLSTATE_CLASS[code.slice(0, 2)] ?? 400;
}

/** `raise sqlstate 'PGRST' using message = '{…}', detail = '{…}'`: full control of the response. */
function fromPgrstRaise(message: string, detail: string | undefined): RestError {
	let body: { code?: unknown; message?: unknown; details?: unknown; hint?: unknown };
	try {
		body = JSON.parse(message);
		if (
			typeof body !== 'object' ||
			body === null ||
			typeof body.code !== 'string' ||
			typeof body.message !== 'string'
		)
			throw new Error();
	} catch {
		return new RestError(
			500,
			'PGRST121',
			'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
			`Invalid JSON value for MESSAGE: '${message}'`,
			"MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'."
		);
	}
	let response: { status?: unknown; headers?: unknown };
	try {
		if (detail === undefined) throw new Error('DETAIL is missing in the RAISE statement');
		response = JSON.parse(detail);
		if (typeof response !== 'object' || response === null || typeof response.status !== 'number')
			throw new Error();
	} catch (error) {
		const missing = detail === undefined;
		return new RestError(
			500,
			'PGRST121',
			'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
			missing ? (error as Error).message : `Invalid JSON value for DETAIL: '${detail}'`,
			"DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'."
		);
	}
	const headers: Record<string, string> = {};
	if (response.headers && typeof response.headers === 'object') {
		for (const [name, value] of Object.entries(response.headers))
			if (typeof value === 'string') headers[name] = value;
	}
	const text = (value: unknown) => (typeof value === 'string' ? value : null);
	return new RestError(
		response.status as number,
		body.code as string,
		body.message as string,
		text(body.details),
		text(body.hint),
		headers
	);
}

const CONNECTION_ERROR_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'ENOTFOUND',
	'EHOSTUNREACH',
	'ECONNABORTED'
]);

function isConnectionFailure(error: unknown): boolean {
	if (!(error instanceof Error)) return false;
	const code = (error as { code?: unknown }).code;
	if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
	return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
		error.message
	);
}

/**
 * The RestError PostgREST would answer for an error thrown while talking to Postgres, or undefined
 * when the error did not come from the database (a bug of the stack, answered with a plain 500).
 */
export function fromDatabaseError(error: unknown, authenticated: boolean): RestError | undefined {
	if (error instanceof RestError) return error;
	if (isPostgresError(error)) {
		if (error.code === 'PGRST') return fromPgrstRaise(error.message, error.detail);
		const status = statusForSqlState(error.code, error.message, authenticated);
		const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Bearer' } : {};
		return new RestError(
			status,
			error.code,
			error.message,
			error.detail ?? null,
			error.hint ?? null,
			headers
		);
	}
	if (isConnectionFailure(error)) {
		return new RestError(
			503,
			'PGRST001',
			'Database client error. Retrying the connection.',
			(error as Error).message
		);
	}
	return undefined;
}
