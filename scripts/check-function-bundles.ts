// npm test: every Edge Function imports only from supabase/functions, as deploy requires.
import { resolve } from 'node:path';
import { importsOutside } from './lib/function-bundles.ts';

const found = importsOutside(resolve(import.meta.dirname, '../supabase'));
let failed = false;
for (const [name, outside] of found) {
	if (outside.length) {
		failed = true;
		console.error(
			`${name}: imports from outside supabase/functions, which deploy cannot bundle:\n  ${outside.join('\n  ')}`
		);
	} else console.log(`${name}: bundles from supabase/functions alone`);
}
if (failed || found.size === 0) process.exit(1);
