// People to act as in contract tests, created the way the product creates them (Auth admin API +
// a users row through the service role) and signed in through supabase-js.
import type { SupabaseClient } from '@supabase/supabase-js';
import { createNodeClient } from '../../scripts/lib/supabase-node.ts';
import type { Database } from '../../supabase/functions/_shared/database.types.ts';
import { serviceClient, stack, uniqueEmail } from './stack-under-test.ts';

type Role = Database['public']['Enums']['user_role'];

export interface Persona {
	id: string;
	email: string;
	password: string;
	organizationId: string;
	accessToken: string;
	refreshToken: string;
	/** Signed in as this persona (anon key + their access token), as the SPA would be. */
	client: SupabaseClient<Database>;
}

export async function createOrganization(name = 'Org'): Promise<string> {
	const { data, error } = await serviceClient()
		.from('organizations')
		.insert({ name: `${name} ${uniqueEmail('o')}`.slice(0, 200) })
		.select('id')
		.single();
	if (error) throw new Error(`organization: ${error.message}`);
	return data.id;
}

export async function createPersona(
	organizationId: string,
	role: Role,
	label: string = role
): Promise<Persona> {
	const service = serviceClient();
	const email = uniqueEmail(label);
	const password = `Pw-${crypto.randomUUID()}`;
	const { data: created, error } = await service.auth.admin.createUser({
		email,
		password,
		email_confirm: true
	});
	if (error || !created.user) throw new Error(`auth user: ${error?.message}`);
	const { error: rowError } = await service.from('users').insert({
		id: created.user.id,
		organization_id: organizationId,
		email,
		first_name: label.replace(/[^A-Za-z]/g, '') || 'Test',
		last_name: 'Persona',
		role
	});
	if (rowError) throw new Error(`users row: ${rowError.message}`);
	return signIn(email, password, organizationId);
}

export async function signIn(
	email: string,
	password: string,
	organizationId = ''
): Promise<Persona> {
	const client = createNodeClient(stack().apiUrl, stack().anonKey);
	const { data, error } = await client.auth.signInWithPassword({ email, password });
	if (error || !data.session) throw new Error(`sign-in of ${email}: ${error?.message}`);
	return {
		id: data.user.id,
		email,
		password,
		organizationId,
		accessToken: data.session.access_token,
		refreshToken: data.session.refresh_token,
		client
	};
}

/** A client that presents exactly this access token, whatever happened to its session since. */
export function clientWithToken(accessToken: string): SupabaseClient<Database> {
	return createNodeClient(stack().apiUrl, stack().anonKey, {
		global: { headers: { Authorization: `Bearer ${accessToken}` } }
	});
}

export interface FunctionResult {
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	headers: Headers;
}

/** POSTs to an Edge Function as the browser would (apikey + bearer), returning status and JSON. */
export async function callFunction(
	name: string,
	bearer: string | null,
	body: unknown,
	init: RequestInit = {}
): Promise<FunctionResult> {
	const headers: Record<string, string> = {
		apikey: stack().anonKey,
		'content-type': 'application/json'
	};
	if (bearer) headers.authorization = `Bearer ${bearer}`;
	const response = await fetch(`${stack().apiUrl}/functions/v1/${name}`, {
		method: 'POST',
		body: typeof body === 'string' ? body : JSON.stringify(body),
		...init,
		headers: { ...headers, ...(init.headers as Record<string, string> | undefined) }
	});
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = text ? JSON.parse(text) : null;
	} catch {
		// Left as text: the assertion on it will say what came back.
	}
	return { status: response.status, body: parsed, headers: response.headers };
}
