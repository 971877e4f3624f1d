import { database, resetDatabase } from '../_shared/database.ts';
import { serveJson } from '../_shared/http.ts';
import { serviceClient } from '../_shared/supabase.ts';
import { updateUser } from './handler.ts';

Deno.serve(
	serveJson(
		updateUser({ service: serviceClient(), db: database(), log: console.error }),
		console.error,
		{
			onDeadline: resetDatabase
		}
	)
);
