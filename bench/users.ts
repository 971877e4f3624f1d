// The User Management table's requests at scale: every order both ways (first, next, previous and
// last page), a page deep in the list, the role, status and sign-in filters, and searches from one
// letter on, each as the SPA sends it (UsersApi.list: list_users, and count_users when the total
// is shown), recorded through the in-process Data API and replayed under the Data API's role and
// against the floor. The database functions plan their own statements, so the plan checked is
// theirs (auto_explain of nested statements), and each page is compared with the same view read
// straight from the table: a fast wrong answer must not pass.
import type pg from 'pg';
import type { ListParams, ListPosition, SortKey, UsersApi } from '../src/lib/users/api.ts';
import type { UserRow } from '../src/lib/users/types.ts';
import {
	measureQuery,
	splitRequests,
	type QueryFigure,
	type RecordingDatabase,
	type Replay
} from './replay.ts';

export interface UsersQueryFigure extends QueryFigure {
	/** A search (budget 25 ms) rather than a plain page (10 ms). */
	search: boolean;
	/** The organization's users, for the plan check. */
	organizationUsers: number;
	/** From the functions' own statements: a sequential scan of users, and the most rows a sort read. */
	innerSeqScan: boolean;
	largestSort: number;
}

export interface UsersView {
	name: string;
	params: ListParams;
}

const SORTS: SortKey[] = ['name', 'email', 'role', 'status', 'created_at', 'last_sign_in_at'];
const SORT_LABELS: Record<SortKey, string> = {
	name: 'name',
	email: 'email',
	role: 'role',
	status: 'status',
	created_at: 'created',
	last_sign_in_at: 'last sign-in'
};

/** The key columns of each order, as list_users sorts (names lower-cased, byte order, then id). */
const ORDER_SQL: Record<SortKey, string[]> = {
	name: ['lower(last_name) collate "C"', 'lower(first_name) collate "C"', 'id'],
	email: ['email collate "C"'],
	created_at: ['created_at', 'id'],
	last_sign_in_at: [`coalesce(last_sign_in_at, '-infinity')`, 'id'],
	role: ['role', 'status', 'lower(last_name) collate "C"', 'lower(first_name) collate "C"', 'id'],
	status: ['status', 'role', 'lower(last_name) collate "C"', 'lower(first_name) collate "C"', 'id']
};

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The view read straight from the table, as a superuser: the page list_users must return. */
function referenceSql(organizationId: string, params: ListParams): string {
	const conditions = [`organization_id = ${literal(organizationId)}`];
	if (params.role) conditions.push(`role = ${literal(params.role)}`);
	if (params.status) conditions.push(`status = ${literal(params.status)}`);
	if (params.signedIn === 'never') conditions.push('last_sign_in_at is null');
	if (params.signedIn === 'not_in_90_days')
		conditions.push(
			`(last_sign_in_at is null or last_sign_in_at < ${literal(params.signedInBefore!)})`
		);
	const search = params.search.trim().toLowerCase();
	if (search.length > 0 && search.length <= 2) {
		const prefix = literal(`${escapeLike(search)}%`);
		conditions.push(
			`(lower(first_name) like ${prefix} or lower(last_name) like ${prefix} or email like ${prefix})`
		);
	} else if (search) {
		const contains = literal(`%${escapeLike(search)}%`);
		conditions.push(
			`((first_name || ' ' || last_name) ilike ${contains} or email ilike ${contains})`
		);
	}
	const columns = ORDER_SQL[params.sort].filter(
		(column) => !(params.role && column === 'role') && !(params.status && column === 'status')
	);
	const { position } = params;
	const backwards = 'before' in position || ('from' in position && position.from === 'end');
	const ascending = params.ascending !== backwards;
	if ('after' in position || 'before' in position) {
		const anchor = 'after' in position ? position.after : position.before;
		conditions.push(
			`(${columns.join(', ')}) ${ascending ? '>' : '<'} (select ${columns.join(', ')} from public.users where id = ${literal(anchor)})`
		);
	}
	const size =
		'from' in position && position.from === 'end'
			? (position.size ?? params.pageSize)
			: params.pageSize;
	const order = columns.map((column) => `${column} ${ascending ? 'asc' : 'desc'}`).join(', ');
	return `select id from public.users where ${conditions.join(' and ')} order by ${order} limit ${size + 1}`;
}

