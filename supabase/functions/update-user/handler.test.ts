import assert from 'node:assert/strict';
import type { Sql } from '../_shared/database.ts';
import { serveJson } from '../_shared/http.ts';
import { updateUserInput } from '../_shared/user-input.ts';
import type { UserRow } from '../_shared/users.ts';
import { planProfileChange, updateUser } from './handler.ts';

type Service = Parameters<typeof updateUser>[0]['service'];

const CALLER = 'a0000000-0000-4000-8000-000000000001';
const TARGET = 'a0000000-0000-4000-8000-000000000004';

const row = (changes: Partial<UserRow> = {}): UserRow => ({
	id: TARGET,
	organization_id: 'a0000000-0000-4000-8000-000000000000',
	email: 'linus@acme.test',
	first_name: 'Linus',
	last_name: 'Torvalds',
	role: 'member',
	status: 'active',
	created_at: '2026-12-01T10:00:00+00:00',
	updated_at: '2026-12-01T10:00:00+00:00',
	created_by: null,
	must_change_password: false,
	last_sign_in_at: null,
	...changes
});

function profile(body: Record<string, unknown>) {
	const parsed = updateUserInput.safeParse({ user_id: TARGET, action: 'update_profile', ...body });
	assert.ok(parsed.success && parsed.data.action === 'update_profile', JSON.stringify(body));
	return parsed.data;
}

Deno.test('update_profile: a field whose shown value the row no longer holds is a conflict', () => {
	// Another admin renamed Torvalds to Benedict after this screen was loaded.
	const now = row({ last_name: 'Benedict' });
	assert.deepEqual(
		planProfileChange(now, profile({ last_name: 'T.', expected: { last_name: 'Torvalds' } })),
		{
			changes: { last_name: 'T.' },
			conflict: true
		}
	);
	// The shown value is compared as the schema normalises it (the email lower-cased and trimmed).
	assert.equal(
		planProfileChange(
			row({ email: 'new@acme.test' }),
			profile({ email: 'mine@acme.test', expected: { email: ' LINUS@acme.test' } })
		).conflict,
		true
	);
	assert.equal(
		planProfileChange(
			row(),
			profile({ email: 'mine@acme.test', expected: { email: ' LINUS@acme.test' } })
		).conflict,
		false
	);
});

Deno.test(
	'update_profile: matching shown values save; unedited and unchanged fields are left alone',
	() => {
		assert.deepEqual(
			planProfileChange(row(), profile({ role: 'manager', expected: { role: 'member' } })),
			{ changes: { role: 'manager' }, conflict: false }
		);
		// The whole form sent back: only the edited field changes, and the email another admin changed
		// meanwhile (sent as shown, so not edited here) stays theirs.
		assert.deepEqual(
			planProfileChange(
				row({ email: 'other@acme.test' }),
				profile({
					first_name: 'Linus',
					last_name: 'T.',
					email: 'linus@acme.test',
					expected: { first_name: 'Linus', last_name: 'Torvalds', email: 'linus@acme.test' }
				})
			),
			{ changes: { last_name: 'T.' }, conflict: false }
		);
		// Someone else already made the same change: nothing to do, nothing lost.
		assert.deepEqual(
			planProfileChange(
				row({ role: 'manager' }),
				profile({ role: 'manager', expected: { role: 'member' } })
			),
			{ changes: {}, conflict: false }
		);
		// Without a shown value, as before: the value sent wins whatever the row holds.
		assert.deepEqual(
			planProfileChange(row({ last_name: 'Benedict' }), profile({ last_name: 'T.' })),
			{
				changes: { last_name: 'T.' },
				conflict: false
			}
		);
	}
);

Deno.test('update_profile: expected is checked by the same rules as the fields', () => {
	const parse = (body: Record<string, unknown>) =>
		updateUserInput.safeParse({ user_id: TARGET, action: 'update_profile', ...body });
	assert.ok(!parse({ last_name: 'T.', expected: { last_name: 'x'.repeat(101) } }).success);
	assert.ok(!parse({ last_name: 'T.', expected: { status: 'active' } }).success);
	assert.ok(!parse({ last_name: 'T.', expected: { email: 'linus@acme.test' } }).success);
	assert.ok(!parse({ last_name: 'T.', expected: 'Torvalds' }).success);
	assert.ok(parse({ last_name: 'T.', expected: {} }).success);
});

/**
 * update-user with Auth, the Data API and the database replaced by recordings: every query the
 * transaction runs and every Auth call, in the order they happened.
 */
