// CSV files the console writes (exports), page by page. papaparse writes the lines; a file is a
// Blob folded from its pages as they come, a megabyte of text at a time, so that the page's memory
// never holds more than that of it however many rows there are (a Blob's bytes live with the
// browser, on disk when large). Loaded only when someone exports: papaparse stays out of the pages'
// weight.
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

export class CsvFile {
	// A byte-order mark: Excel then reads the file as UTF-8 (names are not all ASCII).
	readonly #parts: BlobPart[] = ['\uFEFF'];
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
