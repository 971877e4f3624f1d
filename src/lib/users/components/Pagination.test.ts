import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { makeUser } from '$lib/testing/fake-users-api';
import { apiError } from '../errors';
import { FIRST_PAGE } from '../list-query';
import type { UsersList } from '../users-list.svelte';
import Pagination from './Pagination.svelte';

const ID = 'c0000001-0000-4000-8000-000000000001';

type Shown = Pick<
	UsersList,
	| 'rows'
	| 'pageSize'
	| 'total'
	| 'pageCount'
	| 'pageNumber'
	| 'place'
	| 'error'
	| 'loading'
	| 'hasPrevious'
	| 'hasNext'
>;

/** Pagination over a list in the given state (what UsersList works out is given as it would be). */
function paged(state: Partial<Shown>) {
	const moves = {
		first: vi.fn(async () => {}),
		previous: vi.fn(async () => {}),
		next: vi.fn(async () => {}),
		last: vi.fn(async () => {})
	};
	const list = {
		rows: [],
		pageSize: 50,
		total: null,
		pageCount: null,
		pageNumber: 1,
		place: FIRST_PAGE,
		error: null,
		loading: false,
		hasPrevious: false,
		hasNext: false,
		...moves,
		...state
	} as unknown as UsersList;
	render(Pagination, { props: { list } });
	return moves;
}

const rows = (count: number) => Array.from({ length: count }, () => makeUser());
const place = () => screen.getByTestId('page-place').textContent;
const summary = () => screen.getByTestId('list-summary').textContent?.replace(/\s+/g, ' ').trim();
const button = (name: string) =>
	screen.getByRole('button', { name, hidden: true }) as HTMLButtonElement;

describe('Pagination', () => {
	it.each([
		[
			'an exact total: numbered pages and the range',
			{
				total: { users: 1000, accuracy: 'exact' },
				pageCount: 20,
				pageNumber: 3,
				place: { index: 2, fromEnd: false, after: ID },
				rows: rows(50)
			},
			'Page 3 of 20',
			'Showing 101–150 of 1,000 users'
		],
		[
			'the last of an exact total, holding what is left',
			{
				total: { users: 1234, accuracy: 'exact' },
				pageCount: 25,
				pageNumber: 25,
				place: { index: 0, fromEnd: true },
				rows: rows(34)
			},
			'Page 25 of 25',
			'Showing 1,201–1,234 of 1,234 users'
		],
		[
			'a count that stopped: the page’s number, no count of pages',
			{
				total: { users: 1000, accuracy: 'more_than' },
				pageNumber: 2,
				place: { index: 1, fromEnd: false, after: ID },
				rows: rows(50)
			},
			'Page 2',
			'Showing 51–100 of more than 1,000 users'
		],
		[
			'the last page of a count that stopped: no range',
			{
				total: { users: 1000, accuracy: 'more_than' },
				pageNumber: null,
				place: { index: 0, fromEnd: true },
				rows: rows(50)
			},
			'Last page',
			'More than 1,000 users'
		],
		[
			'a page counted from the end of an estimate',
			{
				total: { users: 46_000, accuracy: 'estimate' },
				pageNumber: null,
				place: { index: 1, fromEnd: true, before: ID },
				rows: rows(50)
			},
			'Page 2 from the end',
			'About 46,000 users (estimated)'
		],
		[
			'the first page of an estimate',
			{ total: { users: 46_000, accuracy: 'estimate' }, pageNumber: 1, rows: rows(50) },
			'Page 1',
			'Showing 1–50 of about 46,000 users (estimated)'
		],
		[
			'nobody at all',
			{ total: { users: 0, accuracy: 'exact' }, pageCount: 1, pageNumber: 1 },
			'Page 1 of 1',
			'No users'
		]
	] as const)('shows %s', (_label, state, label, sentence) => {
		paged(state);
		expect(place()).toBe(label);
		expect(summary()).toBe(sentence);
	});

	it('counts one user in the singular', () => {
		paged({ total: { users: 1, accuracy: 'exact' }, pageCount: 1, rows: rows(1) });
		expect(summary()).toMatch(/ of 1 user$/);
		expect(screen.getByTestId('total-count').textContent).toBe('1');
	});

	it('says nothing of a total not known yet', () => {
		paged({ total: null, rows: rows(50), hasNext: true });
		expect(summary()).toBe('');
		expect(button('Next').disabled).toBe(false);
	});

	it('claims no page behind an error', () => {
		paged({
			total: { users: 1000, accuracy: 'exact' },
			pageCount: 20,
			error: apiError('network'),
			hasPrevious: true,
			hasNext: true
		});
		expect(summary()).toBe('');
		for (const name of ['First', 'Previous', 'Next', 'Last'])
			expect(button(name).disabled).toBe(true);
	});

	it('offers the ways that lead somewhere, and takes them one at a time', async () => {
		const user = userEvent.setup();
		const moves = paged({
			total: { users: 1000, accuracy: 'more_than' },
			rows: rows(50),
			hasPrevious: false,
			hasNext: true
		});
		expect([button('First').disabled, button('Previous').disabled]).toEqual([true, true]);
		expect([button('Next').disabled, button('Last').disabled]).toEqual([false, false]);
		await user.click(button('Next'));
		await user.click(button('Last'));
		expect([moves.next, moves.last].map((move) => move.mock.calls.length)).toEqual([1, 1]);
		expect(moves.first).not.toHaveBeenCalled();
	});

	it('ignores a click while a page is still loading (the next step starts from its rows)', async () => {
		const user = userEvent.setup();
		const moves = paged({
			total: { users: 30, accuracy: 'exact' },
			pageCount: 3,
			pageNumber: 2,
			place: { index: 1, fromEnd: false, after: ID },
			rows: rows(10),
			pageSize: 10,
			hasPrevious: true,
			hasNext: true,
			loading: true
		});
		await user.click(button('Next'));
		await user.click(button('First'));
		expect(moves.next).not.toHaveBeenCalled();
		expect(moves.first).not.toHaveBeenCalled();
	});
});
