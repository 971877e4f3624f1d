import { describe, expect, it } from 'vitest';
import { SEARCH_MAX_LENGTH } from '$shared/user-input.ts';
import { DEFAULT_QUERY, listQueryParams, parseListQuery } from './list-query';

describe('the list view in the address bar', () => {
	it('round-trips a view, writing only what differs from the default', () => {
		const view = {
			search: 'ada l',
			role: 'manager',
			status: 'inactive',
			signedIn: 'not_in_90_days',
			sort: 'last_sign_in_at',
			ascending: false,
			page: 4
		} as const;
		const params = listQueryParams(view);
		expect(params.toString()).toBe(
			'q=ada+l&role=manager&status=inactive&signed_in=not_in_90_days&sort=last_sign_in_at&order=desc&page=5'
		);
		expect(parseListQuery(params)).toEqual(view);
		expect(listQueryParams(DEFAULT_QUERY).toString()).toBe('');
	});

	it('falls back to the default for anything it does not know (a hand-edited or old link)', () => {
		const parsed = parseListQuery(
			new URLSearchParams(
				'role=owner&status=gone&signed_in=yesterday&sort=password&page=-3&q=' + 'x'.repeat(999)
			)
		);
		expect(parsed).toEqual({ ...DEFAULT_QUERY, search: 'x'.repeat(SEARCH_MAX_LENGTH) });
		expect(parseListQuery(new URLSearchParams('page=abc')).page).toBe(0);
		expect(parseListQuery(new URLSearchParams('signed_in=never')).signedIn).toBe('never');
		expect(parseListQuery(new URLSearchParams('page=99999999')).page).toBe(999_999);
	});
});
