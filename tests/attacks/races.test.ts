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
			Array.from({ length: 50 }, () =>
				fn('create-user', admin.accessToken, {
					email,
					first_name: 'Same',
					last_name: 'Email',
					role: 'member'
				})
			)
		);
		for (const result of results) if (result.status === 201) rememberSecret(result.body.password);
		const statuses = results.map((r) => `${r.status} ${r.code}`).sort();
		expect(statuses.filter((s) => s.startsWith('201'))).toHaveLength(1);
		expect(statuses.filter((s) => s === '409 email_taken')).toHaveLength(49);
		const counts = await withDb(
			async (db) =>
				(
					await db.query(
						`select (select count(*)::int from auth.users where email = $1) as auth, (select count(*)::int from public.users where email = $1) as rows`,
						[email]
					)
				).rows[0]
		);
		expect(counts).toEqual({ auth: 1, rows: 1 });
	});

	it('two admins demoting each other 100 times through the Data API: always an active admin', async () => {
		const duel = await createOrganization('Duel');
		const [x, y] = await Promise.all([
			persona(duel, 'admin', 'duel-x'),
			persona(duel, 'admin', 'duel-y')
		]);
		const outcomes = new Map<string, number>();
		const demote = async (actor: Persona, target: Persona) => {
			const result = await http(`/rest/v1/users?id=eq.${target.id}`, {
				method: 'PATCH',
				token: actor.accessToken,
				body: { role: 'member' },
				headers: { prefer: 'return=representation' }
			});
			const outcome =
				result.status === 200 && Array.isArray(result.body)
					? result.body.length === 1
						? 'demoted'
						: 'empty update'
					: `${result.status} ${result.code}`;
			outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
		};
		for (let round = 0; round < 100; round++) {
			await Promise.all([demote(x, y), demote(y, x)]);
			const admins = await withDb(async (db) =>
				(
					await db.query(
						`select id from public.users where organization_id = $1 and role = 'admin' and status = 'active'`,
						[duel]
					)
				).rows.map((r) => r.id as string)
			);
			expect(admins.length, `round ${round}`).toBeGreaterThanOrEqual(1);
			// Both admins again for the next round.
			const { error } = await serviceClient()
				.from('users')
				.update({ role: 'admin' })
				.in('id', [x.id, y.id]);
			expect(error).toBeNull();
		}
		console.log(
			`demotion duel outcomes over 100 rounds: ${JSON.stringify(Object.fromEntries(outcomes))}`
		);
		expect(
			[...outcomes.keys()].every((o) => ['demoted', 'empty update', '409 PT409'].includes(o)),
			JSON.stringify([...outcomes])
		).toBe(true);
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
				const result = await http('/auth/v1/token?grant_type=refresh_token', {
					body: { refresh_token: refreshToken }
				});
				seen.push(`refresh ${result.status}`);
				if (result.status === 200) refreshToken = result.body.refresh_token;
			}
		})();
		const signer = (async () => {
			while (!stop) {
				const result = await http('/auth/v1/token?grant_type=password', {
					body: { email: target.email, password: target.password }
				});
				seen.push(`sign-in ${result.status}`);
				if (result.status === 200)
					refreshToken = Math.random() < 0.5 ? result.body.refresh_token : refreshToken;
			}
		})();
		await new Promise((resolve) => setTimeout(resolve, 300));
		const deactivated = await fn('update-user', admin.accessToken, {
			user_id: target.id,
			action: 'deactivate'
		});
		expect(deactivated.status).toBe(200);
		// Let requests that were in flight during the deactivation finish.
		await new Promise((resolve) => setTimeout(resolve, 500));
		stop = true;
		await Promise.all([refresher, signer]);
		expect(
			seen.filter((s) => s.endsWith('200')).length,
			'the loops ran before the deactivation'
		).toBeGreaterThan(0);
		// A refresh never fails with a 5xx. A sign-in whose session insert meets the deactivation is
		// refused by the database (trigger refuse_session_for_inactive_user), which GoTrue answers as
		// 500 "Database error granting user"; that is the only 5xx allowed here.
		expect(
			seen.filter((s) => /^refresh 5/.test(s)),
			seen.join(',')
		).toEqual([]);
		const tally: Record<string, number> = {};
		for (const s of seen) tally[s] = (tally[s] ?? 0) + 1;
		console.log(`deactivation race: ${JSON.stringify(tally)}`);

		const last = await http('/auth/v1/token?grant_type=refresh_token', {
			body: { refresh_token: refreshToken }
		});
		expect(last.status).toBe(400);
		const signInAgain = await http('/auth/v1/token?grant_type=password', {
			body: { email: target.email, password: target.password }
		});
		expect(signInAgain.code).toBe('user_banned');
		const sessions = await withDb(
			async (db) =>
				(
					await db.query('select count(*)::int as n from auth.sessions where user_id = $1', [
						target.id
					])
				).rows[0].n
		);
		expect(sessions).toBe(0);
		await expect(signIn(target.email, target.password)).rejects.toThrow();
	});
});

