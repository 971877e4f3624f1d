// GET /health and GET /settings. Settings mirror supabase/config.toml the way the Supabase CLI
// configures GoTrue from it; OAuth providers stay off because the local stack implements none.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';

const OAUTH_PROVIDERS = [
	'apple',
	'azure',
	'bitbucket',
	'discord',
	'facebook',
	'figma',
	'fly',
	'github',
	'gitlab',
	'google',
	'keycloak',
	'kakao',
	'linkedin',
	'linkedin_oidc',
	'notion',
	'spotify',
	'slack',
	'slack_oidc',
	'workos',
	'twitch',
	'twitter',
	'zoom'
] as const;

export function health() {
	return {
		version: 'local-stack',
		name: 'GoTrue',
		description: 'GoTrue is a user registration and authentication API'
	};
}

type Table = Record<string, unknown>;

function table(parent: unknown, key: string): Table {
	const value = (parent as Table | undefined)?.[key];
	return typeof value === 'object' && value !== null ? (value as Table) : {};
}

/** A config.toml flag, with the CLI's default when the project leaves it out. */
function flag(section: Table, key: string, fallback: boolean): boolean {
	const value = section[key];
	return typeof value === 'boolean' ? value : fallback;
}

export function settingsFromConfig(configToml: string) {
	const auth = table(parse(configToml), 'auth');
	const email = table(auth, 'email');
	const sms = table(auth, 'sms');
	const external: Record<string, boolean> = {
		anonymous_users: flag(auth, 'enable_anonymous_sign_ins', false)
	};
	for (const provider of OAUTH_PROVIDERS) external[provider] = false;
	external.email = flag(email, 'enable_signup', true);
	external.phone = flag(sms, 'enable_signup', false);
	return {
		external,
		disable_signup: !flag(auth, 'enable_signup', true),
		mailer_autoconfirm: !flag(email, 'enable_confirmations', false),
		phone_autoconfirm: !flag(sms, 'enable_confirmations', false),
		sms_provider: '',
		saml_enabled: false
	};
}

export function loadSettings(supabaseDir: string) {
	return settingsFromConfig(readFileSync(join(supabaseDir, 'config.toml'), 'utf8'));
}
