import assert from 'node:assert/strict';
import { refusalOf } from './handler.ts';

Deno.test("Auth's refusals of the new password, in the console's codes", () => {
	const same = refusalOf({ ok: false, status: 422, code: 'same_password', message: 'x' });
	assert.equal(same.code, 'same_password');
	assert.equal(same.status, 400);
	assert.ok((same.details.fields as Record<string, string>).password);
	const weak = refusalOf({ ok: false, status: 422, code: 'weak_password', message: 'Too short' });
	assert.deepEqual(
		[weak.code, weak.details],
		['weak_password', { fields: { password: 'Too short' } }]
	);
	assert.equal(
		refusalOf({ ok: false, status: 400, code: 'validation_failed' }).code,
		'invalid_input'
	);
	for (const status of [401, 403])
		assert.equal(refusalOf({ ok: false, status, code: 'session_not_found' }).code, 'unauthorized');
	for (const status of [0, 500, 502])
		assert.equal(refusalOf({ ok: false, status }).code, 'auth_failed');
});
