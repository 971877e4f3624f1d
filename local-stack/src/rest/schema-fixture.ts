// A small schema cache for the planners' and SQL builders' unit tests: organizations and their
// users (a self-reference for created_by), transfers with two foreign keys to users (ambiguous
// embeds), a table without a primary key, and functions of every result kind.
import { RestError } from './errors.ts';
import {
	tableKey,
	type Column,
	type Relationship,
	type Routine,
	type RoutineParam,
	type SchemaCache,
	type Table
} from './schema-cache.ts';

export function column(
	name: string,
	type = 'text',
	defaultExpression: string | null = null
): Column {
	return { name, type, notNull: false, defaultExpression, generated: false };
}

export function table(name: string, columns: Column[], primaryKey = ['id']): Table {
	return {
		schema: 'public',
		name,
		columns,
		columnsByName: new Map(columns.map((c) => [c.name, c])),
		primaryKey,
		uniqueKeys: [primaryKey]
	};
}

export const organizations = table('organizations', [
	column('id', 'uuid', 'gen_random_uuid()'),
	column('name')
]);
export const users = table('users', [
	column('id', 'uuid'),
	column('organization_id', 'uuid'),
	column('email'),
	column('first_name'),
	column('role', 'public.user_role', `'member'::public.user_role`),
	column('created_by', 'uuid'),
	column('we"ird')
]);
// Two foreign keys to the same table: embedding `users` from here is ambiguous without a hint.
export const transfers = table('transfers', [
	column('id', 'uuid'),
	column('from_user', 'uuid'),
	column('to_user', 'uuid')
]);
export const auditLog = table('audit_log', [column('message')], []);

function relationshipsOf(fk: {
	constraint: string;
	table: Table;
	foreign: Table;
	column: string;
}): Relationship[] {
	const isSelf = fk.table === fk.foreign;
	return [
		{
			constraint: fk.constraint,
			table: fk.table,
			foreignTable: fk.foreign,
			cardinality: 'm2o',
			columns: [[fk.column, 'id']],
			isSelf
		},
		{
			constraint: fk.constraint,
			table: fk.foreign,
			foreignTable: fk.table,
			cardinality: 'o2m',
			columns: [['id', fk.column]],
			isSelf
		}
	];
}

const param = (name: string, type: string, hasDefault = false): RoutineParam => ({
	name,
	type,
	hasDefault
});

function routine(name: string, routine: Partial<Routine>): Routine {
	return {
		schema: 'public',
		name,
		params: [],
		volatility: 'volatile',
		returnsSet: false,
		returnKind: 'scalar',
		resultColumns: [],
		...routine
	};
}

export const routines = {
	/** Rows of a table, filtered by the caller's rights. */
	searchUsers: routine('search_users', {
		params: [param('search', 'text'), param('max', 'integer', true)],
		volatility: 'stable',
		returnsSet: true,
		returnKind: 'composite',
		resultColumns: users.columns,
		resultTable: users
	}),
	/** Rows of an anonymous record type (RETURNS TABLE). */
	counts: routine('counts', {
		returnsSet: true,
		returnKind: 'composite',
		resultColumns: [column('label'), column('n', 'integer')]
	}),
	add: routine('add', {
		params: [param('a', 'integer'), param('b', 'integer')],
		volatility: 'immutable'
	}),
	touch: routine('touch', { returnKind: 'void' }),
	overNumber: routine('over', { params: [param('a', 'integer')] }),
	overText: routine('over', { params: [param('a', 'text'), param('b', 'text')] })
};

export function buildCache(): SchemaCache {
	const all = [
		...relationshipsOf({
			constraint: 'users_organization_id_fkey',
			table: users,
			foreign: organizations,
			column: 'organization_id'
		}),
		...relationshipsOf({
			constraint: 'users_created_by_fkey',
			table: users,
			foreign: users,
			column: 'created_by'
		}),
		...relationshipsOf({
			constraint: 'transfers_from_user_fkey',
			table: transfers,
			foreign: users,
			column: 'from_user'
		}),
		...relationshipsOf({
			constraint: 'transfers_to_user_fkey',
			table: transfers,
			foreign: users,
			column: 'to_user'
		})
	];
	const relationships = new Map<string, Relationship[]>();
	for (const relationship of all) {
		const key = tableKey('public', relationship.table.name);
		relationships.set(key, [...(relationships.get(key) ?? []), relationship]);
	}
	const routineMap = new Map<string, Routine[]>();
	for (const candidate of Object.values(routines)) {
		const key = tableKey(candidate.schema, candidate.name);
		routineMap.set(key, [...(routineMap.get(key) ?? []), candidate]);
	}
	return {
		schemas: ['public'],
		tables: new Map(
			[organizations, users, transfers, auditLog].map((t) => [tableKey('public', t.name), t])
		),
		relationships,
		routines: routineMap,
		roleSettings: new Map()
	};
}

/** The RestError `run` refuses its input with. */
export function restError(run: () => unknown): RestError {
	try {
		run();
	} catch (error) {
		if (error instanceof RestError) return error;
		throw error;
	}
	throw new Error('expected a RestError');
}
