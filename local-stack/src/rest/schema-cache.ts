// PostgREST's schema cache: the tables, columns, relationships and functions of the exposed
// schemas, read from pg_catalog. Every table, column and function name the Data API writes into
// SQL is checked against it first, and it gives the column types request bodies are decoded with.
import type { Database } from '../database.ts';

export interface Column {
	name: string;
	/** format_type() with an empty search_path, so user types come schema-qualified. */
	type: string;
	notNull: boolean;
	/** The default expression (pg_get_expr), used by `Prefer: missing=default`. */
	defaultExpression: string | null;
	generated: boolean;
}

export interface Table {
	schema: string;
	name: string;
	columns: Column[];
	columnsByName: Map<string, Column>;
	primaryKey: string[];
	/** Column sets of the primary key and unique constraints, to tell one-to-one from many-to-one. */
	uniqueKeys: string[][];
}

export type Cardinality = 'm2o' | 'o2m' | 'o2o';

export interface Relationship {
	constraint: string;
	table: Table;
	foreignTable: Table;
	cardinality: Cardinality;
	/** Pairs of [column of `table`, column of `foreignTable`] the join compares. */
	columns: Array<[string, string]>;
	isSelf: boolean;
}

export interface RoutineParam {
	name: string;
	type: string;
	hasDefault: boolean;
}

export interface Routine {
	schema: string;
	name: string;
	params: RoutineParam[];
	volatility: 'immutable' | 'stable' | 'volatile';
	returnsSet: boolean;
	/** void, a single value (scalar), or rows with columns (composite). */
	returnKind: 'void' | 'scalar' | 'composite';
	/** For composite results: the columns, and the table when the result is a table's row type. */
	resultColumns: Column[];
	resultTable?: Table;
}

export interface SchemaCache {
	schemas: string[];
	tables: Map<string, Table>;
	relationships: Map<string, Relationship[]>;
	routines: Map<string, Routine[]>;
	/** Settings each API role carries (ALTER ROLE … SET), applied per request as PostgREST does. */
	roleSettings: Map<string, Array<[string, string]>>;
}

export const tableKey = (schema: string, name: string) => `${schema}.${name}`;

interface ColumnRow {
	name: string;
	type: string;
	notNull: boolean;
	default: string | null;
	generated: boolean;
}

const TABLES_SQL = `
select n.nspname as schema, c.relname as name, c.oid::int8::text as oid,
  coalesce(
    json_agg(json_build_object(
      'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
      'default', pg_get_expr(d.adbin, d.adrelid), 'generated', a.attgenerated <> ''
    ) order by a.attnum) filter (where a.attnum is not null),
    '[]') as columns
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
where c.relkind in ('r', 'v', 'm', 'f', 'p') and n.nspname = any($1)
group by n.nspname, c.relname, c.oid`;

const CONSTRAINTS_SQL = `
select con.conname as name, con.contype as type, con.conrelid::int8::text as table_oid, con.confrelid::int8::text as foreign_oid,
  array(select a.attname from unnest(con.conkey) with ordinality k(num, ord)
        join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num order by k.ord)::text[] as columns,
  array(select a.attname from unnest(con.confkey) with ordinality k(num, ord)
        join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num order by k.ord)::text[] as foreign_columns
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
where con.contype in ('p', 'u', 'f') and n.nspname = any($1)
order by con.conname`;

const ROUTINES_SQL = `
select n.nspname as schema, p.proname as name, p.provolatile as volatility, p.proretset as returns_set,
  p.prorettype = 'pg_catalog.void'::pg_catalog.regtype as returns_void,
  t.typtype as return_typtype, t.typrelid::int8::text as return_relid,
  p.pronargdefaults as default_count, p.proargnames::text[] as arg_names, p.proargmodes::text[] as arg_modes,
  array(select format_type(u.type, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality u(type, ord) order by u.ord)::text[] as arg_types,
  coalesce((
    select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) order by a.attnum)
    from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped
  ), '[]') as composite_columns
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type t on t.oid = p.prorettype
where n.nspname = any($1) and p.prokind = 'f'
  and p.prorettype not in ('pg_catalog.trigger'::pg_catalog.regtype, 'pg_catalog.event_trigger'::pg_catalog.regtype)`;

const ROLE_SETTINGS_SQL = `
select r.rolname as role, s.setdatabase <> 0 as database_specific, s.setconfig as settings
from pg_db_role_setting s
join pg_roles r on r.oid = s.setrole
where s.setdatabase in (0, (select oid from pg_database where datname = current_database()))`;

