// Fuzzing: 5,000+ seeded random inputs to create-user, update-user and the Data API's query
// grammar (filters, select, order, ranges, headers, bodies). Whatever comes in, the answer is a
// 2xx-4xx, never a 5xx, and the stack still answers afterwards. The seed is printed; rerun one
// with FUZZ_SEED=<seed> npm run test:attacks.
import { beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, type Persona } from '../stack/personas.ts';
import { stack } from '../stack/stack-under-test.ts';
import { http, persona, rememberSecret, type HttpInit } from './support.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const COUNTS = { rest: 3200, createUser: 1000, updateUser: 1000 };

/** mulberry32: small, fast, deterministic. */
function prng(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (n: number) => Math.floor(next() * n);
	const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
	const chance = (p: number) => next() < p;
	return { next, int, pick, chance };
}
type Rng = ReturnType<typeof prng>;

const FRAGMENTS = [
	"'",
	'"',
	';',
	'--',
	'/*',
	'*/',
	"' or 1=1 --",
	'); drop table public.users; --',
	'\\',
	'%',
	'_',
	'*',
	'(',
	')',
	',',
	'.',
	':',
	'!',
	'eq.',
	'not.',
	'or=',
	'&',
	'=',
	'?',
	'#',
	'{',
	'}',
	'[',
	']',
	'null',
	'true',
	'NaN',
	'-1',
	'1e309',
	'0x41',
	'\u0000',
	'\u0007',
	'\n',
	'\r\n',
	'\t',
	' ',
	'\u00a0',
	'\u200b',
	'\u202e',
	'é',
	'ß',
	'Ω',
	'漢字',
	'🙂',
	'👩‍👩‍👧',
	'\ud83d',
	'A'.repeat(300),
	'$1',
	'$$',
	"E'\\x00'",
	'::text',
	'pg_sleep(1)',
	'current_user',
	'auth.users',
	'select',
	'admin',
	'member',
	'service_role',
	'00000000-0000-0000-0000-000000000000'
];
const COLUMNS = [
	'id',
	'email',
	'first_name',
	'last_name',
	'role',
	'status',
	'organization_id',
	'created_at',
	'updated_at',
	'created_by',
	'name'
];
const OPERATORS = [
	'eq',
	'neq',
	'gt',
	'gte',
	'lt',
	'lte',
	'like',
	'ilike',
	'match',
	'imatch',
	'in',
	'is',
	'isdistinct',
	'fts',
	'plfts',
	'phfts',
	'wfts',
	'cs',
	'cd',
	'ov',
	'sl',
	'sr',
	'nxl',
	'nxr',
	'adj',
	'not.eq',
	'not.in',
	'not.is',
	'eq(any)',
	'like(all)',
	'bogus'
];

function randomString(r: Rng, max = 40): string {
	let out = '';
	const parts = r.int(5);
	for (let i = 0; i < parts; i++) {
		out += r.chance(0.5)
			? r.pick(FRAGMENTS)
			: String.fromCharCode(
					...Array.from({ length: r.int(8) }, () =>
						r.chance(0.9) ? 32 + r.int(95) : r.int(0x3000)
					)
				);
	}
	return out.length > max && r.chance(0.7) ? out.slice(0, max) : out;
}

function randomJson(r: Rng, depth = 0): unknown {
	switch (r.int(depth > 2 ? 5 : 7)) {
		case 0:
			return randomString(r);
		case 1:
			return r.pick([0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER, 42]);
		case 2:
			return r.chance(0.5);
		case 3:
			return null;
		case 4:
			return r.pick([
				'',
				'admin',
				'member',
				'x'.repeat(101),
				`${randomString(r, 10)}@${randomString(r, 10)}.test`
			]);
		case 5:
			return Array.from({ length: r.int(4) }, () => randomJson(r, depth + 1));
		default:
			return Object.fromEntries(
				Array.from({ length: r.int(4) }, () => [randomString(r, 12), randomJson(r, depth + 1)])
			);
	}
}

let admin: Persona;
let member: Persona;
let knownIds: string[] = [];

