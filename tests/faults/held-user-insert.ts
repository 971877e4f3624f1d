// A users row insert held on an advisory lock, as the fault tests put a function between its
// steps: a test trigger on public.users waits for the lock on rows of some emails (and then, if
// asked, fails the insert), while the test holds the lock on a connection of its own.
import pg from 'pg';
import { stack, withDb } from '../stack/stack-under-test.ts';

export interface HeldUserInsert {
	/** Installs the trigger (beforeAll). */
	install(): Promise<void>;
	/** Removes the trigger and its function; safe to call twice. */
	remove(): Promise<void>;
	/** Holds the lock on a connection of its own until the returned release is called. */
	hold(): Promise<() => Promise<void>>;
}

export function heldUserInsert(options: {
	/** The trigger's and its function's name. */
	name: string;
	/** Rows whose email starts like this (…@fault.test) are held. */
	emailPrefix: string;
	lockKey: number;
	/** Once the lock is released, fail the insert with this message instead of letting it through. */
	thenFail?: string;
}): HeldUserInsert {
	const { name, emailPrefix, lockKey, thenFail } = options;
	return {
		install: () =>
			withDb((db) =>
				db.query(`
				create function public.${name}() returns trigger language plpgsql security definer set search_path = '' as $$
				begin
					if new.email like '${emailPrefix}.%@fault.test' then
						perform pg_advisory_xact_lock(${lockKey});
						${thenFail ? `raise exception '${thenFail.replaceAll("'", "''")}';` : ''}
					end if;
					return new;
				end $$;
				revoke all on function public.${name}() from public, anon, authenticated, service_role;
				create trigger ${name} before insert on public.users for each row execute function public.${name}();`)
			).then(() => undefined),
		remove: () =>
			withDb((db) =>
				db.query(
					`drop trigger if exists ${name} on public.users; drop function if exists public.${name}();`
				)
			).then(() => undefined),
		async hold() {
			const holder = new pg.Client({ connectionString: stack().dbUrl ?? '' });
			await holder.connect();
			await holder.query('select pg_advisory_lock($1)', [lockKey]);
			return async () => {
				await holder.query('select pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
				await holder.end();
			};
		}
	};
}

/** How many Auth users and users rows have an email: both 0 or both 1 when nothing is half-made. */
export const authAndRowCounts = (email: string) =>
	withDb(
		async (db) =>
			(
				await db.query(
					`select (select count(*)::int from auth.users where email = $1) as auth, (select count(*)::int from public.users where email = $1) as rows`,
					[email]
				)
			).rows[0] as { auth: number; rows: number }
	);

/** Polls a check until it holds, or fails naming what it waited for. */
export async function waitFor(
	what: string,
	check: () => Promise<boolean>,
	timeoutMs = 15_000
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}
