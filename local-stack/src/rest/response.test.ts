import { describe, expect, it } from 'vitest';
import { MAX_JSON_NESTING, parseJsonBody } from './body.ts';
import { fromDatabaseError, RestError, statusForSqlState } from './errors.ts';
import { negotiateResponse } from './media.ts';
import { parsePreferences, preferenceApplied } from './preferences.ts';
import { contentRange, readOutcome, topLevelRange } from './range.ts';

function postgresError(code: string, message: string, extra: Record<string, string> = {}): Error {
	return Object.assign(new Error(message), { code, ...extra });
}

describe('ranges', () => {
	it('formats Content-Range exactly as PostgREST', () => {
		expect(contentRange(0, 24, 3573458)).toBe('0-24/3573458');
		expect(contentRange(0, -1, 0)).toBe('*/0');
		expect(contentRange(0, 24, undefined)).toBe('0-24/*');
		expect(contentRange(1, 0, undefined)).toBe('*/*');
	});

	it('answers 206 for a partial page, 200 for all rows, 416 past the end', () => {
		expect(readOutcome(0, 25, 100)).toEqual({ status: 206, contentRange: '0-24/100' });
		expect(readOutcome(0, 3, 3)).toEqual({ status: 200, contentRange: '0-2/3' });
		expect(readOutcome(0, 25, undefined).status).toBe(200);
		expect(readOutcome(10, 0, 3).status).toBe(416);
		expect(readOutcome(3, 0, 3)).toEqual({ status: 206, contentRange: '*/3' });
	});

	it('combines limit/offset, the Range header and max_rows', () => {
		expect(topLevelRange({ offset: 5, limit: 100 }, '0-9', undefined)).toEqual({
			offset: 5,
			limit: 5
		});
		expect(topLevelRange(undefined, '10-', 1000)).toEqual({ offset: 10, limit: 1000 });
		expect(topLevelRange({ offset: 0, limit: 5000 }, undefined, 1000)).toEqual({
			offset: 0,
			limit: 1000
		});
		expect(topLevelRange(undefined, 'bytes=0-1', undefined)).toEqual({ offset: 0 });
		expect(() => topLevelRange({ offset: 0, limit: -1 }, undefined, undefined)).toThrow(
			/Requested range not satisfiable/
		);
		expect(() => topLevelRange(undefined, '9-1', undefined)).toThrow(RestError);
	});
});

describe('preferences', () => {
	it('reads several values and headers, first occurrence winning', () => {
		expect(
			parsePreferences([
				'return=representation, count=exact',
				'count=planned,resolution=merge-duplicates,missing=default'
			])
		).toEqual({
			return: 'representation',
			count: 'exact',
			resolution: 'merge-duplicates',
			missing: 'default'
		});
	});

	it('ignores unknown preferences unless handling=strict', () => {
		expect(parsePreferences(['count=bogus, foo'])).toEqual({});
		expect(() => parsePreferences(['handling=strict, foo=bar'])).toThrow(
			expect.objectContaining({ code: 'PGRST122', details: 'Invalid preferences: foo=bar' })
		);
	});

	it("lists applied preferences in PostgREST's order", () => {
		expect(
			preferenceApplied({
				count: 'exact',
				return: 'representation',
				resolution: 'ignore-duplicates'
			})
		).toBe('resolution=ignore-duplicates, return=representation, count=exact');
		expect(preferenceApplied({})).toBeUndefined();
	});
});

describe('media types', () => {
	it('negotiates arrays, single objects and stripped nulls', () => {
		expect(negotiateResponse(undefined)).toMatchObject({
			singular: false,
			contentType: 'application/json; charset=utf-8'
		});
		expect(negotiateResponse('application/vnd.pgrst.object+json')).toMatchObject({
			singular: true,
			contentType: 'application/vnd.pgrst.object+json; charset=utf-8'
		});
		expect(negotiateResponse('application/vnd.pgrst.array+json;nulls=stripped')).toMatchObject({
			stripNulls: true,
			singular: false
		});
		expect(negotiateResponse('text/html, */*;q=0.8')).toMatchObject({ singular: false });
	});

	it('refuses media types it cannot produce (PGRST107)', () => {
		expect(() => negotiateResponse('text/html')).toThrow(
			expect.objectContaining({
				status: 406,
				code: 'PGRST107',
				message: 'None of these media types are available: text/html'
			})
		);
	});
});

