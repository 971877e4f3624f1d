// What contract tests know about the Supabase they run against, and helpers to reach it.
import type { AdminUserAttributes, SupabaseClient, User } from '@supabase/supabase-js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { Database } from '../../supabase/functions/_shared/database.types.ts';
import { createNodeClient } from '../../scripts/lib/supabase-node.ts';

export interface StackUnderTest {
	apiUrl: string;
	anonKey: string;
	serviceRoleKey: string;
	/** Superuser connection, for setting up and inspecting state; null when not given. */
	dbUrl: string | null;
	/** The mail catcher (Mailpit's API under /api/v1); null when not given. */
	mailUrl: string | null;
	/** For forging tokens in attack tests; null when not given. */
	jwtSecret: string | null;
	embedded: boolean;
}

declare module 'vitest' {
	export interface ProvidedContext {
		stack: StackUnderTest;
	}
}

export const stack = (): StackUnderTest => inject('stack');

/** A browser-like client: the anon key, as the SPA has it. */
export function anonClient(): SupabaseClient<Database> {
	return createNodeClient(stack().apiUrl, stack().anonKey);
}

/** The service-role client, as Edge Functions and operators use it. */
export function serviceClient(): SupabaseClient<Database> {
	return createNodeClient(stack().apiUrl, stack().serviceRoleKey);
}

/** A superuser connection to the stack's database (null when the target gives none). */
export async function withDb<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
	const url = stack().dbUrl;
	if (!url) throw new Error('this test needs SUPABASE_DB_URL');
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

let counter = 0;
/** A unique email per call, so tests never collide with each other or with earlier runs. */
export function uniqueEmail(label = 'user'): string {
	return `${label}.${Date.now().toString(36)}.${(counter++).toString(36)}@contract.test`;
}

/** A password no test has used before. */
export const newPassword = () => `Pw-${randomUUID()}`;

/** A confirmed Auth user with a fresh email and password, made through the admin API. */
export async function createAuthUser(
	label: string,
	attributes: AdminUserAttributes = {}
): Promise<{ user: User; email: string; password: string }> {
	const email = uniqueEmail(label);
	const password = newPassword();
	const { data, error } = await serviceClient().auth.admin.createUser({
		email,
		password,
		email_confirm: true,
		...attributes
	});
	if (error || !data.user) throw error ?? new Error('no user');
	return { user: data.user, email, password };
}
