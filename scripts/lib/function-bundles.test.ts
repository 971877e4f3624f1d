import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importsOutside } from './function-bundles.ts';

const project = mkdtempSync(join(tmpdir(), 'umc-bundles-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

function write(path: string, text: string) {
	mkdirSync(join(project, path, '..'), { recursive: true });
	writeFileSync(join(project, path), text);
}

describe('the deploy bundling check', () => {
	it('names a function that imports from outside supabase/functions, as src/ types once were', () => {
		write('src/lib/database.types.ts', 'export type Database = { n: number };\n');
		write('supabase/functions/_shared/http.ts', 'export const ok = 1;\n');
		write(
			'supabase/functions/good/index.ts',
			"import { ok } from '../_shared/http.ts';\nconsole.log(ok);\n"
		);
		write(
			'supabase/functions/bad/index.ts',
			"import type { Database } from '../../../src/lib/database.types.ts';\nconst d: Database = { n: 1 };\nconsole.log(d);\n"
		);
		const found = importsOutside(join(project, 'supabase'));
		expect(found.get('good')).toEqual([]);
		expect(found.get('bad')).toEqual(['../../src/lib/database.types.ts']);
	});

	it('passes on this project', () => {
		const found = importsOutside(resolve(import.meta.dirname, '../../supabase'));
		expect([...found.keys()].sort()).toEqual([
			'change-password',
			'create-user',
			'import-users',
			'update-user'
		]);
		for (const outside of found.values()) expect(outside).toEqual([]);
	});
});