// ── issue 12: admin actions on one user at the same moment ─────────────────────────────────────
// Through the real stack (HTTP to /functions/v1 with real admin tokens, concurrently). After every
// round Auth and the row are compared: auth.users.email = public.users.email, banned ⇔ inactive,
// and no Auth user of these organizations without its row. None may disagree.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rows of these organizations whose Auth user disagrees with them, plus Auth users without a row. */
const disagreements = (organizations: string[]) =>
	withDb(
		async (db) =>
			(
				await db.query(
					`select
			 (select count(*)::int from public.users u join auth.users a on a.id = u.id
				where u.organization_id::text = any($1::text[])
				  and (a.email is distinct from u.email
				       or (u.status = 'inactive') <> coalesce(a.banned_until > now(), false)))
		 + (select count(*)::int from auth.users a
				where a.raw_app_meta_data ->> 'organization_id' = any($1::text[])
				  and not exists (select 1 from public.users u where u.id = a.id)) as n`,
					[organizations]
				)
			).rows[0].n as number
	);

function tally(into: Map<string, number>, key: string) {
	into.set(key, (into.get(key) ?? 0) + 1);
}
const outcome = (r: { status: number; code: string }) => `${r.status}${r.code ? ` ${r.code}` : ''}`;

describe('races of issue 12 (admin actions on one user at the same moment)', () => {
	it(
		'1. an admin being deactivated cannot activate themselves back',
		{ timeout: 120_000 },
		async () => {
			// 100 rounds, not 200: the deactivation ends M's sessions, so M signs in anew each round (a
			// bcrypt check on the stack's single Node thread); a round costs about a quarter of a second.
			const ROUNDS = 100;
			const org1 = await createOrganization('Self activation');
			const [y, m] = await Promise.all([
				persona(org1, 'admin', 'deactivator'),
				persona(org1, 'admin', 'self-activator')
			]);
			const outcomes = new Map<string, number>();
			let disagreeing = 0;
			let token = m.accessToken;
			for (let round = 0; round < ROUNDS; round++) {
				const deactivation = sleep(round % 7).then(() =>
					fn('update-user', y.accessToken, { user_id: m.id, action: 'deactivate' })
				);
				const selfActivations = (async () => {
					const results = [];
					for (let i = 0; i < 3; i++)
						results.push(await fn('update-user', token, { user_id: m.id, action: 'activate' }));
					return results;
				})();
				const [deactivated, own] = await Promise.all([deactivation, selfActivations]);
				expect(outcome(deactivated), `round ${round}`).toBe('200');
				for (const r of own) tally(outcomes, `self-activate ${outcome(r)}`);
				// Refused with their own session (403) or, once the deactivation ended it, not signed in (401).
				expect(
					own
						.filter(
							(r) =>
								!['403 cannot_change_self', '401 unauthorized', '403 forbidden'].includes(
									outcome(r)
								)
						)
						.map(outcome),
					`round ${round}`
				).toEqual([]);
				const state = await withDb(
					async (db) =>
						(
							await db.query(
								`select u.status, a.banned_until > now() as banned from public.users u join auth.users a using (id) where u.id = $1`,
								[m.id]
							)
						).rows[0]
				);
				expect(state, `round ${round}: M stays deactivated`).toEqual({
					status: 'inactive',
					banned: true
				});
				disagreeing += await disagreements([org1]);
				// Y activates M again for the next round; M signs in anew (their sessions were ended).
				expect(
					outcome(await fn('update-user', y.accessToken, { user_id: m.id, action: 'activate' }))
				).toBe('200');
				token = (await signIn(m.email, m.password)).accessToken;
			}
			console.log(
				`issue 12 race 1 (self-activation during deactivation): ${ROUNDS} rounds, ${JSON.stringify(Object.fromEntries(outcomes))}, disagreements ${disagreeing}`
			);
			expect(
				outcomes.get('self-activate 403 cannot_change_self') ?? 0,
				'the refusal itself was exercised'
			).toBeGreaterThan(0);
			expect(disagreeing).toBe(0);
		}
	);

	it(
		"2. a demoted admin's creations in flight: none is written after the demotion",
		{ timeout: 120_000 },
		async () => {
			// 30 rounds, not 200: each round makes 7 Auth users, each a bcrypt hash (~90 ms of a core), so a
			// round costs close to a second. The demotion comes 20 to 380 ms after the creations start, so
			// that in some rounds creations finish first and in others the demotion does, however fast
			// the hashes run.
			const ROUNDS = 30;
			const org2 = await createOrganization('Demotion');
			const [y, z] = await Promise.all([
				persona(org2, 'admin', 'demoter'),
				persona(org2, 'admin', 'demoted')
			]);
			const outcomes = new Map<string, number>();
			let disagreeing = 0;
			let writtenAfterDemotion = 0;
			for (let round = 0; round < ROUNDS; round++) {
				const creations = Array.from({ length: 6 }, (_, i) => {
					const email = uniqueEmail(`inflight-${round}-${i}`);
					return sleep(i * 10).then(async () => ({
						email,
						result: await fn('create-user', z.accessToken, {
							email,
							first_name: 'In',
							last_name: 'Flight',
							role: 'admin'
						})
					}));
				});
				const demotedAt = await sleep(20 + (round % 10) * 40).then(async () => {
					const demoted = await fn('update-user', y.accessToken, {
						user_id: z.id,
						action: 'update_profile',
						role: 'member'
					});
					expect(outcome(demoted), `round ${round}`).toBe('200');
					return Date.now();
				});
				const lateEmail = uniqueEmail(`late-${round}`);
				const late = await fn('create-user', z.accessToken, {
					email: lateEmail,
					first_name: 'After',
					last_name: 'Demotion',
					role: 'admin'
				});
				expect(outcome(late), `round ${round}: a creation after the demotion`).toBe(
					'403 forbidden'
				);
				const settled = [...(await Promise.all(creations)), { email: lateEmail, result: late }];
				for (const { result } of settled) {
					tally(outcomes, `create ${outcome(result)}`);
					if (result.status === 201) rememberSecret(result.body.password);
					expect(['201', '403 forbidden'], `round ${round}`).toContain(outcome(result));
					if (result.status === 403) expect(result.body.password).toBeUndefined();
				}
				const emails = settled.map((s) => s.email);
				const written = await withDb(
					async (db) =>
						(
							await db.query(
								`select u.email, extract(epoch from u.created_at) * 1000 as created_ms, a.id is not null as auth
				 from public.users u left join auth.users a using (id) where u.email = any($1)`,
								[emails]
							)
						).rows
				);
				const refused = settled.filter((s) => s.result.status === 403).map((s) => s.email);
				const leftInAuth = await withDb(
					async (db) =>
						(
							await db.query(`select count(*)::int as n from auth.users where email = any($1)`, [
								refused
							])
						).rows[0].n
				);
				expect(leftInAuth, `round ${round}: the refused creations' Auth users are gone`).toBe(0);
				expect(written.length, `round ${round}`).toBe(
					settled.filter((s) => s.result.status === 201).length
				);
				writtenAfterDemotion += written.filter((w) => Number(w.created_ms) >= demotedAt).length;
				disagreeing += await disagreements([org2]);
				await withDb((db) =>
					db.query(`update public.users set role = 'admin' where id = $1`, [z.id])
				);
			}
			console.log(
				`issue 12 race 2 (creations in flight during a demotion): ${ROUNDS} rounds, ${JSON.stringify(Object.fromEntries(outcomes))}, rows written after the demotion ${writtenAfterDemotion}, disagreements ${disagreeing}`
			);
			expect(
				outcomes.get('create 201') ?? 0,
				'some creations won before the demotion'
			).toBeGreaterThan(0);
			expect(outcomes.get('create 403 forbidden') ?? 0).toBeGreaterThan(ROUNDS);
			expect(writtenAfterDemotion).toBe(0);
			expect(disagreeing).toBe(0);
		}
	);

	it(
		'3. activate and deactivate of one user at once: the row and the Auth ban agree',
		{ timeout: 120_000 },
		async () => {
			const ROUNDS = 200;
			const org3 = await createOrganization('Toggle');
			const [x, y, t] = await Promise.all([
				persona(org3, 'admin', 'activator'),
				persona(org3, 'admin', 'deactivator'),
				persona(org3, 'member', 'toggled')
			]);
			const outcomes = new Map<string, number>();
			let disagreeing = 0;
			for (let round = 0; round < ROUNDS; round++) {
				const [activated, deactivated] = await Promise.all([
					sleep(round % 3).then(() =>
						fn('update-user', x.accessToken, { user_id: t.id, action: 'activate' })
					),
					sleep((round + 1) % 3).then(() =>
						fn('update-user', y.accessToken, { user_id: t.id, action: 'deactivate' })
					)
				]);
				expect([outcome(activated), outcome(deactivated)], `round ${round}`).toEqual([
					'200',
					'200'
				]);
				const state = await withDb(
					async (db) =>
						(await db.query(`select status from public.users where id = $1`, [t.id])).rows[0].status
				);
				tally(outcomes, `ends ${state}`);
				disagreeing += await disagreements([org3]);
			}
			console.log(
				`issue 12 race 3 (activate and deactivate at once): ${ROUNDS} rounds, ${JSON.stringify(Object.fromEntries(outcomes))}, disagreements ${disagreeing}`
			);
			expect(disagreeing).toBe(0);
		}
	);

	it(
		"4. two admins change one user's email at once: Auth and the row hold the same address",
		{ timeout: 120_000 },
		async () => {
			const ROUNDS = 200;
			const org4 = await createOrganization('Email duel');
			const [x, y, t] = await Promise.all([
				persona(org4, 'admin', 'email-x'),
				persona(org4, 'admin', 'email-y'),
				persona(org4, 'member', 'renamed')
			]);
			const outcomes = new Map<string, number>();
			let disagreeing = 0;
			for (let round = 0; round < ROUNDS; round++) {
				const [a, b] = [uniqueEmail(`duel-x-${round}`), uniqueEmail(`duel-y-${round}`)];
				const results = await Promise.all([
					fn('update-user', x.accessToken, { user_id: t.id, action: 'update_profile', email: a }),
					fn('update-user', y.accessToken, { user_id: t.id, action: 'update_profile', email: b })
				]);
				for (const r of results) tally(outcomes, outcome(r));
				expect(results.map(outcome), `round ${round}`).toEqual(['200', '200']);
				const emails = await withDb(
					async (db) =>
						(
							await db.query(
								`select u.email as row, a.email as auth from public.users u join auth.users a using (id) where u.id = $1`,
								[t.id]
							)
						).rows[0]
				);
				expect([a, b], `round ${round}`).toContain(emails.row);
				disagreeing += await disagreements([org4]);
			}
			console.log(
				`issue 12 race 4 (two email changes at once): ${ROUNDS} rounds, ${JSON.stringify(Object.fromEntries(outcomes))}, disagreements ${disagreeing}`
			);
			expect(disagreeing).toBe(0);
		}
	);

	it(
		'5. an email race lost to another organization answers 409 email_taken, never 502',
		{ timeout: 120_000 },
		async () => {
			// 120 rounds: each creates an Auth user (a bcrypt hash); both outcomes still come up dozens of times.
			const ROUNDS = 120;
			const [orgA, orgB] = await Promise.all([
				createOrganization('Email race A'),
				createOrganization('Email race B')
			]);
			const [adminA, t, adminB] = await Promise.all([
				persona(orgA, 'admin', 'race-a'),
				persona(orgA, 'member', 'moving'),
				persona(orgB, 'admin', 'race-b')
			]);
			const outcomes = new Map<string, number>();
			let disagreeing = 0;
			for (let round = 0; round < ROUNDS; round++) {
				const email = uniqueEmail(`contested-${round}`);
				const [created, changed] = await Promise.all([
					sleep(round % 4).then(() =>
						fn('create-user', adminB.accessToken, {
							email,
							first_name: 'Con',
							last_name: 'Tested',
							role: 'member'
						})
					),
					sleep((round + 2) % 4).then(() =>
						fn('update-user', adminA.accessToken, {
							user_id: t.id,
							action: 'update_profile',
							email
						})
					)
				]);
				if (created.status === 201) rememberSecret(created.body.password);
				tally(outcomes, `create ${outcome(created)} / change ${outcome(changed)}`);
				const pair = [outcome(created), outcome(changed)].sort();
				expect(
					[
						['200', '409 email_taken'],
						['201', '409 email_taken']
					],
					`round ${round}: one winner, a 409 loser`
				).toContainEqual(pair);
				const holders = await withDb(
					async (db) =>
						(
							await db.query(
								`select (select count(*)::int from auth.users where email = $1) as auth, (select count(*)::int from public.users where email = $1) as rows`,
								[email]
							)
						).rows[0]
				);
				expect(holders, `round ${round}`).toEqual({ auth: 1, rows: 1 });
				disagreeing += await disagreements([orgA, orgB]);
			}
			console.log(
				`issue 12 race 5 (create-user and an email change to one address): ${ROUNDS} rounds, ${JSON.stringify(Object.fromEntries(outcomes))}, disagreements ${disagreeing}`
			);
			expect([...outcomes.keys()].some((k) => k.includes('502'))).toBe(false);
			expect(disagreeing).toBe(0);
		}
	);
});