/** The views measured, for an organization and rows of it to continue from. */
export async function usersViews(
	owner: pg.Client,
	organizationId: string,
	options: { small?: boolean; signedInBefore: string }
): Promise<UsersView[]> {
	const base: ListParams = {
		organizationId,
		search: '',
		role: '',
		status: '',
		sort: 'name',
		ascending: true,
		position: { from: 'start' },
		pageSize: 50,
		withCount: false
	};
	if (options.small)
		return [
			{ name: 'first page by name, with the total', params: { ...base, withCount: true } },
			{
				name: 'search "ford", by name, with count',
				params: { ...base, search: 'ford', withCount: true }
			},
			{
				name: 'admins by created, newest first, with count',
				params: { ...base, role: 'admin', sort: 'created_at', ascending: false, withCount: true }
			}
		];
	const { users } = (
		await owner.query<{ users: number }>(
			'select count(*)::int as users from public.users where organization_id = $1',
			[organizationId]
		)
	).rows[0]!;
	const rowAt = async (sort: SortKey, ascending: boolean, rank: number) => {
		const order = ORDER_SQL[sort].map((c) => `${c} ${ascending ? 'asc' : 'desc'}`).join(', ');
		const { rows } = await owner.query<{ id: string }>(
			`select id from public.users where organization_id = $1 order by ${order} offset $2 limit 1`,
			[organizationId, rank - 1]
		);
		return rows[0]!.id;
	};
	const deep = Math.round(users * 0.9);
	const views: UsersView[] = [];
	for (const sort of SORTS)
		for (const ascending of [true, false])
			views.push({
				name: `first page by ${SORT_LABELS[sort]}${ascending ? '' : ', descending'}${sort === 'name' && ascending ? ', with the total' : ''}`,
				params: { ...base, sort, ascending, withCount: sort === 'name' && ascending }
			});
	for (const sort of SORTS) {
		views.push({
			name: `next page by ${SORT_LABELS[sort]} (after row 50)`,
			params: { ...base, sort, position: { after: await rowAt(sort, true, 50) } }
		});
		views.push({
			name: `last page by ${SORT_LABELS[sort]}`,
			params: { ...base, sort, position: { from: 'end' } }
		});
	}
	const deepName = await rowAt('name', true, deep);
	views.push(
		{
			name: `page deep in the list by name (row ${deep.toLocaleString('en')})`,
			params: { ...base, position: { after: deepName } }
		},
		{
			name: `previous page deep in the list by name (before row ${deep.toLocaleString('en')})`,
			params: { ...base, position: { before: deepName } }
		},
		{
			name: `page deep by created, newest first (row ${deep.toLocaleString('en')})`,
			params: {
				...base,
				sort: 'created_at',
				ascending: false,
				position: { after: await rowAt('created_at', false, deep) }
			}
		}
	);
	const filtered: Array<[string, Partial<ListParams>]> = [
		['admins by created, newest first', { role: 'admin', sort: 'created_at', ascending: false }],
		['members by name', { role: 'member' }],
		['inactive by email', { status: 'inactive', sort: 'email' }],
		[
			'inactive members by last sign-in, latest first',
			{ role: 'member', status: 'inactive', sort: 'last_sign_in_at', ascending: false }
		],
		['inactive admins (none) by name', { role: 'admin', status: 'inactive' }],
		['inactive users by role', { status: 'inactive', sort: 'role' }],
		['admins by status, descending', { role: 'admin', sort: 'status', ascending: false }],
		['never signed in, by name', { signedIn: 'never' }],
		[
			'never signed in, by last sign-in, descending',
			{ signedIn: 'never', sort: 'last_sign_in_at', ascending: false }
		],
		[
			'not in 90 days, by created, newest first',
			{
				signedIn: 'not_in_90_days',
				signedInBefore: options.signedInBefore,
				sort: 'created_at',
				ascending: false
			}
		]
	];
	for (const [name, params] of filtered)
		views.push({ name: `${name}, with count`, params: { ...base, ...params, withCount: true } });
	const searches: Array<[string, Partial<ListParams>]> = [
		['"a" by name', { search: 'a' }],
		['"a" by email', { search: 'a', sort: 'email' }],
		['"ma" by email', { search: 'ma', sort: 'email' }],
		['"ma" by created, newest first', { search: 'ma', sort: 'created_at', ascending: false }],
		['"z" by name, descending', { search: 'z', ascending: false }],
		['"xq" (nobody) by name', { search: 'xq' }],
		['"ford" by name', { search: 'ford' }],
		[
			'"ford" by last sign-in, latest first',
			{ search: 'ford', sort: 'last_sign_in_at', ascending: false }
		],
		[
			'"ford", active members, by created',
			{ search: 'ford', role: 'member', status: 'active', sort: 'created_at' }
		],
		['"mor" by name', { search: 'mor' }],
		['"ada alford" (first and last) by name', { search: 'ada alford' }],
		['"org41." (an email domain) by name', { search: 'org41.' }],
		['"zelford.1001" (nobody) by created', { search: 'zelford.1001', sort: 'created_at' }],
		['"a", never signed in, by email', { search: 'a', signedIn: 'never', sort: 'email' }]
	];
	for (const [name, params] of searches)
		views.push({
			name: `search ${name}, with count`,
			params: { ...base, ...params, withCount: true }
		});
	return views;
}

