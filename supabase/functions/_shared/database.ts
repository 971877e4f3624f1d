// The functions' own connection to Postgres (SUPABASE_DB_URL, which hosted Supabase gives every
// Edge Function and the local stack passes as the `postgres` login), for what the Data API cannot
// do: one transaction that locks rows, re-checks the caller, changes the row and stays open while
// Auth is called, so that Auth and the row end in agreement whatever runs at the same moment.
import postgres from 'postgres';
import { isDatabaseUnavailable } from './error-codes.ts';
import { fromDataError } from './errors.ts';
import { ApiError, type Log } from './http.ts';
import { USER_COLUMNS, type UserRow } from './users.ts';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

/**
 * postgres.js 3.4.9 on Deno: when the server ends a connection (pg_terminate_backend, a restart)
 * while a write is batched for the next tick, that write still runs after the socket is gone and
 * fails from a timer callback — `Cannot read properties of null (reading 'write')` thrown, or
 * `This socket has been ended by the other party` rejected — which would end the whole function
 * process and every call in flight (found by tests/faults/connection-drop.test.ts). The queries of
 * that connection are already rejected with CONNECTION_CLOSED (→ 503), so a failure of that one
 * write, from that one place, is logged and not fatal.
 */
export function isPostgresWriteAfterClose(error: unknown): boolean {
	if (!(error instanceof Error)) return false;
	const stack = error.stack ?? '';
	if (/at (Immediate\.)?nextWrite \(.*postgres[@/].*connection\.js/.test(stack)) return true;
	// A connection failure raised inside postgres.js's connection for a query nobody awaits (its own
	// bookkeeping queries): every query of ours is awaited and answers 503 on its own.
	return (
		isConnectionFailure(error) &&
		/postgres[@/][^\n]*connection\.js/.test(stack) &&
		!/\/(create-user|update-user|change-password|import-users|_shared)\//.test(stack)
	);
}

function survivePostgresWriteAfterClose(log: Log): void {
	const ignore = (event: Event, error: unknown) => {
		if (!isPostgresWriteAfterClose(error)) return;
		event.preventDefault();
		log(
			`database connection closed under a pending write (postgres.js: ${(error as Error).message}); its queries failed with CONNECTION_CLOSED`
		);
	};
	globalThis.addEventListener('error', (event) => ignore(event, event.error));
	globalThis.addEventListener('unhandledrejection', (event) => ignore(event, event.reason));
}

/** The current pool: created on first use, and anew after `resetDatabase`. */
let current: Sql | undefined;
/** What the handlers hold (built once at start-up): always the current pool. */
let front: Sql | undefined;

function connect(url: string): Sql {
	return postgres(url, {
		// Hosted URLs go through Supavisor in transaction mode, which cannot keep prepared statements.
		prepare: false,
		// No array-type lookup on each new connection: nothing here sends arrays of custom types, and
		// postgres.js runs that lookup unawaited, so a connection cut during it became an unhandled
		// rejection that ended the process.
		fetch_types: false,
		max: 4,
		idle_timeout: 20,
		connect_timeout: 5,
		onnotice: () => {}
	});
}

/** The pool, as one Sql whose connections `resetDatabase` can replace under the handlers. */
export function database(log: Log = console.error): Sql {
	if (front) return front;
	const url = Deno.env.get('SUPABASE_DB_URL');
	if (!url) throw new Error('SUPABASE_DB_URL must be set');
	survivePostgresWriteAfterClose(log);
	const pool = (): Sql => (current ??= connect(url));
	// A function (the tagged template) with properties (begin, json…): both go to the current pool.
	front = new Proxy((() => undefined) as unknown as Sql, {
		apply: (_target, _this, args: unknown[]) => (pool() as (...a: unknown[]) => unknown)(...args),
		get: (_target, property) => Reflect.get(pool(), property)
	});
	return front;
}

/**
 * Replaces the pool's connections. postgres.js 3.4.9 can strand a connection whose server ended it
 * mid-query (its `errored()` leaves the query in place; postgres/postgres#1142, #1199): whatever
 * is queued on it then waits for ever, and with all four stranded every later request of this
 * function did (found by tests/faults/connection-drop.test.ts on CI). Ending the pool at once
 * rejects everything in it (CONNECTION_DESTROYED), so the requests waiting roll back and undo what
 * they did in Auth as on any database failure; the next query opens a new pool.
 */
export function resetDatabase(log: Log = console.error): void {
	const stale = current;
	current = undefined;
	if (!stale) return;
	log('database: a request got no answer in time; the pool is replaced');
	void stale.end({ timeout: 0 }).catch(() => undefined);
}

const CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'ENOTFOUND',
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED',
	'CONNECT_TIMEOUT'
]);

/** The database went away under the call (refused, cut, shut down): nothing was decided by it. */
export function isConnectionFailure(error: unknown): boolean {
	if (!error || typeof error !== 'object') return false;
	const { code, name } = error as { code?: unknown; name?: unknown };
	if (typeof code === 'string' && (CONNECTION_CODES.has(code) || isDatabaseUnavailable(code)))
		return true;
	return name === 'ConnectionRefused' || name === 'ConnectionReset' || name === 'BrokenPipe';
}

