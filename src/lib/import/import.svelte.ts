// An import of users from a CSV file, as the admin goes through it: the file read and every row
// judged in the browser (users-file.ts), the rows create-user would accept asked about once more
// on the server without creating anyone (already a user here or elsewhere), fixed or dropped by the
// admin, then created a batch at a time with the rows done, failed and left, the time left, and a
// Cancel. The temporary passwords live here only until the admin has saved them (a CSV file) and
// leaves. Re-running the same file creates nobody twice: import-users is idempotent by email.
import type { ApiError, RequestOptions, Result } from '$lib/users/api.ts';
import type { ImportResult } from '$shared/import.ts';
import { IMPORT_BATCH_ROWS } from '$shared/import.ts';
import type { CreateUserInput } from '$shared/user-input.ts';
import { roleOf, rowVerdicts, type ImportField, type ImportRow } from './users-file.ts';

export interface ImportSource {
	importBatch(
		rows: readonly CreateUserInput[],
		options?: RequestOptions & { checkOnly?: boolean }
	): Promise<Result<{ results: ImportResult[] }>>;
}

export type RowState =
	| { kind: 'invalid'; fields: Partial<Record<ImportField, string>> }
	| { kind: 'duplicate'; of: number }
	| { kind: 'checking' }
	| { kind: 'new' }
	| { kind: 'exists' }
	| { kind: 'taken' }
	| { kind: 'created'; password: string }
	| { kind: 'failed'; message: string }
	/** The answer was lost (cancelled mid-batch): a re-run of the file tells. */
	| { kind: 'unknown' };

export interface PreviewRow extends ImportRow {
	dropped: boolean;
	state: RowState;
}

export type ImportPhase = 'choose' | 'preview' | 'running' | 'done';

/** A row the admin should look at: neither going to be created, nor made, nor already a user. */
export const needsAttention = (row: PreviewRow): boolean =>
	!row.dropped && !['new', 'checking', 'created', 'exists'].includes(row.state.kind);

const inputOf = (row: ImportRow): CreateUserInput => ({
	first_name: row.first_name.trim(),
	last_name: row.last_name.trim(),
	email: row.email.trim().toLowerCase(),
	role: roleOf(row.role) as CreateUserInput['role']
});

function stateOf(result: ImportResult, line: (index: number) => number): RowState {
	switch (result.status) {
		case 'created':
			return { kind: 'created', password: result.password };
		case 'new':
		case 'exists':
		case 'taken':
			return { kind: result.status };
		case 'invalid':
			return { kind: 'invalid', fields: result.fields };
		case 'duplicate':
			return { kind: 'duplicate', of: line(result.of) };
		case 'failed':
			return { kind: 'failed', message: result.message };
		case 'not_attempted':
			return { kind: 'failed', message: 'Not created: you are no longer an active admin.' };
	}
}

export class UsersImport {
	phase = $state<ImportPhase>('choose');
	fileName = $state('');
	/** Why the file could not be read, or the last request failed. */
	error = $state<string | null>(null);
	rows = $state<PreviewRow[]>([]);
	checking = $state(false);
	/** During and after creating: rows done (created or already there), failed, and left. */
	done = $state(0);
	failed = $state(0);
	left = $state(0);
	secondsLeft = $state<number | null>(null);

	ready = $derived(this.rows.filter((row) => !row.dropped && row.state.kind === 'new').length);
	problems = $derived(this.rows.filter(needsAttention).length);
	created = $derived(this.rows.filter((row) => row.state.kind === 'created'));

	#controller: AbortController | null = null;
	readonly #source: () => ImportSource;

	constructor(source: () => ImportSource) {
		this.#source = source;
	}

	/** Reads a file and judges its rows; the server then says which are already users. */
	async open(file: { name: string; text(): Promise<string> }): Promise<void> {
		this.cancel();
		const { readUsersFile } = await import('./users-file.ts');
		this.fileName = file.name;
		this.error = null;
		const reading = readUsersFile(await file.text());
		if (!reading.ok) {
			this.error = reading.message;
			this.rows = [];
			this.phase = 'choose';
			return;
		}
		this.rows = reading.rows.map((row) => ({
			...row,
			dropped: false,
			state: { kind: 'checking' }
		}));
		this.phase = 'preview';
		await this.#judge(this.rows.map((row) => row.line));
	}

	/** A corrected cell: the row is judged again (and the file's duplicates with it). */
	async edit(line: number, field: ImportField, value: string): Promise<void> {
		const row = this.rows.find((candidate) => candidate.line === line);
		if (!row || this.phase !== 'preview') return;
		row[field] = value;
		await this.#judge([line]);
	}

