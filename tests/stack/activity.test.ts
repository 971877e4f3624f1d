// The activity log (issue 15) through the real API paths, as supabase-js sends them: each action an
// admin takes in the console (the Edge Functions), each change through the Data API, each password a
// person chooses and each sign-in (Auth) appears once in the organization's log — read by its admin
// through the Data API — with the right actor, only the changed fields, the function's request id,
// and never a password; what is refused or rolled back leaves no entry.
//
// Each test takes a mark (the highest entry id) first and compares every entry written since, in
// any organization, with what it expects: the files of this suite run one after another, so
// nothing else writes meanwhile.
import { isIP } from 'node:net';
import type { Session } from '@supabase/supabase-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../scripts/lib/supabase-node.ts';
import type { Database } from '../../supabase/functions/_shared/database.types.ts';
import { recoveryTokenHash, waitForMails, type Mail } from './mail-catcher.ts';
import {
	callFunction,
	createOrganization,
	createPersona,
	signIn,
	type Persona
} from './personas.ts';
import {
	anonClient,
	createAuthUser,
	newPassword,
	serviceClient,
	stack,
	uniqueEmail,
	withDb
} from './stack-under-test.ts';

type Entry = Database['public']['Tables']['activity_log']['Row'];
type Role = Database['public']['Enums']['user_role'];

const hasMail = stack().mailUrl !== null;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let org: string;
let admin: Persona;

beforeAll(async () => {
	org = await createOrganization('Activity');
	admin = await createPersona(org, 'admin', 'logadmin');
});

/** The highest entry id now: what a test compares against afterwards. */
const mark = (): Promise<number> =>
	withDb(async (db) =>
		Number(
			(await db.query('select coalesce(max(id), 0) as id from public.activity_log')).rows[0].id
		)
	);

/**
 * Every entry written since `from`, as the organization's admin reads them through the Data API,
 * oldest first; and the database holds exactly these since then, in every organization (nothing
 * recorded elsewhere, nothing the admin is not shown).
 */
async function entriesSince(from: number, reader: Persona = admin): Promise<Entry[]> {
	const { data, error } = await reader.client
		.from('activity_log')
		.select('*')
		.gt('id', from)
		.order('id');
	expect(error).toBeNull();
	const stored = await withDb(
		async (db) =>
			(
				await db.query(
					'select id, organization_id from public.activity_log where id > $1 order by id',
					[from]
				)
			).rows
	);
	expect(stored.map((row) => [Number(row.id), row.organization_id])).toEqual(
		(data ?? []).map((entry) => [entry.id, org])
	);
	return data ?? [];
}

/** What an entry says, without its id and time. */
const said = ({ action, actor_type, actor_id, target_id, changes, details }: Entry) => ({
	action,
	actor_type,
	actor_id,
	target_id,
	changes,
	details
});

/** The one request id the entries of one function call share (a UUID), or what they hold instead. */
function requestIdOf(entries: Entry[]): string | null {
	const ids = [...new Set(entries.map((entry) => entry.request_id))];
	expect(ids).toHaveLength(1);
	return ids[0] ?? null;
}

/** Whether `secret` appears anywhere in the log, in any column of any entry. */
const logHolds = (secret: string) =>
	withDb(
		async (db) =>
			(
				await db.query(
					`select count(*)::int as n from public.activity_log as l where strpos(to_jsonb(l)::text, $1) > 0`,
					[secret]
				)
			).rows[0].n as number
	);

const byAdmin = (target: string, action: Entry['action'], rest: Partial<Entry> = {}) => ({
	action,
	actor_type: 'user',
	actor_id: admin.id,
	target_id: target,
	changes: {},
	details: {},
	...rest
});

