// create-user and update-user through the stack, persona by persona, with real Auth, Data API,
// RLS and Deno: who may do what, what bad input gets, and what each action really changes.
import { beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_PASSWORD_PATTERN } from '../../supabase/functions/_shared/password.ts';
import {
	callFunction,
	clientWithToken,
	createOrganization,
	createPersona,
	signIn,
	type Persona
} from './personas.ts';
import { anonClient, serviceClient, stack, uniqueEmail, withDb } from './stack-under-test.ts';

let orgA: string;
let orgB: string;
let admin: Persona;
let secondAdmin: Persona;
let manager: Persona;
let member: Persona;
let external: Persona;
let inactiveAdmin: Persona;
let stranger: Persona;

const newUser = (label = 'new') => ({
	email: uniqueEmail(label),
	first_name: 'New',
	last_name: 'Person',
	role: 'member'
});

async function usersWithEmail(email: string) {
	const { count } = await serviceClient()
		.from('users')
		.select('id', { count: 'exact', head: true })
		.eq('email', email);
	return count ?? 0;
}

async function authUsersWithEmail(email: string): Promise<number> {
	return withDb(
		async (db) =>
			(await db.query('select count(*)::int as n from auth.users where email = $1', [email]))
				.rows[0].n
	);
}

/**
 * The persona's sessions are over: none is left in Auth, their refresh token is refused, and Auth
 * refuses their still-unexpired access token (session_not_found), as the functions' caller check does.
 * The Data API does not look at sessions: what that token still reads depends on the user's status.
 */
async function expectSessionsEnded(persona: Persona) {
	const refresh = await anonClient().auth.refreshSession({ refresh_token: persona.refreshToken });
	expect(refresh.error).not.toBeNull();
	// supabase-js names Auth's 403 session_not_found this way.
	const { error: userError } = await anonClient().auth.getUser(persona.accessToken);
	expect(userError?.name).toBe('AuthSessionMissingError');
	expect(
		await withDb(
			async (db) =>
				(
					await db.query('select count(*)::int as n from auth.sessions where user_id = $1', [
						persona.id
					])
				).rows[0].n
		)
	).toBe(0);
}

async function userState(id: string) {
	const row = await withDb(
		async (db) =>
			(
				await db.query(
					"select first_name, last_name, email, role, to_jsonb(u) ->> 'updated_at' as updated_at from public.users as u where id = $1",
					[id]
				)
			).rows[0]
	);
	const { data } = await serviceClient().auth.admin.getUserById(id);
	return { row, authEmail: data.user?.email };
}

beforeAll(async () => {
	orgA = await createOrganization('Acme');
	orgB = await createOrganization('Globex');
	[admin, secondAdmin, manager, member, external, inactiveAdmin, stranger] = await Promise.all([
		createPersona(orgA, 'admin', 'admin'),
		createPersona(orgA, 'admin', 'second-admin'),
		createPersona(orgA, 'manager'),
		createPersona(orgA, 'member'),
		createPersona(orgA, 'external'),
		createPersona(orgA, 'admin', 'inactive-admin'),
		createPersona(orgB, 'admin', 'stranger')
	]);
	// Deactivated behind their back: their access token is still valid for a while.
	await serviceClient().from('users').update({ status: 'inactive' }).eq('id', inactiveAdmin.id);
});

