// /admin/users: what supabase-js's auth.admin sends (GoTrue's admin.go). Every route first checks
// the bearer token has an admin role; all writes happen in one transaction each.
import type { Context } from 'hono';
import { randomBytes, randomUUID } from 'node:crypto';
import type { StackContext } from '../context.ts';
import { isPostgresError, type Sql } from '../database.ts';
import { authenticateAdmin, isUuid } from './access-tokens.ts';
import { adminActor, recordAudit } from './audit.ts';
import { badRequest, internalError, notFound, unprocessable } from './errors.ts';
import type { GoStruct } from './go-json.ts';
import { requestAudience } from './grants.ts';
import {
	checkPasswordStrength,
	hashPassword,
	isBcryptHash,
	loadPasswordPolicy
} from './passwords.ts';
import { readOptionalParams, readParams } from './request.ts';
import { endSessions } from './sessions.ts';
import {
	banUser,
	clearPendingChanges,
	deleteUser,
	DEFAULT_ROLE,
	findIdentities,
	findUserById,
	findUserByPhone,
	findUserWithEmail,
	insertIdentity,
	insertUser,
	listUsers,
	mergeMetadata,
	setPassword,
	updateIdentityData,
	updateUser,
	userJson,
	type UserColumn,
	type UserRecord
} from './users.ts';
import { parseBanDuration, parsePagination, validateEmail, validatePhone } from './validation.ts';

const ADMIN_USER_PARAMS = {
	name: 'AdminUserParams',
	fields: {
		id: 'string',
		aud: 'string',
		role: 'string',
		email: 'string',
		phone: 'string',
		password: 'optionalString',
		password_hash: 'string',
		email_confirm: 'bool',
		phone_confirm: 'bool',
		user_metadata: 'map',
		app_metadata: 'map',
		ban_duration: 'string'
	}
} as const satisfies GoStruct;

const ADMIN_DELETE_PARAMS = {
	name: 'adminUserDeleteParams',
	fields: { should_soft_delete: 'bool' }
} as const satisfies GoStruct;

const DUPLICATE_EMAIL = 'A user with this email address has already been registered';

async function loadUser(sql: Sql, c: Context): Promise<UserRecord> {
	const id = c.req.param('user_id') ?? '';
	if (!isUuid(id)) throw notFound('validation_failed', 'user_id must be an UUID');
	const user = await findUserById(sql, id);
	if (!user) throw notFound('user_not_found', 'User not found');
	return user;
}

async function userWithIdentities(sql: Sql, id: string) {
	return userJson((await findUserById(sql, id)) as UserRecord, await findIdentities(sql, id));
}

/** GoTrue's 64-character random password for users created without one. */
const randomPassword = () => randomBytes(48).toString('base64url');

export async function listAdminUsers(ctx: StackContext, c: Context) {
	const claims = await authenticateAdmin(ctx, c);
	const pagination = parsePagination({
		page: c.req.query('page'),
		perPage: c.req.query('per_page')
	});
	const aud =
		c.req.header('x-jwt-aud') ||
		(typeof claims.aud === 'string' && claims.aud) ||
		requestAudience(c);
	const { users, total } = await listUsers(ctx.db, {
		aud,
		...pagination,
		filter: c.req.query('filter') ?? ''
	});

	// GoTrue's addPaginationHeaders: the request's own query with another page, keys sorted.
	const totalPages = Math.ceil(total / pagination.perPage);
	const linkTo = (page: number) => {
		const query = new URLSearchParams(new URL(c.req.url).search);
		query.set('page', String(page));
		query.sort();
		return `</admin/users?${query.toString()}>`;
	};
	const links = [];
	if (totalPages > pagination.page) links.push(`${linkTo(pagination.page + 1)}; rel="next"`);
	links.push(`${linkTo(totalPages)}; rel="last"`);
	c.header('link', links.join(', '));
	c.header('x-total-count', String(total));
	// GoTrue does not load identities for the list and sends them as null.
	return { users: users.map((user) => userJson(user, null)), aud };
}

export async function getAdminUser(ctx: StackContext, c: Context) {
	await authenticateAdmin(ctx, c);
	const user = await loadUser(ctx.db, c);
	return userJson(user, await findIdentities(ctx.db, user.id));
}

