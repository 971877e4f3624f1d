// Fault: the embedded stack (PostgreSQL persisted in its state folder, the default `npm run stack`) is stopped and
// started again. Everything written through the product before the stop is there after it: a user
// created by the create-user function signs in with the password it was given, their row reads
// back the same, an edit made through the Data API stuck, and the data-changing counts match.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PortInUseError, startStack, type RunningStack } from '../../local-stack/src/stack.ts';
import { createNodeClient } from '../../scripts/lib/supabase-node.ts';
import { freePort } from '../../local-stack/src/free-port.ts';
import { rememberSecret } from '../attacks/support.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'umc-restart-'));
let running: RunningStack | undefined;

async function start(): Promise<RunningStack> {
	const logFile = inject('suiteFiles').logFile;
	for (let attempt = 1; !running; attempt++) {
		try {
			running = await startStack({
				stateDir,
				apiPort: await freePort(),
				dbPort: await freePort(),
				mailPort: await freePort(),
				smtpPort: await freePort(),
				log: (scope, message) => appendFileSync(logFile, `[restart ${scope}] ${message}\n`)
			});
		} catch (error) {
			// A port free a moment ago can be taken by another process before the stack binds it (a
			// failed start stops what it started): other ports, up to three times.
			if (!(error instanceof PortInUseError) || attempt === 3) throw error;
		}
	}
	rememberSecret(running.demoAdmin.password);
	return running;
}

afterAll(async () => {
	await running?.stop();
	rmSync(stateDir, { recursive: true, force: true });
});

async function snapshot(dbUrl: string) {
	const client = new pg.Client({ connectionString: dbUrl });
	await client.connect();
	try {
		const { rows } = await client.query(`
			select (select count(*)::int from public.users) as users, (select count(*)::int from public.organizations) as organizations,
			       (select count(*)::int from auth.users) as auth_users, (select count(*)::int from auth.identities) as identities,
			       (select md5(string_agg(u::text, '|' order by u.id)) from public.users u) as users_digest`);
		return rows[0];
	} finally {
		await client.end();
	}
}

describe('embedded stack restart', () => {
	it(
		'keeps a user created through the function, an edit through the Data API, and every row',
		{ timeout: 240_000 },
		async () => {
			const first = await start();
			const client = createNodeClient(first.apiUrl, first.keys.anonKey);
			const { data: session, error } = await client.auth.signInWithPassword(first.demoAdmin);
			expect(error).toBeNull();
			// A Data API request that commits and one that is refused (rolled back) before Auth is used
			// again: neither may leave a pooled connection as `authenticator`.
			expect((await client.from('users').select('id')).error).toBeNull();
			expect(
				(
					await client
						.from('users')
						.update({ status: 'inactive' })
						.eq('id', session.user?.id ?? '')
				).error?.code
			).toBe('42501');
			const email = `kept.${Date.now().toString(36)}@restart.test`;
			const response = await fetch(`${first.apiUrl}/functions/v1/create-user`, {
				method: 'POST',
				headers: {
					apikey: first.keys.anonKey,
					authorization: `Bearer ${session.session?.access_token}`,
					'content-type': 'application/json'
				},
				body: JSON.stringify({ email, first_name: 'Kept', last_name: 'Across', role: 'manager' })
			});
			const created = { status: response.status, data: await response.json() };
			expect(created.status, JSON.stringify(created.data)).toBe(201);
			const password: string = created.data.password;
			rememberSecret(password);
			const { error: renameError } = await client
				.from('users')
				.update({ last_name: 'Restarted' })
				.eq('id', created.data.user.id);
			expect(renameError).toBeNull();
			const before = await snapshot(first.adminDbUrl);
			await first.stop();
			running = undefined;

			const second = await start();
			expect(await snapshot(second.adminDbUrl)).toEqual(before);
			const again = createNodeClient(second.apiUrl, second.keys.anonKey);
			const { data: signedIn, error: signInError } = await again.auth.signInWithPassword({
				email,
				password
			});
			expect(signInError).toBeNull();
			expect(signedIn.user?.email).toBe(email);
			const { data: own } = await again
				.from('users')
				.select('email, first_name, last_name, role, status')
				.eq('id', signedIn.user?.id ?? '')
				.single();
			expect(own).toEqual({
				email,
				first_name: 'Kept',
				last_name: 'Restarted',
				role: 'manager',
				status: 'active'
			});
			const admin = createNodeClient(second.apiUrl, second.keys.anonKey);
			expect((await admin.auth.signInWithPassword(second.demoAdmin)).error).toBeNull();
		}
	);
});
