import assert from 'node:assert/strict';
import { fromDatabaseError, isConnectionFailure, isPostgresWriteAfterClose } from './database.ts';

Deno.test('connection failures of the direct connection are 503 service_unavailable', () => {
	for (const code of [
		'ECONNREFUSED',
		'CONNECTION_CLOSED',
		'CONNECTION_ENDED',
		'CONNECTION_DESTROYED',
		'08006',
		'57P01',
		'57P02',
		'57P03'
	]) {
		assert(isConnectionFailure({ code }), code);
		assert.equal(
			fromDatabaseError({ code, message: 'x' }, 'test').code,
			'service_unavailable',
			code
		);
	}
	assert(!isConnectionFailure({ code: '23505' }));
});

Deno.test("the project's SQLSTATEs map to their codes", () => {
	assert.equal(
		fromDatabaseError({ code: 'UA403', message: 'caller x is not an active admin' }, 'test').code,
		'forbidden'
	);
	assert.equal(
		fromDatabaseError({ code: 'UA404', message: 'user x is not in organization y' }, 'test').code,
		'user_not_found'
	);
	assert.equal(fromDatabaseError({ code: 'PT409', message: 'last' }, 'test').code, 'last_admin');
	assert.equal(
		fromDatabaseError({ code: 'PT403', message: 'own' }, 'test').code,
		'cannot_change_self'
	);
	assert.equal(
		fromDatabaseError(
			{
				code: '23505',
				message: 'duplicate key value violates unique constraint "users_email_key"'
			},
			'test'
		).code,
		'email_taken'
	);
	assert.equal(fromDatabaseError(new Error('boom'), 'test').code, 'internal_error');
});

Deno.test("only postgres.js's write after a closed socket is survived", () => {
	const error = new TypeError("Cannot read properties of null (reading 'write')");
	error.stack = `${error.message}\n    at Immediate.nextWrite (file:///x/node_modules/.deno/postgres@3.4.9/node_modules/postgres/src/connection.js:255:22)`;
	assert(isPostgresWriteAfterClose(error));
	const ended = new Error('This socket has been ended by the other party');
	ended.stack = `Error: ${ended.message}\n    at Socket._writeAfterFIN [as write] (ext:deno_node/net.ts:1:10175)\n    at Immediate.nextWrite (file:///x/node_modules/.deno/postgres@3.4.9/node_modules/postgres/src/connection.js:255:22)`;
	assert(isPostgresWriteAfterClose(ended));
	const other = new TypeError("Cannot read properties of null (reading 'write')");
	other.stack = `${other.message}\n    at nextWrite (file:///x/create-user/handler.ts:1:1)`;
	assert(!isPostgresWriteAfterClose(other));
});