function fakeStack(
	target: UserRow,
	{
		authError = null,
		endFails = false
	}: { authError?: { message: string } | null; endFails?: boolean } = {}
) {
	const events: string[] = [];
	const tx = (strings: TemplateStringsArray | Record<string, unknown>, ...values: unknown[]) => {
		if (!Array.isArray(strings)) return { helper: strings };
		const text = (strings as TemplateStringsArray).join('$');
		if (/set_config/.test(text)) return Promise.resolve([]);
		if (/begin_user_action/.test(text)) return Promise.resolve([{ row: target }]);
		if (/end_user_sessions/.test(text)) {
			events.push(`db: end_user_sessions(${values[0]})`);
			if (endFails)
				return Promise.reject(Object.assign(new Error('deadlock detected'), { code: '40P01' }));
			return Promise.resolve([{ ended: 1 }]);
		}
		if (/count\(\*\)::int as sessions from auth\.sessions/.test(text)) {
			events.push('db: count sessions');
			return Promise.resolve([{ sessions: 3 }]);
		}
		if (/record_user_activity/.test(text)) {
			events.push(`db: record password_set ${values[0]} ${JSON.stringify(values[1])}`);
			return Promise.resolve([]);
		}
		if (/update public\.users/.test(text)) {
			events.push('db: update users');
			return Promise.resolve([{ row: target }]);
		}
		throw new Error(`unexpected query: ${text}`);
	};
	Object.assign(tx, { json: (value: unknown) => value });
	const db = Object.assign(tx, {
		begin: async (work: (tx: unknown) => Promise<unknown>) => {
			events.push('db: begin');
			const result = await work(tx);
			events.push('db: commit');
			return result;
		}
	}) as unknown as Sql;
	const service = {
		auth: {
			getUser: () =>
				Promise.resolve({ data: { user: { id: CALLER, email: 'ada@acme.test' } }, error: null }),
			admin: {
				updateUserById: (id: string, attributes: Record<string, unknown>) => {
					events.push(`auth: update ${id} ${Object.keys(attributes).join(',')}`);
					return Promise.resolve({ data: {}, error: authError });
				}
			}
		},
		from: () => ({
			select: () => ({
				eq: () => ({
					maybeSingle: () =>
						Promise.resolve({
							data: { organization_id: target.organization_id, role: 'admin', status: 'active' },
							error: null
						})
				})
			})
		})
	};
	const logged: string[] = [];
	const handler = serveJson(
		updateUser({ service: service as unknown as Service, db, log: (line) => logged.push(line) }),
		(line) => logged.push(line)
	);
	const call = async (body: unknown) => {
		const response = await handler(
			new Request('http://fn/update-user', {
				method: 'POST',
				headers: { authorization: 'Bearer token', 'content-type': 'application/json' },
				body: JSON.stringify(body)
			})
		);
		return { status: response.status, body: await response.json() };
	};
	return { call, events, logged };
}

Deno.test(
	'set_password ends every session of the user, after Auth took the new password',
	async () => {
		for (const password of [undefined, 'Correct-Horse-42']) {
			const { call, events } = fakeStack(row());
			const result = await call({ user_id: TARGET, action: 'set_password', password });
			assert.equal(result.status, 200);
			assert.deepEqual(events, [
				'db: begin',
				// The password an admin sets is temporary: the row says so in the same transaction.
				'db: update users',
				'db: count sessions',
				`auth: update ${TARGET} password`,
				`db: end_user_sessions(${TARGET})`,
				// Three sessions before, one left for the sweep (which records its own): two ended by Auth.
				`db: record password_set ${TARGET} ${JSON.stringify({ generated: password === undefined, sessions_ended: 2 })}`,
				'db: commit'
			]);
		}
	}
);

Deno.test('set_password: when Auth refuses, no session is ended', async () => {
	const { call, events } = fakeStack(row(), { authError: { message: 'down' } });
	const result = await call({ user_id: TARGET, action: 'set_password' });
	assert.equal(result.status, 502);
	assert.ok(!events.some((event) => event.includes('end_user_sessions')));
});

Deno.test(
	'set_password: sessions not ended after the password was set is said so, not "nothing saved"',
	async () => {
		const { call, events, logged } = fakeStack(row(), { endFails: true });
		const result = await call({ user_id: TARGET, action: 'set_password' });
		assert.equal(result.status, 500);
		assert.equal(result.body.error.code, 'sessions_not_ended');
		assert.equal(result.body.error.password, undefined);
		// The action's transaction did not commit; a second one marks the password temporary and
		// records that it was set, since Auth has it.
		assert.deepEqual(events.slice(events.indexOf(`db: end_user_sessions(${TARGET})`) + 1), [
			'db: begin',
			'db: update users',
			`db: record password_set ${TARGET} ${JSON.stringify({ generated: true })}`,
			'db: commit'
		]);
		assert.ok(logged.some((line) => line.includes('sessions were not ended')));
	}
);

Deno.test(
	'update_profile: a stale screen gets 409 user_changed with the row, and nothing is written',
	async () => {
		const now = row({ last_name: 'Benedict', updated_at: '2026-12-01T10:05:00+00:00' });
		const { call, events } = fakeStack(now);
		const result = await call({
			user_id: TARGET,
			action: 'update_profile',
			last_name: 'T.',
			email: 'mine@acme.test',
			expected: { last_name: 'Torvalds', email: 'linus@acme.test' }
		});
		assert.equal(result.status, 409);
		assert.deepEqual(result.body, {
			error: {
				code: 'user_changed',
				message:
					'Someone else changed this user meanwhile. Reload to see their change, then make yours again.',
				user: now
			}
		});
		assert.deepEqual(events, ['db: begin']);
	}
);