beforeAll(async () => {
	const org = await createOrganization('Fuzz');
	[admin, member] = await Promise.all([
		persona(org, 'admin', 'fuzz-admin'),
		persona(org, 'member', 'fuzz-member')
	]);
	const extra = await Promise.all([
		persona(org, 'manager', 'fuzz-manager'),
		persona(org, 'admin', 'fuzz-admin-two')
	]);
	knownIds = [admin.id, member.id, ...extra.map((p) => p.id)];
});

function token(r: Rng): string | null {
	return r.pick([
		admin.accessToken,
		admin.accessToken,
		member.accessToken,
		null,
		'garbage',
		`${admin.accessToken.slice(0, -3)}abc`
	]);
}

function createUserBody(r: Rng): unknown {
	if (r.chance(0.05)) return r.pick(['', '{', '[]', 'null', '"text"', randomString(r)]);
	const body: Record<string, unknown> = {};
	const valid = r.chance(0.04);
	const email = `fuzz.${r.int(1e9).toString(36)}@fuzz.test`;
	const fields: Record<string, () => unknown> = {
		email: () =>
			valid || r.chance(0.3)
				? r.chance(0.5)
					? email
					: ` ${email.toUpperCase()} `
				: r.chance(0.5)
					? randomString(r, 300)
					: randomJson(r),
		first_name: () =>
			valid || r.chance(0.4) ? 'Fuzz' : r.chance(0.6) ? randomString(r, 150) : randomJson(r),
		last_name: () =>
			valid || r.chance(0.4) ? randomString(r, 90).trim() || 'Tester' : randomJson(r),
		role: () =>
			valid || r.chance(0.5) ? r.pick(['admin', 'manager', 'member', 'external']) : randomJson(r)
	};
	for (const [key, make] of Object.entries(fields)) if (valid || r.chance(0.85)) body[key] = make();
	if (!valid && r.chance(0.15))
		body[r.pick(['organization_id', 'status', 'id', randomString(r, 10)])] = randomJson(r);
	return body;
}

function updateUserBody(r: Rng): unknown {
	if (r.chance(0.05)) return r.pick(['', '{"user_id":', '[1,2]', randomString(r)]);
	const body: Record<string, unknown> = {};
	// Not the fuzzing admin: a password set on them ends their own sessions (as GoTrue does), and
	// every later call would only test the 401.
	if (r.chance(0.9))
		body.user_id = r.chance(0.6)
			? r.pick(knownIds.slice(1))
			: r.chance(0.5)
				? crypto.randomUUID()
				: randomJson(r);
	if (r.chance(0.9))
		body.action = r.chance(0.8)
			? r.pick(['set_password', 'deactivate', 'activate', 'update_profile'])
			: randomJson(r);
	if (r.chance(0.4)) body.password = r.chance(0.5) ? randomString(r, 90) : randomJson(r);
	if (r.chance(0.3))
		body.email = r.chance(0.5) ? `fuzz.${r.int(1e9).toString(36)}@fuzz.test` : randomJson(r);
	if (r.chance(0.1)) body[randomString(r, 10)] = randomJson(r);
	return body;
}

