import { afterEach, describe, expect, it } from 'vitest';
import {
	activityQueryParams,
	DEFAULT_QUERY,
	entryFilters,
	exportFileName,
	parseActivityQuery,
	type ActivityQuery
} from './log-query';

const USER = '0f8fad5b-d9cb-469f-a165-70867728950e';
const AT = '2026-12-01T14:35:18.123456+00:00';
const parse = (search: string) => parseActivityQuery(new URLSearchParams(search));

const zone = process.env.TZ;
afterEach(() => {
	process.env.TZ = zone;
});

describe('the Activity page in the address bar', () => {
	it('round-trips every part of the view, cursor included', () => {
		const query: ActivityQuery = {
			userId: USER,
			action: 'role_changed',
			from: '2026-11-01',
			to: '2026-11-30',
			cursor: { direction: 'older', id: 4711, occurredAt: AT }
		};
		const params = activityQueryParams(query);
		expect(params.get('older')).toBe(`4711@${AT}`);
		// Through the address bar's encoding and back: the microseconds and the zone survive.
		expect(parse(`?${params.toString()}`)).toEqual(query);
		expect(parse('?newer=12@2026-12-01T10:00:00Z').cursor).toEqual({
			direction: 'newer',
			id: 12,
			occurredAt: '2026-12-01T10:00:00Z'
		});
	});

	it('keeps the plain page plain', () => {
		expect(activityQueryParams(DEFAULT_QUERY).toString()).toBe('');
		expect(parse('')).toEqual(DEFAULT_QUERY);
	});

	it('falls back to the default for anything it does not know', () => {
		expect(
			parse(
				'?user=not-a-uuid&action=deleted&from=2026-02-31&to=yesterday&older=abc@2026-12-01T10:00:00Z'
			)
		).toEqual(DEFAULT_QUERY);
		expect(parse('?older=12@tomorrow').cursor).toBeUndefined();
		expect(parse('?older=@2026-12-01T10:00:00Z').cursor).toBeUndefined();
		expect(parse(`?user=${USER.toUpperCase()}`).userId).toBe(USER);
	});

	it('reads a range written backwards as the days between', () => {
		expect(parse('?from=2026-12-05&to=2026-12-01')).toMatchObject({
			from: '2026-12-01',
			to: '2026-12-05'
		});
	});

	it('asks for the instants the days begin and end in the viewer’s zone', () => {
		process.env.TZ = 'America/New_York';
		const filters = entryFilters({ ...DEFAULT_QUERY, from: '2026-11-01', to: '2026-11-01' });
		// 1 November 2026 is the day New York leaves summer time: 25 hours long.
		expect(filters).toEqual({
			userId: '',
			action: '',
			from: '2026-11-01T04:00:00.000Z',
			to: '2026-11-02T05:00:00.000Z'
		});
		process.env.TZ = 'Asia/Kolkata';
		expect(entryFilters({ ...DEFAULT_QUERY, to: '2026-12-31' }).to).toBe(
			'2026-12-31T18:30:00.000Z'
		);
		expect(entryFilters(DEFAULT_QUERY)).toEqual({ userId: '', action: '', from: '', to: '' });
	});

	it('names the export after its range', () => {
		const today = new Date(2026, 11, 2);
		expect(exportFileName({ from: '2026-11-01', to: '2026-11-30' }, today)).toBe(
			'activity-2026-11-01-to-2026-11-30.csv'
		);
		expect(exportFileName({ from: '2026-11-01', to: '' }, today)).toBe(
			'activity-2026-11-01-to-2026-12-02.csv'
		);
		expect(exportFileName({ from: '', to: '' }, today)).toBe('activity-until-2026-12-02.csv');
	});
});
