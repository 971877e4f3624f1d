// Runs the catalogue (catalogue.ts): each attempt between two snapshots of the five tables, printed
// as `name → refused (status, code)`. An attempt that gets in, or changes anything, fails the run;
// one let through (`recorded`) fails it when its change is not in the activity log exactly as expected.
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogue, type Attempt } from './catalogue.ts';
import { withDb } from '../stack/stack-under-test.ts';
import {
	activityDigestUpTo,
	changedTables,
	createWorld,
	entriesAfter,
	entriesOf,
	lastEntryId,
	snapshot,
	type Outcome,
	type Snapshot,
	type World
} from './support.ts';

let world: World;
const report: string[] = [];

beforeAll(async () => {
	// Try removing a protection: ATTACK_MUTATION='<sql>' npm run test:attacks -- attacks/catalogue
	// runs the SQL on the stack's database first; the attempts that catch it fail.
	if (process.env.ATTACK_MUTATION)
		await withDb((db) => db.query(process.env.ATTACK_MUTATION ?? ''));
	world = await createWorld();
});

function contentRangeTotal(outcome: Outcome): number | null {
	const total = /\/(\d+)$/.exec(outcome.headers.get('content-range') ?? '')?.[1];
	return total === undefined ? null : Number(total);
}

/** Every id in a response, embedded rows included. */
function idsIn(value: unknown, into: Set<string> = new Set()): Set<string> {
	if (Array.isArray(value)) value.forEach((item) => idsIn(item, into));
	else if (value && typeof value === 'object') {
		for (const [key, field] of Object.entries(value)) {
			if (key === 'id' && typeof field === 'string') into.add(field);
			else idsIn(field, into);
		}
	}
	return into;
}

/** Why the outcome is not the refusal the attempt expects, or null when it is. */
function verdict(attempt: Attempt, outcome: Outcome): string | null {
	const refusal = attempt.refused;
	if (refusal.kind === 'error') {
		const statuses = Array.isArray(refusal.status) ? refusal.status : [refusal.status];
		if (!statuses.includes(outcome.status))
			return `status ${outcome.status}, expected ${statuses.join('/')}: ${JSON.stringify(outcome.body)?.slice(0, 300)}`;
		if (
			refusal.code !== undefined &&
			!(typeof refusal.code === 'string'
				? outcome.code === refusal.code
				: refusal.code.test(outcome.code))
		) {
			return `code ${outcome.code || '(none)'}, expected ${refusal.code}`;
		}
		return null;
	}
	if (outcome.status >= 300)
		return `status ${outcome.status}: ${JSON.stringify(outcome.body)?.slice(0, 300)}`;
	if (refusal.kind === 'recorded' || refusal.kind === 'own-activity') return null;
	// Rows of the world's organizations other than the allowed ones; the organization ids themselves
	// may appear (an embed lists the caller's own organization).
	const allowed = new Set(refusal.kind === 'own-rows' ? refusal.ids(world) : []);
	allowed.add(world.orgA);
	allowed.add(world.orgB);
	const seen = idsIn(outcome.body);
	const foreign = [...seen].filter((id) => !allowed.has(id));
	if (foreign.length) return `returned rows it must not see: ${foreign.join(', ')}`;
	const total = contentRangeTotal(outcome);
	const maxRows = refusal.kind === 'own-rows' ? refusal.ids(world).length : 0;
	if (total !== null && total > maxRows)
		return `Content-Range counts ${total} rows, at most ${maxRows} are visible`;
	if (refusal.kind === 'no-rows' && Array.isArray(outcome.body) && outcome.body.length)
		return `changed ${outcome.body.length} row(s)`;
	return null;
}

/**
 * What the database says about an attempt let through or reading the log: `recorded` — the entries
 * written during it are exactly the expected ones and no earlier entry changed; `own-activity` —
 * every row answered is of the caller's organization and the count is that organization's.
 */
async function logVerdict(
	attempt: Attempt,
	outcome: Outcome,
	lastId: number,
	before: Snapshot
): Promise<string | null> {
	const refusal = attempt.refused;
	if (refusal.kind === 'own-activity') {
		const org = refusal.organization(world);
		const rows: unknown[] = Array.isArray(outcome.body) ? outcome.body : [];
		const foreign = rows.filter(
			(row) => (row as { organization_id?: unknown }).organization_id !== org
		);
		if (foreign.length)
			return `returned ${foreign.length} entries not of ${org} (or without organization_id)`;
		const total = contentRangeTotal(outcome);
		const own = await entriesOf(org);
		if (total !== null && total !== own)
			return `Content-Range counts ${total} entries, ${org} has ${own}`;
		if (total === null && rows.length === 0) return 'answered no entries and no count';
		return null;
	}
	if (refusal.kind !== 'recorded') return null;
	if ((await activityDigestUpTo(lastId)) !== before['public.activity_log'])
		return 'an earlier activity entry changed or disappeared';
	const written = await entriesAfter(lastId);
	const expected = refusal.entries(world, outcome);
	try {
		expect(written).toMatchObject(expected);
	} catch {
		return `recorded ${JSON.stringify(written).slice(0, 600)}; expected ${JSON.stringify(expected).slice(0, 600)}`;
	}
	return null;
}

function describeRefusal(attempt: Attempt, outcome: Outcome, written: number): string {
	const refusal = attempt.refused;
	if (refusal.kind === 'error') return `refused (${outcome.status}, ${outcome.code || 'no code'})`;
	if (refusal.kind === 'recorded')
		return `let through and recorded (${outcome.status}; ${written} entr${written === 1 ? 'y' : 'ies'})`;
	const total = contentRangeTotal(outcome);
	const rows = Array.isArray(outcome.body) ? outcome.body.length : 0;
	const reach =
		refusal.kind === 'no-rows'
			? 'no row'
			: refusal.kind === 'own-rows'
				? 'own rows only'
				: "own organization's entries only";
	return `refused (${outcome.status}, RLS: ${reach}; ${total ?? rows} row(s))`;
}

describe('attack catalogue', () => {
	it('has at least 40 named attempts with unique names', () => {
		expect(catalogue.length).toBeGreaterThanOrEqual(40);
		expect(new Set(catalogue.map((a) => a.name)).size).toBe(catalogue.length);
	});

	for (const attempt of catalogue) {
		it(attempt.name, async () => {
			await attempt.prepare?.(world);
			const before = await snapshot();
			const lastId = await lastEntryId();
			const outcome = await attempt.attack(world);
			const after = await snapshot();
			const why = verdict(attempt, outcome) ?? (await logVerdict(attempt, outcome, lastId, before));
			const written = (await lastEntryId()) - lastId;
			report.push(
				`${why ? '✗' : '✓'} ${attempt.name} → ${why ? `GOT IN: ${why}` : describeRefusal(attempt, outcome, written)}`
			);
			expect(why, attempt.name).toBeNull();
			// What an attempt let through may change: its tables and the log (entries checked above).
			const mayChange: string[] =
				attempt.refused.kind === 'recorded'
					? [...attempt.refused.tables, 'public.activity_log']
					: [];
			expect(
				changedTables(before, after).filter((table) => !mayChange.includes(table)),
				`${attempt.name} changed data`
			).toEqual([]);
		});
	}

	it('prints the catalogue', () => {
		console.log(`attack catalogue: ${catalogue.length} attempts\n${report.join('\n')}`);
		expect(report.length).toBe(catalogue.length);
	});
});