describe('errors', () => {
	it('maps SQLSTATEs to HTTP statuses as PostgREST does', () => {
		const cases: Array<[string, string, boolean, number]> = [
			['42501', 'permission denied', false, 401],
			['42501', 'permission denied', true, 403],
			['23505', 'duplicate key', true, 409],
			['23503', 'foreign key', true, 409],
			['23514', 'check', true, 400],
			['22P02', 'invalid input', true, 400],
			['P0001', 'raise', true, 400],
			['PT409', 'last admin', true, 409],
			['PT999', 'nonsense', true, 500],
			['25006', 'read-only', true, 405],
			['22023', 'role "x" does not exist', true, 401],
			['22023', 'invalid parameter', true, 400],
			['57014', 'statement timeout', true, 500],
			['08006', 'connection failure', true, 503],
			['42P01', 'undefined table', true, 404],
			['42883', 'undefined function', true, 404],
			['XX000', 'internal', true, 500]
		];
		for (const [code, message, authenticated, status] of cases)
			expect([code, statusForSqlState(code, message, authenticated)]).toEqual([code, status]);
	});

	it("carries the server's words into PostgREST's error body", () => {
		const error = fromDatabaseError(
			postgresError('23505', 'duplicate key value violates unique constraint "users_email_key"', {
				detail: 'Key (email)=(a) already exists.'
			}),
			true
		);
		expect(error?.status).toBe(409);
		expect(error?.toJSON()).toEqual({
			code: '23505',
			details: 'Key (email)=(a) already exists.',
			hint: null,
			message: 'duplicate key value violates unique constraint "users_email_key"'
		});
		expect(
			fromDatabaseError(postgresError('42501', 'permission denied for table users'), false)?.headers
		).toEqual({ 'www-authenticate': 'Bearer' });
	});

	it("honours RAISE SQLSTATE 'PGRST' with a JSON message and detail", () => {
		const raised = postgresError('PGRST', '{"code":"123","message":"Payment required"}', {
			detail: '{"status":402,"headers":{"X-Powered-By":"Nerd Rage"}}'
		});
		const error = fromDatabaseError(raised, true);
		expect(error?.status).toBe(402);
		expect(error?.toJSON()).toMatchObject({ code: '123', message: 'Payment required' });
		expect(error?.headers).toEqual({ 'X-Powered-By': 'Nerd Rage' });
		expect(fromDatabaseError(postgresError('PGRST', 'not json'), true)?.code).toBe('PGRST121');
	});

	it('answers 503 when the database connection is gone, and leaves other failures to the caller', () => {
		expect(fromDatabaseError(new Error('Connection terminated unexpectedly'), true)?.status).toBe(
			503
		);
		expect(
			fromDatabaseError(
				Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
				true
			)?.code
		).toBe('PGRST001');
		expect(fromDatabaseError(new TypeError('oops'), true)).toBeUndefined();
	});
});

describe('request bodies', () => {
	it('refuses invalid JSON and JSON nested deeper than Postgres can parse (PGRST102)', () => {
		expect(parseJsonBody('{"a":[1,{"b":"[[[["}]}')).toEqual({ a: [1, { b: '[[[[' }] });
		expect(() => parseJsonBody('{"a":')).toThrow(
			expect.objectContaining({ code: 'PGRST102', message: 'Empty or invalid json' })
		);
		const deep = `${'['.repeat(MAX_JSON_NESTING + 1)}${']'.repeat(MAX_JSON_NESTING + 1)}`;
		expect(() => parseJsonBody(deep)).toThrow(
			expect.objectContaining({ code: 'PGRST102', status: 400 })
		);
		expect(parseJsonBody(`"${'['.repeat(10_000)}"`)).toBe('['.repeat(10_000));
	});
});
