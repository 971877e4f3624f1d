// `supabase functions deploy` bundles each function from supabase/functions alone and fails on an
// import from outside it (supabase/cli#3467), so a function that reaches into src/ would pass every
// local test and still not deploy. This walks each function's module graph as Deno resolves it,
// from the entrypoint config.toml gives it (the functions the stack runs), and names every local
// file outside the functions folder.
import { execFileSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverFunctions } from '../../local-stack/src/functions/index.ts';

const deno = resolve(import.meta.dirname, '../../node_modules/.bin/deno');

/** Function name → the files its graph imports from outside `<supabaseDir>/functions` (empty when deployable). */
export function importsOutside(supabaseDir: string): Map<string, string[]> {
	const root = resolve(supabaseDir, 'functions');
	const found = new Map<string, string[]>();
	for (const fn of discoverFunctions(resolve(supabaseDir))) {
		const graph = JSON.parse(
			execFileSync(deno, ['info', '--json', fn.entrypoint], {
				cwd: root,
				encoding: 'utf8',
				maxBuffer: 64 << 20
			})
		) as { modules: Array<{ specifier: string }> };
		const outside = graph.modules
			.map((module) => module.specifier)
			.filter((specifier) => specifier.startsWith('file://'))
			.map((specifier) => relative(root, fileURLToPath(specifier)))
			.filter((file) => file.startsWith('..'));
		found.set(fn.name, outside);
	}
	return found;
}
