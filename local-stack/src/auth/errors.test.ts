// GoTrue's error bodies: the 2024-01-01 shape auth-js asks for, the initial shape other clients get.
import { describe, expect, it } from 'vitest';
import {
	AuthHttpError,
	closestApiVersion,
	errorResponse,
	OAuthError,
	WeakPasswordError
} from './errors.ts';

const request = (apiVersionHeader?: string) => ({ apiVersionHeader, requestId: 'request-1' });

function postgresError(code: string, message: string, detail?: string): Error {
	return Object.assign(new Error(message), { code, detail });
}

describe('closestApiVersion', () => {
	it.each([
		['2024-01-01', '2024-01-01'],
		['2025-06-30', '2024-01-01'],
		['2023-12-31', null],
		['2024-02-31', null],
		['yesterday', null],
		['', null],
		[undefined, null]
	])('maps %j to %j', (header, version) => {
		expect(closestApiVersion(header)).toBe(version);
	});
});

describe('errorResponse', () => {
	const banned = new AuthHttpError(400, 'user_banned', 'User is banned');

	it('answers { code, message } and echoes the version to auth-js', () => {
		expect(errorResponse(banned, request('2024-01-01'))).toEqual({
			status: 400,
			body: { code: 'user_banned', message: 'User is banned' },
			headers: { 'X-Supabase-Api-Version': '2024-01-01', 'x-sb-error-code': 'user_banned' }
		});
	});

	it('answers { code: status, error_code, msg } without the header', () => {
		expect(errorResponse(banned, request())).toEqual({
			status: 400,
			body: { code: 400, error_code: 'user_banned', msg: 'User is banned' },
			headers: { 'x-sb-error-code': 'user_banned' }
		});
	});

	it('gives a code-less error "unknown", and a 500 an error id in the initial shape', () => {
		expect(
			errorResponse(new AuthHttpError(404, '', 'Not Found'), request('2024-01-01')).body
		).toEqual({ code: 'unknown', message: 'Not Found' });
		expect(
			errorResponse(new AuthHttpError(500, 'unexpected_failure', 'Error updating user'), request())
				.body
		).toEqual({
			code: 500,
			error_code: 'unexpected_failure',
			msg: 'Error updating user',
			error_id: 'request-1'
		});
	});

	it('shows a user-caused Postgres error in the initial shape only', () => {
		const failure = new AuthHttpError(
			500,
			'unexpected_failure',
			'Database error deleting user',
			postgresError('23503', 'violates fk', 'Key (id)=(1)')
		);
		expect(errorResponse(failure, request()).body).toEqual({
			code: '23503',
			message: 'violates fk',
			detail: 'Key (id)=(1)'
		});
		expect(errorResponse(failure, request('2024-01-01')).body).toEqual({
			code: 'unexpected_failure',
			message: 'Database error deleting user'
		});

		const custom = new AuthHttpError(
			500,
			'unexpected_failure',
			'x',
			postgresError('PT409', 'custom conflict')
		);
		expect(errorResponse(custom, request()).status).toBe(409);
		const hidden = new AuthHttpError(
			500,
			'unexpected_failure',
			'x',
			postgresError('42P01', 'relation does not exist')
		);
		expect(errorResponse(hidden, request()).body).toMatchObject({ code: 500, msg: 'x' });
	});

	it('answers weak passwords with their reasons in both shapes', () => {
		const weak = new WeakPasswordError('Password should be at least 6 characters.', ['length']);
		expect(errorResponse(weak, request('2024-01-01'))).toMatchObject({
			status: 422,
			body: {
				code: 'weak_password',
				message: 'Password should be at least 6 characters.',
				weak_password: { reasons: ['length'] }
			}
		});
		expect(errorResponse(weak, request()).body).toEqual({
			code: 422,
			error_code: 'weak_password',
			msg: 'Password should be at least 6 characters.',
			weak_password: { reasons: ['length'] }
		});
	});

	it('answers OAuth errors as { error, error_description } in either version', () => {
		const oauth = new OAuthError('invalid_request', 'refresh_token required');
		expect(errorResponse(oauth, request('2024-01-01'))).toMatchObject({
			status: 400,
			body: { error: 'invalid_request', error_description: 'refresh_token required' }
		});
		expect(errorResponse(oauth, request()).body).toEqual({
			error: 'invalid_request',
			error_description: 'refresh_token required'
		});
	});

	it('hides an unexpected exception behind a fixed message', () => {
		const response = errorResponse(new TypeError('secret internals'), request('2024-01-01'));
		expect(response).toMatchObject({ status: 500, body: { code: 'unexpected_failure' } });
		expect(JSON.stringify(response.body)).not.toContain('secret internals');
	});
});
