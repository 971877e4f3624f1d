// CSV files the console writes (exports), page by page. papaparse writes the lines; a file is
// either a stream into a streamed download (CsvStream, where the browser can: written to disk as
// it comes) or a Blob folded from its pages as they come, a megabyte of text at a time (CsvFile:
// the page never holds more than that of it, the browser keeps the Blob's bytes until saved).
// Loaded only when someone exports: papaparse stays out of the pages' weight.
//
// A spreadsheet reads a cell starting with =, +, -, @, a tab or a carriage return as a formula, and
// a name is whatever an admin typed ("=HYPERLINK(…)"). papaparse's escapeFormulae prefixes such
// cells with ' (and quotes them), which makes them text. Its own pattern for `true`,
// /^[=+\-@\t\r].*$/, lets a cell through when a line break follows the sign (`.` stops there), so
// the exports give it one that looks only at the first character.
import Papa from 'papaparse';

export const FORMULA_START = /^[=+\-@\t\r]/;

/** Rows as CSV lines (CRLF, as RFC 4180 has it), with the header row if asked. */
export function csvLines(
	fields: readonly string[],
	rows: readonly string[][],
	options: { header: boolean }
): string {
	if (rows.length === 0 && !options.header) return '';
	// Without rows papaparse ends the header with a line break; every batch is ended by CsvFile.
	return Papa.unparse(
		{ fields: [...fields], data: rows as string[][] },
		{ header: options.header, newline: '\r\n', escapeFormulae: FORMULA_START }
	).replace(/\r\n$/, '');
}

const FOLD_AT_CHARS = 1 << 20;

/** A byte-order mark: Excel then reads the file as UTF-8 (names are not all ASCII). */
const BOM = '\uFEFF';

/** Where a CSV file's lines go as they are made: a Blob (CsvFile) or a streamed download (CsvStream). */
export interface CsvSink {
	/** Appends lines (from csvLines), each batch ending its last line. */
	add(lines: string): void | Promise<void>;
	/** Stops at once (a Cancel), also while an `add` waits. */
	abort?(): void;
}

export class CsvFile implements CsvSink {
	readonly #parts: BlobPart[] = [BOM];
	#pending: string[] = [];
	#pendingChars = 0;

	/** Appends lines (from csvLines), each batch ending its last line. */
	add(lines: string): void {
		if (!lines) return;
		this.#pending.push(lines, '\r\n');
		this.#pendingChars += lines.length + 2;
		if (this.#pendingChars >= FOLD_AT_CHARS) this.#fold();
	}

	blob(): Blob {
		this.#fold();
		return new Blob(this.#parts, { type: 'text/csv;charset=utf-8' });
	}

	#fold(): void {
		if (this.#pending.length === 0) return;
		this.#parts.push(new Blob(this.#pending));
		this.#pending = [];
		this.#pendingChars = 0;
	}
}

/** A whole small file at once (a header and its rows), as a Blob. */
export function csvBlob(fields: readonly string[], rows: readonly string[][]): Blob {
	const file = new CsvFile();
	file.add(csvLines(fields, rows, { header: true }));
	return file.blob();
}

/** Bytes going somewhere as they are made: a streamed download. */
export interface ByteSink {
	write(chunk: Uint8Array): Promise<void>;
	close(): Promise<void>;
	abort(): void;
}

/** A CSV file written into a streamed download as it is made, UTF-8 with its BOM. */
export class CsvStream implements CsvSink {
	readonly #sink: ByteSink;
	readonly #encoder = new TextEncoder();
	#started = false;

	constructor(sink: ByteSink) {
		this.#sink = sink;
	}

	/** Resolves once the lines are taken: a slow disk holds the writer back. */
	async add(lines: string): Promise<void> {
		if (!lines) return;
		const text = `${this.#started ? '' : BOM}${lines}\r\n`;
		this.#started = true;
		await this.#sink.write(this.#encoder.encode(text));
	}

	async close(): Promise<void> {
		if (!this.#started) await this.#sink.write(this.#encoder.encode(BOM));
		await this.#sink.close();
	}

	/** Ends the download as failed, at once: the browser drops the partial file. */
	abort(): void {
		this.#sink.abort();
	}
}
