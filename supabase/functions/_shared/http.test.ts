import assert from 'node:assert/strict';
import { fromAuthError, fromDataError } from './errors.ts';
import { ApiError, MAX_BODY_BYTES, json, readJsonBody, serveJson } from './http.ts';

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
	new Request('http://fn/create-user', {
		method: 'POST',
		body,
		headers: { 'content-type': 'application/json', ...headers }
	});

Deno.test('preflight is answered with CORS and no body', async () => {
	const response = await serveJson(() => Promise.resolve(json(200, {})))(
		new Request('http://fn/x', { method: 'OPTIONS' })
	);
	assert.equal(response.status, 204);
	assert.equal(response.headers.get('access-control-allow-origin'), '*');
	assert.match(response.headers.get('access-control-allow-headers') ?? '', /authorization/);
});

Deno.test('methods other than POST get 405 JSON', async () => {
	for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
		const response = await serveJson(() => Promise.resolve(json(200, {})))(
			new Request('http://fn/x', { method })
		);
		assert.equal(response.status, 405);
		assert.deepEqual(await response.json(), {
			error: { code: 'method_not_allowed', message: 'Use POST.' }
		});
	}
});

Deno.test('bodies: empty, not JSON, too large', async () => {
	await assert.rejects(
		readJsonBody(post('')),
		(e: ApiError) => e.status === 400 && e.code === 'invalid_json'
	);
	await assert.rejects(
		readJsonBody(post('{"email":')),
		(e: ApiError) => e.status === 400 && e.code === 'invalid_json'
	);
	await assert.rejects(
		readJsonBody(post('x'.repeat(MAX_BODY_BYTES + 1))),
		(e: ApiError) => e.status === 413
	);
	// A body larger than its declared length is measured, not trusted.
	assert.deepEqual(await readJsonBody(post('{"a":1}')), { a: 1 });
});

Deno.test(
	'expected failures keep their status; 5xx carry a request id and no internals',
	async () => {
		const logged: string[] = [];
		const refused = await serveJson(() => Promise.reject(new ApiError('email_taken', 'taken')))(
			post('{}')
		);
		assert.equal(refused.status, 409);
		assert.deepEqual(await refused.json(), { error: { code: 'email_taken', message: 'taken' } });

		const crashed = await serveJson(
			() => Promise.reject(new Error('connection to 10.0.0.5 refused, password=hunter2')),
			(m) => logged.push(m)
		)(post('{}'));
		assert.equal(crashed.status, 500);
		const body = await crashed.json();
		assert.equal(body.error.code, 'internal_error');
		assert.match(body.error.request_id, /^[0-9a-f-]{36}$/);
		assert.ok(!JSON.stringify(body).includes('10.0.0.5'));
		assert.equal(logged.length, 1);
		assert.ok(logged[0]!.includes(body.error.request_id));
	}
);

Deno.test("Auth and Data API errors map to the console's codes", () => {
	assert.equal(
		fromAuthError({ code: 'email_exists', status: 422, message: 'x' }, 'create').code,
		'email_taken'
	);
	assert.equal(
		fromAuthError({ code: 'email_exists', status: 422, message: 'x' }, 'create').status,
		409
	);
	assert.equal(
		fromAuthError({ code: 'weak_password', status: 422, message: 'too short' }, 'set').status,
		400
	);
	assert.equal(
		fromAuthError({ code: 'unexpected_failure', status: 500, message: 'boom' }, 'create').status,
		502
	);
	assert.deepEqual(
		[
			fromDataError(
				{ code: 'PT409', message: 'an organization must keep at least one active admin' },
				'x'
			).status,
			fromDataError({ code: 'PT409', message: '' }, 'x').code
		],
		[409, 'last_admin']
	);
	// Recognised by SQLSTATE alone: the database's wording may change, the code may not.
	assert.deepEqual(
		[
			fromDataError({ code: 'PT403', message: '' }, 'x').status,
			fromDataError({ code: 'PT403', message: '' }, 'x').code
		],
		[403, 'cannot_change_self']
	);
	assert.equal(
		fromDataError({ code: '42501', message: 'you cannot change your own role or status' }, 'x')
			.code,
		'database_error'
	);
	const check = fromDataError(
		{
			code: '23514',
			message: 'new row for relation "users" violates check constraint "users_last_name_length"'
		},
		'x'
	);
	assert.deepEqual(
		[check.status, check.code, check.details.fields],
		[400, 'invalid_input', { last_name: 'Not accepted by the database' }]
	);
	assert.equal(
		fromDataError(
			{
				code: '23505',
				message: 'duplicate key value violates unique constraint "users_email_key"'
			},
			'x'
		).code,
		'email_taken'
	);
	const other = fromDataError(
		{ code: '42P01', message: 'relation "secret_table" does not exist' },
		'save the user'
	);
	assert.equal(other.status, 500);
	// The database unreachable behind the Data API: a 503 the caller may retry, not a 500.
	for (const code of ['PGRST000', 'PGRST001', '57P01', '08006']) {
		assert.deepEqual(
			[
				fromDataError({ code, message: 'terminating connection' }, 'x').status,
				fromDataError({ code, message: '' }, 'x').code
			],
			[503, 'service_unavailable']
		);
	}
	assert.ok(!other.message.includes('secret_table'));
});

Deno.test(
	'a request still unanswered at the deadline gets 503 with its request id, and the deadline hook runs',
	async () => {
		let hooks = 0;
		const lines: string[] = [];
		let finish: (response: Response) => void = () => undefined;
		const stuck = new Promise<Response>((resolve) => (finish = resolve));
		const serve = serveJson(
			() => stuck,
			(line) => lines.push(line),
			{
				deadlineMs: 20,
				onDeadline: () => hooks++
			}
		);
		const response = await serve(post('{}'));
		assert.equal(response.status, 503);
		const body = await response.json();
		assert.equal(body.error.code, 'service_unavailable');
		assert.match(body.error.request_id, /^[0-9a-f-]{36}$/);
		assert.equal(hooks, 1);
		assert.match(lines[0] ?? '', /no answer within 0.02 s/);
		// Its own answer, coming late, goes nowhere.
		finish(json(201, {}));
	}
);

Deno.test('a request answered in time is not touched by the deadline', async () => {
	let hooks = 0;
	const serve = serveJson(
		async () => {
			await new Promise((resolve) => setTimeout(resolve, 5));
			return json(201, { ok: true });
		},
		() => undefined,
		{ deadlineMs: 200, onDeadline: () => hooks++ }
	);
	const response = await serve(post('{}'));
	assert.equal(response.status, 201);
	assert.deepEqual(await response.json(), { ok: true });
	await new Promise((resolve) => setTimeout(resolve, 250));
	assert.equal(hooks, 0);
});
