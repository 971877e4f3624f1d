// A user's sessions (issue 15), through supabase-js against the stack: public.user_sessions lists
// a user's usable Auth sessions — started, last refreshed, the device's user agent and address,
// which one is the caller's — to an active admin of the user's organization and to the user, and
// to nobody else; update-user's end_sessions ("Sign out everywhere") ends every one of them (their
// refresh tokens stop working, the caller's own too when it is oneself) and the activity log
// records it once, with the admin as actor and how many ended.
import { isIP } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../scripts/lib/supabase-node.ts';
import {
	callFunction,
	createOrganization,
	createPersona,
	signIn,
	type Persona
} from './personas.ts';
import { anonClient, stack, withDb } from './stack-under-test.ts';

const CHROME_LINUX =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

let org: string;
let admin: Persona;
let member: Persona;
let stranger: Persona;

beforeAll(async () => {
	org = await createOrganization('Sessions');
	admin = await createPersona(org, 'admin', 'sessadmin');
	member = await createPersona(org, 'member', 'sessmember');
	stranger = await createPersona(await createOrganization('Elsewhere'), 'admin', 'stranger');
});

/** A sign-in from a browser that says who it is, as the SPA's requests do. */
async function signInFrom(userAgent: string, person: Persona): Promise<Persona> {
	const client = createNodeClient(stack().apiUrl, stack().anonKey, {
		global: { headers: { 'user-agent': userAgent } }
	});
	const { data, error } = await client.auth.signInWithPassword({
		email: person.email,
		password: person.password
	});
	if (error || !data.session) throw new Error(`sign-in of ${person.email}: ${error?.message}`);
	return {
		...person,
		accessToken: data.session.access_token,
		refreshToken: data.session.refresh_token,
		client
	};
}

/** The session an access token belongs to (its `session_id` claim). */
const sessionOf = (accessToken: string): string =>
	(
		JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as {
			session_id: string;
		}
	).session_id;

const sessionsOf = async (reader: Persona, userId: string) => {
	const { data, error } = await reader.client.rpc(
		'user_sessions',
		{ user_id: userId },
		{ get: true }
	);
	expect(error).toBeNull();
	return data ?? [];
};

/** Whether a refresh token still opens a session. */
async function refreshes(refreshToken: string): Promise<boolean> {
	const client = createNodeClient(stack().apiUrl, stack().anonKey);
	const { data, error } = await client.auth.refreshSession({ refresh_token: refreshToken });
	return !error && data.session !== null;
}

describe('a user’s sessions', () => {
	it('an admin reads each usable session of a user of their organization, device and address kept', async () => {
		const target = await createPersona(org, 'member', 'target');
		const fromChrome = await signInFrom(CHROME_LINUX, target);
		const sessions = await sessionsOf(admin, target.id);
		expect(sessions.map((session) => session.id).sort()).toEqual(
			[sessionOf(target.accessToken), sessionOf(fromChrome.accessToken)].sort()
		);
		const chrome = sessions.find((session) => session.id === sessionOf(fromChrome.accessToken))!;
		expect(chrome.user_agent).toBe(CHROME_LINUX);
		for (const session of sessions) {
			expect(isIP(session.ip_address ?? '')).not.toBe(0);
			expect(Date.parse(session.refreshed_at)).toBeGreaterThanOrEqual(
				Date.parse(session.created_at)
			);
			// None of them is the admin's own.
			expect(session.current).toBe(false);
		}
		// Last refreshed first.
		expect(sessions[0]!.id).toBe(chrome.id);
	});

	it('marks the caller’s own session as current, for the user and for an admin on themselves', async () => {
		const target = await createPersona(org, 'member', 'ownsessions');
		const second = await signInFrom(CHROME_LINUX, target);
		const own = await sessionsOf(second, target.id);
		expect(own).toHaveLength(2);
		expect(own.filter((session) => session.current).map((session) => session.id)).toEqual([
			sessionOf(second.accessToken)
		]);
		const mine = await sessionsOf(admin, admin.id);
		expect(mine.filter((session) => session.current).map((session) => session.id)).toEqual([
			sessionOf(admin.accessToken)
		]);
	});

	it('nobody else reads them: an admin of another organization, a colleague, anon', async () => {
		const target = await createPersona(org, 'member', 'private');
		expect(await sessionsOf(admin, target.id)).toHaveLength(1);
		expect(await sessionsOf(stranger, target.id)).toEqual([]);
		expect(await sessionsOf(member, target.id)).toEqual([]);
		const anon = await anonClient().rpc('user_sessions', { user_id: target.id }, { get: true });
		expect(anon.data).toBeNull();
		expect(anon.error?.code).toBe('42501');
	});
});

describe('signing a user out everywhere (update-user end_sessions)', () => {
	it('ends every session: the refresh tokens fail, and the log gets one entry with count and actor', async () => {
		const target = await createPersona(org, 'member', 'signedout');
		const second = await signInFrom(CHROME_LINUX, target);
		const mark = await withDb(async (db) =>
			Number(
				(await db.query('select coalesce(max(id), 0) as id from public.activity_log')).rows[0].id
			)
		);

		const result = await callFunction('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'end_sessions'
		});
		expect(result.status).toBe(200);
		expect(result.body.ended).toBe(2);
		expect(result.body.user).toMatchObject({ id: target.id, first_name: 'signedout' });

		expect(await sessionsOf(admin, target.id)).toEqual([]);
		expect(await refreshes(target.refreshToken)).toBe(false);
		expect(await refreshes(second.refreshToken)).toBe(false);

		const { data: entries, error } = await admin.client
			.from('activity_log')
			.select('action, actor_type, actor_id, target_id, details, request_id')
			.eq('organization_id', org)
			.eq('target_id', target.id)
			.gt('id', mark);
		expect(error).toBeNull();
		expect(entries).toEqual([
			{
				action: 'sessions_ended',
				actor_type: 'user',
				actor_id: admin.id,
				target_id: target.id,
				details: { count: 2 },
				request_id: expect.any(String)
			}
		]);
		// The user signs in again as before: only the sessions ended, not the account.
		expect((await signIn(target.email, target.password, org)).accessToken).toBeTruthy();
	});

	it('on oneself it ends the caller’s own session too: the token is refused by the functions', async () => {
		const self = await createPersona(org, 'admin', 'selfend');
		const result = await callFunction('update-user', self.accessToken, {
			user_id: self.id,
			action: 'end_sessions'
		});
		expect(result.status).toBe(200);
		expect(result.body.ended).toBe(1);
		expect(await refreshes(self.refreshToken)).toBe(false);
		const after = await callFunction('update-user', self.accessToken, {
			user_id: member.id,
			action: 'end_sessions'
		});
		expect(after.status).toBe(401);
	});

	it('is for admins of the user’s organization only', async () => {
		const target = await createPersona(org, 'member', 'kept');
		const byMember = await callFunction('update-user', member.accessToken, {
			user_id: target.id,
			action: 'end_sessions'
		});
		expect(byMember.status).toBe(403);
		const byStranger = await callFunction('update-user', stranger.accessToken, {
			user_id: target.id,
			action: 'end_sessions'
		});
		expect(byStranger.status).toBe(404);
		expect(await sessionsOf(admin, target.id)).toHaveLength(1);
		expect(await refreshes(target.refreshToken)).toBe(true);
	});
});
