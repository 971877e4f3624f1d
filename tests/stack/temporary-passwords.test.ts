// Temporary passwords and changing one's own password (issue 14), through supabase-js against the
// stack: a password an admin set is temporary; its session reads the user's own row and changes
// nothing, on the Data API and in every function; change-password ends the temporary state, keeps
// this device signed in and ends every other session; who may change their own password without
// an admin (temporary password, recovery link, or an admin knowing the current one); a
// deactivated user's recovery link gives no session.
import type { Session } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../scripts/lib/supabase-node.ts';
import { recoveryTokenHash, waitForMails, type Mail } from './mail-catcher.ts';
import {
	callFunction,
	clientWithToken,
	createOrganization,
	createPersona,
	signIn,
	type Persona
} from './personas.ts';
import {
	anonClient,
	newPassword,
	serviceClient,
	stack,
	uniqueEmail,
	withDb
} from './stack-under-test.ts';

const hasMail = stack().mailUrl !== null;

let org: string;
let admin: Persona;
let colleague: Persona;

beforeAll(async () => {
	org = await createOrganization('Temporary');
	admin = await createPersona(org, 'admin', 'tempadmin');
	colleague = await createPersona(org, 'member', 'colleague');
});

type Role = 'admin' | 'manager' | 'member' | 'external';

/** A user created in the console by `admin`: the row, and the password shown to the admin once. */
async function createdByAdmin(role: Role, label: string = role) {
	const result = await callFunction('create-user', admin.accessToken, {
		email: uniqueEmail(label),
		first_name: 'Temp',
		last_name: 'Orary',
		role
	});
	expect(result.status).toBe(201);
	return result.body as {
		user: { id: string; email: string; must_change_password: boolean };
		password: string;
	};
}

const changeOwn = (token: string | null, body: unknown) =>
	callFunction('change-password', token, body);

async function row(id: string) {
	const { data } = await serviceClient().from('users').select('*').eq('id', id).single();
	return data!;
}

describe('a password an admin set is temporary', () => {
	it('create-user answers and stores the new user as temporary', async () => {
		const { user } = await createdByAdmin('member');
		expect(user.must_change_password).toBe(true);
		expect((await row(user.id)).must_change_password).toBe(true);
	});

	it.runIf(stack().dbUrl !== null)(
		'a generated one is stored at bcrypt cost 4 (80 random bits), the one the user then chooses at cost 10',
		async () => {
			const storedHash = async (id: string) =>
				withDb(
					async (db) =>
						(await db.query('select encrypted_password from auth.users where id = $1', [id]))
							.rows[0].encrypted_password as string
				);
			const created = await createdByAdmin('member', 'cost');
			expect(await storedHash(created.user.id)).toMatch(/^\$2a\$04\$[./A-Za-z0-9]{53}$/);
			const signedIn = await signIn(created.user.email, created.password, org);
			expect((await changeOwn(signedIn.accessToken, { password: newPassword() })).status).toBe(200);
			expect(await storedHash(created.user.id)).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
		}
	);

	it('set_password makes it temporary again, for a user who had chosen their own', async () => {
		const created = await createdByAdmin('member', 'reset');
		const signedIn = await signIn(created.user.email, created.password, org);
		const own = newPassword();
		expect((await changeOwn(signedIn.accessToken, { password: own })).status).toBe(200);
		expect((await row(created.user.id)).must_change_password).toBe(false);

		const reset = await callFunction('update-user', admin.accessToken, {
			user_id: created.user.id,
			action: 'set_password'
		});
		expect(reset.status).toBe(200);
		expect(reset.body.user.must_change_password).toBe(true);
		expect((await row(created.user.id)).must_change_password).toBe(true);
	});

	it('copies the sign-in time into the row, as Auth records it', async () => {
		const created = await createdByAdmin('member', 'signin');
		expect((await row(created.user.id)).last_sign_in_at).toBeNull();
		const signedIn = await signIn(created.user.email, created.password, org);
		const { data: authUser } = await serviceClient().auth.admin.getUserById(created.user.id);
		const { data: own } = await signedIn.client
			.from('users')
			.select('last_sign_in_at')
			.eq('id', created.user.id)
			.single();
		expect(own?.last_sign_in_at).not.toBeNull();
		expect(Date.parse(own!.last_sign_in_at!)).toBe(Date.parse(authUser.user!.last_sign_in_at!));
	});
});

