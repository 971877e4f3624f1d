// What every route module of the stack receives. Route modules are Hono apps built from this
// context; gateway.ts mounts them under /auth/v1, /rest/v1 and /functions/v1.
import type { Database } from './database.ts';
import type { Jwt } from './jwt.ts';

export interface StackKeys {
	jwtSecret: string;
	/** JWT with role anon, as Supabase's legacy anon key. */
	anonKey: string;
	/** JWT with role service_role, as Supabase's legacy service-role key. */
	serviceRoleKey: string;
}

export interface StackContext {
	/** The stack's own pool (superuser login). */
	db: Database;
	/** The database as `postgres`, as Supabase gives it to Edge Functions (SUPABASE_DB_URL). */
	dbUrl: string;
	jwt: Jwt;
	keys: StackKeys;
	/** Public base URL of the gateway, e.g. http://127.0.0.1:54321 (no trailing slash). */
	apiUrl: string;
	/** Access token lifetime in seconds (GoTrue's JWT_EXP, 3600 by default). */
	jwtExpiry: number;
	/** Root of the Supabase CLI project (folder holding config.toml, migrations/, functions/). */
	supabaseDir: string;
	/** The mail catcher's SMTP server (plain SMTP, no authentication), where Auth sends mail. */
	smtp: { host: string; port: number };
	log: (scope: string, message: string) => void;
}
