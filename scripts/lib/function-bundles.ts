// `supabase functions deploy` bundles each function from supabase/functions alone and fails on an
// import from outside it (supabase/cli#3467), so a function that reaches into src/ would pass every
// local test and still not deploy. This walks each function's module graph as Deno resolves it and
// names every local file outside the functions folder.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const deno = resolve(import.meta.dirname, '../../node_modules/.bin/deno');

/** Function name → the files its graph imports from outside `functionsDir` (empty when deployable). */
export function importsOutside(functionsDir: string): Map<string, string[]> {
	const root = resolve(functionsDir);
	const found = new Map<string, string[]>();
	const names = readdirSync(root, { withFileTypes: true })
		.filter(
			(entry) =>
				entry.isDirectory() &&
				!entry.name.startsWith('_') &&
				!entry.name.startsWith('.') &&
				entry.name !== 'node_modules'
		)
		.map((entry) => entry.name)
		.filter((name) => existsSync(join(root, name, 'index.ts')));
	for (const name of names) {
		const graph = JSON.parse(
			execFileSync(deno, ['info', '--json', join(name, 'index.ts')], {
				cwd: root,
				encoding: 'utf8',
				maxBuffer: 64 << 20
			})
		) as {
			modules: Array<{ specifier: string }>;
		};
		const outside = graph.modules
			.map((module) => module.specifier)
			.filter((specifier) => specifier.startsWith('file://'))
			.map((specifier) => fileURLToPath(specifier))
			.filter((file) => relative(root, file).startsWith('..'));
		found.set(
			name,
			outside.map((file) => relative(root, file))
		);
	}
	return found;
}
