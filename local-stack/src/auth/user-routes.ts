// The signed-in user's own endpoints: GET /user, PUT /user, POST /logout (GoTrue's user.go and
// logout.go).
import type { Context } from 'hono';
import type { StackContext } from '../context.ts';
import { authenticateUser } from './access-tokens.ts';
import { recordAudit, userActor } from './audit.ts';
import { badRequest, forbidden, unprocessable } from './errors.ts';
import type { GoStruct } from './go-json.ts';
import {
	checkPasswordStrength,
	hashPassword,
	loadPasswordPolicy,
	verifyPassword
} from './passwords.ts';
import { readParams } from './request.ts';
import { endSessions } from './sessions.ts';
import {
	findIdentities,
	findUserById,
	findUserWithEmail,
	mergeMetadata,
	setPassword,
	updateUser,
	userJson,
	type UserRecord
} from './users.ts';
import { validateEmail, validatePhone } from './validation.ts';

const USER_UPDATE = {
	name: 'UserUpdateParams',
	fields: {
		email: 'string',
		password: 'optionalString',
		nonce: 'string',
		data: 'map',
		app_metadata: 'map',
		phone: 'string',
		channel: 'string',
		code_challenge: 'string',
		code_challenge_method: 'string'
	}
} as const satisfies GoStruct;

/** GOTRUE_JWT_ADMIN_GROUP_NAME default: users with this role may edit their own app_metadata. */
const ADMIN_GROUP_NAME = 'admin';

async function currentUserJson(ctx: StackContext, userId: string) {
	const user = (await findUserById(ctx.db, userId)) as UserRecord;
	return userJson(user, await findIdentities(ctx.db, userId));
}

export async function getUser(ctx: StackContext, c: Context) {
	const { claims, user } = await authenticateUser(ctx, ctx.db, c);
	const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
	const requested = c.req.header('x-jwt-aud') || audience;
	if (typeof audience !== 'string' || audience === '' || requested !== audience) {
		throw badRequest('validation_failed', "Token audience doesn't match request audience");
	}
	return userJson(user, await findIdentities(ctx.db, user.id));
}

export async function updateOwnUser(ctx: StackContext, c: Context) {
	const { user, session } = await authenticateUser(ctx, ctx.db, c);
	const params = await readParams(c, USER_UPDATE);

	const email = params.email ? validateEmail(params.email) : '';
	if (params.phone) validatePhone(params.phone);
	if (params.password !== null)
		checkPasswordStrength(params.password, loadPasswordPolicy(ctx.supabaseDir));
	if (params.app_metadata && user.role !== ADMIN_GROUP_NAME) {
		throw forbidden('not_admin', 'Updating app_metadata requires admin privileges');
	}
	if (
		email &&
		email !== user.email &&
		(await findUserWithEmail(ctx.db, email, user.aud ?? '', user.id))
	) {
		throw unprocessable(
			'email_exists',
			'A user with this email address has already been registered'
		);
	}
	// GoTrue confirms a new address or number by email or SMS; the local stack sends neither.
	if ((email && email !== user.email) || (params.phone && params.phone !== user.phone)) {
		throw badRequest(
			'validation_failed',
			'The local stack cannot confirm a new email address or phone number; change it through the admin API'
		);
	}
	if (params.password && (await verifyPassword(user.encrypted_password, params.password))) {
		throw unprocessable('same_password', 'New password should be different from the old password.');
	}
	const newHash = params.password === null ? null : await hashPassword(params.password);

	await ctx.db.transaction(async (sql) => {
		if (newHash !== null) {
			await setPassword(sql, user.id, newHash);
			// Every other device must sign in again with the new password; this one stays.
			if (session) await endSessions.allBut(sql, user.id, session.id);
			else await endSessions.all(sql, user.id);
			await recordAudit(sql, userActor(user), 'user_updated_password');
		}
		if (params.data)
			await updateUser(sql, user.id, {
				raw_user_meta_data: mergeMetadata(user.raw_user_meta_data, params.data)
			});
		if (params.app_metadata) {
			await updateUser(sql, user.id, {
				raw_app_meta_data: mergeMetadata(user.raw_app_meta_data, params.app_metadata)
			});
		}
		await recordAudit(sql, userActor(user), 'user_modified');
	});
	return currentUserJson(ctx, user.id);
}

export async function logout(ctx: StackContext, c: Context) {
	const { user, session } = await authenticateUser(ctx, ctx.db, c);
	const scope = c.req.query('scope') ?? '';
	if (!['', 'global', 'local', 'others'].includes(scope)) {
		throw badRequest('validation_failed', `Unsupported logout scope ${JSON.stringify(scope)}`);
	}
	await ctx.db.transaction(async (sql) => {
		await recordAudit(sql, userActor(user), 'logout');
		if (!session) await endSessions.sessionlessTokens(sql, user.id);
		else if (scope === 'local') await endSessions.one(sql, session.id);
		else if (scope === 'others') await endSessions.allBut(sql, user.id, session.id);
		else await endSessions.all(sql, user.id);
	});
}