	async drop(line: number, dropped = true): Promise<void> {
		const row = this.rows.find((candidate) => candidate.line === line);
		if (!row || this.phase !== 'preview') return;
		row.dropped = dropped;
		// Dropping one of two rows with the same address makes the other one good.
		await this.#judge([]);
	}

	/** Creates every row ready to be, a batch at a time; Cancel stops after the batch in flight. */
	async create(): Promise<void> {
		if (this.phase !== 'preview') return;
		const queue = this.rows.filter((row) => !row.dropped && row.state.kind === 'new');
		const controller = (this.#controller = new AbortController());
		this.phase = 'running';
		this.error = null;
		this.done = 0;
		this.failed = 0;
		this.left = queue.length;
		const started = performance.now();
		try {
			for (let at = 0; at < queue.length; at += IMPORT_BATCH_ROWS) {
				if (controller.signal.aborted) break;
				const batch = queue.slice(at, at + IMPORT_BATCH_ROWS);
				// Not cancelled mid-request: the batch in flight finishes and its passwords arrive.
				const answer = await this.#source().importBatch(batch.map(inputOf));
				if (!answer.ok) {
					// Without an answer the batch may have been created: a re-run of the file tells.
					const lost = ['network', 'timeout', 'cancelled'].includes(answer.error.code);
					for (const row of batch)
						row.state = lost
							? { kind: 'unknown' }
							: { kind: 'failed', message: answer.error.message };
					this.error = answer.error.message;
					this.failed += batch.length;
					this.left -= batch.length;
					if (stops(answer.error)) break;
					continue;
				}
				answer.data.results.forEach((result, i) => {
					const row = batch[i]!;
					row.state = stateOf(result, (index) => batch[index]!.line);
					if (row.state.kind === 'created' || row.state.kind === 'exists') this.done++;
					else this.failed++;
				});
				this.left -= batch.length;
				const perRow = (performance.now() - started) / 1000 / (this.done + this.failed);
				this.secondsLeft = this.left > 0 ? Math.ceil(perRow * this.left) : null;
			}
		} finally {
			if (this.#controller === controller) this.#controller = null;
			this.secondsLeft = null;
			this.phase = 'done';
		}
	}

	cancel(): void {
		this.#controller?.abort();
	}

	/** The temporary passwords of the rows created, as a CSV file (email, name, password). */
	async passwordsFile(): Promise<Blob> {
		const { csvBlob } = await import('$lib/csv/file.ts');
		return csvBlob(
			['Email', 'First name', 'Last name', 'Temporary password'],
			this.created.map((row) => [
				row.email.trim().toLowerCase(),
				row.first_name.trim(),
				row.last_name.trim(),
				row.state.kind === 'created' ? row.state.password : ''
			])
		);
	}

	/** Leaves the import: the passwords go with it. */
	reset(): void {
		this.cancel();
		this.rows = [];
		this.fileName = '';
		this.error = null;
		this.phase = 'choose';
	}

	/** Judges rows in the browser, then asks the server about those the browser found good. */
	async #judge(lines: number[]): Promise<void> {
		const active = this.rows.filter((row) => !row.dropped);
		const verdicts = rowVerdicts(active);
		const toCheck: PreviewRow[] = [];
		active.forEach((row, i) => {
			const verdict = verdicts[i]!;
			if (verdict.ok) {
				// Good in the browser: known from the server already, unless asked to check it again.
				if (
					lines.includes(row.line) ||
					['invalid', 'duplicate', 'checking'].includes(row.state.kind)
				) {
					row.state = { kind: 'checking' };
					toCheck.push(row);
				}
			} else if ('duplicateOf' in verdict)
				row.state = { kind: 'duplicate', of: verdict.duplicateOf };
			else row.state = { kind: 'invalid', fields: verdict.fields };
		});
		if (toCheck.length === 0) return;
		this.checking = true;
		try {
			for (let at = 0; at < toCheck.length; at += IMPORT_BATCH_ROWS) {
				const batch = toCheck.slice(at, at + IMPORT_BATCH_ROWS);
				const answer = await this.#source().importBatch(batch.map(inputOf), { checkOnly: true });
				if (!answer.ok) {
					this.error = `The rows could not be checked: ${answer.error.message}`;
					for (const row of batch) row.state = { kind: 'failed', message: answer.error.message };
					return;
				}
				answer.data.results.forEach((result, i) => {
					const row = batch[i]!;
					// A row edited meanwhile is being checked again.
					if (row.state.kind === 'checking')
						row.state = stateOf(result, (index) => batch[index]!.line);
				});
			}
		} finally {
			this.checking = false;
		}
	}
}

/** Refusals that end the whole import, not just a batch. */
const stops = (error: ApiError) =>
	['forbidden', 'session_expired', 'not_authenticated'].includes(error.code) ||
	error.status === 401;
