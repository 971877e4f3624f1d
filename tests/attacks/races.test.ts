// Races: what must hold when requests arrive at the same instant.
import { beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, signIn, type Persona } from '../stack/personas.ts';
import { serviceClient, uniqueEmail, withDb } from '../stack/stack-under-test.ts';
import { fn, http, persona, rememberSecret } from './support.ts';

let org: string;
let admin: Persona;

beforeAll(async () => {
	org = await createOrganization('Races');
	admin = await persona(org, 'admin', 'race-admin');
});

describe('races', () => {
	it('50 concurrent create-user calls with the same email: exactly one user, 49 clean 409s', async () => {
		const email = uniqueEmail('same');
		const results = await Promise.all(
			Array.from({ length: 50 }, () => fn('create-user', admin.accessToken, { email, first_name: 'Same', last_name: 'Email', role: 'member' }))
		);
		for (const result of results) if (result.status === 201) rememberSecret(result.body.password);
		const statuses = results.map((r) => `${r.status} ${r.code}`).sort();
		expect(statuses.filter((s) => s.startsWith('201'))).toHaveLength(1);
		expect(statuses.filter((s) => s === '409 email_taken')).toHaveLength(49);
		const counts = await withDb(async (db) => (await db.query(
			`select (select count(*)::int from auth.users where email = $1) as auth, (select count(*)::int from public.users where email = $1) as rows`, [email]
		)).rows[0]);
		expect(counts).toEqual({ auth: 1, rows: 1 });
	});

	it('two admins demoting each other 100 times through the Data API: always an active admin', async () => {
		const duel = await createOrganization('Duel');
		const [x, y] = await Promise.all([persona(duel, 'admin', 'duel-x'), persona(duel, 'admin', 'duel-y')]);
		const outcomes = new Map<string, number>();
		const demote = async (actor: Persona, target: Persona) => {
			const result = await http(`/rest/v1/users?id=eq.${target.id}`, {
				method: 'PATCH', token: actor.accessToken, body: { role: 'member' }, headers: { prefer: 'return=representation' }
			});
			const outcome = result.status === 200 && Array.isArray(result.body)
				? (result.body.length === 1 ? 'demoted' : 'empty update')
				: `${result.status} ${result.code}`;
			outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
		};
		for (let round = 0; round < 100; round++) {
			await Promise.all([demote(x, y), demote(y, x)]);
			const admins = await withDb(async (db) => (await db.query(
				`select id from public.users where organization_id = $1 and role = 'admin' and status = 'active'`, [duel]
			)).rows.map((r) => r.id as string));
			expect(admins.length, `round ${round}`).toBeGreaterThanOrEqual(1);
			// Both admins again for the next round.
			const { error } = await serviceClient().from('users').update({ role: 'admin' }).in('id', [x.id, y.id]);
			expect(error).toBeNull();
		}
		console.log(`demotion duel outcomes over 100 rounds: ${JSON.stringify(Object.fromEntries(outcomes))}`);
		expect([...outcomes.keys()].every((o) => ['demoted', 'empty update', '409 PT409'].includes(o)), JSON.stringify([...outcomes])).toBe(true);
		// Each round exactly one demotion wins.
		expect(outcomes.get('demoted')).toBe(100);
	});

	it('deactivation while the user refreshes (and signs in) in a loop: no session survives', async () => {
		const target = await persona(org, 'member', 'refresher');
		let refreshToken = target.refreshToken;
		let stop = false;
		const seen: string[] = [];
		const refresher = (async () => {
			while (!stop) {
				const result = await http('/auth/v1/token?grant_type=refresh_token', { body: { refresh_token: refreshToken } });
				seen.push(`refresh ${result.status}`);
				if (result.status === 200) refreshToken = result.body.refresh_token;
			}
		})();
		const signer = (async () => {
			while (!stop) {
				const result = await http('/auth/v1/token?grant_type=password', { body: { email: target.email, password: target.password } });
				seen.push(`sign-in ${result.status}`);
				if (result.status === 200) refreshToken = Math.random() < 0.5 ? result.body.refresh_token : refreshToken;
			}
		})();
		await new Promise((resolve) => setTimeout(resolve, 300));
		const deactivated = await fn('update-user', admin.accessToken, { user_id: target.id, action: 'deactivate' });
		expect(deactivated.status).toBe(200);
		// Let requests that were in flight during the deactivation finish.
		await new Promise((resolve) => setTimeout(resolve, 500));
		stop = true;
		await Promise.all([refresher, signer]);
		expect(seen.filter((s) => s.endsWith('200')).length, 'the loops ran before the deactivation').toBeGreaterThan(0);
		// A refresh never fails with a 5xx. A sign-in whose session insert meets the deactivation is
		// refused by the database (trigger refuse_session_for_inactive_user), which GoTrue answers as
		// 500 "Database error granting user"; that is the only 5xx allowed here.
		expect(seen.filter((s) => /^refresh 5/.test(s)), seen.join(',')).toEqual([]);
		const tally: Record<string, number> = {};
		for (const s of seen) tally[s] = (tally[s] ?? 0) + 1;
		console.log(`deactivation race: ${JSON.stringify(tally)}`);

		const last = await http('/auth/v1/token?grant_type=refresh_token', { body: { refresh_token: refreshToken } });
		expect(last.status).toBe(400);
		const signInAgain = await http('/auth/v1/token?grant_type=password', { body: { email: target.email, password: target.password } });
		expect(signInAgain.code).toBe('user_banned');
		const sessions = await withDb(async (db) => (await db.query('select count(*)::int as n from auth.sessions where user_id = $1', [target.id])).rows[0].n);
		expect(sessions).toBe(0);
		await expect(signIn(target.email, target.password)).rejects.toThrow();
	});
});
