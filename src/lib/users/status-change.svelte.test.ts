import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '$shared/error-codes.ts';
import { answerWhenCancelled, FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { apiError } from './errors';
import { StatusChange } from './status-change.svelte';

const grace = () => makeUser({ first_name: 'Grace', last_name: 'Hopper' });

describe('StatusChange', () => {
	it('changes the status after the confirmation and closes it', async () => {
		const user = grace();
		const change = new StatusChange(() => new FakeUsersApi([user]));
		change.ask(user);
		expect(change.deactivating).toBe(true);
		expect(await change.confirm()).toMatchObject({
			ok: true,
			message: 'Grace Hopper is now inactive',
			user: { status: 'inactive' }
		});
		expect(change.target).toBeNull();
	});

	it('keeps the confirmation open with the refusal in it', async () => {
		const user = grace();
		const api = new FakeUsersApi([user]);
		const change = new StatusChange(() => api);
		change.ask(user);
		api.nextError = apiError('last_admin');
		expect(await change.confirm()).toBeNull();
		expect(change.error).toBe(ERROR_CODES.last_admin.message);
		expect(change.target).not.toBeNull();
	});

	it('cancels a request in flight and reports the status read again', async () => {
		const user = grace();
		const api = new FakeUsersApi([user]);
		api.setActive.mockImplementationOnce((_id, _active, options) => answerWhenCancelled(options));
		const change = new StatusChange(() => api);
		change.ask(user);
		const confirming = change.confirm();
		change.cancel();
		expect(await confirming).toMatchObject({
			ok: false,
			message: 'Cancelled. Grace Hopper is active.',
			user: { status: 'active' }
		});
		expect(change.target).toBeNull();
	});
});
