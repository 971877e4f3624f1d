// The Data API settings the Supabase CLI hands PostgREST, read from supabase/config.toml `[api]`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';

export interface RestConfig {
	/** Exposed schemas; the first one is the default (PGRST_DB_SCHEMAS). */
	schemas: string[];
	/** Schemas after the exposed one on every request's search_path (PGRST_DB_EXTRA_SEARCH_PATH). */
	extraSearchPath: string[];
	/** Upper bound on rows a read returns (PGRST_DB_MAX_ROWS). */
	maxRows?: number;
}

const stringList = (value: unknown): string[] | undefined =>
	Array.isArray(value) && value.every((item) => typeof item === 'string')
		? (value as string[])
		: undefined;

export function readRestConfig(supabaseDir: string): RestConfig {
	const api = (parse(readFileSync(join(supabaseDir, 'config.toml'), 'utf8')).api ?? {}) as Record<
		string,
		unknown
	>;
	const schemas = stringList(api.schemas) ?? ['public', 'graphql_public'];
	const maxRows = typeof api.max_rows === 'number' && api.max_rows > 0 ? api.max_rows : undefined;
	return {
		schemas: schemas.length ? schemas : ['public'],
		extraSearchPath: stringList(api.extra_search_path) ?? ['public', 'extensions'],
		maxRows
	};
}
