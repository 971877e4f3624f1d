import { describe, expect, it } from 'vitest';
import { SEARCH_MAX_LENGTH } from '$shared/user-input.ts';
import { DEFAULT_QUERY, FIRST_PAGE, listQueryParams, parseListQuery } from './list-query';

const ID = 'c0000001-0000-4000-8000-000000000001';

describe('the list view in the address bar', () => {
	it('round-trips a view and its page, writing only what differs from the default', () => {
		const view = {
			search: 'ada l',
			role: 'manager',
			status: 'inactive',
			signedIn: 'not_in_90_days',
			sort: 'last_sign_in_at',
			ascending: false,
			place: { index: 4, fromEnd: false, after: ID }
		} as const;
		const params = listQueryParams(view);
		expect(params.toString()).toBe(
			`q=ada+l&role=manager&status=inactive&signed_in=not_in_90_days&sort=last_sign_in_at&order=desc&page=5&after=${ID}`
		);
		expect(parseListQuery(params)).toEqual(view);
		expect(listQueryParams(DEFAULT_QUERY).toString()).toBe('');
	});

	it('keeps pages counted from the last one, the last page needing no user', () => {
		const second = { ...DEFAULT_QUERY, place: { index: 1, fromEnd: true, before: ID } };
		expect(listQueryParams(second).toString()).toBe(`from_end=2&before=${ID}`);
		expect(parseListQuery(listQueryParams(second))).toEqual(second);
		const last = { ...DEFAULT_QUERY, place: { index: 0, fromEnd: true } };
		expect(listQueryParams(last).toString()).toBe('from_end=1');
		expect(parseListQuery(new URLSearchParams(`from_end=1&before=${ID}`)).place).toEqual({
			index: 0,
			fromEnd: true
		});
	});

	it('falls back to the default for anything it does not know (a hand-edited or old link)', () => {
		const parsed = parseListQuery(
			new URLSearchParams(
				'role=owner&status=gone&signed_in=yesterday&sort=password&page=-3&q=' + 'x'.repeat(999)
			)
		);
		expect(parsed).toEqual({ ...DEFAULT_QUERY, search: 'x'.repeat(SEARCH_MAX_LENGTH) });
		expect(parseListQuery(new URLSearchParams('page=abc')).place).toEqual(FIRST_PAGE);
		// A page number alone says nowhere to continue from (an old link): the first page.
		expect(parseListQuery(new URLSearchParams('page=7')).place).toEqual(FIRST_PAGE);
		expect(parseListQuery(new URLSearchParams('page=7&after=not-an-id')).place).toEqual(FIRST_PAGE);
		expect(parseListQuery(new URLSearchParams('from_end=3')).place).toEqual({
			index: 0,
			fromEnd: true
		});
		expect(parseListQuery(new URLSearchParams('signed_in=never')).signedIn).toBe('never');
		expect(parseListQuery(new URLSearchParams(`page=99999999&before=${ID}`)).place).toEqual({
			index: 999_999,
			fromEnd: false,
			before: ID
		});
	});
});
