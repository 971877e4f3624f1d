// A throwaway PostgreSQL cluster for tests, benchmarks and type generation: its own data directory
// and port, torn down on stop() and also when the process exits or is interrupted, so a failing
// test never leaves a server behind.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local-stack/src/free-port.ts';

export interface PgCluster {
	/** Superuser connection URL over TCP (trust auth on 127.0.0.1 only). */
	url: string;
	port: number;
	dataDir: string;
	stop(): void;
}

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Root may not run a Postgres server; run its binaries as the `postgres` OS user instead. */
function runAsServerUser(cmd: string, args: string[]): void {
	const asRoot = userInfo().uid === 0;
	const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
	const result = spawnSync(file, argv, { encoding: 'utf8' });
	if (result.status !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
	}
}

export async function startThrowawayCluster(options: { settings?: Record<string, string> } = {}): Promise<PgCluster> {
	const dataDir = mkdtempSync(join(tmpdir(), 'umc-pg-'));
	if (userInfo().uid === 0) {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		chownSync(dataDir, uid, gid);
	}

	let stopped = false;
	let started = false;
	const stop = () => {
		if (stopped) return;
		stopped = true;
		process.off('exit', stop);
		if (started) {
			try {
				runAsServerUser(join(PG_BIN, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
			} catch {
				// Already gone; removing the directory below is what matters.
			}
		}
		rmSync(dataDir, { recursive: true, force: true });
	};
	process.on('exit', stop);
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			stop();
			process.exit(130);
		});
	}

	try {
		runAsServerUser(join(PG_BIN, 'initdb'), [
			'-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'
		]);
		const port = await freePort();
		// Durability is pointless for a throwaway cluster; these make setup several times faster.
		const settings: Record<string, string> = {
			listen_addresses: "'127.0.0.1'",
			port: String(port),
			unix_socket_directories: `'${dataDir}'`,
			fsync: 'off',
			synchronous_commit: 'off',
			full_page_writes: 'off',
			max_connections: '200',
			...options.settings
		};
		writeFileSync(
			join(dataDir, 'postgresql.auto.conf'),
			Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n'
		);
		runAsServerUser(join(PG_BIN, 'pg_ctl'), ['start', '-D', dataDir, '-w', '-t', '60', '-l', join(dataDir, 'server.log')]);
		started = true;
		return { url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`, port, dataDir, stop };
	} catch (error) {
		stop();
		throw error;
	}
}
