import { describe, expect, it } from 'vitest';
import { CsvFile, csvLines } from './file';

describe('CsvFile', () => {
	it('is the byte-order mark and its lines, each batch ended, however many folds it took', async () => {
		const file = new CsvFile();
		const line = csvLines(['a', 'b'], [['x'.repeat(1000), 'ü']], { header: false });
		for (let i = 0; i < 3000; i++) file.add(line);
		file.add('');
		const text = await file.blob().text();
		expect(text.startsWith('\uFEFF')).toBe(true);
		expect(text.slice(1)).toBe(`${line}\r\n`.repeat(3000));
	});

	it('writes only the header for no rows when asked, and nothing otherwise', () => {
		expect(csvLines(['a', 'b'], [], { header: true })).toBe('a,b');
		expect(csvLines(['a', 'b'], [], { header: false })).toBe('');
	});
});
