// Regenerates src/lib/database.types.ts from the migrations, on a throwaway cluster (the Supabase
// CLI's `gen types` needs Docker; this runs the same generator, postgres-meta, directly).
import { writeFileSync } from 'node:fs';
import { startThrowawayCluster } from './lib/pg-cluster.ts';
import { generateTypes, prepareDatabase, typesFile } from './lib/database.ts';

const cluster = await startThrowawayCluster();
try {
	prepareDatabase(cluster.url);
	writeFileSync(typesFile, generateTypes(cluster.url));
	console.log(`wrote ${typesFile}`);
} finally {
	cluster.stop();
}