/** A user created in the console by the admin: the answer's row and the password shown once. */
async function createdInConsole(role: Role = 'member', label: string = role) {
	const result = await callFunction('create-user', admin.accessToken, {
		email: uniqueEmail(label),
		first_name: 'Ada',
		last_name: 'Lovelace',
		role
	});
	expect(result.status).toBe(201);
	return result.body as { user: { id: string; email: string }; password: string };
}

const updateUser = (body: Record<string, unknown>, caller: Persona = admin) =>
	callFunction('update-user', caller.accessToken, body);

const sessionCount = (userId: string) =>
	withDb(
		async (db) =>
			(await db.query('select count(*)::int as n from auth.sessions where user_id = $1', [userId]))
				.rows[0].n as number
	);

describe('what the console does is recorded once, by the admin, with the request id', () => {
	it('create-user: user_created with the email, names and role it was given', async () => {
		const from = await mark();
		const email = uniqueEmail('created');
		const result = await callFunction('create-user', admin.accessToken, {
			email,
			first_name: 'Grace',
			last_name: 'Hopper',
			role: 'manager'
		});
		expect(result.status).toBe(201);
		const entries = await entriesSince(from);
		expect(entries.map(said)).toEqual([
			byAdmin(result.body.user.id, 'user_created', {
				changes: {
					email: { to: email },
					first_name: { to: 'Grace' },
					last_name: { to: 'Hopper' },
					role: { to: 'manager' }
				}
			})
		]);
		expect(entries[0]!.organization_id).toBe(org);
		expect(requestIdOf(entries)).toMatch(UUID);
		expect(Date.parse(entries[0]!.occurred_at)).toBeGreaterThan(Date.now() - 60_000);
		// The generated password the admin was shown is nowhere in the log.
		expect(JSON.stringify(entries)).not.toContain(result.body.password);
		expect(await logHolds(result.body.password)).toBe(0);
	});

	it('update_profile: only the changed fields from → to, and the role apart', async () => {
		const { user } = await createdInConsole('member', 'profile');
		const from = await mark();
		const email = uniqueEmail('profile-new');
		const result = await updateUser({
			user_id: user.id,
			action: 'update_profile',
			first_name: 'Grace',
			// Sent as it is: not a change, not in the entry.
			last_name: 'Lovelace',
			email,
			role: 'manager'
		});
		expect(result.status).toBe(200);
		const entries = await entriesSince(from);
		expect(entries.map(said)).toEqual([
			byAdmin(user.id, 'profile_changed', {
				changes: {
					first_name: { from: 'Ada', to: 'Grace' },
					email: { from: user.email, to: email }
				}
			}),
			byAdmin(user.id, 'role_changed', { changes: { role: { from: 'member', to: 'manager' } } })
		]);
		expect(requestIdOf(entries)).toMatch(UUID);

		// A save that changes nothing records nothing.
		const again = await mark();
		const same = await updateUser({
			user_id: user.id,
			action: 'update_profile',
			first_name: 'Grace'
		});
		expect(same.status).toBe(200);
		expect(await entriesSince(again)).toEqual([]);
	});

	it('each call has its own request id', async () => {
		const { user } = await createdInConsole('member', 'requests');
		const from = await mark();
		for (const last_name of ['Byron', 'King'])
			expect(
				(await updateUser({ user_id: user.id, action: 'update_profile', last_name })).status
			).toBe(200);
		const entries = await entriesSince(from);
		expect(entries.map((entry) => entry.changes)).toEqual([
			{ last_name: { from: 'Lovelace', to: 'Byron' } },
			{ last_name: { from: 'Byron', to: 'King' } }
		]);
		const [first, second] = entries.map((entry) => entry.request_id);
		expect(first).toMatch(UUID);
		expect(second).toMatch(UUID);
		expect(first).not.toBe(second);
	});

	it('deactivate: deactivated, then the sessions it ended with their count', async () => {
		const target = await createPersona(org, 'member', 'deactivated');
		await signIn(target.email, target.password, org);
		const sessions = await sessionCount(target.id);
		expect(sessions).toBe(2);
		const from = await mark();
		expect((await updateUser({ user_id: target.id, action: 'deactivate' })).status).toBe(200);
		const entries = await entriesSince(from);
		expect(entries.map(said)).toEqual([
			byAdmin(target.id, 'deactivated'),
			byAdmin(target.id, 'sessions_ended', { details: { count: sessions } })
		]);
		expect(requestIdOf(entries)).toMatch(UUID);

		const back = await mark();
		expect((await updateUser({ user_id: target.id, action: 'activate' })).status).toBe(200);
		const activated = await entriesSince(back);
		expect(activated.map(said)).toEqual([byAdmin(target.id, 'activated')]);
		expect(requestIdOf(activated)).toMatch(UUID);
	});

	it('deactivating someone with no session records no ended sessions', async () => {
		const { user } = await createdInConsole('member', 'nosessions');
		expect(await sessionCount(user.id)).toBe(0);
		const from = await mark();
		expect((await updateUser({ user_id: user.id, action: 'deactivate' })).status).toBe(200);
		expect((await entriesSince(from)).map(said)).toEqual([byAdmin(user.id, 'deactivated')]);
	});

	it('set_password, generated: password_set with generated true, and the password nowhere', async () => {
		const target = await createPersona(org, 'member', 'generated');
		await signIn(target.email, target.password, org);
		const open = await sessionCount(target.id);
		expect(open).toBeGreaterThan(0);
		const from = await mark();
		const result = await updateUser({ user_id: target.id, action: 'set_password' });
		expect(result.status).toBe(200);
		const password = result.body.password as string;
		expect(password.length).toBeGreaterThanOrEqual(16);
		// Auth itself ends the user's sessions as it stores the password (GoTrue's UpdatePassword),
		// so the sweep after it finds none left: the one entry says how many ended.
		expect(await sessionCount(target.id)).toBe(0);
		const entries = await entriesSince(from);
		expect(entries.map(said)).toEqual([
			byAdmin(target.id, 'password_set', { details: { generated: true, sessions_ended: open } })
		]);
		expect(requestIdOf(entries)).toMatch(UUID);
		expect(JSON.stringify(entries)).not.toContain(password);
		expect(await logHolds(password)).toBe(0);
	});

	it('set_password, typed: password_set with generated false, and the password nowhere', async () => {
		const { user } = await createdInConsole('member', 'typed');
		const password = `Typed ${crypto.randomUUID()} Horse`;
		const from = await mark();
		const result = await updateUser({ user_id: user.id, action: 'set_password', password });
		expect(result.status).toBe(200);
		expect(result.body.password).toBeUndefined();
		const entries = await entriesSince(from);
		expect(entries.map(said)).toEqual([
			byAdmin(user.id, 'password_set', { details: { generated: false, sessions_ended: 0 } })
		]);
		expect(JSON.stringify(entries)).not.toContain(password);
		expect(await logHolds(password)).toBe(0);
		// The password is the one Auth now holds: the entry is about a real change.
		await expect(signIn(user.email, password)).resolves.toBeTruthy();
	});

	it('end_sessions: sessions_ended with the count, and nothing when there were none', async () => {
		const target = await createPersona(org, 'member', 'everywhere');
		await signIn(target.email, target.password, org);
		await signIn(target.email, target.password, org);
		const from = await mark();
		const result = await updateUser({ user_id: target.id, action: 'end_sessions' });
		expect([result.status, result.body.ended]).toEqual([200, 3]);
		const entries = await entriesSince(from);
		expect(entries.map(said)).toEqual([
			byAdmin(target.id, 'sessions_ended', { details: { count: 3 } })
		]);
		expect(requestIdOf(entries)).toMatch(UUID);

		const again = await mark();
		const none = await updateUser({ user_id: target.id, action: 'end_sessions' });
		expect([none.status, none.body.ended]).toEqual([200, 0]);
		expect(await entriesSince(again)).toEqual([]);
	});

	it('end_sessions on oneself: the admin is actor and target', async () => {
		const self = await createPersona(org, 'admin', 'selfend');
		const from = await mark();
		const result = await updateUser({ user_id: self.id, action: 'end_sessions' }, self);
		expect([result.status, result.body.ended]).toEqual([200, 1]);
		expect((await entriesSince(from)).map(said)).toEqual([
			{ ...byAdmin(self.id, 'sessions_ended', { details: { count: 1 } }), actor_id: self.id }
		]);
	});
});

