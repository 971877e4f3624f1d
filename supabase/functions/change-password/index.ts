import { database, resetDatabase } from '../_shared/database.ts';
import { serveJson } from '../_shared/http.ts';
import { serviceClient } from '../_shared/supabase.ts';
import { changePassword, ownPasswordThroughAuth } from './handler.ts';

const url = Deno.env.get('SUPABASE_URL');
const anonKey = Deno.env.get('SUPABASE_ANON_KEY');
if (!url || !anonKey) throw new Error('SUPABASE_URL and SUPABASE_ANON_KEY must be set');

Deno.serve(
	serveJson(
		changePassword({
			service: serviceClient(),
			db: database(),
			log: console.error,
			setOwnPassword: ownPasswordThroughAuth(url, anonKey)
		}),
		console.error,
		{ onDeadline: resetDatabase }
	)
);