/** What a failure of a direct query means for the caller, in the shared codes. */
export function fromDatabaseError(error: unknown, during: string): ApiError {
	if (error instanceof ApiError) return error;
	if (isConnectionFailure(error)) return new ApiError('service_unavailable');
	const { code, message, detail } = (error ?? {}) as {
		code?: unknown;
		message?: unknown;
		detail?: unknown;
	};
	if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
		return fromDataError(
			{ code, message: String(message ?? ''), details: typeof detail === 'string' ? detail : null },
			during
		);
	}
	return new ApiError('internal_error', `Could not ${during}.`);
}

const USER_KEYS = USER_COLUMNS.split(', ') as Array<keyof UserRow>;

/** A users row as the Data API returns it (to_jsonb keeps Postgres' own timestamp format), USER_COLUMNS only. */
export function userRow(json: unknown): UserRow {
	const source = json as Record<string, unknown>;
	return Object.fromEntries(USER_KEYS.map((key) => [key, source[key]])) as unknown as UserRow;
}

/** Retries a read a few times over about 1.5 s, to outlast a connection that was just cut. */
export async function readWithRetries<T>(read: () => Promise<T>): Promise<T> {
	let lastError: unknown;
	for (let attempt = 0; attempt < 5; attempt++) {
		if (attempt) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (attempt - 1)));
		try {
			return await read();
		} catch (error) {
			lastError = error;
			if (!isConnectionFailure(error)) break;
		}
	}
	throw lastError;
}

/** The users row by id, read outside any transaction; null when there is none. */
export async function readUser(db: Sql, id: string): Promise<UserRow | null> {
	const rows = await db`select to_jsonb(u) as row from public.users as u where u.id = ${id}`;
	return rows[0] ? userRow(rows[0].row) : null;
}

/** Whether an Auth user other than `exceptId` holds the address: tells a lost race from an Auth failure. */
export async function authEmailHeldByOther(
	db: Sql | Tx,
	email: string,
	exceptId: string | null
): Promise<boolean> {
	const rows =
		await db`select 1 from auth.users as a where lower(a.email) = lower(${email}) and a.id is distinct from ${exceptId}::uuid limit 1`;
	return rows.length > 0;
}

/**
 * Tells the transaction who acts and for which request. The triggers see the caller as auth.uid(),
 * as for a Data API request (nobody changes their own role or status, whatever path the call
 * takes), and the activity log records them as the actor with this request id.
 */
export async function actAs(tx: Tx, callerId: string, requestId: string): Promise<void> {
	await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: callerId, role: 'service_role' })}, true), set_config('activity.request_id', ${requestId}, true)`;
}

/** An Auth change made inside an action, and how to take it back if the row's change does not commit. */
export interface AuthChange {
	/** Puts Auth back as it was before this action. */
	undo: () => Promise<void>;
	/** Whether the row as read afterwards shows this action's change (then the commit happened). */
	committedIn: (row: UserRow) => boolean;
}

export interface UserAction {
	tx: Tx;
	/** The target's row, locked, read after the lock was granted. */
	target: UserRow;
	/** Call right after Auth changed: should the transaction then not commit, Auth is put back. */
	authChanged: (change: AuthChange) => void;
}

/**
 * Runs one admin action on a target user in one transaction: private.begin_user_action locks the
 * caller's and the target's rows (id order) and re-checks the caller (UA403 → 403 forbidden) and the
 * target (UA404 → 404); `work` changes the row (the triggers still refuse the last active admin:
 * PT409 → 409) and calls Auth while the locks are held; the transaction commits only when `work`
 * returns. When it does not commit after Auth changed, Auth is put back; when the commit's outcome
 * is unknown (the connection dropped under it), the row is read again to find out.
 */
export async function withUserAction<T>(
	db: Sql,
	callerId: string,
	requestId: string,
	targetId: string,
	work: (action: UserAction) => Promise<T>,
	log: Log,
	during = 'change the user'
): Promise<T> {
	let change: AuthChange | undefined;
	let workDone = false;
	let value: T;
	try {
		await db.begin(async (tx) => {
			await actAs(tx, callerId, requestId);
			const [started] =
				await tx`select to_jsonb(t) as row from private.begin_user_action(${callerId}, ${targetId}) as t`;
			value = await work({
				tx,
				target: userRow(started!.row),
				authChanged: (made) => (change = made)
			});
			workDone = true;
		});
		return value!;
	} catch (error) {
		if (!change) throw fromDatabaseError(error, during);
		if (workDone && isConnectionFailure(error)) {
			// The commit was sent and the connection dropped: it may have happened. Look.
			const row = await readWithRetries(() => readUser(db, targetId)).catch(() => undefined);
			if (row === undefined) {
				log(
					`outcome unknown for user ${targetId}: the commit met a dropped connection and the row cannot be read; Auth may differ from the row`
				);
				throw new ApiError('service_unavailable');
			}
			if (row && change.committedIn(row)) return value!;
		}
		await change
			.undo()
			.catch((undoError: Error) =>
				log(`Auth of user ${targetId} may differ from its row (undo failed: ${undoError.message})`)
			);
		throw fromDatabaseError(error, during);
	}
}
