// The personas of supabase/seed.sql, one of each role, so that every role can be tried without
// first acting as the admin. The seed holds no credentials: each persona's password is generated
// per install (secrets.ts) and set when the demo data is seeded (schema.ts).
// demo-users.test.ts keeps this list and the seed in step.
export const DEMO_USERS = [
	{ email: 'admin@demo.test', role: 'admin' },
	{ email: 'manager@demo.test', role: 'manager' },
	{ email: 'member@demo.test', role: 'member' },
	{ email: 'external@demo.test', role: 'external' }
] as const;

export const DEMO_ADMIN_EMAIL = DEMO_USERS[0].email;

export interface DemoUser {
	email: string;
	role: string;
	password: string;
}

/** The one format the banner and `npm run stack:status` print a persona in. */
export const formatDemoUser = (user: DemoUser) => `${user.email} / ${user.password} / ${user.role}`;
