// Per-install secrets: generated the first time the stack starts on a machine, kept in the
// git-ignored state folder, never committed. Supabase's own local keys are the same for everyone;
// ours are not, so a leaked local key opens nothing but that one machine's stack.
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackKeys } from './context.ts';
import { DEMO_ADMIN_EMAIL, DEMO_USERS } from './demo-users.ts';
import { Jwt } from './jwt.ts';

export interface InstallSecrets extends StackKeys {
	/** The demo admin's first password, set when the demo data is seeded. */
	demoAdminPassword: string;
	/** Every demo persona's first password by email, the admin's included. */
	demoPasswords: Record<string, string>;
}

// No look-alikes (0/O, 1/l/I) so the password can be read off a terminal and typed.
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

function readablePassword(length = 20): string {
	return Array.from({ length }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join(
		''
	);
}

/** API keys as Supabase shapes them: HS256, `iss: supabase-demo`, the role, a distant expiry. */
async function apiKeys(jwtSecret: string): Promise<Pick<StackKeys, 'anonKey' | 'serviceRoleKey'>> {
	const jwt = new Jwt(jwtSecret);
	const iat = Math.floor(Date.now() / 1000);
	const exp = iat + 10 * 365 * 24 * 3600;
	return {
		anonKey: await jwt.sign({ iss: 'supabase-demo', role: 'anon', iat, exp }),
		serviceRoleKey: await jwt.sign({ iss: 'supabase-demo', role: 'service_role', iat, exp })
	};
}

export async function loadOrCreateSecrets(stateDir: string): Promise<InstallSecrets> {
	const file = join(stateDir, 'secrets.json');
	let secrets: InstallSecrets;
	let changed = false;
	if (existsSync(file)) {
		secrets = JSON.parse(readFileSync(file, 'utf8')) as InstallSecrets;
	} else {
		mkdirSync(stateDir, { recursive: true });
		// GoTrue requires at least 32 characters of secret.
		const jwtSecret = randomBytes(32).toString('base64url');
		secrets = {
			jwtSecret,
			...(await apiKeys(jwtSecret)),
			demoAdminPassword: readablePassword(),
			demoPasswords: {}
		};
		changed = true;
	}
	// Installs made before every persona had a password gain the missing ones here, and keep the
	// admin's: it is the one their database was seeded with.
	secrets.demoPasswords ??= {};
	for (const { email } of DEMO_USERS) {
		if (secrets.demoPasswords[email]) continue;
		secrets.demoPasswords[email] =
			email === DEMO_ADMIN_EMAIL ? secrets.demoAdminPassword : readablePassword();
		changed = true;
	}
	if (changed) writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
	return secrets;
}