/** Settings PostgREST itself controls per request; a role's own value for them is not applied. */
const SETTINGS_NOT_IMPERSONATED = new Set(['search_path', 'role', 'session_authorization']);

function toColumn(row: ColumnRow): Column {
	return {
		name: row.name,
		type: row.type,
		notNull: row.notNull,
		defaultExpression: row.default,
		generated: row.generated
	};
}

function sameColumns(a: string[], b: string[]): boolean {
	return a.length === b.length && a.every((column) => b.includes(column));
}

function buildRelationships(
	constraints: Array<{
		name: string;
		type: string;
		table_oid: string;
		foreign_oid: string;
		columns: string[];
		foreign_columns: string[];
	}>,
	tablesByOid: Map<string, Table>
): Map<string, Relationship[]> {
	const relationships = new Map<string, Relationship[]>();
	const add = (relationship: Relationship) => {
		const key = tableKey(relationship.table.schema, relationship.table.name);
		relationships.set(key, [...(relationships.get(key) ?? []), relationship]);
	};
	for (const constraint of constraints) {
		if (constraint.type !== 'f') continue;
		const table = tablesByOid.get(constraint.table_oid);
		const foreignTable = tablesByOid.get(constraint.foreign_oid);
		// Foreign keys to tables outside the exposed schemas (auth.users) cannot be embedded.
		if (!table || !foreignTable) continue;
		const pairs = constraint.columns.map((column, i): [string, string] => [
			column,
			constraint.foreign_columns[i] as string
		]);
		const isSelf = table === foreignTable;
		const oneToOne = table.uniqueKeys.some((key) => sameColumns(key, constraint.columns));
		add({
			constraint: constraint.name,
			table,
			foreignTable,
			cardinality: oneToOne ? 'o2o' : 'm2o',
			columns: pairs,
			isSelf
		});
		add({
			constraint: constraint.name,
			table: foreignTable,
			foreignTable: table,
			cardinality: oneToOne ? 'o2o' : 'o2m',
			columns: pairs.map(([column, foreign]): [string, string] => [foreign, column]),
			isSelf
		});
	}
	return relationships;
}

interface RoutineRow {
	schema: string;
	name: string;
	volatility: 'i' | 's' | 'v';
	returns_set: boolean;
	returns_void: boolean;
	return_typtype: string;
	return_relid: string;
	default_count: number;
	arg_names: string[] | null;
	arg_modes: string[] | null;
	arg_types: string[];
	composite_columns: Array<{ name: string; type: string }>;
}

function buildRoutine(row: RoutineRow, tablesByOid: Map<string, Table>): Routine {
	const modes = row.arg_modes ?? row.arg_types.map(() => 'i');
	const all = row.arg_types.map((type, i) => ({
		type,
		mode: modes[i] ?? 'i',
		name: row.arg_names?.[i] ?? ''
	}));
	const inputs = all.filter((arg) => ['i', 'b', 'v'].includes(arg.mode));
	const outputs = all.filter((arg) => ['o', 'b', 't'].includes(arg.mode));
	const params = inputs.map((arg, i) => ({
		name: arg.name,
		type: arg.type,
		hasDefault: i >= inputs.length - row.default_count
	}));
	const resultTable = row.return_typtype === 'c' ? tablesByOid.get(row.return_relid) : undefined;
	let returnKind: Routine['returnKind'] = 'scalar';
	let resultColumns: Column[] = [];
	if (row.returns_void) {
		returnKind = 'void';
	} else if (row.return_typtype === 'c') {
		returnKind = 'composite';
		resultColumns =
			resultTable?.columns ??
			row.composite_columns.map((c) =>
				toColumn({ ...c, notNull: false, default: null, generated: false })
			);
	} else if (outputs.length > 0 && row.return_typtype === 'p') {
		// RETURNS TABLE (…) and OUT parameters: a record with the output parameters as columns.
		returnKind = 'composite';
		resultColumns = outputs.map((arg) =>
			toColumn({ name: arg.name, type: arg.type, notNull: false, default: null, generated: false })
		);
	}
	const volatility = ({ i: 'immutable', s: 'stable', v: 'volatile' } as const)[row.volatility];
	return {
		schema: row.schema,
		name: row.name,
		params,
		volatility,
		returnsSet: row.returns_set,
		returnKind,
		resultColumns,
		resultTable
	};
}

const USER_SETTINGS_SQL = `select name from pg_settings where context = 'user'`;

