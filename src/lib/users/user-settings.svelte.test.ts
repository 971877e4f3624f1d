import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '$shared/error-codes.ts';
import { answerWhenCancelled, FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import type { UserRow } from './types';
import { apiError } from './errors';
import { UserSettingsState } from './user-settings.svelte';

const admin = makeUser({ role: 'admin' });
const roots: Array<() => void> = [];
afterEach(() => roots.splice(0).forEach((dispose) => dispose()));

/** Built as the page builds it: once, inside a component's (here: a root's) effects, fed by getters. */
function build(
	api: FakeUsersApi,
	userId: () => string,
	currentUserId = admin.id
): UserSettingsState {
	let settings!: UserSettingsState;
	roots.push(
		$effect.root(
			() =>
				void (settings = new UserSettingsState(
					() => api,
					userId,
					() => currentUserId
				))
		)
	);
	flushSync();
	return settings;
}

async function loaded(
	target: UserRow = makeUser({
		first_name: 'Grace',
		last_name: 'Hopper',
		email: 'grace@demo.test'
	}),
	currentUserId = admin.id
) {
	const api = new FakeUsersApi([admin, target]);
	const settings = build(api, () => target.id, currentUserId);
	await vi.waitFor(() => expect(settings.user?.id).toBe(target.id));
	return { api, settings, target };
}

describe('UserSettingsState', () => {
	it('loads the user into the drafts', async () => {
		const { settings } = await loaded();
		expect([settings.firstName, settings.lastName, settings.email, settings.role]).toEqual([
			'Grace',
			'Hopper',
			'grace@demo.test',
			'member'
		]);
		expect(settings.isSelf).toBe(false);
		expect(settings.roleChanged).toBe(false);
	});

	it('saves names and email in one update_profile request, sending only what changed', async () => {
		const { api, settings, target } = await loaded();
		settings.lastName = ' Hopper-Murray ';
		settings.email = 'GRACE.H@demo.test';
		expect(await settings.saveInfo()).toEqual({ ok: true, message: 'Personal information saved' });
		expect(api.updateProfile).toHaveBeenCalledTimes(1);
		expect(api.updateProfile).toHaveBeenCalledWith(
			target.id,
			{ last_name: 'Hopper-Murray', email: 'grace.h@demo.test' },
			{ last_name: 'Hopper', email: 'grace@demo.test' },
			expect.anything()
		);
		expect(api.updateOwnNames).not.toHaveBeenCalled();
		expect([settings.user?.last_name, settings.user?.email]).toEqual([
			'Hopper-Murray',
			'grace.h@demo.test'
		]);
		// Nothing changed: nothing sent.
		expect((await settings.saveInfo())?.ok).toBe(true);
		expect(api.updateProfile).toHaveBeenCalledTimes(1);
	});

	it('validates with the shared field rules before sending and puts refusals at their fields', async () => {
		const { api, settings } = await loaded();
		settings.firstName = ' ';
		settings.lastName = 'x'.repeat(101);
		settings.email = 'nope';
		expect(await settings.saveInfo()).toBeNull();
		expect(settings.infoErrors).toEqual({
			first_name: 'First name is required',
			last_name: 'Last name has at most 100 characters',
			email: 'Enter a valid email address'
		});
		expect(api.updateProfile).not.toHaveBeenCalled();
		settings.firstName = 'Grace';
		settings.lastName = 'Hopper';
		settings.email = 'taken@demo.test';
		api.nextError = apiError('email_taken', { fields: { email: 'This email is already in use' } });
		expect(await settings.saveInfo()).toBeNull();
		expect(settings.infoErrors).toEqual({ email: 'This email is already in use' });
	});

	it('reports a refusal without fields in the shared words for its code', async () => {
		const { api, settings } = await loaded();
		settings.firstName = 'Gracie';
		api.nextError = apiError('service_unavailable', { status: 503 });
		expect(await settings.saveInfo()).toEqual({
			ok: false,
			message: ERROR_CODES.service_unavailable.message
		});
	});

	it('saves an admin’s own names on the Data API, and their own email through update_profile', async () => {
		const { api, settings } = await loaded(admin, admin.id);
		settings.firstName = 'Adele';
		await settings.saveInfo();
		expect(api.updateOwnNames).toHaveBeenCalledWith(
			admin.id,
			{ first_name: 'Adele', last_name: admin.last_name },
			{ first_name: admin.first_name, last_name: admin.last_name },
			expect.anything()
		);
		expect(api.updateProfile).not.toHaveBeenCalled();
		settings.email = 'adele@demo.test';
		await settings.saveInfo();
		expect(api.updateProfile.mock.calls[0]?.[1]).toEqual({ email: 'adele@demo.test' });
		expect(api.updateOwnNames).toHaveBeenCalledTimes(1);
	});

	it('changes the role through update_profile and reports a refusal by its code', async () => {
		const { api, settings, target } = await loaded();
		settings.role = 'admin';
		expect(settings.roleChanged).toBe(true);
		expect(await settings.saveRole()).toEqual({
			ok: true,
			message: 'Grace Hopper is now an Admin'
		});
		expect(api.updateProfile.mock.calls[0]?.slice(0, 3)).toEqual([
			target.id,
			{ role: 'admin' },
			{ role: 'member' }
		]);
		settings.role = 'member';
		api.nextError = apiError('last_admin', { status: 409 });
		expect(await settings.saveRole()).toBeNull();
		expect(settings.roleError).toBe(ERROR_CODES.last_admin.message);
	});

	it('toggles the status both ways after a confirmation', async () => {
		const { settings } = await loaded();
		expect(await settings.toggleStatus()).toBeNull();
		settings.askStatusChange();
		expect(settings.status.deactivating).toBe(true);
		expect((await settings.toggleStatus())?.message).toBe('Grace Hopper is now inactive');
		expect(settings.user?.status).toBe('inactive');
		expect(settings.status.target).toBeNull();
		settings.askStatusChange();
		expect((await settings.toggleStatus())?.message).toBe('Grace Hopper is now active');
	});

	it('sends the values it showed with each change, and keeps the drafts when someone changed them meanwhile', async () => {
		const { api, settings, target } = await loaded();
		settings.lastName = 'Hopper-Murray';
		// Another tab changed the last name after this page loaded.
		const now = { ...target, last_name: 'Murray', updated_at: '2026-02-01T00:00:00Z' };
		api.nextError = apiError('user_changed', { status: 409, user: now });
		expect(await settings.saveInfo()).toBeNull();
		expect(api.updateProfile).toHaveBeenCalledWith(
			target.id,
			{ last_name: 'Hopper-Murray' },
			{ last_name: 'Hopper' },
			expect.objectContaining({ signal: expect.any(AbortSignal) })
		);
		expect(settings.infoConflict).toBe(
			`${ERROR_CODES.user_changed.message} (the last name is now “Murray”.)`
		);
		expect(settings.lastName).toBe('Hopper-Murray');
		await settings.reload();
		expect(settings.infoConflict).toBeNull();
		expect(settings.role).toBe('member');
	});

	it('refuses a stale role change the same way', async () => {
		const { api, settings, target } = await loaded();
		settings.role = 'manager';
		api.nextError = apiError('user_changed', { user: { ...target, role: 'admin' } });
		expect(await settings.saveRole()).toBeNull();
		expect(settings.roleConflict).toContain('the role is now Admin');
		expect(api.updateProfile.mock.calls[0]?.[2]).toEqual({ role: 'member' });
	});

	it('keeps unsaved drafts of one section when another section saves', async () => {
		const { settings } = await loaded();
		settings.firstName = 'Typing…';
		settings.role = 'manager';
		await settings.saveRole();
		expect(settings.firstName).toBe('Typing…');
		settings.askStatusChange();
		await settings.toggleStatus();
		expect(settings.firstName).toBe('Typing…');
		expect(settings.user?.role).toBe('manager');
	});

	it('after a cancelled save reads the user again and says whether it was saved', async () => {
		const { api, settings, target } = await loaded();
		settings.email = 'grace.new@demo.test';
		api.updateProfile.mockImplementationOnce((_id, _changes, _expected, options) =>
			answerWhenCancelled(options)
		);
		const saving = settings.saveInfo();
		expect(settings.infoBusy).toBe(true);
		settings.cancelInfo();
		expect(await saving).toEqual({ ok: false, message: 'Cancelled. Nothing was saved.' });
		expect(api.get).toHaveBeenLastCalledWith(target.id);
		expect(settings.infoBusy).toBe(false);
		expect(settings.email).toBe('grace.new@demo.test');
	});

	it('tells the admin’s own header when they changed their own names', async () => {
		const api = new FakeUsersApi([admin]);
		const onselfchange = vi.fn();
		let settings!: UserSettingsState;
		roots.push(
			$effect.root(
				() =>
					void (settings = new UserSettingsState(
						() => api,
						() => admin.id,
						() => admin.id,
						{ onselfchange }
					))
			)
		);
		flushSync();
		await vi.waitFor(() => expect(settings.user?.id).toBe(admin.id));
		settings.firstName = 'Adele';
		await settings.saveInfo();
		expect(onselfchange).toHaveBeenCalledTimes(1);
	});

	it('knows when admins look at themselves', async () => {
		const { settings } = await loaded(admin, admin.id);
		expect(settings.isSelf).toBe(true);
	});

	it('follows its id getter: a new id loads that user, drafts and all', async () => {
		const grace = makeUser({ first_name: 'Grace', last_name: 'Hopper' });
		const linus = makeUser({ first_name: 'Linus', last_name: 'Torvalds' });
		const api = new FakeUsersApi([admin, grace, linus]);
		let userId = $state(grace.id);
		const settings = build(api, () => userId);
		await vi.waitFor(() => expect(settings.user?.id).toBe(grace.id));
		settings.firstName = 'draft';
		settings.roleError = 'old error';
		userId = linus.id;
		flushSync();
		// The old user's drafts are gone at once, before the new one arrives.
		expect(settings.user).toBeNull();
		expect(settings.roleError).toBeNull();
		await vi.waitFor(() => expect(settings.user?.id).toBe(linus.id));
		expect(settings.firstName).toBe('Linus');
		expect(api.get.mock.calls.map(([id]) => id)).toEqual([grace.id, linus.id]);
	});

	it('drops a late answer for a user it has left', async () => {
		const grace = makeUser({ first_name: 'Grace' });
		const linus = makeUser({ first_name: 'Linus' });
		const api = new FakeUsersApi([admin, grace, linus]);
		let release: () => void = () => {};
		const slow = new Promise<void>((resolve) => (release = resolve));
		const get = api.get.getMockImplementation()!;
		api.get.mockImplementationOnce(async (id) => {
			await slow;
			return get(id);
		});
		let userId = $state(grace.id);
		const settings = build(api, () => userId);
		userId = linus.id;
		flushSync();
		await vi.waitFor(() => expect(settings.user?.id).toBe(linus.id));
		release();
		await slow;
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(settings.user?.first_name).toBe('Linus');
	});
});