describe('create-user', () => {
	it("creates a user in the admin's organization and returns a strong password once", async () => {
		const input = {
			...newUser('created'),
			email: `  ${uniqueEmail('Created').toUpperCase()} `,
			first_name: '  Zoë '
		};
		const result = await callFunction('create-user', admin.accessToken, input);
		expect(result.status).toBe(201);
		expect(result.body.user).toMatchObject({
			email: input.email.trim().toLowerCase(),
			first_name: 'Zoë',
			last_name: 'Person',
			role: 'member',
			status: 'active',
			organization_id: orgA,
			created_by: admin.id
		});
		const password: string = result.body.password;
		// Four groups a person can read out (supabase/functions/_shared/password.ts).
		expect(password).toMatch(GENERATED_PASSWORD_PATTERN);

		// The new user signs in with it and sees their own row.
		const created = await signIn(result.body.user.email, password);
		const { data } = await created.client.from('users').select('id, role');
		expect(data).toEqual([{ id: result.body.user.id, role: 'member' }]);

		// Auth knows the organization from app_metadata, never a role from user_metadata.
		const { data: authUser } = await serviceClient().auth.admin.getUserById(result.body.user.id);
		expect(authUser.user?.app_metadata.organization_id).toBe(orgA);
		expect(authUser.user?.user_metadata.role).toBeUndefined();
		expect(authUser.user?.email_confirmed_at).toBeTruthy();
	});

	it('works through supabase-js functions.invoke as the SPA calls it', async () => {
		const input = newUser('invoked');
		const { data, error } = await admin.client.functions.invoke('create-user', {
			body: input,
			headers: { Authorization: `Bearer ${admin.accessToken}` }
		});
		expect(error).toBeNull();
		expect(data.user.email).toBe(input.email);
	});

	it("refuses everyone but active admins, and puts a stranger's user in the stranger's organization", async () => {
		for (const [persona, status, code] of [
			[manager, 403, 'forbidden'],
			[member, 403, 'forbidden'],
			[external, 403, 'forbidden'],
			[inactiveAdmin, 403, 'forbidden']
		] as const) {
			const input = newUser('refused');
			const result = await callFunction('create-user', persona.accessToken, input);
			expect({ status: result.status, code: result.body.error?.code }).toEqual({ status, code });
			expect(await authUsersWithEmail(input.email)).toBe(0);
		}
		const anon = await callFunction('create-user', stack().anonKey, newUser('anon'));
		expect(anon.status).toBe(401);
		expect(anon.body.error.code).toBe('unauthorized');
		const none = await callFunction('create-user', null, newUser('none'));
		expect(none.status).toBe(401);

		const theirs = await callFunction('create-user', stranger.accessToken, newUser('globex'));
		expect(theirs.status).toBe(201);
		expect(theirs.body.user.organization_id).toBe(orgB);
	});

	it('answers bad input of every kind with 4xx JSON and creates nothing', async () => {
		const email = uniqueEmail('bad');
		const cases: Array<[string, unknown, number, string]> = [
			['missing fields', {}, 400, 'invalid_input'],
			[
				'wrong types',
				{ email: 1, first_name: {}, last_name: [], role: null },
				400,
				'invalid_input'
			],
			[
				'10 KB name',
				{ email, first_name: 'x'.repeat(10_000), last_name: 'P', role: 'member' },
				400,
				'invalid_input'
			],
			[
				'unknown role',
				{ email, first_name: 'A', last_name: 'B', role: 'owner' },
				400,
				'invalid_input'
			],
			[
				'forged organization id',
				{ email, first_name: 'A', last_name: 'B', role: 'admin', organization_id: orgB },
				400,
				'invalid_input'
			],
			[
				'control characters',
				{ email, first_name: 'A\u0000', last_name: 'B', role: 'member' },
				400,
				'invalid_input'
			],
			[
				'not an email',
				{ email: "x' or 1=1 --", first_name: 'A', last_name: 'B', role: 'member' },
				400,
				'invalid_input'
			],
			['malformed JSON', '{"email": "a@b.c",', 400, 'invalid_json'],
			['empty body', '', 400, 'invalid_json'],
			['JSON that is not an object', '[1,2,3]', 400, 'invalid_input'],
			[
				'oversized body',
				JSON.stringify({ ...newUser(), pad: 'x'.repeat(20_000) }),
				413,
				'payload_too_large'
			]
		];
		for (const [name, body, status, code] of cases) {
			const result = await callFunction('create-user', admin.accessToken, body);
			expect({ name, status: result.status, code: result.body?.error?.code }).toEqual({
				name,
				status,
				code
			});
		}
		expect(await authUsersWithEmail(email)).toBe(0);

		const invalid = await callFunction('create-user', admin.accessToken, {
			email: 'nope',
			first_name: '',
			last_name: 'B',
			role: 'boss'
		});
		expect(invalid.body.error.fields).toEqual({
			email: 'Enter a valid email address',
			first_name: 'First name is required',
			role: 'Role is one of admin, manager, member, external'
		});
	});

	it('stores SQL-looking and unicode text as text', async () => {
		const input = {
			...newUser('sql'),
			last_name: "O'Brien'); drop table public.users; --",
			first_name: '李 Zoë'
		};
		const result = await callFunction('create-user', admin.accessToken, input);
		expect(result.status).toBe(201);
		expect(result.body.user.last_name).toBe(input.last_name);
		expect(result.body.user.first_name).toBe('李 Zoë');
	});

	it('answers 405 to other methods and CORS preflight to OPTIONS', async () => {
		const get = await fetch(`${stack().apiUrl}/functions/v1/create-user`, {
			headers: { authorization: `Bearer ${admin.accessToken}` }
		});
		expect(get.status).toBe(405);
		expect((await get.json()).error.code).toBe('method_not_allowed');
		const preflight = await fetch(`${stack().apiUrl}/functions/v1/create-user`, {
			method: 'OPTIONS',
			headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' }
		});
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
	});

	it('refuses a taken email with 409, also when two requests race', async () => {
		const input = newUser('dup');
		expect((await callFunction('create-user', admin.accessToken, input)).status).toBe(201);
		const again = await callFunction('create-user', secondAdmin.accessToken, {
			...input,
			email: input.email.toUpperCase()
		});
		expect(again.status).toBe(409);
		expect(again.body.error).toMatchObject({
			code: 'email_taken',
			fields: { email: 'This email is already in use' }
		});

		const raced = newUser('race');
		const results = await Promise.all([
			callFunction('create-user', admin.accessToken, raced),
			callFunction('create-user', secondAdmin.accessToken, raced)
		]);
		expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
		expect(await usersWithEmail(raced.email)).toBe(1);
		expect(await authUsersWithEmail(raced.email)).toBe(1);
	});

	it('removes the Auth user again when the row cannot be written (no orphan)', async () => {
		const input = { ...newUser('fault'), first_name: 'FailRowWrite' };
		await withDb((db) =>
			db.query(`
				create function public.test_fail_row_write() returns trigger language plpgsql as $$
				begin raise exception 'injected failure'; end $$;
				create trigger test_fail_row_write before insert on public.users
				for each row when (new.first_name = 'FailRowWrite') execute function public.test_fail_row_write();
				notify pgrst, 'reload schema';`)
		);
		try {
			const result = await callFunction('create-user', admin.accessToken, input);
			expect(result.status).toBe(500);
			expect(result.body.error.request_id).toMatch(/^[0-9a-f-]{36}$/);
			expect(JSON.stringify(result.body)).not.toContain('injected failure');
			expect(await authUsersWithEmail(input.email)).toBe(0);
			expect(await usersWithEmail(input.email)).toBe(0);
		} finally {
			await withDb((db) =>
				db.query(
					'drop trigger test_fail_row_write on public.users; drop function public.test_fail_row_write();'
				)
			);
		}
		// The same email works once the fault is gone.
		expect(
			(await callFunction('create-user', admin.accessToken, { ...input, first_name: 'Fixed' }))
				.status
		).toBe(201);
	});
});