function enc(r: Rng, value: string): string {
	// Mostly percent-encoded as a client would; sometimes raw, as an attacker might.
	// A lone surrogate cannot be percent-encoded as UTF-8: it goes as bytes no UTF-8 decoder accepts.
	const lone = /[\ud800-\udfff]/g;
	if (r.chance(0.8)) return encodeURIComponent(value.toWellFormed());
	return value.replace(/[#\s%]/g, encodeURIComponent).replace(lone, '%ED%A0%BD');
}

function filterValue(r: Rng): string {
	return r.pick([
		randomString(r),
		`(${Array.from({ length: r.int(4) }, () => randomString(r, 10)).join(',')})`,
		r.pick(knownIds),
		r.pick([
			'null',
			'true',
			'false',
			'not_null',
			'unknown',
			'{}',
			'{a,b}',
			'[1,2]',
			'2026-11-29',
			'*'
		]),
		`${r.pick(['', '*'])}${randomString(r, 6)}${r.pick(['', '*'])}`
	]);
}

function selectExpression(r: Rng): string {
	const items = Array.from({ length: 1 + r.int(4) }, () => {
		switch (r.int(6)) {
			case 0:
				return r.pick(COLUMNS);
			case 1:
				return `${randomString(r, 8)}:${r.pick(COLUMNS)}`;
			case 2:
				return `${r.pick(['users', 'organizations', 'creator:users!created_by', 'users!inner', randomString(r, 8)])}(${r.pick(COLUMNS)},${r.pick(['*', 'id', randomString(r, 6)])})`;
			case 3:
				return `${r.pick(COLUMNS)}::${r.pick(['text', 'int', 'json', randomString(r, 6)])}`;
			case 4:
				return r.pick(['*', 'count()', 'id.count()', '...organizations(name)', 'email->>x']);
			default:
				return randomString(r, 12);
		}
	});
	return items.join(',');
}

function restRequest(r: Rng): { path: string; init: HttpInit } {
	const table = r.chance(0.9)
		? r.pick(['users', 'users', 'organizations'])
		: r.pick(['rpc/end_user_sessions', 'rpc/search_users', randomString(r, 10)]);
	const params: string[] = [];
	if (r.chance(0.7)) params.push(`select=${enc(r, selectExpression(r))}`);
	for (let i = r.int(4); i > 0; i--) {
		const column = r.chance(0.85) ? r.pick(COLUMNS) : randomString(r, 10);
		params.push(`${enc(r, column)}=${enc(r, `${r.pick(OPERATORS)}.${filterValue(r)}`)}`);
	}
	if (r.chance(0.3)) {
		const inner = Array.from(
			{ length: 1 + r.int(3) },
			() => `${r.pick(COLUMNS)}.${r.pick(OPERATORS)}.${filterValue(r)}`
		).join(',');
		params.push(
			`${r.pick(['or', 'and', 'not.or'])}=${enc(r, `(${inner}${r.chance(0.1) ? '' : ')'}`)}`
		);
	}
	if (r.chance(0.3))
		params.push(
			`order=${enc(r, `${r.pick(COLUMNS)}${r.pick(['', '.asc', '.desc', '.nullsfirst', '.desc.nullslast', `.${randomString(r, 5)}`])}`)}`
		);
	if (r.chance(0.2))
		params.push(`limit=${enc(r, r.pick(['10', '-1', '0', '1e9', 'abc', String(r.int(1000))]))}`);
	if (r.chance(0.2))
		params.push(`offset=${enc(r, r.pick(['0', '-5', '99999999999999999999', 'x']))}`);
	if (r.chance(0.1)) params.push(`${enc(r, randomString(r, 8))}=${enc(r, randomString(r, 8))}`);
	const headers: Record<string, string> = {};
	if (r.chance(0.3))
		headers.prefer = r.pick([
			'count=exact',
			'count=planned',
			'return=representation',
			'handling=strict',
			'tx=rollback',
			'max-affected=1',
			'resolution=merge-duplicates',
			randomString(r, 20).replace(/[^\x20-\x7e]/g, '')
		]);
	if (r.chance(0.15))
		headers.range = r.pick(['0-9', '5-1', '-1', 'a-b', '0-', `${r.int(100)}-${r.int(100)}`]);
	if (r.chance(0.1)) headers['accept-profile'] = r.pick(['public', 'auth', 'private', 'x']);
	if (r.chance(0.1))
		headers.accept = r.pick([
			'application/json',
			'application/vnd.pgrst.object+json',
			'text/csv',
			'application/geo+json',
			'*/*',
			'x/y'
		]);
	const method = r.pick(['GET', 'GET', 'GET', 'HEAD', 'PATCH', 'POST', 'DELETE']);
	let body: unknown;
	if (method === 'PATCH' || method === 'POST')
		body = r.chance(0.9)
			? r.chance(0.5)
				? { [r.pick(COLUMNS)]: randomJson(r) }
				: randomJson(r)
			: randomString(r);
	return {
		path: `/rest/v1/${table}${params.length ? `?${params.join('&')}` : ''}`,
		init: { method, token: token(r), headers, body }
	};
}

async function runAll(
	jobs: Array<() => Promise<{ label: string; status: number; body: unknown }>>,
	concurrency = 8
) {
	const failures: string[] = [];
	const statuses = new Map<string, number>();
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < jobs.length) {
				const index = next++;
				const job = jobs[index] as (typeof jobs)[number];
				const result = await job();
				const kind = `${result.label.split(' ')[0]} ${result.status}`;
				statuses.set(kind, (statuses.get(kind) ?? 0) + 1);
				if (result.status >= 500 || result.status < 100)
					failures.push(
						`#${index} ${result.label} → ${result.status} ${JSON.stringify(result.body)?.slice(0, 300)}`
					);
			}
		})
	);
	return {
		failures,
		statuses: Object.fromEntries([...statuses].sort((a, b) => a[0].localeCompare(b[0])))
	};
}