export async function createAdminUser(ctx: StackContext, c: Context) {
	const claims = await authenticateAdmin(ctx, c);
	const params = await readParams(c, ADMIN_USER_PARAMS);
	const aud = params.aud || requestAudience(c);

	if (!params.email && !params.phone)
		throw badRequest('validation_failed', 'Cannot create a user without either an email or phone');
	const providers: Array<'email' | 'phone'> = [];
	const email = params.email ? validateEmail(params.email) : null;
	if (email) {
		if (await findUserWithEmail(ctx.db, email, aud))
			throw unprocessable('email_exists', DUPLICATE_EMAIL);
		providers.push('email');
	}
	const phone = params.phone ? validatePhone(params.phone) : null;
	if (phone) {
		if (await findUserByPhone(ctx.db, phone, aud))
			throw unprocessable('phone_exists', 'Phone number already registered by another user');
		providers.push('phone');
	}
	if (params.password !== null && params.password_hash) {
		throw badRequest('validation_failed', 'Only a password or a password hash should be provided');
	}
	if (params.password) checkPasswordStrength(params.password, loadPasswordPolicy(ctx.supabaseDir));
	// Only bcrypt hashes are accepted; GoTrue also takes Argon2 and Firebase scrypt ones.
	if (params.password_hash && !isBcryptHash(params.password_hash))
		throw internalError('Error creating user');
	const encryptedPassword =
		params.password_hash || (await hashPassword(params.password || randomPassword()));

	let id: string = randomUUID();
	if (params.id) {
		if (!isUuid(params.id))
			throw badRequest('validation_failed', 'ID must conform to the uuid v4 format');
		if (/^[0-]+$/.test(params.id)) throw badRequest('validation_failed', 'ID cannot be a nil uuid');
		id = params.id.toLowerCase();
	}
	const banMicros = parseBanDuration(params.ban_duration);

	const appMetadata = mergeMetadata(
		{ provider: providers[0], providers },
		params.app_metadata ?? {}
	);
	const userMetadata = mergeMetadata(
		params.user_metadata ?? {},
		params.email_confirm ? { email_verified: true } : {}
	);
	try {
		await ctx.db.transaction(async (sql) => {
			await insertUser(sql, {
				id,
				aud,
				email,
				phone,
				encryptedPassword,
				appMetadata,
				userMetadata,
				banMicros,
				role: params.role.trim() || DEFAULT_ROLE,
				emailConfirmed: params.email_confirm,
				phoneConfirmed: params.phone_confirm
			});
			const unverified = { email_verified: false, phone_verified: false };
			if (email) await insertIdentity(sql, id, 'email', { sub: id, email, ...unverified });
			if (phone) await insertIdentity(sql, id, 'phone', { sub: id, phone, ...unverified });
			await recordAudit(sql, adminActor(String(claims.role)), 'user_signedup', {
				user_id: id,
				user_email: email ?? '',
				user_phone: phone ?? '',
				provider: providers[0]
			});
		});
	} catch (error) {
		if (isPostgresError(error)) throw internalError('Database error creating new user', error);
		throw error;
	}
	return userWithIdentities(ctx.db, id);
}

export async function updateAdminUser(ctx: StackContext, c: Context) {
	const claims = await authenticateAdmin(ctx, c);
	const user = await loadUser(ctx.db, c);
	const params = await readParams(c, ADMIN_USER_PARAMS);

	const email = params.email ? validateEmail(params.email) : null;
	const phone = params.phone ? validatePhone(params.phone) : null;
	const banMicros = parseBanDuration(params.ban_duration);
	if (params.password !== null)
		checkPasswordStrength(params.password, loadPasswordPolicy(ctx.supabaseDir));
	const newHash = params.password === null ? null : await hashPassword(params.password);

	try {
		await ctx.db.transaction(async (sql) => {
			const columns: Partial<Record<UserColumn, unknown>> = {};
			const toNow: UserColumn[] = [];
			if (params.role) columns.role = params.role.trim();
			if (params.email_confirm) toNow.push('email_confirmed_at');
			if (params.phone_confirm) toNow.push('phone_confirmed_at');
			if (email) columns.email = email;
			if (phone) columns.phone = phone;
			if (params.app_metadata)
				columns.raw_app_meta_data = mergeMetadata(user.raw_app_meta_data, params.app_metadata);
			// Confirming the email also marks it verified in the metadata, before the caller's own keys.
			const confirmed = params.email_confirm ? { email_verified: true } : {};
			if (params.email_confirm || params.user_metadata) {
				columns.raw_user_meta_data = mergeMetadata(
					mergeMetadata(user.raw_user_meta_data, confirmed),
					params.user_metadata ?? {}
				);
			}
			if (Object.keys(columns).length > 0 || toNow.length > 0)
				await updateUser(sql, user.id, columns, toNow);

			if (newHash !== null) {
				await setPassword(sql, user.id, newHash);
				// An admin-set password signs the user out everywhere (GoTrue's UpdatePassword(tx, nil)).
				await endSessions.all(sql, user.id);
			}
			if (email)
				await upsertIdentity(sql, user.id, 'email', {
					email,
					email_verified: params.email_confirm
				});
			if (phone)
				await upsertIdentity(sql, user.id, 'phone', {
					phone,
					phone_verified: params.phone_confirm
				});
			if (email || phone) await clearPendingChanges(sql, user.id);
			if (banMicros !== null) await banUser(sql, user.id, banMicros);
			await recordAudit(sql, adminActor(String(claims.role)), 'user_modified', {
				user_id: user.id,
				user_email: email ?? user.email ?? '',
				user_phone: phone ?? user.phone ?? ''
			});
		});
	} catch (error) {
		// GoTrue has no duplicate check here: a taken email fails on the unique index, as a 500.
		if (isPostgresError(error)) throw internalError('Error updating user', error);
		throw error;
	}
	return userWithIdentities(ctx.db, user.id);
}

async function upsertIdentity(
	sql: Sql,
	userId: string,
	provider: 'email' | 'phone',
	data: Record<string, unknown>
): Promise<void> {
	if (await updateIdentityData(sql, userId, provider, data)) return;
	await insertIdentity(sql, userId, provider, {
		sub: userId,
		email_verified: false,
		phone_verified: false,
		...data
	});
}

export async function deleteAdminUser(ctx: StackContext, c: Context) {
	const claims = await authenticateAdmin(ctx, c);
	const user = await loadUser(ctx.db, c);
	const params = await readOptionalParams(c, ADMIN_DELETE_PARAMS);
	if (params.should_soft_delete) {
		throw badRequest(
			'validation_failed',
			'Soft deletion is not supported by the local stack; delete without should_soft_delete'
		);
	}
	await ctx.db.transaction(async (sql) => {
		await recordAudit(sql, adminActor(String(claims.role)), 'user_deleted', {
			user_id: user.id,
			user_email: user.email ?? '',
			user_phone: user.phone ?? ''
		});
		try {
			await deleteUser(sql, user.id);
		} catch (error) {
			// e.g. public.users still references the user (on delete restrict).
			if (isPostgresError(error)) throw internalError('Database error deleting user', error);
			throw error;
		}
	});
	return {};
}
