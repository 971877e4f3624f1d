// Regenerates supabase/functions/_shared/database.types.ts from the migrations, on a throwaway cluster (the Supabase
// CLI's `gen types` needs Docker; this runs the same generator, postgres-meta, directly).
import { writeFileSync } from 'node:fs';
import { configuredMajor, startPostgres } from '../local-stack/src/postgres.ts';
import { generateTypes, prepareDatabase, supabaseDir, typesFile } from './lib/database.ts';

const cluster = await startPostgres({ major: configuredMajor(supabaseDir) });
try {
	await prepareDatabase(cluster);
	writeFileSync(typesFile, generateTypes(cluster.url));
	console.log(`wrote ${typesFile}`);
} finally {
	await cluster.stop();
}
