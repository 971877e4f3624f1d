// The one browser client of the app. The URL and anon key come from `$env/dynamic/public`, so a
// build without them still succeeds (CI type-checks and builds without a .env); the values are
// taken from the environment of `vite build` / `vite dev` and served as `_app/env.js`.
import { env } from '$env/dynamic/public';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '$shared/database.types.ts';
import { fetchWithTimeout } from './deadline.ts';

export type AppClient = SupabaseClient<Database>;

export interface SupabaseConfig {
	url: string;
	anonKey: string;
}

export function readConfig(
	source: Record<string, string | undefined> = env
): SupabaseConfig | null {
	const url = source.PUBLIC_SUPABASE_URL?.trim();
	const anonKey = (
		source.PUBLIC_SUPABASE_ANON_KEY ?? source.PUBLIC_SUPABASE_PUBLISHABLE_KEY
	)?.trim();
	return url && anonKey ? { url, anonKey } : null;
}

let client: AppClient | null = null;

/** The shared client, or null when the build was made without a Supabase URL and key. */
export function supabase(): AppClient | null {
	if (client) return client;
	const config = readConfig();
	if (!config) return null;
	client = createClient<Database>(config.url, config.anonKey, {
		// The session survives reloads (localStorage) and is refreshed before it expires.
		auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: false },
		global: { fetch: fetchWithTimeout() }
	});
	return client;
}
