// The GoTrue-compatible Auth API the gateway mounts at /auth/v1: the routes supabase-js's auth and
// auth.admin clients call, answering with GoTrue's bodies, status codes and error shapes.
import { Hono, type Context } from 'hono';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StackContext } from '../context.ts';
import {
	createAdminUser,
	deleteAdminUser,
	getAdminUser,
	listAdminUsers,
	updateAdminUser
} from './admin-routes.ts';
import { API_VERSION_HEADER, AuthHttpError, badRequest, errorResponse } from './errors.ts';
import { passwordGrant, refreshTokenGrant } from './grants.ts';
import { Mailer, smtpTransport } from './mail.ts';
import { mailSettingsFromConfig } from './mail-settings.ts';
import { recover, type MailContext } from './recover.ts';
import { health, loadSettings } from './settings.ts';
import { getUser, logout, updateOwnUser } from './user-routes.ts';
import { verifyGet, verifyPost } from './verify.ts';

type Handler = (ctx: StackContext, c: Context) => Promise<unknown>;

export function createAuthApp(ctx: StackContext): Hono {
	const app = new Hono();
	const settings = loadSettings(ctx.supabaseDir);
	const mail = createMailContext(ctx);

	const json = (handler: Handler) => async (c: Context) =>
		c.json((await handler(ctx, c)) as object, 200);

	app.get('/health', (c) => c.json(health()));
	app.get('/settings', (c) => c.json(settings));

	app.post('/token', async (c) => {
		const grantType = c.req.query('grant_type');
		if (grantType === 'password') return c.json(await passwordGrant(ctx, c));
		if (grantType === 'refresh_token') return c.json(await refreshTokenGrant(ctx, c));
		// GoTrue's own (odd) choice of code for this.
		throw badRequest('invalid_credentials', 'unsupported_grant_type');
	});

	app.post('/recover', async (c) => c.json(await recover(ctx, mail, c)));
	app.get('/verify', (c) => verifyGet(ctx, mail, c));
	app.post('/verify', async (c) => c.json(await verifyPost(ctx, mail, c)));

	app.get('/user', json(getUser));
	app.put('/user', json(updateOwnUser));
	app.post('/logout', async (c) => {
		await logout(ctx, c);
		return c.body(null, 204);
	});

	app.get('/admin/users', json(listAdminUsers));
	app.post('/admin/users', json(createAdminUser));
	app.get('/admin/users/:user_id', json(getAdminUser));
	app.put('/admin/users/:user_id', json(updateAdminUser));
	app.delete('/admin/users/:user_id', json(deleteAdminUser));

	app.all('*', () => {
		throw new AuthHttpError(404, '', 'Not Found');
	});

	app.onError((error, c) => {
		const response = errorResponse(error, {
			apiVersionHeader: c.req.header(API_VERSION_HEADER),
			requestId: crypto.randomUUID()
		});
		if (response.status >= 500) {
			// The request body is never logged: it may hold a password.
			ctx.log(
				'auth',
				`${c.req.method} ${c.req.path} failed: ${error.stack ?? error.message}${describeCause(error)}`
			);
		}
		return c.json(response.body, response.status as 500, response.headers);
	});
	return app;
}

/** The mailer as the Supabase CLI configures GoTrue's: config.toml's settings, the stack's mail catcher. */
function createMailContext(ctx: StackContext): MailContext {
	const settings = mailSettingsFromConfig(
		readFileSync(join(ctx.supabaseDir, 'config.toml'), 'utf8'),
		{
			apiUrl: ctx.apiUrl,
			projectDir: dirname(ctx.supabaseDir)
		}
	);
	const transport = smtpTransport(ctx.smtp, {
		from: settings.from,
		localName: new URL(settings.externalUrl).hostname
	});
	return {
		settings,
		mailer: new Mailer(settings, transport, (message) => ctx.log('auth', message))
	};
}

function describeCause(error: Error): string {
	const internal = error instanceof AuthHttpError ? error.internal : undefined;
	return internal instanceof Error ? ` (caused by: ${internal.message})` : '';
}