describe('changes through the Data API are recorded with the signed-in caller, without a request id', () => {
	it('an admin renames a user and changes their role', async () => {
		const { user } = await createdInConsole('member', 'restrename');
		const from = await mark();
		const renamed = await admin.client
			.from('users')
			.update({ last_name: 'Hopper', role: 'external' })
			.eq('id', user.id)
			.select('id');
		expect(renamed.error).toBeNull();
		expect(renamed.data).toEqual([{ id: user.id }]);
		const entries = await entriesSince(from);
		expect(entries.map(said)).toEqual([
			byAdmin(user.id, 'profile_changed', {
				changes: { last_name: { from: 'Lovelace', to: 'Hopper' } }
			}),
			byAdmin(user.id, 'role_changed', { changes: { role: { from: 'member', to: 'external' } } })
		]);
		expect(requestIdOf(entries)).toBeNull();
	});

	it('a manager renames themselves: the manager is the actor', async () => {
		const manager = await createPersona(org, 'manager', 'selfname');
		const from = await mark();
		const renamed = await manager.client
			.from('users')
			.update({ first_name: 'Margaret' })
			.eq('id', manager.id)
			.select('id');
		expect(renamed.data).toEqual([{ id: manager.id }]);
		const entries = await entriesSince(from);
		expect(entries.map(said)).toEqual([
			{
				...byAdmin(manager.id, 'profile_changed', {
					changes: { first_name: { from: 'selfname', to: 'Margaret' } }
				}),
				actor_id: manager.id
			}
		]);
		expect(requestIdOf(entries)).toBeNull();
		// The manager reads none of it, not even about themselves.
		const { data } = await manager.client.from('activity_log').select('id');
		expect(data).toEqual([]);
	});

	it('the service role through the Data API is recorded as the service, without a user', async () => {
		const { user } = await createdInConsole('member', 'service');
		const from = await mark();
		const { error } = await serviceClient()
			.from('users')
			.update({ first_name: 'Script' })
			.eq('id', user.id);
		expect(error).toBeNull();
		expect((await entriesSince(from)).map(said)).toEqual([
			{
				...byAdmin(user.id, 'profile_changed', {
					changes: { first_name: { from: 'Ada', to: 'Script' } }
				}),
				actor_type: 'service',
				actor_id: null
			}
		]);
	});
});

