// Postgres without installing Postgres: PGlite (Postgres compiled to WASM) persisted in a folder,
// served over the wire protocol so the stack's pool, psql, the Supabase CLI and the Edge Functions
// all connect to it like to any server. PGlite is a single session: the socket server queues
// statements and keeps an open transaction to the connection that began it.
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync, rmSync } from 'node:fs';

export interface EmbeddedPostgres {
	url: string;
	stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: { dataDir: string; port: number; reset?: boolean }): Promise<EmbeddedPostgres> {
	if (options.reset) rmSync(options.dataDir, { recursive: true, force: true });
	mkdirSync(options.dataDir, { recursive: true });
	const db = await PGlite.create({
		dataDir: options.dataDir,
		username: 'postgres',
		// What the bootstrap and the migrations create; PGlite loads extensions only when named here.
		extensions: { pgcrypto, uuid_ossp, pg_trgm, btree_gin }
	});
	const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port, maxConnections: 32 });
	await server.start();
	return {
		url: `postgresql://postgres:postgres@127.0.0.1:${options.port}/postgres`,
		async stop() {
			await server.stop();
			await db.close();
		}
	};
}
