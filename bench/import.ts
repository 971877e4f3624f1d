// Part 4: a CSV import through the local stack, as the import page sends it: the file's rows checked
// once without creating anyone (check_only), then created 50 a request, one request after another,
// with where the time goes. Full: 10,000 rows (5% of them bad); quick: 200.
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { UsersApi } from '../src/lib/users/api.ts';
import { IMPORT_BATCH_ROWS } from '../supabase/functions/_shared/import.ts';
import type { CreateUserInput } from '../supabase/functions/_shared/user-input.ts';
import { startTestStack } from '../tests/support/test-stack.ts';
import { createBenchAdmin } from './bench-admin.ts';
import { summarize, time, type Timing } from './measure.ts';

export interface ImportBenchResult {
	rows: number;
	created: number;
	refused: number;
	/** The preview's check of every row (check_only). */
	checkSeconds: number;
	/** Creating the good rows, batch after batch. */
	createSeconds: number;
	usersPerSecond: number;
	batch: Timing;
	/** Median milliseconds of one cost-10 bcrypt hash here (every created user costs one in Auth). */
	bcryptMs: number;
}

export async function benchImport(options: {
	quick: boolean;
	log: (line: string) => void;
}): Promise<ImportBenchResult> {
	const rows = options.quick ? 200 : 10_000;
	const { stack, stop } = await startTestStack();
	try {
		const { client } = await createBenchAdmin(stack, 'import');
		const api = new UsersApi(client);
		// Every twentieth row is bad, as a real file's typos are.
		const file: CreateUserInput[] = Array.from({ length: rows }, (_, i) => ({
			first_name: `Imported${i}`,
			last_name: 'Person',
			email: i % 20 === 7 ? `not-an-address-${i}` : `import.${i}@bench.test`,
			role: i % 10 === 0 ? 'manager' : 'member'
		}));
		const batches = (input: CreateUserInput[]) =>
			Array.from({ length: Math.ceil(input.length / IMPORT_BATCH_ROWS) }, (_, b) =>
				input.slice(b * IMPORT_BATCH_ROWS, (b + 1) * IMPORT_BATCH_ROWS)
			);

		const [checkMs, good] = await time(async () => {
			const ready: CreateUserInput[] = [];
			for (const batch of batches(file)) {
				const answer = await api.importBatch(batch, { checkOnly: true });
				if (!answer.ok) throw new Error(`check_only: ${answer.error.message}`);
				answer.data.results.forEach((result, i) => {
					if (result.status === 'new') ready.push(batch[i]!);
				});
			}
			return ready;
		});
		let createdCount = 0;
		let refused = rows - good.length;
		const perBatch: number[] = [];
		const [createMs] = await time(async () => {
			for (const batch of batches(good)) {
				const [ms, answer] = await time(() => api.importBatch(batch));
				perBatch.push(ms);
				if (!answer.ok) throw new Error(`import: ${answer.error.message}`);
				for (const result of answer.data.results)
					if (result.status === 'created') createdCount++;
					else refused++;
			}
		});
		const hashes: number[] = [];
		for (let i = 0; i < 10; i++)
			hashes.push((await time(() => bcryptHash('Some-Password-1', 10)))[0]);
		const result: ImportBenchResult = {
			rows,
			created: createdCount,
			refused,
			checkSeconds: checkMs / 1000,
			createSeconds: createMs / 1000,
			usersPerSecond: createdCount / (createMs / 1000),
			batch: summarize(perBatch),
			bcryptMs: summarize(hashes).median
		};
		options.log(
			`  ${rows.toLocaleString('en')} rows: checked in ${result.checkSeconds.toFixed(1)} s, ${createdCount.toLocaleString('en')} created in ${result.createSeconds.toFixed(1)} s (${result.usersPerSecond.toFixed(1)} a second, a batch of ${IMPORT_BATCH_ROWS} ${(result.batch.median / 1000).toFixed(2)} s), ${refused} refused`
		);
		return result;
	} finally {
		await stop();
	}
}
