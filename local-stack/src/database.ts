// The stack's one way to reach Postgres: a pg pool on a connection URL, the embedded server's or
// any other, so every route runs the same SQL against either.
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
	constructor(url: string, options: { max?: number } = {}) {
		this.url = url;
		this.pool = new pg.Pool({
			connectionString: url,
			max: options.max ?? 10,
			idleTimeoutMillis: 10_000
		});
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
	async transaction<T>(
		work: (sql: Sql) => Promise<T>,
		options: TransactionOptions = {}
	): Promise<T> {
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
			await client.query('commit');
			return value;
		} catch (error) {
			try {
				await client.query('rollback');
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
