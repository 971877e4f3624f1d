// The stack's one way to reach Postgres: a pg pool on a connection URL. In the default mode that
// URL is the embedded PGlite served over the wire protocol, otherwise any Postgres (the tests use a
// throwaway PostgreSQL 15), so every route runs the same SQL against either.
import pg from 'pg';

export interface QueryResult<Row> {
	rows: Row[];
	rowCount: number;
	fields: Array<{ name: string; dataTypeID: number }>;
}

export interface Sql {
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	query<Row = any>(text: string, params?: unknown[]): Promise<QueryResult<Row>>;
}

export interface TransactionOptions {
	readOnly?: boolean;
}

/** A Postgres error as pg reports it: SQLSTATE and the server's own words. */
export interface PostgresError extends Error {
	code: string;
	detail?: string;
	hint?: string;
}

export function isPostgresError(error: unknown): error is PostgresError {
	const code = (error as { code?: unknown } | null)?.code;
	return error instanceof Error && typeof code === 'string' && code.length === 5;
}

export class Database implements Sql {
	readonly url: string;
	private readonly pool: pg.Pool;
	/** Appended to COMMIT and ROLLBACK in the same message; see `restoreSessionAuthorization`. */
	private readonly afterTransaction: string;

	/**
	 * `restoreSessionAuthorization`: PGlite (one session behind every connection of the socket
	 * server) keeps a transaction-local `session_authorization` after the transaction ends, so
	 * after one Data API request every later query of the stack ran as `authenticator` and Auth
	 * failed with "permission denied for schema auth" (tests/faults/pglite-restart.test.ts). The
	 * login user is set back in the same message as COMMIT/ROLLBACK, before the socket server can
	 * hand the session to another connection.
	 */
	constructor(url: string, options: { max?: number; restoreSessionAuthorization?: boolean } = {}) {
		this.url = url;
		const loginUser = decodeURIComponent(new URL(url).username) || 'postgres';
		this.afterTransaction = options.restoreSessionAuthorization ? `; set session authorization "${loginUser.replaceAll('"', '""')}"` : '';
		this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, idleTimeoutMillis: 10_000 });
		// An idle client losing its server (database restart) must not crash the stack.
		this.pool.on('error', (error) => console.error(`[db] idle connection error: ${error.message}`));
		// A checked-out client has no pool listener, and a connection ended by the server (a
		// terminated backend, a restart) emits 'error' even when no query is running, or in the same
		// packet that completed its start-up, before the caller could listen: unhandled, that would
		// crash the whole stack. The query that was running (or the next one) fails on its own.
		this.pool.on('connect', (client) => client.on('error', () => undefined));
	}

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	async query<Row = any>(text: string, params?: unknown[]): Promise<QueryResult<Row>> {
		const result = await this.pool.query(text, params as unknown[]);
		return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0, fields: result.fields };
	}

	/** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
	async transaction<T>(work: (sql: Sql) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
		const client = await this.pool.connect();
		let broken = false;
		// While checked out, a client has no pool listener: a connection that dies between two queries
		// (pg_terminate_backend, a database restart) would emit an unhandled 'error' and crash the
		// stack. The failure reaches `work` through its next query; here it only marks the client.
		const onError = () => {
			broken = true;
		};
		client.on('error', onError);
		try {
			await client.query(options.readOnly ? 'begin read only' : 'begin');
			const sql: Sql = {
				query: async (text, params) => {
					const result = await client.query(text, params as unknown[]);
					return { rows: result.rows, rowCount: result.rowCount ?? 0, fields: result.fields };
				}
			};
			const value = await work(sql);
			await client.query(`commit${this.afterTransaction}`);
			return value;
		} catch (error) {
			try {
				await client.query(`rollback${this.afterTransaction}`);
			} catch {
				broken = true;
			}
			throw error;
		} finally {
			client.removeListener('error', onError);
			client.release(broken);
		}
	}

	async close(): Promise<void> {
		await this.pool.end();
	}
}
