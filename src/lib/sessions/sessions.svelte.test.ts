import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answerWhenCancelled, FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import type { RequestOptions, UserSession } from '$lib/users/api';
import { apiError } from '$lib/users/errors';
import { SessionsState, type EndSessions, type SessionsOptions } from './sessions.svelte';

const roots: Array<() => void> = [];
afterEach(() => roots.splice(0).forEach((dispose) => dispose()));

const grace = makeUser({ first_name: 'Grace', last_name: 'Hopper' });
const linus = makeUser({ first_name: 'Linus', last_name: 'Torvalds' });

const session = (overrides: Partial<UserSession> = {}): UserSession => ({
	id: crypto.randomUUID(),
	created_at: '2026-12-01T08:00:00Z',
	refreshed_at: '2026-12-01T09:00:00Z',
	user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/142.0.0.0 Safari/537.36',
	ip_address: '203.0.113.7',
	current: false,
	...overrides
});

function setup(options: SessionsOptions & { userId?: () => string; end?: EndSessions } = {}) {
	const api = new FakeUsersApi([grace, linus]);
	api.userSessions[grace.id] = [session(), session()];
	const end: EndSessions =
		options.end ??
		((id, requestOptions) =>
			api
				.endSessions(id, requestOptions)
				.then((result) => (result.ok ? { ok: true, data: { ended: result.data.ended } } : result)));
	let state!: SessionsState;
	roots.push(
		$effect.root(
			() =>
				void (state = new SessionsState(
					() => api,
					options.userId ?? (() => grace.id),
					end,
					options
				))
		)
	);
	flushSync();
	return { api, state: () => state };
}

describe('SessionsState', () => {
	it('loads the user’s sessions and whose they are', async () => {
		const { api, state } = setup();
		await vi.waitFor(() => expect(state().loaded).toBe(true));
		expect(state().sessions).toHaveLength(2);
		expect(state().person).toMatchObject({ first_name: 'Grace', last_name: 'Hopper' });
		expect(state().unknown).toBe(false);
		expect(api.sessions.mock.calls[0]?.[0]).toBe(grace.id);
		expect(api.names.mock.calls[0]?.[0]).toEqual([grace.id]);
	});

	it('follows the user id, showing nothing of the previous user meanwhile', async () => {
		let userId = $state(grace.id);
		const { api, state } = setup({ userId: () => userId });
		await vi.waitFor(() => expect(state().sessions).toHaveLength(2));
		userId = linus.id;
		flushSync();
		expect([state().loaded, state().sessions.length, state().person]).toEqual([false, 0, null]);
		await vi.waitFor(() => expect(state().person?.first_name).toBe('Linus'));
		expect(state().sessions).toEqual([]);
		expect(api.sessions.mock.calls.map(([id]) => id)).toEqual([grace.id, linus.id]);
	});

	it('says when the user is not one the caller may see', async () => {
		const { state } = setup({ userId: () => 'someone-elsewhere' });
		await vi.waitFor(() => expect(state().loaded).toBe(true));
		expect(state().unknown).toBe(true);
	});

	it('ends the sessions only after the confirmation, then shows what is left', async () => {
		const { api, state } = setup();
		await vi.waitFor(() => expect(state().loaded).toBe(true));
		expect(await state().confirm()).toBeNull();
		expect(api.endSessions).not.toHaveBeenCalled();
		state().ask();
		expect(await state().confirm()).toEqual({
			ok: true,
			message: 'Signed Grace Hopper out of 2 sessions'
		});
		expect(api.endSessions).toHaveBeenCalledTimes(1);
		expect(state().confirming).toBe(false);
		expect(state().sessions).toEqual([]);
		expect(api.sessions).toHaveBeenCalledTimes(2);
	});

	it('signs out here after ending one’s own sessions, without asking for the list again', async () => {
		const onsignedout = vi.fn();
		const { api, state } = setup({ self: () => true, onsignedout });
		await vi.waitFor(() => expect(state().loaded).toBe(true));
		state().ask();
		const outcome = await state().confirm();
		expect(outcome?.message).toBe(
			'You were signed out everywhere (2 sessions, this one included). Sign in again to go on.'
		);
		expect(onsignedout).toHaveBeenCalledTimes(1);
		expect(api.sessions).toHaveBeenCalledTimes(1);
	});

	it('keeps the confirmation open with the reason when the server refuses', async () => {
		const { api, state } = setup();
		await vi.waitFor(() => expect(state().loaded).toBe(true));
		state().ask();
		api.nextError = apiError('forbidden', { status: 403 });
		expect(await state().confirm()).toBeNull();
		expect(state().confirming).toBe(true);
		expect(state().error).toBe(apiError('forbidden').message);
		state().cancel();
		expect(state().confirming).toBe(false);
	});

	it('cancels a request in flight, then says whether the sessions ended all the same', async () => {
		const { api, state } = setup({
			end: (_id, options: RequestOptions) => answerWhenCancelled(options)
		});
		await vi.waitFor(() => expect(state().loaded).toBe(true));
		state().ask();
		const pending = state().confirm();
		expect(state().busy).toBe(true);
		state().cancel();
		expect(await pending).toEqual({ ok: false, message: 'Cancelled. 2 sessions still open.' });
		expect(state().confirming).toBe(false);
		// Re-read: the list on screen is what the server has now.
		expect(api.sessions).toHaveBeenCalledTimes(2);
	});

	it('signs out here when an uncertain end of one’s own sessions did happen', async () => {
		const onsignedout = vi.fn();
		const { api, state } = setup({
			self: () => true,
			onsignedout,
			end: async (id) => {
				api.userSessions[id] = [];
				return { ok: false, error: apiError('timeout') };
			}
		});
		await vi.waitFor(() => expect(state().loaded).toBe(true));
		state().ask();
		expect((await state().confirm())?.message).toMatch(/ended all the same/);
		expect(onsignedout).toHaveBeenCalledTimes(1);
	});
});