function buildRoleSettings(
	rows: Array<{ role: string; database_specific: boolean; settings: string[] | null }>,
	userSettings: Set<string>
) {
	const settings = new Map<string, Map<string, string>>();
	// Database-specific settings override the role's general ones.
	for (const row of [...rows].sort(
		(a, b) => Number(a.database_specific) - Number(b.database_specific)
	)) {
		const forRole = settings.get(row.role) ?? new Map<string, string>();
		for (const entry of row.settings ?? []) {
			const equals = entry.indexOf('=');
			const name = entry.slice(0, equals);
			// Only what the role itself may set: a superuser-only setting would fail every request.
			const settable = userSettings.has(name) || name.includes('.');
			if (equals > 0 && settable && !SETTINGS_NOT_IMPERSONATED.has(name))
				forRole.set(name, entry.slice(equals + 1));
		}
		settings.set(row.role, forRole);
	}
	return new Map([...settings].map(([role, values]) => [role, [...values]]));
}

export async function loadSchemaCache(db: Database, schemas: string[]): Promise<SchemaCache> {
	return db.transaction(
		async (sql) => {
			// An empty search_path makes format_type() and pg_get_expr() qualify every user type and function.
			await sql.query(`set local search_path to ''`);
			const tableRows = (
				await sql.query<{ schema: string; name: string; oid: string; columns: ColumnRow[] }>(
					TABLES_SQL,
					[schemas]
				)
			).rows;
			const constraints = (await sql.query(CONSTRAINTS_SQL, [schemas])).rows;
			const routineRows = (await sql.query<RoutineRow>(ROUTINES_SQL, [schemas])).rows;
			const roleRows = (await sql.query(ROLE_SETTINGS_SQL)).rows;
			const userSettings = new Set(
				(await sql.query<{ name: string }>(USER_SETTINGS_SQL)).rows.map((row) => row.name)
			);

			const tables = new Map<string, Table>();
			const tablesByOid = new Map<string, Table>();
			for (const row of tableRows) {
				const columns = row.columns.map(toColumn);
				const own = constraints.filter(
					(c: { table_oid: string; type: string }) => c.table_oid === row.oid && c.type !== 'f'
				);
				const table: Table = {
					schema: row.schema,
					name: row.name,
					columns,
					columnsByName: new Map(columns.map((column) => [column.name, column])),
					primaryKey: own.find((c: { type: string }) => c.type === 'p')?.columns ?? [],
					uniqueKeys: own.map((c: { columns: string[] }) => c.columns)
				};
				tables.set(tableKey(row.schema, row.name), table);
				tablesByOid.set(row.oid, table);
			}

			const routines = new Map<string, Routine[]>();
			for (const row of routineRows) {
				const key = tableKey(row.schema, row.name);
				routines.set(key, [...(routines.get(key) ?? []), buildRoutine(row, tablesByOid)]);
			}
			return {
				schemas,
				tables,
				relationships: buildRelationships(constraints, tablesByOid),
				routines,
				roleSettings: buildRoleSettings(roleRows, userSettings)
			};
		},
		{ readOnly: true }
	);
}

/**
 * The current schema cache, loaded on first use and reloaded when a request names something it
 * does not know (a migration or a test added it). Reloads are shared by concurrent requests and
 * spaced by at least `minimumIntervalMs`, so unknown names cannot make the stack hammer the catalog.
 */
export class SchemaCacheStore {
	private cache?: Promise<SchemaCache>;
	private loadStartedAt = 0;
	private pending?: Promise<SchemaCache>;

	constructor(
		private readonly load: () => Promise<SchemaCache>,
		private readonly minimumIntervalMs = 100
	) {}

	get(): Promise<SchemaCache> {
		return this.cache ?? this.reload();
	}

	reload(): Promise<SchemaCache> {
		this.loadStartedAt = Date.now();
		const loading = this.load();
		this.cache = loading;
		// A failed load (database down) must not stick: the next request tries again.
		loading.catch(() => {
			if (this.cache === loading) this.cache = undefined;
		});
		return loading;
	}

	/** Resolves once the cache reflects the catalog as it was at `since` (a Date.now() value) or later. */
	async refreshSince(since: number): Promise<void> {
		if (this.cache && this.loadStartedAt >= since) {
			await this.cache;
			return;
		}
		if (!this.pending) {
			const wait = Math.max(0, this.loadStartedAt + this.minimumIntervalMs - Date.now());
			this.pending = new Promise<void>((resolve) => setTimeout(resolve, wait)).then(() => {
				this.pending = undefined;
				return this.reload();
			});
		}
		await this.pending;
	}
}