describe('while the password is temporary', () => {
	let tempAdmin: Persona;
	let tempManager: Persona;

	beforeAll(async () => {
		const createdAdmin = await createdByAdmin('admin', 'tmpadm');
		tempAdmin = await signIn(createdAdmin.user.email, createdAdmin.password, org);
		const createdManager = await createdByAdmin('manager', 'tmpmgr');
		tempManager = await signIn(createdManager.user.email, createdManager.password, org);
	});

	it('the user reads their own row only, with the flag, and their organization', async () => {
		for (const persona of [tempAdmin, tempManager]) {
			const { data, error } = await persona.client.from('users').select('id, must_change_password');
			expect(error).toBeNull();
			expect(data).toEqual([{ id: persona.id, must_change_password: true }]);
			const { data: others } = await persona.client.from('users').select('id').eq('id', admin.id);
			expect(others).toEqual([]);
			const { data: orgs } = await persona.client.from('organizations').select('id');
			expect(orgs).toEqual([{ id: org }]);
		}
	});

	it('an admin in that state finds nobody: no search, no counts', async () => {
		const { data: found } = await tempAdmin.client.rpc('search_users', { search: 'Persona' });
		expect(found ?? []).toEqual([]);
		const { data: counts } = await tempAdmin.client.from('organization_user_counts').select('*');
		expect(counts).toEqual([]);
	});

	it('the Data API changes nothing: not a name, not another user, not the flag', async () => {
		const ownName = await tempManager.client
			.from('users')
			.update({ first_name: 'Changed' })
			.eq('id', tempManager.id)
			.select('id');
		expect(ownName.data).toEqual([]);
		const other = await tempAdmin.client
			.from('users')
			.update({ first_name: 'Changed' })
			.eq('id', colleague.id)
			.select('id');
		expect(other.data).toEqual([]);
		const role = await tempAdmin.client
			.from('users')
			.update({ role: 'member' })
			.eq('id', colleague.id)
			.select('id');
		expect(role.data).toEqual([]);
		expect((await row(colleague.id)).first_name).not.toBe('Changed');
		expect((await row(tempManager.id)).first_name).toBe('Temp');

		const flag = await tempAdmin.client
			.from('users')
			// Generated types allow it (they know no column privileges); the database refuses.
			.update({ must_change_password: false })
			.eq('id', tempAdmin.id);
		expect(flag.error).toMatchObject({ code: '42501' });
		expect((await row(tempAdmin.id)).must_change_password).toBe(true);
	});

	it('the admin functions refuse: 403 password_change_required', async () => {
		const created = await callFunction('create-user', tempAdmin.accessToken, {
			email: uniqueEmail('blocked'),
			first_name: 'No',
			last_name: 'Way',
			role: 'member'
		});
		expect(created.status).toBe(403);
		expect(created.body.error.code).toBe('password_change_required');
		expect(created.body.error.message).toMatch(/choose your own password/i);

		for (const action of ['set_password', 'deactivate', 'activate'] as const) {
			const result = await callFunction('update-user', tempAdmin.accessToken, {
				user_id: colleague.id,
				action
			});
			expect(result.status, action).toBe(403);
			expect(result.body.error.code).toBe('password_change_required');
		}
		const renamed = await callFunction('update-user', tempAdmin.accessToken, {
			user_id: colleague.id,
			action: 'update_profile',
			first_name: 'Changed'
		});
		expect(renamed.body.error.code).toBe('password_change_required');
		expect((await row(colleague.id)).first_name).not.toBe('Changed');
	});

	it('a token from before an admin reset is held to it as well', async () => {
		const reset = await createdByAdmin('admin', 'before');
		const user = await signIn(reset.user.email, reset.password, org);
		expect((await changeOwn(user.accessToken, { password: newPassword() })).status).toBe(200);
		// Their own password now, an active admin: the same token reads the organization.
		const { data: everyone } = await clientWithToken(user.accessToken).from('users').select('id');
		expect(everyone!.length).toBeGreaterThan(1);

		expect(
			(
				await callFunction('update-user', admin.accessToken, {
					user_id: user.id,
					action: 'set_password'
				})
			).status
		).toBe(200);
		// The reset ended the sessions: the access token, still a valid JWT, reads nothing at all.
		const { data: now } = await clientWithToken(user.accessToken).from('users').select('id');
		expect(now).toEqual([]);
	});
});

