// Fault: the stack's database connections are cut (pg_terminate_backend, what a database restart
// or a network cut does to them) again and again while requests run. Every answer must be a clear
// one (a 2xx/4xx, or a 503 JSON error; never a hang, a crash or a bare 500), no user may be left
// half-made, and the stack must answer normally once the database is reachable again.
import { beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, type Persona } from '../stack/personas.ts';
import { stack, withDb } from '../stack/stack-under-test.ts';
import { fn, http, persona, rememberSecret, type Outcome } from '../attacks/support.ts';

let admin: Persona;
let member: Persona;
let org: string;

beforeAll(async () => {
	org = await createOrganization('Faults');
	[admin, member] = await Promise.all([
		persona(org, 'admin', 'fault-admin'),
		persona(org, 'member', 'fault-member')
	]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends every connection to the database but this one: the stack's pool loses all of them. */
const terminateStackConnections = () =>
	withDb(
		async (db) =>
			(
				await db.query(
					`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
		 where pid <> pg_backend_pid() and backend_type = 'client backend' and datname = current_database()`
				)
			).rows[0].n as number
	);

describe('database connection dropped mid-request', () => {
	it(
		'answers 503 JSON (or succeeds), never crashes, leaves no half-made user, and recovers',
		{ timeout: 60_000 },
		async () => {
			const outcomes: Array<{ what: string; outcome: Outcome }> = [];
			const emails: string[] = [];
			let stop = false;
			let n = 0;
			const record = (what: string) => (outcome: Outcome) => {
				outcomes.push({ what, outcome });
				if (outcome.status === 201 && outcome.body?.password) rememberSecret(outcome.body.password);
			};
			const failed = (code: string): Outcome => ({
				status: 0,
				code,
				body: null,
				headers: new Headers()
			});
			// A request the stack never answers is the failure this test looks for: reported by name.
			const safe = (what: string, request: () => Promise<Outcome>) => {
				let timer: ReturnType<typeof setTimeout> | undefined;
				const hung = new Promise<Outcome>((resolve) => {
					timer = setTimeout(() => resolve(failed('hung: no answer in 15 s')), 15_000);
				});
				return Promise.race([
					request().catch((error: Error) => failed(`network: ${error.message}`)),
					hung
				]).then((outcome) => {
					clearTimeout(timer);
					record(what)(outcome);
				});
			};
			const load = async (worker: number) => {
				while (!stop) {
					const i = n++;
					switch ((i + worker) % 5) {
						case 0:
							await safe('rest read', () =>
								http('/rest/v1/users?select=*&order=last_name', {
									token: admin.accessToken,
									headers: { prefer: 'count=exact' }
								})
							);
							break;
						case 1:
							await safe('rest update', () =>
								http(`/rest/v1/users?id=eq.${member.id}`, {
									method: 'PATCH',
									token: admin.accessToken,
									body: { first_name: `Name${i}` }
								})
							);
							break;
						case 2: {
							const email = `drop.${i}.${Date.now().toString(36)}@fault.test`;
							emails.push(email);
							await safe('create-user', () =>
								fn('create-user', admin.accessToken, {
									email,
									first_name: 'Drop',
									last_name: `Test${i}`,
									role: 'member'
								})
							);
							break;
						}
						case 3:
							await safe('auth sign-in', () =>
								http('/auth/v1/token?grant_type=password', {
									body: { email: member.email, password: member.password }
								})
							);
							break;
						default:
							await safe('auth user', () => http('/auth/v1/user', { token: admin.accessToken }));
					}
				}
			};
			const workers = Array.from({ length: 6 }, (_, w) => load(w));
			let cuts = 0;
			let terminated = 0;
			for (let round = 0; round < 25; round++) {
				await sleep(60 + (round % 4) * 25);
				terminated += await terminateStackConnections();
				cuts++;
			}
			stop = true;
			await Promise.all(workers);

			const tally: Record<string, number> = {};
			for (const { what, outcome } of outcomes)
				tally[`${what} ${outcome.status}${outcome.status >= 500 ? ` ${outcome.code}` : ''}`] =
					(tally[`${what} ${outcome.status}${outcome.status >= 500 ? ` ${outcome.code}` : ''}`] ??
						0) + 1;
			console.log(
				`connection drops: ${cuts} cuts, ${terminated} connections ended, ${outcomes.length} requests: ${JSON.stringify(tally)}`
			);
			expect(terminated, 'the cuts hit the stack').toBeGreaterThan(0);
			expect(
				outcomes.some(({ what, outcome }) => what.startsWith('rest') && outcome.status === 503),
				'some request met a cut connection'
			).toBe(true);

			// Clear answers only. The Data API and the functions answer a lost database with 503 and a
			// code (PostgREST's PGRST001/57P01…, the functions' service_unavailable with a request id).
			// Auth answers as GoTrue does when its database fails under it: 500 unexpected_failure.
			const clear = ({ what, outcome }: { what: string; outcome: Outcome }) => {
				if (outcome.status > 0 && outcome.status < 500) return true;
				if (!outcome.code) return false;
				if (what.startsWith('rest')) return outcome.status === 503;
				if (what === 'create-user')
					return (
						[502, 503].includes(outcome.status) &&
						typeof outcome.body?.error?.request_id === 'string'
					);
				return outcome.status === 500 && outcome.code === 'unexpected_failure';
			};
			const unclear = outcomes.filter((o) => !clear(o));
			expect(
				unclear
					.slice(0, 10)
					.map(
						({ what, outcome }) =>
							`${what} → ${outcome.status} ${outcome.code} ${JSON.stringify(outcome.body)}`
					)
			).toEqual([]);
			const dataApi503 = outcomes.filter(
				({ what, outcome }) => what.startsWith('rest') && outcome.status === 503
			);
			for (const { outcome } of dataApi503) {
				expect(outcome.body).toMatchObject({
					code: expect.stringMatching(/^(PGRST000|PGRST001|PGRST002|57P01|08\w\w\w)$/),
					message: expect.any(String)
				});
			}

			// No half-made user: every Auth user of these emails has its row and the other way round.
			await sleep(300);
			const halfMade = await withDb(
				async (db) =>
					(
						await db.query(
							`select coalesce(a.email, u.email) as email, a.id is not null as auth, u.id is not null as row
			 from (select id, email from auth.users where email = any($1)) a
			 full join (select id, email from public.users where email = any($1)) u on u.id = a.id
			 where a.id is null or u.id is null`,
							[emails]
						)
					).rows
			);
			expect(
				halfMade,
				JSON.stringify(
					outcomes
						.filter(({ what }) => what === 'create-user')
						.map(({ outcome }) => [outcome.status, outcome.code])
				)
			).toEqual([]);
			const created = outcomes.filter(
				({ what, outcome }) => what === 'create-user' && outcome.status === 201
			).length;
			const rows = await withDb(
				async (db) =>
					(
						await db.query('select count(*)::int as n from public.users where email = any($1)', [
							emails
						])
					).rows[0].n
			);
			expect(rows).toBe(created);

			// And afterwards everything works again.
			const read = await http('/rest/v1/users?select=id', { token: admin.accessToken });
			expect(read.status).toBe(200);
			const again = await fn('create-user', admin.accessToken, {
				email: `after.${Date.now().toString(36)}@fault.test`,
				first_name: 'After',
				last_name: 'Drop',
				role: 'member'
			});
			expect(again.status).toBe(201);
			rememberSecret(again.body.password);
			expect(
				(await fetch(`${stack().apiUrl}/auth/v1/health`, { headers: { apikey: stack().anonKey } }))
					.status
			).toBe(200);
		}
	);
});
