import { describe, expect, it } from 'vitest';
import { FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { UserSettingsState } from './user-settings.svelte';

const admin = makeUser({ role: 'admin' });

async function loaded(target = makeUser({ first_name: 'Grace', last_name: 'Hopper', email: 'grace@demo.test' }), currentUserId = admin.id) {
	const api = new FakeUsersApi([admin, target]);
	const settings = new UserSettingsState(api, target.id, currentUserId);
	await settings.load();
	return { api, settings, target };
}

describe('UserSettingsState', () => {
	it('loads the user into the drafts', async () => {
		const { settings } = await loaded();
		expect([settings.firstName, settings.lastName, settings.email, settings.role]).toEqual(['Grace', 'Hopper', 'grace@demo.test', 'member']);
		expect(settings.isSelf).toBe(false);
		expect(settings.roleChanged).toBe(false);
	});

	it('saves only what changed: names through update, email through the function', async () => {
		const { api, settings, target } = await loaded();
		settings.lastName = ' Hopper-Murray ';
		expect(await settings.saveInfo()).toEqual({ ok: true, message: 'Personal information saved' });
		expect(api.update).toHaveBeenCalledWith(target.id, { first_name: 'Grace', last_name: 'Hopper-Murray' });
		expect(api.changeEmail).not.toHaveBeenCalled();
		settings.email = 'GRACE.H@demo.test';
		await settings.saveInfo();
		expect(api.changeEmail).toHaveBeenCalledWith(target.id, 'grace.h@demo.test');
		expect(settings.user?.email).toBe('grace.h@demo.test');
	});

	it('validates before sending and puts a refused email at the field', async () => {
		const { api, settings } = await loaded();
		settings.firstName = ' ';
		settings.email = 'nope';
		expect(await settings.saveInfo()).toBeNull();
		expect(settings.infoErrors).toEqual({ first_name: 'First name is required', last_name: undefined, email: 'Enter a valid email address' });
		expect(api.update).not.toHaveBeenCalled();
		settings.firstName = 'Grace';
		settings.email = 'taken@demo.test';
		api.nextError = { code: 'email_taken', message: 'A user with this email already exists.', fields: { email: 'This email is already in use' } };
		expect(await settings.saveInfo()).toBeNull();
		expect(settings.infoErrors.email).toBe('This email is already in use');
	});

	it('changes the role and reports a refusal in words', async () => {
		const { api, settings } = await loaded();
		settings.role = 'admin';
		expect(settings.roleChanged).toBe(true);
		expect(await settings.saveRole()).toEqual({ ok: true, message: 'Grace Hopper is now an admin' });
		settings.role = 'member';
		api.nextError = { code: 'last_admin', message: 'Your organization must keep at least one active admin.' };
		expect(await settings.saveRole()).toBeNull();
		expect(settings.roleError).toBe('Your organization must keep at least one active admin.');
	});

	it('toggles the status both ways', async () => {
		const { settings } = await loaded();
		expect((await settings.toggleStatus())?.message).toBe('Grace Hopper is now inactive');
		expect(settings.user?.status).toBe('inactive');
		expect((await settings.toggleStatus())?.message).toBe('Grace Hopper is now active');
	});

	it('knows when admins look at themselves', async () => {
		const { settings } = await loaded(admin, admin.id);
		expect(settings.isSelf).toBe(true);
	});
});