describe('passwords people choose themselves', () => {
	it('after a temporary password: temporary_password_replaced, and no password_* entry besides', async () => {
		const created = await createdInConsole('member', 'replaced');
		const user = await signIn(created.user.email, created.password, org);
		const chosen = newPassword();
		const from = await mark();
		const result = await callFunction('change-password', user.accessToken, { password: chosen });
		expect(result.status).toBe(200);
		const entries = await entriesSince(from);
		expect(entries.map(said)).toEqual([
			{
				...byAdmin(user.id, 'temporary_password_replaced'),
				actor_id: user.id
			}
		]);
		expect(requestIdOf(entries)).toMatch(UUID);
		for (const secret of [chosen, created.password]) expect(await logHolds(secret)).toBe(0);
	});

	it.runIf(hasMail)(
		'after a recovery link: the link sign-in, then password_recovered',
		async () => {
			const member = await createPersona(org, 'member', 'recovered');
			const from = await mark();
			expect((await anonClient().auth.resetPasswordForEmail(member.email)).error).toBeNull();
			const tokenHash = recoveryTokenHash((await waitForMails(member.email))[0] as Mail);
			const device = createNodeClient(stack().apiUrl, stack().anonKey);
			const verified = await device.auth.verifyOtp({ type: 'recovery', token_hash: tokenHash });
			expect(verified.error).toBeNull();
			const session = verified.data.session as Session;
			const chosen = newPassword();
			const result = await callFunction('change-password', session.access_token, {
				password: chosen
			});
			expect(result.status).toBe(200);

			const entries = await entriesSince(from);
			const own = { ...byAdmin(member.id, 'signed_in'), actor_id: member.id };
			expect(entries.map(said)).toEqual([
				{
					...own,
					// An emailed link: GoTrue's amr method for it is otp.
					details: expect.objectContaining({ session_id: sessionIdOf(session), method: 'otp' })
				},
				{ ...own, action: 'password_recovered' }
			]);
			expect(entries[0]!.request_id).toBeNull();
			expect(entries[1]!.request_id).toMatch(UUID);
			for (const secret of [chosen, tokenHash]) expect(await logHolds(secret)).toBe(0);
		}
	);

	it('an admin with their current password: password_changed', async () => {
		const self = await createPersona(org, 'admin', 'ownchange');
		const chosen = newPassword();
		const from = await mark();
		const result = await callFunction('change-password', self.accessToken, {
			password: chosen,
			current_password: self.password
		});
		expect(result.status).toBe(200);
		const entries = await entriesSince(from);
		expect(entries.map(said)).toEqual([
			{ ...byAdmin(self.id, 'password_changed'), actor_id: self.id }
		]);
		expect(requestIdOf(entries)).toMatch(UUID);
		for (const secret of [chosen, self.password]) expect(await logHolds(secret)).toBe(0);
	});
});

