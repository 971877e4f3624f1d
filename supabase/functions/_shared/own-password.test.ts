import assert from 'node:assert/strict';
import {
	RECOVERY_SESSION_MAX_AGE_SECONDS,
	changePasswordInput,
	isRecoverySession,
	passwordChangeRoute,
	unverifiedClaims
} from './own-password.ts';
import { fieldIssues } from './user-input.ts';

const base64url = (value: unknown) =>
	btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
		.replaceAll('+', '-')
		.replaceAll('/', '_')
		.replace(/=+$/, '');
const token = (claims: unknown) =>
	`${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}.sig`;

const NOW = 1_800_000_000;

Deno.test('reads the claims of a token, and nothing from what is not one', () => {
	// ü and the URL-safe alphabet: payloads are base64url of UTF-8.
	const claims = { sub: 'a', email: 'jürgen@x.test', amr: [{ method: 'otp', timestamp: NOW }] };
	assert.deepEqual(unverifiedClaims(token(claims)), claims);
	assert.deepEqual(unverifiedClaims('not-a-token'), {});
	assert.deepEqual(unverifiedClaims('a.%%%.c'), {});
	assert.deepEqual(unverifiedClaims(`a.${base64url([1, 2])}.c`), {});
});

Deno.test('a session from a verified recovery link is a recovery session, for an hour', () => {
	const amr = (method: string, timestamp: number) => ({ amr: [{ method, timestamp }] });
	// GoTrue v2.196 issues a verified link's session with "otp".
	assert.equal(isRecoverySession(amr('otp', NOW - 5), NOW), true);
	assert.equal(isRecoverySession(amr('recovery', NOW - 5), NOW), true);
	assert.equal(isRecoverySession(amr('magiclink', NOW - 5), NOW), true);
	assert.equal(isRecoverySession(amr('password', NOW - 5), NOW), false);
	assert.equal(isRecoverySession(amr('otp', NOW - RECOVERY_SESSION_MAX_AGE_SECONDS), NOW), true);
	assert.equal(
		isRecoverySession(amr('otp', NOW - RECOVERY_SESSION_MAX_AGE_SECONDS - 1), NOW),
		false
	);
	assert.equal(isRecoverySession(amr('otp', NOW + 3600), NOW), false, 'not from the future');
	assert.equal(
		isRecoverySession(
			{
				amr: [
					{ method: 'password', timestamp: NOW - 10 },
					{ method: 'otp', timestamp: NOW - 20 }
				]
			},
			NOW
		),
		true
	);
	for (const odd of [
		{},
		{ amr: 'otp' },
		{ amr: [null] },
		{ amr: [{ method: 'otp' }] },
		{ amr: [{ method: 'otp', timestamp: '1' }] }
	])
		assert.equal(isRecoverySession(odd, NOW), false);
});

Deno.test('who may change their own password, and how', () => {
	const route = (
		role: 'admin' | 'manager' | 'member' | 'external',
		mustChangePassword: boolean,
		recoverySession: boolean,
		currentPasswordGiven: boolean
	) => passwordChangeRoute({ role, mustChangePassword, recoverySession, currentPasswordGiven });
	for (const role of ['admin', 'manager', 'member', 'external'] as const) {
		assert.equal(route(role, true, false, false), 'allowed', `${role} with a temporary password`);
		assert.equal(route(role, false, true, false), 'allowed', `${role} after a recovery link`);
		assert.equal(
			route(role, true, false, true),
			'check_current',
			`${role} sending the temporary one`
		);
	}
	assert.equal(route('admin', false, false, true), 'check_current');
	assert.equal(route('admin', false, false, false), 'current_required');
	for (const role of ['manager', 'member', 'external'] as const) {
		assert.equal(route(role, false, false, false), 'use_forgot_password');
		// Not checked either: no oracle for the current password.
		assert.equal(route(role, false, false, true), 'use_forgot_password');
	}
});

Deno.test('the request: a password, maybe the current one, nothing else', () => {
	assert.equal(changePasswordInput.safeParse({ password: 'x' }).success, true);
	assert.equal(
		changePasswordInput.safeParse({ password: 'x', current_password: 'y' }).success,
		true
	);
	const refused = (body: unknown) => {
		const parsed = changePasswordInput.safeParse(body);
		assert.equal(parsed.success, false);
		return fieldIssues(parsed.error!);
	};
	assert.deepEqual(Object.keys(refused({})), ['password']);
	assert.deepEqual(Object.keys(refused({ password: 1 })), ['password']);
	assert.deepEqual(Object.keys(refused({ password: 'x', current_password: null })), [
		'current_password'
	]);
	assert.deepEqual(refused({ password: 'x', must_change_password: false }), {
		must_change_password: 'Unknown field'
	});
	assert.deepEqual(refused({ password: 'x', user_id: crypto.randomUUID() }), {
		user_id: 'Unknown field'
	});
});
