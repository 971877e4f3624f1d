// Runs the catalogue (catalogue.ts): each attempt between two snapshots of the four tables, printed
// as `name → refused (status, code)`. An attempt that gets in, or changes anything, fails the run.
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogue, type Attempt } from './catalogue.ts';
import { withDb } from '../stack/stack-under-test.ts';
import { changedTables, createWorld, snapshot, type Outcome, type World } from './support.ts';

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

function describeRefusal(attempt: Attempt, outcome: Outcome): string {
	if (attempt.refused.kind === 'error')
		return `refused (${outcome.status}, ${outcome.code || 'no code'})`;
	const total = contentRangeTotal(outcome);
	const rows = Array.isArray(outcome.body) ? outcome.body.length : 0;
	return `refused (${outcome.status}, RLS: ${attempt.refused.kind === 'no-rows' ? 'no row' : 'own rows only'}; ${total ?? rows} row(s))`;
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
			const outcome = await attempt.attack(world);
			const after = await snapshot();
			const why = verdict(attempt, outcome);
			report.push(
				`${why ? '✗' : '✓'} ${attempt.name} → ${why ? `GOT IN: ${why}` : describeRefusal(attempt, outcome)}`
			);
			expect(why, attempt.name).toBeNull();
			expect(changedTables(before, after), `${attempt.name} changed data`).toEqual([]);
		});
	}

	it('prints the catalogue', () => {
		console.log(`attack catalogue: ${catalogue.length} attempts\n${report.join('\n')}`);
		expect(report.length).toBe(catalogue.length);
	});
});