async function send(path: string, init: HttpInit): Promise<{ status: number; body: unknown }> {
	try {
		const outcome = await http(path, init);
		if (outcome.body && typeof outcome.body === 'object' && 'password' in outcome.body)
			rememberSecret(String(outcome.body.password));
		return outcome;
	} catch (error) {
		// fetch refuses some hand-made URLs and headers before sending: not the stack's answer.
		if (error instanceof TypeError && !/fetch failed/.test(error.message))
			return { status: 400, body: `client refused: ${error.message}` };
		return {
			status: 0,
			body: `network error: ${(error as Error).message}; cause: ${String((error as { cause?: unknown }).cause)}`
		};
	}
}

describe(`fuzzing (seed ${SEED})`, () => {
	it(
		`${COUNTS.rest + COUNTS.createUser + COUNTS.updateUser} random inputs: no 5xx, and the stack still answers`,
		{ timeout: 120_000 },
		async () => {
			const r = prng(SEED);
			console.log(`fuzz seed: ${SEED} (rerun with FUZZ_SEED=${SEED})`);
			const jobs: Array<() => Promise<{ label: string; status: number; body: unknown }>> = [];
			for (let i = 0; i < COUNTS.rest; i++) {
				const { path, init } = restRequest(r);
				jobs.push(async () => ({
					label: `${init.method} ${path} ${JSON.stringify(init.headers)} ${JSON.stringify(init.body)?.slice(0, 200)}`,
					...(await send(path, init))
				}));
			}
			for (let i = 0; i < COUNTS.createUser; i++) {
				const body = createUserBody(r);
				const bearer = r.chance(0.9) ? admin.accessToken : token(r);
				jobs.push(async () => ({
					label: `create-user ${JSON.stringify(body)?.slice(0, 200)}`,
					...(await send('/functions/v1/create-user', {
						method: 'POST',
						token: bearer,
						body: typeof body === 'string' ? body : JSON.stringify(body),
						headers: { 'content-type': 'application/json' }
					}))
				}));
			}
			for (let i = 0; i < COUNTS.updateUser; i++) {
				const body = updateUserBody(r);
				const bearer = r.chance(0.9) ? admin.accessToken : token(r);
				jobs.push(async () => ({
					label: `update-user ${JSON.stringify(body)?.slice(0, 200)}`,
					...(await send('/functions/v1/update-user', {
						method: 'POST',
						token: bearer,
						body: typeof body === 'string' ? body : JSON.stringify(body),
						headers: { 'content-type': 'application/json' }
					}))
				}));
			}
			// Interleaved, deterministically, so functions and Data API requests overlap.
			for (let i = jobs.length - 1; i > 0; i--) {
				const j = r.int(i + 1);
				[jobs[i], jobs[j]] = [jobs[j] as (typeof jobs)[number], jobs[i] as (typeof jobs)[number]];
			}
			const { failures, statuses } = await runAll(jobs);
			console.log(`fuzz: ${jobs.length} requests, statuses ${JSON.stringify(statuses)}`);
			expect(jobs.length).toBeGreaterThanOrEqual(5000);
			expect(failures.slice(0, 15), `${failures.length} requests got a 5xx or no answer`).toEqual(
				[]
			);

			const health = await fetch(`${stack().apiUrl}/auth/v1/health`, {
				headers: { apikey: stack().anonKey }
			});
			expect(health.status).toBe(200);
			const read = await http('/rest/v1/organizations?select=id', { token: member.accessToken });
			expect(read.status).toBe(200);
		}
	);
});