interface NestedPlans {
	seqScan: boolean;
	largestSort: number;
	summary: string;
}

function walk(plan: Record<string, unknown>, visit: (node: Record<string, unknown>) => void): void {
	visit(plan);
	for (const child of (plan.Plans as Array<Record<string, unknown>> | undefined) ?? [])
		walk(child, visit);
}

/**
 * The plans of the statements the functions run for a view, with their actual row counts
 * (auto_explain of nested statements, reported to this session as notices).
 */
async function nestedPlans(
	replay: Replay,
	requests: ReturnType<typeof splitRequests>
): Promise<NestedPlans> {
	const db = replay.client;
	const notices: string[] = [];
	const listen = (notice: { message?: string }) => notice.message && notices.push(notice.message);
	db.on('notice', listen);
	try {
		await db.query(`load 'auto_explain'`);
		for (const request of requests) {
			await db.query('begin read only');
			// As the superuser, before the request takes the Data API's role.
			await db.query(
				`select set_config('auto_explain.log_min_duration', '0', true), set_config('auto_explain.log_nested_statements', 'on', true),
				        set_config('auto_explain.log_analyze', 'on', true), set_config('auto_explain.log_timing', 'off', true),
				        set_config('auto_explain.log_format', 'json', true), set_config('auto_explain.log_level', 'notice', true)`
			);
			for (const s of request.setup) await db.query(s.text, s.params);
			for (const s of request.main) await db.query(s.text, s.params);
			await db.query('rollback');
		}
	} finally {
		db.off('notice', listen);
	}
	let seqScan = false;
	let largestSort = 0;
	const lines: string[] = [];
	for (const notice of notices) {
		const json = notice.slice(notice.indexOf('{'));
		let plan: Record<string, unknown>;
		try {
			plan = (JSON.parse(json) as { Plan: Record<string, unknown> }).Plan;
		} catch {
			continue;
		}
		// The functions' explain of a statement they then decide not to run: planned, never read.
		if (plan['Actual Rows'] === undefined) continue;
		walk(plan, (node) => {
			if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'users') seqScan = true;
			if (node['Node Type'] === 'Sort') {
				const input = ((node.Plans as Array<Record<string, unknown>> | undefined) ?? [])[0];
				largestSort = Math.max(largestSort, Number(input?.['Actual Rows'] ?? 0));
			}
			if (node['Relation Name'] === 'users')
				lines.push(
					`${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}: ${node['Actual Rows']} rows`
				);
		});
	}
	return { seqScan, largestSort, summary: lines.join('\n') };
}

/** Measures each view, after checking its page against the table read directly. */
export async function measureUsersViews(options: {
	views: UsersView[];
	api: UsersApi;
	db: RecordingDatabase;
	owner: pg.Client;
	replay: Replay;
	organizationUsers: number;
	prefix?: string;
}): Promise<UsersQueryFigure[]> {
	const figures: UsersQueryFigure[] = [];
	for (const view of options.views) {
		const name = `${options.prefix ?? ''}${view.name}`;
		options.db.requests = [];
		const result = await options.api.list(view.params);
		if (!result.ok)
			throw new Error(`${name}: the Data API refused the SPA's query: ${result.error.message}`);
		const requests = splitRequests(options.db.requests);
		const expected = (
			await options.owner.query<{ id: string }>(
				referenceSql(view.params.organizationId, view.params)
			)
		).rows.map((r) => r.id);
		const more = expected.length > view.params.pageSize;
		const position: ListPosition = view.params.position;
		const backwards = 'before' in position || ('from' in position && position.from === 'end');
		const page = more
			? backwards
				? expected.slice(0, -1).reverse()
				: expected.slice(0, -1)
			: backwards
				? [...expected].reverse()
				: expected;
		const got = result.data.rows.map((row: UserRow) => row.id);
		if (JSON.stringify(got) !== JSON.stringify(page) || result.data.more !== more)
			throw new Error(
				`${name}: list_users answered other rows than the table holds for this view (${got.length} rows, expected ${page.length})`
			);
		// UsersApi.list sends the page and the count at once.
		const figure = await measureQuery(options.replay, name, requests, 'users', true);
		const inner = await nestedPlans(options.replay, requests);
		figures.push({
			...figure,
			search: view.params.search.trim() !== '',
			organizationUsers: options.organizationUsers,
			innerSeqScan: inner.seqScan,
			largestSort: inner.largestSort,
			plan: inner.summary || figure.plan
		});
	}
	return figures;
}