const sessionIdOf = (session: Pick<Session, 'access_token'>): string =>
	JSON.parse(Buffer.from(session.access_token.split('.')[1] ?? '', 'base64url').toString('utf8'))
		.session_id;

describe('sign-ins', () => {
	it('a password sign-in: signed_in with the session, the user agent sent and the address', async () => {
		const member = await createPersona(org, 'member', 'signs');
		const userAgent = `ActivityContract/1.0 (+${crypto.randomUUID()})`;
		const device = createNodeClient(stack().apiUrl, stack().anonKey, {
			global: { headers: { 'user-agent': userAgent } }
		});
		const from = await mark();
		const { data, error } = await device.auth.signInWithPassword({
			email: member.email,
			password: member.password
		});
		expect(error).toBeNull();
		const entries = await entriesSince(from);
		expect(entries.map(said)).toEqual([
			{
				...byAdmin(member.id, 'signed_in'),
				actor_id: member.id,
				details: {
					session_id: sessionIdOf(data.session!),
					method: 'password',
					user_agent: userAgent,
					ip_address: expect.any(String)
				}
			}
		]);
		const ip = (entries[0]!.details as { ip_address: string }).ip_address;
		expect(isIP(ip)).not.toBe(0);
		// Through the local stack the request comes from this machine.
		if (stack().embedded) expect(ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
		expect(requestIdOf(entries)).toBeNull();
		expect(await logHolds(member.password)).toBe(0);
		expect(await logHolds(data.session!.refresh_token)).toBe(0);
		expect(await logHolds(data.session!.access_token)).toBe(0);
	});

	it('a refused sign-in and a refresh record nothing', async () => {
		const member = await createPersona(org, 'member', 'refused');
		const from = await mark();
		const wrong = await anonClient().auth.signInWithPassword({
			email: member.email,
			password: 'Not-the-password-1'
		});
		expect(wrong.error?.code).toBe('invalid_credentials');
		const refreshed = await anonClient().auth.refreshSession({
			refresh_token: member.refreshToken
		});
		expect(refreshed.error).toBeNull();
		expect(await entriesSince(from)).toEqual([]);
	});
});

describe('what is refused or rolled back leaves no entry', () => {
	it('a stale save (expected): 409 user_changed, nothing recorded', async () => {
		const { user } = await createdInConsole('member', 'stale');
		expect(
			(await updateUser({ user_id: user.id, action: 'update_profile', last_name: 'First' })).status
		).toBe(200);
		const from = await mark();
		const stale = await updateUser({
			user_id: user.id,
			action: 'update_profile',
			last_name: 'Second',
			role: 'manager',
			expected: { last_name: 'Lovelace', role: 'member' }
		});
		expect([stale.status, stale.body.error.code]).toEqual([409, 'user_changed']);
		expect(await entriesSince(from)).toEqual([]);
	});

	it("the last active admin's demotion (service role): 409, nothing recorded", async () => {
		const lonely = await createOrganization('Lonely');
		const only = await createPersona(lonely, 'admin', 'onlyadmin');
		const from = await mark();
		const demoted = await serviceClient()
			.from('users')
			.update({ role: 'member' })
			.eq('id', only.id)
			.select('id');
		expect(demoted.error).toMatchObject({ code: 'PT409' });
		expect(
			await withDb(
				async (db) =>
					(
						await db.query('select count(*)::int as n from public.activity_log where id > $1', [
							from
						])
					).rows[0].n
			)
		).toBe(0);
	});

	it('refused admin actions: oneself, a member calling, a wrong current password', async () => {
		const member = await createPersona(org, 'member', 'refusing');
		const from = await mark();
		const self = await updateUser({ user_id: admin.id, action: 'deactivate' });
		expect([self.status, self.body.error.code]).toEqual([403, 'cannot_change_self']);
		const own = await admin.client.from('users').update({ role: 'member' }).eq('id', admin.id);
		expect(own.error).toMatchObject({ code: 'PT403' });
		const byMember = await updateUser(
			{ user_id: admin.id, action: 'update_profile', first_name: 'Eve' },
			member
		);
		expect(byMember.status).toBe(403);
		const wrong = await callFunction('change-password', admin.accessToken, {
			password: newPassword(),
			current_password: 'Not-the-password-1'
		});
		expect(wrong.status).toBe(400);
		expect(await entriesSince(from)).toEqual([]);
	});

	it('Auth refusing an email change rolls the whole save back: nothing recorded', async () => {
		const { user } = await createdInConsole('member', 'rollback');
		// An address Auth holds without a users row: the row's own checks pass, Auth refuses.
		const { email: held } = await createAuthUser('held');
		const from = await mark();
		const taken = await updateUser({
			user_id: user.id,
			action: 'update_profile',
			first_name: 'Rolled',
			email: held,
			role: 'manager'
		});
		expect([taken.status, taken.body.error.code]).toEqual([409, 'email_taken']);
		expect(await entriesSince(from)).toEqual([]);
		const { data: row } = await admin.client
			.from('users')
			.select('first_name, email, role')
			.eq('id', user.id)
			.single();
		expect(row).toEqual({ first_name: 'Ada', email: user.email, role: 'member' });
	});
});

describe('the log as a whole', () => {
	it("the admin's count is their organization's, and every entry of it names its users", async () => {
		const { count, error } = await admin.client
			.from('activity_log')
			.select('*', { count: 'exact', head: true });
		expect(error).toBeNull();
		const stored = await withDb(
			async (db) =>
				(
					await db.query(
						'select count(*)::int as n, count(*) filter (where target_id not in (select id from public.users where organization_id = $1))::int as strays from public.activity_log where organization_id = $1',
						[org]
					)
				).rows[0] as { n: number; strays: number }
		);
		expect(count).toBe(stored.n);
		expect(stored.n).toBeGreaterThan(30);
		expect(stored.strays).toBe(0);
	});
});
