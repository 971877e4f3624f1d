// Fault: a function's database work never ends (here a row insert held on a lock for longer than
// the deadline, as a stranded postgres.js connection holds it). The request must be answered 503
// with its request id at the functions' deadline, leave no half-made user once the hold ends, and
// the function must serve the next request on fresh connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, type Persona } from '../stack/personas.ts';
import { fn, persona, rememberSecret } from '../attacks/support.ts';
import { authAndRowCounts as counts, heldUserInsert, waitFor } from './held-user-insert.ts';

const held = heldUserInsert({ name: 'fault_hold_row', emailPrefix: 'held', lockKey: 7_007_008 });
let admin: Persona;

beforeAll(async () => {
	admin = await persona(await createOrganization('Deadline'), 'admin', 'deadline-admin');
	await held.install();
});

afterAll(() => held.remove());

describe('a function whose database work never ends', () => {
	it(
		'answers 503 at the deadline, leaves nothing half-made, and serves the next request',
		{ timeout: 60_000 },
		async () => {
			const email = `held.${Date.now().toString(36)}@fault.test`;
			const body = { email, first_name: 'Held', last_name: 'Fault', role: 'member' };
			const release = await held.hold();
			try {
				const started = Date.now();
				const answer = await fn('create-user', admin.accessToken, body);
				expect([answer.status, answer.code]).toEqual([503, 'service_unavailable']);
				expect(answer.body.error.request_id).toMatch(/^[0-9a-f-]{36}$/);
				expect(Date.now() - started).toBeGreaterThanOrEqual(11_000);
			} finally {
				await release();
			}
			// The held insert's connection was ended with the pool: it rolls back, and the function undoes
			// the Auth user it had made.
			await waitFor('the held create-user to leave nothing half-made', async () => {
				const { auth, rows } = await counts(email);
				return auth === 0 && rows === 0;
			});
			await held.remove();
			const again = await fn('create-user', admin.accessToken, body);
			expect(again.status).toBe(201);
			rememberSecret(again.body.password);
			expect(await counts(email)).toEqual({ auth: 1, rows: 1 });
		}
	);
});