describe('change-password after an admin set the password', () => {
	it('ends the temporary state, keeps this device signed in and ends every other session', async () => {
		const created = await createdByAdmin('admin', 'devices');
		const here = await signIn(created.user.email, created.password, org);
		const elsewhere = await signIn(created.user.email, created.password, org);
		const chosen = newPassword();

		const result = await changeOwn(here.accessToken, { password: chosen });
		expect(result.status).toBe(200);
		expect(result.body.user).toMatchObject({ id: here.id, must_change_password: false });
		expect(Object.keys(result.body)).toEqual(['user']);
		expect((await row(here.id)).must_change_password).toBe(false);

		// This device: its token still works and its refresh token still refreshes.
		const { data: mine } = await clientWithToken(here.accessToken).auth.getUser(here.accessToken);
		expect(mine.user?.id).toBe(here.id);
		const refreshed = await anonClient().auth.refreshSession({ refresh_token: here.refreshToken });
		expect(refreshed.error).toBeNull();
		const fresh = refreshed.data.session as Session;
		// Now an active admin: reads the organization, creates users.
		const { data: everyone } = await clientWithToken(fresh.access_token).from('users').select('id');
		expect(everyone!.length).toBeGreaterThan(1);
		const made = await callFunction('create-user', fresh.access_token, {
			email: uniqueEmail('bynew'),
			first_name: 'Made',
			last_name: 'Later',
			role: 'member'
		});
		expect(made.status).toBe(201);

		// The other device is signed out.
		const other = await anonClient().auth.refreshSession({ refresh_token: elsewhere.refreshToken });
		expect(other.error).not.toBeNull();
		expect(other.data.session).toBeNull();

		// The new password signs in; the temporary one no longer does.
		await expect(signIn(created.user.email, chosen)).resolves.toBeTruthy();
		const old = await anonClient().auth.signInWithPassword({
			email: created.user.email,
			password: created.password
		});
		expect(old.error?.code).toBe('invalid_credentials');
	});

	it('refuses the temporary password itself, and weak ones, changing nothing', async () => {
		const created = await createdByAdmin('member', 'same');
		const user = await signIn(created.user.email, created.password, org);
		const same = await changeOwn(user.accessToken, { password: created.password });
		expect(same.status).toBe(400);
		expect(same.body.error.code).toBe('same_password');
		expect(same.body.error.fields.password).toEqual(expect.any(String));

		const weak = await changeOwn(user.accessToken, { password: 'short' });
		expect(weak.status).toBe(400);
		expect(weak.body.error.code).toBe('weak_password');
		expect(weak.body.error.fields.password).toEqual(expect.any(String));

		const bad = await changeOwn(user.accessToken, {
			password: newPassword(),
			must_change_password: false
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.fields).toEqual({ must_change_password: 'Unknown field' });

		expect((await row(user.id)).must_change_password).toBe(true);
		await expect(signIn(created.user.email, created.password)).resolves.toBeTruthy();
	});

	it('needs a signed-in caller', async () => {
		expect((await changeOwn(stack().anonKey, { password: newPassword() })).status).toBe(401);
		expect((await changeOwn(null, { password: newPassword() })).status).toBe(401);
	});
});

describe('change-password without an admin', () => {
	it('an admin changes theirs with the right current password only', async () => {
		const self = await createPersona(org, 'admin', 'ownadmin');
		const chosen = newPassword();

		const without = await changeOwn(self.accessToken, { password: chosen });
		expect(without.status).toBe(400);
		expect(without.body.error.code).toBe('invalid_input');
		expect(without.body.error.fields.current_password).toEqual(expect.any(String));

		const wrong = await changeOwn(self.accessToken, {
			password: chosen,
			current_password: 'Not-the-password-1'
		});
		expect(wrong.status).toBe(400);
		expect(wrong.body.error.code).toBe('invalid_input');
		expect(wrong.body.error.fields.current_password).toEqual(expect.any(String));
		expect(wrong.body.error.fields.password).toBeUndefined();

		const same = await changeOwn(self.accessToken, {
			password: self.password,
			current_password: self.password
		});
		expect(same.body.error.code).toBe('same_password');

		const right = await changeOwn(self.accessToken, {
			password: chosen,
			current_password: self.password
		});
		expect(right.status).toBe(200);
		expect(right.body.user).toMatchObject({ id: self.id, must_change_password: false });
		await expect(signIn(self.email, chosen)).resolves.toBeTruthy();
	});

	it('managers, members and external users are sent to "Forgot password?"', async () => {
		for (const role of ['manager', 'member', 'external'] as const) {
			const persona = await createPersona(org, role, `own${role}`);
			for (const body of [
				{ password: newPassword() },
				{ password: newPassword(), current_password: persona.password }
			]) {
				const result = await changeOwn(persona.accessToken, body);
				expect(result.status, role).toBe(403);
				expect(result.body.error.code).toBe('use_forgot_password');
			}
			await expect(signIn(persona.email, persona.password)).resolves.toBeTruthy();
		}
	});

	it.runIf(hasMail)('after a recovery link, without the current password', async () => {
		const member = await createPersona(org, 'member', 'recovering');
		const elsewhere = await signIn(member.email, member.password, org);
		const { error } = await anonClient().auth.resetPasswordForEmail(member.email);
		expect(error).toBeNull();
		const tokenHash = recoveryTokenHash((await waitForMails(member.email))[0] as Mail);

		const device = createNodeClient(stack().apiUrl, stack().anonKey);
		const verified = await device.auth.verifyOtp({ type: 'recovery', token_hash: tokenHash });
		expect(verified.error).toBeNull();
		const session = verified.data.session as Session;

		const chosen = newPassword();
		const result = await changeOwn(session.access_token, { password: chosen });
		expect(result.status).toBe(200);
		expect(result.body.user).toMatchObject({ id: member.id, must_change_password: false });
		await expect(signIn(member.email, chosen)).resolves.toBeTruthy();
		// This device stays signed in; the other one is signed out.
		expect((await device.auth.refreshSession()).error).toBeNull();
		expect(
			(await anonClient().auth.refreshSession({ refresh_token: elsewhere.refreshToken })).error
		).not.toBeNull();
		// The same member, signed in with a password, is back to "Forgot password?".
		const later = await signIn(member.email, chosen, org);
		expect((await changeOwn(later.accessToken, { password: newPassword() })).body.error.code).toBe(
			'use_forgot_password'
		);
	});

	it.runIf(hasMail)("a deactivated user's recovery link gives no session", async () => {
		const member = await createPersona(org, 'member', 'deactivated');
		const off = await callFunction('update-user', admin.accessToken, {
			user_id: member.id,
			action: 'deactivate'
		});
		expect(off.status).toBe(200);
		expect((await anonClient().auth.resetPasswordForEmail(member.email)).error).toBeNull();
		// GoTrue mails a banned user too; the link must not sign them in.
		const mails = await waitForMails(member.email);
		expect(mails).toHaveLength(1);
		for (const mail of mails) {
			const verified = await anonClient().auth.verifyOtp({
				type: 'recovery',
				token_hash: recoveryTokenHash(mail)
			});
			expect(verified.error).toMatchObject({ status: 403, code: 'user_banned' });
			expect(verified.data.session).toBeNull();
		}
	});
});
