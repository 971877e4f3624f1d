import { describe, expect, it } from 'vitest';
import { FakeUsersApi, fail, listView, makeUser } from '$lib/testing/fake-users-api';
import type { RequestOptions } from './api';
import {
	BULK_CONCURRENCY,
	BULK_FAILURES_IN_A_ROW,
	BULK_MAX_USERS,
	BulkRun,
	type BulkRow
} from './bulk.svelte';
import { apiError } from './errors';

const view = listView;

const outcomes = (rows: BulkRow[]) =>
	Object.fromEntries(
		rows.map((row) => [
			row.user.email,
			row.outcome && 'reason' in row.outcome
				? `${row.outcome.kind}: ${row.outcome.reason}`
				: row.outcome?.kind
		])
	);

const me = makeUser({ email: 'me@demo.test', role: 'admin' });

describe('BulkRun', () => {
	it('deactivates each user once and says why the others were left: yourself, already inactive, the last active admin', async () => {
		const ada = makeUser({ email: 'ada@demo.test' });
		const gone = makeUser({ email: 'gone@demo.test', status: 'inactive' });
		const lastAdmin = makeUser({ email: 'boss@demo.test', role: 'admin' });
		const api = new FakeUsersApi([me, ada, gone, lastAdmin]);
		const setActive = api.setActive.getMockImplementation()!;
		api.setActive.mockImplementation((id, active, options) =>
			id === lastAdmin.id
				? Promise.resolve(fail(apiError('last_admin', { status: 409 })))
				: setActive(id, active, options)
		);
		const run = new BulkRun(() => api, me.id, { kind: 'deactivate' });
		await run.run({ view: listView({ sort: 'email' }) });

		expect(run.phase).toBe('done');
		expect(outcomes(run.rows)).toEqual({
			'me@demo.test': 'skipped: yourself',
			'ada@demo.test': 'changed',
			'gone@demo.test': 'unchanged: already inactive',
			'boss@demo.test': 'kept: last active admin'
		});
		expect([run.changed, run.unchanged, run.kept, run.skipped, run.failed, run.left]).toEqual([
			1, 1, 1, 1, 0, 0
		]);
		// Read just now: only those not already so were asked for, and never the admin themselves.
		expect(api.setActive.mock.calls.map(([id, active]) => [id, active]).sort()).toEqual(
			[
				[ada.id, false],
				[lastAdmin.id, false]
			].sort()
		);
		expect(api.users.find((user) => user.id === ada.id)?.status).toBe('inactive');
		// The row shows the user as the server returned them.
		expect(run.rows.find((row) => row.user.id === ada.id)?.user.status).toBe('inactive');
	});

	it('asks the server about ticked rows even when they showed as done already: they may have changed since', async () => {
		const shownInactive = makeUser({ email: 'back@demo.test', status: 'inactive' });
		const shownMember = makeUser({ email: 'promoted@demo.test', role: 'member' });
		// Since they were shown: one activated, one made a manager by another admin.
		const api = new FakeUsersApi([
			me,
			{ ...shownInactive, status: 'active' },
			{ ...shownMember, role: 'manager' }
		]);
		const deactivate = new BulkRun(() => api, me.id, { kind: 'deactivate' });
		await deactivate.run({ users: [shownInactive], asShown: true });
		expect(outcomes(deactivate.rows)).toEqual({ 'back@demo.test': 'changed' });
		expect(api.users.find((user) => user.id === shownInactive.id)?.status).toBe('inactive');

		const toMember = new BulkRun(() => api, me.id, { kind: 'role', role: 'member' });
		await toMember.run({ users: [shownMember], asShown: true });
		expect(outcomes(toMember.rows)).toEqual({
			'promoted@demo.test': 'skipped: changed by someone else meanwhile'
		});
		expect(api.users.find((user) => user.id === shownMember.id)?.role).toBe('manager');
	});

	it(`stops after ${BULK_FAILURES_IN_A_ROW} failures in a row (no answer), attempting none of the rest`, async () => {
		const users = Array.from({ length: 30 }, () => makeUser());
		const api = new FakeUsersApi(users);
		api.setActive.mockImplementation(async () => fail(apiError('timeout')));
		const run = new BulkRun(() => api, me.id, { kind: 'deactivate' });
		await run.run({ users });
		expect(run.stopped).toMatch(/^Stopped after 5 failures in a row: The server did not answer/);
		expect(run.failed).toBeGreaterThanOrEqual(BULK_FAILURES_IN_A_ROW);
		expect(run.failed).toBeLessThan(BULK_FAILURES_IN_A_ROW + BULK_CONCURRENCY);
		expect(run.notAttempted).toBe(30 - run.failed);
	});

	it('changes roles with the role each user had on screen, and leaves a user another admin changed meanwhile', async () => {
		const shown = makeUser({ email: 'shown@demo.test', role: 'member' });
		const moved = makeUser({ email: 'moved@demo.test', role: 'member' });
		const api = new FakeUsersApi([me, shown, { ...moved, role: 'external' }]);
		const run = new BulkRun(() => api, me.id, { kind: 'role', role: 'manager' });
		await run.run({ users: [shown, moved] });

		expect(outcomes(run.rows)).toEqual({
			'shown@demo.test': 'changed',
			'moved@demo.test': 'skipped: changed by someone else meanwhile'
		});
		expect(api.updateProfile).toHaveBeenCalledWith(
			shown.id,
			{ role: 'manager' },
			{ role: 'member' }
		);
		expect(api.users.find((user) => user.id === moved.id)?.role).toBe('external');
		// The row now shows what the other admin made of the user.
		expect(run.rows[1]!.user.role).toBe('external');
	});

	it('goes through every user of a view, read in full before anything changes', async () => {
		const members = Array.from({ length: 12 }, (_, i) =>
			makeUser({ email: `m${String(i).padStart(2, '0')}@demo.test`, status: 'inactive' })
		);
		const others = [makeUser({ email: 'admin2@demo.test', role: 'admin', status: 'inactive' })];
		const api = new FakeUsersApi([me, ...members, ...others]);
		const run = new BulkRun(() => api, me.id, { kind: 'activate' });
		await run.run({ view: view({ role: 'member', status: 'inactive' }) });

		expect(run.read).toBe(12);
		expect(run.changed).toBe(12);
		expect(
			api.listCalls.every((call) => call.role === 'member' && call.status === 'inactive')
		).toBe(true);
		// Every list read came before the first change.
		const firstChange = api.setActive.mock.invocationCallOrder[0]!;
		expect(Math.max(...api.list.mock.invocationCallOrder)).toBeLessThan(firstChange);
		expect(api.users.filter((user) => user.status === 'active').map((user) => user.email)).toEqual([
			me.email,
			...members.map((user) => user.email)
		]);
	});

	it(`refuses a view of more than ${BULK_MAX_USERS} users before changing anyone`, async () => {
		const many = Array.from({ length: BULK_MAX_USERS + 1 }, () => makeUser({ status: 'inactive' }));
		const api = new FakeUsersApi(many);
		const run = new BulkRun(() => api, me.id, { kind: 'activate' });
		await run.run({ view: view() });

		expect(run.stopped).toMatch(/More than 10,000 users match this view/);
		expect(run.rows).toEqual([]);
		expect(api.setActive).not.toHaveBeenCalled();
	});

	it(`runs at most ${BULK_CONCURRENCY} calls at once, and stops when the caller is no longer allowed`, async () => {
		const users = Array.from({ length: 20 }, () => makeUser());
		const api = new FakeUsersApi(users);
		const setActive = api.setActive.getMockImplementation()!;
		let inFlight = 0;
		let most = 0;
		let calls = 0;
		api.setActive.mockImplementation(async (id, active, options?: RequestOptions) => {
			inFlight++;
			most = Math.max(most, inFlight);
			await new Promise((resolve) => setTimeout(resolve, 5));
			inFlight--;
			// Demoted after the sixth call: every later one is refused.
			if (++calls > 6) return fail(apiError('forbidden', { status: 403 }));
			return setActive(id, active, options);
		});
		const run = new BulkRun(() => api, me.id, { kind: 'deactivate' });
		await run.run({ users });

		expect(most).toBe(BULK_CONCURRENCY);
		expect(run.changed).toBe(6);
		expect(run.stopped).toBe('Only active admins of this organization may do this.');
		// The calls already in flight when the first refusal came back were answered; no more began.
		expect(run.failed).toBeGreaterThanOrEqual(1);
		expect(run.failed).toBeLessThanOrEqual(BULK_CONCURRENCY);
		expect(run.notAttempted).toBe(20 - 6 - run.failed);
		expect(calls).toBe(6 + run.failed);
		expect(run.done).toBe(20);
	});

	it('on Cancel finishes the calls in flight and attempts none of the rest', async () => {
		const users = Array.from({ length: 12 }, () => makeUser());
		const api = new FakeUsersApi(users);
		const setActive = api.setActive.getMockImplementation()!;
		const run = new BulkRun(() => api, me.id, { kind: 'deactivate' });
		let started = 0;
		api.setActive.mockImplementation(async (id, active, options) => {
			// The admin cancels while the first calls are in flight.
			if (++started === BULK_CONCURRENCY) run.cancel();
			await new Promise((resolve) => setTimeout(resolve, 5));
			return setActive(id, active, options);
		});
		await run.run({ users });

		expect(run.changed).toBe(BULK_CONCURRENCY);
		expect(run.notAttempted).toBe(12 - BULK_CONCURRENCY);
		expect(run.rows.at(-1)?.outcome).toEqual({ kind: 'not_attempted', reason: 'cancelled' });
		expect(api.users.filter((user) => user.status === 'inactive')).toHaveLength(BULK_CONCURRENCY);
	});
});
