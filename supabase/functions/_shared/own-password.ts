// Changing one's own password (POST /functions/v1/change-password): the request, who may, and how
// a session that came from a password-recovery link is recognised. Pure: no I/O, shared by the SPA
// and the function.
import * as z from 'zod/mini';
import type { UserRole } from './user-input.ts';

/** Body of POST /functions/v1/change-password. Unknown keys are refused. */
export const changePasswordInput = z.strictObject({
	password: z.string({ error: 'Password must be text' }),
	/** An admin changing a password that is already theirs proves they know it. */
	current_password: z.optional(z.string({ error: 'Current password must be text' }))
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

/**
 * The `amr` methods GoTrue gives the session of a verified email link (verify.go issues it with
 * models.OTP, "otp"; "magiclink" and "recovery" are the ones Session.IsRecovery also accepts).
 * Whoever opened it proved they read the account's mail, as "Forgot password?" asks.
 */
export const RECOVERY_METHODS: ReadonlySet<string> = new Set(['otp', 'magiclink', 'recovery']);

/**
 * How long after the link was verified its session may still change the password without the
 * current one: the recovery page asks at once; later the session is like any other. GoTrue keeps
 * the method for the session's whole life (refreshes included), hence the bound here.
 */
export const RECOVERY_SESSION_MAX_AGE_SECONDS = 60 * 60;

/** The claims of a JWT, without checking it: only for a token Auth has just accepted. */
export function unverifiedClaims(token: string): Record<string, unknown> {
	const payload = token.split('.')[1];
	if (!payload) return {};
	try {
		const base64 = payload.replaceAll('-', '+').replaceAll('_', '/');
		const text = new TextDecoder().decode(
			Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) =>
				c.charCodeAt(0)
			)
		);
		const claims: unknown = JSON.parse(text);
		return claims && typeof claims === 'object' && !Array.isArray(claims)
			? (claims as Record<string, unknown>)
			: {};
	} catch {
		return {};
	}
}

/**
 * Whether the token's session was opened by a password-recovery link within the last
 * RECOVERY_SESSION_MAX_AGE_SECONDS (GoTrue's `amr`: [{ method, timestamp }], timestamp in seconds).
 */
export function isRecoverySession(claims: Record<string, unknown>, nowSeconds: number): boolean {
	const amr = claims.amr;
	if (!Array.isArray(amr)) return false;
	return amr.some((entry) => {
		if (!entry || typeof entry !== 'object') return false;
		const { method, timestamp } = entry as { method?: unknown; timestamp?: unknown };
		return (
			typeof method === 'string' &&
			RECOVERY_METHODS.has(method) &&
			typeof timestamp === 'number' &&
			timestamp <= nowSeconds + 60 &&
			nowSeconds - timestamp <= RECOVERY_SESSION_MAX_AGE_SECONDS
		);
	});
}

export type PasswordChangeRoute =
	/** Allowed without the current password. */
	| 'allowed'
	/** Allowed once the current password is proven right. */
	| 'check_current'
	/** An admin who did not send the current password. */
	| 'current_required'
	/** Everyone else: "Forgot password?" on the sign-in page. */
	| 'use_forgot_password';

/**
 * Who may change their own password, and how: anyone whose password is temporary (an admin set it)
 * or whose session came from a recovery link; an active admin who proves the current one; nobody
 * else (Managers, Members and External users change theirs through "Forgot password?"). A current
 * password sent where it is not needed is still checked; one sent by someone who may not change
 * their password this way is not looked at (the function is no oracle for it).
 */
export function passwordChangeRoute(caller: {
	mustChangePassword: boolean;
	recoverySession: boolean;
	role: UserRole;
	currentPasswordGiven: boolean;
}): PasswordChangeRoute {
	if (caller.mustChangePassword || caller.recoverySession)
		return caller.currentPasswordGiven ? 'check_current' : 'allowed';
	if (caller.role !== 'admin') return 'use_forgot_password';
	return caller.currentPasswordGiven ? 'check_current' : 'current_required';
}
