// auth.audit_log_entries rows in GoTrue's payload shape (models.NewAuditLogEntry). Payloads name
// who did what to whom; they never carry a password or a token.
import type { Sql } from '../database.ts';
import { INSTANCE_ID, type UserRecord } from './users.ts';

const LOG_TYPE = {
	login: 'account',
	logout: 'account',
	user_signedup: 'team',
	user_deleted: 'team',
	user_modified: 'user',
	user_updated_password: 'user',
	user_recovery_requested: 'user',
	token_refreshed: 'token',
	token_revoked: 'token'
} as const;

export type AuditAction = keyof typeof LOG_TYPE;

export interface AuditActor {
	id: string;
	username: string;
	fullName?: unknown;
}

export function userActor(user: UserRecord): AuditActor {
	return {
		id: user.id,
		username: user.phone || user.email || '',
		fullName: user.raw_user_meta_data?.full_name
	};
}

/** GoTrue records admin API calls as a nameless user whose email is the token's role. */
export function adminActor(role: string): AuditActor {
	return { id: INSTANCE_ID, username: role };
}

export async function recordAudit(
	sql: Sql,
	actor: AuditActor,
	action: AuditAction,
	traits?: Record<string, unknown>
): Promise<void> {
	const payload: Record<string, unknown> = {
		actor_id: actor.id,
		actor_via_sso: false,
		actor_username: actor.username,
		action,
		log_type: LOG_TYPE[action]
	};
	if (actor.fullName !== undefined) payload.actor_name = actor.fullName;
	if (traits) payload.traits = traits;
	await sql.query(
		`insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address) values ($1, gen_random_uuid(), $2, now(), '')`,
		[INSTANCE_ID, payload]
	);
}
