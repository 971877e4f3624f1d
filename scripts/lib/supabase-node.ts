// supabase-js on Node 20. supabase-js looks for a WebSocket implementation as soon as a
// client is created, for Realtime, and Node 20 has no global WebSocket (browsers, Deno and Node
// 22 do). Nothing this project runs on Node uses Realtime, so clients made here get a transport
// that refuses to be used instead of a dependency on a WebSocket package.
import {
	createClient,
	type SupabaseClient,
	type SupabaseClientOptions
} from '@supabase/supabase-js';
import type { Database } from '../../supabase/functions/_shared/database.types.ts';

class RealtimeIsNotUsedHere {
	constructor() {
		throw new Error('Realtime is not used by the Node side of this project');
	}
}

export function createNodeClient(
	url: string,
	key: string,
	options: SupabaseClientOptions<'public'> = {}
): SupabaseClient<Database> {
	return createClient<Database>(url, key, {
		...options,
		auth: {
			persistSession: false,
			autoRefreshToken: false,
			detectSessionInUrl: false,
			...options.auth
		},
		realtime: { ...options.realtime, transport: RealtimeIsNotUsedHere as never }
	});
}
