// The benchmarks' admin on a fresh test stack: an organization of its own, an active admin in it,
// signed in with supabase-js as the SPA would be.
import type { SupabaseClient } from '@supabase/supabase-js';
import { createNodeClient } from '../scripts/lib/supabase-node.ts';
import type { Database } from '../supabase/functions/_shared/database.types.ts';
import type { RunningStack } from '../local-stack/src/stack.ts';

export interface BenchAdmin {
	organizationId: string;
	userId: string;
	/** The service-role client (setup and reference timings, never the measured path). */
	service: SupabaseClient<Database>;
	/** The admin's own signed-in client. */
	client: SupabaseClient<Database>;
	email: string;
	/** For signing in elsewhere (the browser); made for this run only. */
	password: string;
	accessToken: string;
}

export async function createBenchAdmin(
	stack: Pick<RunningStack, 'apiUrl' | 'keys'>,
	label: string
): Promise<BenchAdmin> {
	const service = createNodeClient(stack.apiUrl, stack.keys.serviceRoleKey);
	const { data: org } = await service
		.from('organizations')
		.insert({ name: `Bench ${label}` })
		.select('id')
		.single();
	const email = `bench.admin@${label}.test`;
	const password = `Bench-${crypto.randomUUID()}`;
	const { data: created } = await service.auth.admin.createUser({
		email,
		password,
		email_confirm: true
	});
	await service.from('users').insert({
		id: created.user!.id,
		organization_id: org!.id,
		email,
		first_name: 'Bench',
		last_name: 'Admin',
		role: 'admin'
	});
	const client = createNodeClient(stack.apiUrl, stack.keys.anonKey);
	const { data: session } = await client.auth.signInWithPassword({ email, password });
	return {
		organizationId: org!.id,
		userId: created.user!.id,
		service,
		client,
		email,
		password,
		accessToken: session.session!.access_token
	};
}