describe('update-user', () => {
	async function freshMember(label = 'target') {
		const result = await callFunction('create-user', admin.accessToken, newUser(label));
		expect(result.status).toBe(201);
		return signIn(result.body.user.email, result.body.password, orgA);
	}

	it('lets only active admins of the same organization act', async () => {
		const target = await freshMember();
		for (const action of ['set_password', 'deactivate', 'activate'] as const) {
			for (const [persona, status] of [
				[manager, 403],
				[member, 403],
				[external, 403],
				[inactiveAdmin, 403],
				[stranger, 404]
			] as const) {
				const result = await callFunction('update-user', persona.accessToken, {
					user_id: target.id,
					action
				});
				expect({ action, status: result.status }).toEqual({ action, status });
			}
			expect(
				(await callFunction('update-user', stack().anonKey, { user_id: target.id, action })).status
			).toBe(401);
		}
		// Nothing happened to the target.
		expect((await signIn(target.email, target.password)).id).toBe(target.id);
	});

	it('deactivate: sign-in, refresh and the old access token all stop working; activate lets them back', async () => {
		const target = await freshMember('deactivated');
		const before = await clientWithToken(target.accessToken).from('users').select('id');
		expect(before.data).toHaveLength(1);

		const result = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'deactivate'
		});
		expect(result.status).toBe(200);
		expect(result.body.user.status).toBe('inactive');

		const signInAgain = await anonClient().auth.signInWithPassword({
			email: target.email,
			password: target.password
		});
		expect(signInAgain.error?.code).toBe('user_banned');
		await expectSessionsEnded(target);
		// The Data API does not look at sessions; the still-valid token reads nothing by its status.
		const after = await clientWithToken(target.accessToken).from('users').select('id');
		expect(after.data).toEqual([]);

		const activated = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'activate'
		});
		expect(activated.status).toBe(200);
		expect(activated.body.user.status).toBe('active');
		const back = await signIn(target.email, target.password);
		expect((await back.client.from('users').select('id')).data).toEqual([{ id: target.id }]);
	});

	it('an admin cannot deactivate themselves', async () => {
		const result = await callFunction('update-user', secondAdmin.accessToken, {
			user_id: secondAdmin.id,
			action: 'deactivate'
		});
		expect(result.status).toBe(403);
		expect(result.body.error.code).toBe('cannot_change_self');
		expect(result.body.error.message).toMatch(/Ask another admin/);
	});

	it('set_password: a generated one is returned once; a typed one is strength-checked; the old one stops working', async () => {
		const target = await freshMember('password');
		const generated = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'set_password'
		});
		expect(generated.status).toBe(200);
		expect(generated.body.password).toMatch(GENERATED_PASSWORD_PATTERN);
		expect(
			(
				await anonClient().auth.signInWithPassword({
					email: target.email,
					password: target.password
				})
			).error?.code
		).toBe('invalid_credentials');
		await signIn(target.email, generated.body.password);

		const weak = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'set_password',
			password: 'short'
		});
		expect(weak.status).toBe(400);
		expect(weak.body.error).toMatchObject({
			code: 'weak_password',
			message: 'Use at least 12 characters.'
		});
		const withEmail = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'set_password',
			password: `${target.email.split('@')[0]}-X9!`
		});
		expect(withEmail.body.error.code).toBe('weak_password');

		const typed = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'set_password',
			password: 'Correct-Horse-42'
		});
		expect(typed.status).toBe(200);
		expect(typed.body.password).toBeUndefined();
		await signIn(target.email, 'Correct-Horse-42');
	});

	it('set_password ends every session of the user, generated or typed', async () => {
		const target = await freshMember('reset');
		// A second device of theirs.
		const other = await signIn(target.email, target.password, orgA);
		const generated = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'set_password'
		});
		expect(generated.status).toBe(200);
		await expectSessionsEnded(target);
		await expectSessionsEnded(other);

		const again = await signIn(target.email, generated.body.password, orgA);
		const typed = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'set_password',
			password: 'Correct-Horse-43'
		});
		expect(typed.status).toBe(200);
		await expectSessionsEnded(again);
		await signIn(target.email, 'Correct-Horse-43');
	});

	it("set_password on the admin's own account is refused: one's own goes through change-password", async () => {
		const self = await createPersona(orgA, 'admin', 'self-reset');
		const result = await callFunction('update-user', self.accessToken, {
			user_id: self.id,
			action: 'set_password',
			password: 'Own-New-Password-7'
		});
		expect(result.status).toBe(403);
		expect(result.body).toMatchObject({ error: { code: 'cannot_change_self' } });
		// Nothing changed: the old password still signs in, the session still acts.
		await signIn(self.email, self.password, orgA);
		expect(
			(
				await callFunction('update-user', self.accessToken, {
					user_id: member.id,
					action: 'activate'
				})
			).status
		).toBe(200);
	});

	it('update_profile with expected: a stale screen gets 409 user_changed and changes nothing', async () => {
		const target = await freshMember('stale');
		const shown = await userState(target.id);
		// Another admin saves first.
		const first = await callFunction('update-user', secondAdmin.accessToken, {
			user_id: target.id,
			action: 'update_profile',
			last_name: 'Benedict',
			expected: { last_name: shown.row.last_name }
		});
		expect(first.status).toBe(200);
		const afterFirst = await userState(target.id);

		const stale = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'update_profile',
			last_name: 'Torvalds',
			email: uniqueEmail('stale-new'),
			expected: { last_name: shown.row.last_name, email: shown.row.email }
		});
		expect(stale.status).toBe(409);
		expect(stale.body.error).toMatchObject({
			code: 'user_changed',
			message:
				'Someone else changed this user meanwhile. Reload to see their change, then make yours again.'
		});
		// The row as it is now comes with the refusal.
		expect(stale.body.error.user).toMatchObject({
			id: target.id,
			last_name: 'Benedict',
			email: target.email,
			updated_at: first.body.user.updated_at
		});
		// Neither the row nor Auth changed.
		expect(await userState(target.id)).toEqual(afterFirst);
		await signIn(target.email, target.password);
	});

	it('update_profile with expected matching the row saves, and returns the fresh row', async () => {
		const target = await freshMember('fresh');
		const email = uniqueEmail('fresh-new');
		const saved = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'update_profile',
			email,
			role: 'manager',
			expected: { email: target.email.toUpperCase(), role: 'member' }
		});
		expect(saved.status).toBe(200);
		expect(saved.body.user).toMatchObject({ email, role: 'manager' });
		const now = await userState(target.id);
		expect(now.authEmail).toBe(email);
		expect(saved.body.user.updated_at).toBe(now.row.updated_at);
		expect(now.row).toMatchObject({ email, role: 'manager' });
	});

	it("update_profile: B's save of another field keeps A's email change", async () => {
		const target = await freshMember('two-admins');
		const shown = await userState(target.id);
		const emailOfA = uniqueEmail('by-a');
		const byA = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'update_profile',
			email: emailOfA,
			expected: { email: shown.row.email }
		});
		expect(byA.status).toBe(200);
		// B's screen was loaded before A saved; B changes the last name only.
		const byB = await callFunction('update-user', secondAdmin.accessToken, {
			user_id: target.id,
			action: 'update_profile',
			last_name: 'Hopper',
			expected: { last_name: shown.row.last_name }
		});
		expect(byB.status).toBe(200);
		expect(byB.body.user).toMatchObject({ last_name: 'Hopper', email: emailOfA });
		const now = await userState(target.id);
		expect([now.row.email, now.row.last_name, now.authEmail]).toEqual([
			emailOfA,
			'Hopper',
			emailOfA
		]);
	});

	it('update_profile: bad expected values are refused field by field, before anything is read', async () => {
		const result = await callFunction('update-user', admin.accessToken, {
			user_id: member.id,
			action: 'update_profile',
			last_name: 'Persona',
			expected: { last_name: 'x'.repeat(101), email: 'not-an-email', status: 'active' }
		});
		expect([result.status, result.body.error.code, result.body.error.fields]).toEqual([
			400,
			'invalid_input',
			{
				'expected.last_name': 'Last name has at most 100 characters',
				'expected.email': 'Enter a valid email address',
				'expected.status': 'Unknown field'
			}
		]);
	});

	it('update_profile: names, email and role in one request, Auth and the row together', async () => {
		const target = await freshMember('profile');
		const email = uniqueEmail('renamed');
		const saved = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'update_profile',
			first_name: ' Ada ',
			last_name: 'Lovelace',
			email: email.toUpperCase(),
			role: 'manager'
		});
		expect(saved.status).toBe(200);
		expect(saved.body.user).toMatchObject({
			first_name: 'Ada',
			last_name: 'Lovelace',
			email,
			role: 'manager'
		});
		await signIn(email, target.password);
		expect((await serviceClient().auth.admin.getUserById(target.id)).data.user?.email).toBe(email);

		// A taken email refuses the whole save: the names stay as they were.
		const taken = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'update_profile',
			first_name: 'Grace',
			email: member.email
		});
		expect([taken.status, taken.body.error.code]).toEqual([409, 'email_taken']);
		const row = await withDb(
			async (db) =>
				(await db.query('select first_name, email from public.users where id = $1', [target.id]))
					.rows[0]
		);
		expect(row).toEqual({ first_name: 'Ada', email });

		// The same rule for every path: a name the database would refuse never reaches it.
		const tooLong = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'update_profile',
			last_name: 'x'.repeat(101)
		});
		expect([tooLong.status, tooLong.body.error.code, tooLong.body.error.fields]).toEqual([
			400,
			'invalid_input',
			{ last_name: 'Last name has at most 100 characters' }
		]);
		const nothing = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'update_profile'
		});
		expect([nothing.status, nothing.body.error.code]).toEqual([400, 'invalid_input']);
	});

	it('update_profile: an admin cannot change their own role this way either', async () => {
		const own = await callFunction('update-user', secondAdmin.accessToken, {
			user_id: secondAdmin.id,
			action: 'update_profile',
			role: 'member'
		});
		expect([own.status, own.body.error.code]).toEqual([403, 'cannot_change_self']);
		const ownName = await callFunction('update-user', secondAdmin.accessToken, {
			user_id: secondAdmin.id,
			action: 'update_profile',
			first_name: 'Second'
		});
		expect(ownName.status).toBe(200);
	});

	it('update_profile: when the row refuses the save, the Auth email is put back', async () => {
		const target = await freshMember('undo');
		await withDb((db) =>
			db.query(`
				create function public.test_fail_row_update() returns trigger language plpgsql as $$
				begin raise exception 'injected failure'; end $$;
				create trigger test_fail_row_update before update on public.users
				for each row when (new.first_name = 'FailRowUpdate') execute function public.test_fail_row_update();`)
		);
		try {
			const result = await callFunction('update-user', admin.accessToken, {
				user_id: target.id,
				action: 'update_profile',
				first_name: 'FailRowUpdate',
				email: uniqueEmail('never')
			});
			expect(result.status).toBe(500);
			expect(JSON.stringify(result.body)).not.toContain('injected failure');
		} finally {
			await withDb((db) =>
				db.query(
					'drop trigger test_fail_row_update on public.users; drop function public.test_fail_row_update();'
				)
			);
		}
		expect((await serviceClient().auth.admin.getUserById(target.id)).data.user?.email).toBe(
			target.email
		);
		await signIn(target.email, target.password);
	});

	it('answers 404 for unknown users and 400 for bad actions', async () => {
		expect(
			(
				await callFunction('update-user', admin.accessToken, {
					user_id: crypto.randomUUID(),
					action: 'activate'
				})
			).status
		).toBe(404);
		const bad = await callFunction('update-user', admin.accessToken, {
			user_id: member.id,
			action: 'delete'
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.code).toBe('invalid_input');
		const extra = await callFunction('update-user', admin.accessToken, {
			user_id: member.id,
			action: 'activate',
			organization_id: orgB
		});
		expect(extra.status).toBe(400);
	});
});
