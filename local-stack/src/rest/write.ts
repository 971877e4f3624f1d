// POST (insert, upsert), PATCH and DELETE on a table: the write in a CTE, the response read back
// from it with the request's `select` when `Prefer: return=representation` asks for it, statuses
// and headers as PostgREST sets them. A failed singular or max-affected check rolls the write back.
import type { QueryParams } from './ast.ts';
import { parseJsonBody } from './body.ts';
import { columnNotFound, invalidBody, maxAffectedViolation, RestError, singularityError } from './errors.ts';
import { negotiateResponse, requireJsonBody, type ResponseMedia } from './media.ts';
import { parseQueryString } from './parse.ts';
import { ReadPlanner, type PlanLogic, type ReadNode } from './plan.ts';
import { preferenceApplied, type Preferences } from './preferences.ts';
import { contentRange } from './range.ts';
import {
	GATEWAY_PARAMS,
	applyResponseSettings,
	execute,
	findTable,
	planWithCache,
	profileHeaders,
	type PreparedRequest,
	type RestResponse,
	type RestService,
	type ResultRow
} from './request.ts';
import type { Column, SchemaCache, Table } from './schema-cache.ts';
import { deleteSql, insertSql, Params, readSql, updateSql, writeStatement, type InsertSpec, type JsonBody } from './sql.ts';

type JsonObject = Record<string, unknown>;

interface ParsedBody {
	body: JsonBody;
	rows: JsonObject[];
}

/** The request body as PostgREST accepts it for writes: one JSON object or an array of objects. */
function parseWriteBody(text: string): ParsedBody {
	const value = parseJsonBody(text);
	const isObject = (item: unknown): item is JsonObject => typeof item === 'object' && item !== null && !Array.isArray(item);
	if (isObject(value)) return { body: { text, isObject: true }, rows: [value] };
	if (Array.isArray(value) && value.every(isObject)) return { body: { text, isObject: false }, rows: value };
	throw invalidBody();
}

/** Columns written: the `columns` parameter, else the body's keys; each must exist (PGRST204). */
function writtenColumns(table: Table, params: QueryParams, parsed: ParsedBody): Column[] {
	let names = params.columns;
	if (!names) {
		const keySets = parsed.rows.map((row) => Object.keys(row));
		const first = keySets[0] ?? [];
		if (!parsed.body.isObject && keySets.some((keys) => keys.length !== first.length || keys.some((key) => !first.includes(key)))) {
			throw invalidBody('All object keys must match');
		}
		names = first;
	}
	return [...new Set(names)].map((name) => {
		const column = table.columnsByName.get(name);
		if (!column) throw columnNotFound(table.name, name);
		return column;
	});
}

/** Columns the write must return so the response can be read back: the selected ones and the embeds' join keys. */
function returnedColumns(plan: ReadNode): string[] {
	const selectsAll = (plan.select.length === 0 && plan.embeds.length === 0) || plan.select.some((column) => column.field.name === '*');
	if (selectsAll) return ['*'];
	const names = plan.select.map((column) => column.field.name);
	for (const embed of plan.embeds) names.push(...embed.relationship.columns.map(([parentColumn]) => parentColumn));
	return [...new Set(names)];
}

interface WritePlan {
	cache: SchemaCache;
	table: Table;
	response: ReadNode;
	conditions: PlanLogic[];
	columns: Column[];
}

function planWrite(service: RestService, prepared: PreparedRequest, params: QueryParams, parsed: ParsedBody | undefined): Promise<WritePlan> {
	return planWithCache(service, (cache) => {
		const table = findTable(cache, prepared.schema, prepared.request.target.name);
		const planner = new ReadPlanner(cache);
		return {
			cache,
			table,
			response: planner.plan(table, params, { rootReference: 'pgrst_source', rootRange: { offset: 0 }, applyRootConditions: false }),
			conditions: planner.conditions(table, params),
			columns: parsed ? writtenColumns(table, params, parsed) : []
		};
	});
}

interface WriteOutcome {
	row: ResultRow;
	pageTotal: number;
}

async function runWrite(
	service: RestService,
	prepared: PreparedRequest,
	plan: WritePlan,
	media: ResponseMedia,
	buildWrite: (params: Params, returning: string[]) => string,
	countsInserted = false
): Promise<WriteOutcome> {
	const { preferences } = prepared;
	const representation = preferences.return === 'representation';
	const params = new Params();
	// Even without a representation PostgREST writes `RETURNING 1`, so RLS select policies apply alike.
	const write = buildWrite(params, representation ? returnedColumns(plan.response) : []);
	const response = representation ? readSql(plan.response, { kind: 'cte' }, params) : undefined;
	const statement = writeStatement(write, response, { omit: !representation, singular: media.singular, stripNulls: media.stripNulls }, countsInserted);
	return execute(service, prepared, plan.cache, false, async (sql) => {
		const row = (await sql.query<ResultRow>(statement, params.values)).rows[0] as ResultRow;
		const pageTotal = Number(row.page_total);
		if (preferences.handling === 'strict' && preferences.maxAffected !== undefined && pageTotal > preferences.maxAffected) {
			throw maxAffectedViolation(pageTotal);
		}
		if (media.singular && pageTotal !== 1) throw singularityError(pageTotal);
		return { row, pageTotal };
	});
}

function writeResponse(
	prepared: PreparedRequest,
	outcome: WriteOutcome,
	status: number,
	range: string,
	media: ResponseMedia,
	applied: Preferences
): RestResponse {
	const representation = prepared.preferences.return === 'representation';
	const appliedHeader = preferenceApplied(applied);
	const headers: Record<string, string> = {
		'content-range': range,
		...(representation ? { 'content-type': media.contentType } : {}),
		...(appliedHeader ? { 'preference-applied': appliedHeader } : {}),
		...profileHeaders(prepared)
	};
	return applyResponseSettings(outcome.row, { status, headers, body: representation ? outcome.row.body : null });
}

function prepareBody(prepared: PreparedRequest): ParsedBody {
	requireJsonBody(prepared.request.headers.get('content-type') ?? undefined);
	return parseWriteBody(prepared.request.body);
}

export async function handleInsert(service: RestService, prepared: PreparedRequest): Promise<RestResponse> {
	const { request, preferences } = prepared;
	const params = parseQueryString(request.rawQuery, { ignore: GATEWAY_PARAMS });
	const media = negotiateResponse(request.headers.get('accept') ?? undefined);
	const parsed = prepareBody(prepared);
	const plan = await planWrite(service, prepared, params, parsed);

	// An upsert needs `Prefer: resolution=…`; it conflicts on on_conflict's columns, else the primary key.
	let onConflict: InsertSpec['onConflict'];
	if (preferences.resolution) {
		const columns = params.onConflict ?? plan.table.primaryKey;
		for (const name of columns) {
			if (!plan.table.columnsByName.has(name)) throw new RestError(400, '42703', `column "${name}" does not exist`);
		}
		if (columns.length > 0) onConflict = { resolution: preferences.resolution, columns };
	}
	const merging = onConflict?.resolution === 'merge-duplicates';
	const outcome = await runWrite(
		service,
		prepared,
		plan,
		media,
		(params, returning) =>
			insertSql({ table: plan.table, columns: plan.columns, body: parsed.body, applyDefaults: preferences.missing === 'default', onConflict, returning }, params),
		merging
	);
	const inserted = outcome.row.inserted ?? 0;
	const status = merging && inserted <= 0 ? 200 : 201;
	const range = contentRange(1, 0, preferences.count ? outcome.pageTotal : undefined);
	return writeResponse(prepared, outcome, status, range, media, {
		resolution: onConflict ? preferences.resolution : undefined,
		return: preferences.return,
		count: preferences.count,
		missing: preferences.missing
	});
}

export async function handleUpdate(service: RestService, prepared: PreparedRequest): Promise<RestResponse> {
	const { request, preferences } = prepared;
	const params = parseQueryString(request.rawQuery, { ignore: GATEWAY_PARAMS });
	const media = negotiateResponse(request.headers.get('accept') ?? undefined);
	const parsed = prepareBody(prepared);
	const plan = await planWrite(service, prepared, params, parsed);
	const outcome = await runWrite(service, prepared, plan, media, (params, returning) =>
		updateSql({ table: plan.table, columns: plan.columns, body: parsed.body, conditions: plan.conditions, returning }, params)
	);
	const representation = preferences.return === 'representation';
	const range = contentRange(0, outcome.pageTotal - 1, preferences.count ? outcome.pageTotal : undefined);
	return writeResponse(prepared, outcome, representation ? 200 : 204, range, media, {
		return: preferences.return,
		count: preferences.count,
		handling: preferences.handling,
		maxAffected: preferences.handling === 'strict' ? preferences.maxAffected : undefined
	});
}

export async function handleDelete(service: RestService, prepared: PreparedRequest): Promise<RestResponse> {
	const { request, preferences } = prepared;
	const params = parseQueryString(request.rawQuery, { ignore: GATEWAY_PARAMS });
	const media = negotiateResponse(request.headers.get('accept') ?? undefined);
	const plan = await planWrite(service, prepared, params, undefined);
	const outcome = await runWrite(service, prepared, plan, media, (params, returning) => deleteSql(plan.table, plan.conditions, returning, params));
	const representation = preferences.return === 'representation';
	const range = contentRange(1, 0, preferences.count ? outcome.pageTotal : undefined);
	return writeResponse(prepared, outcome, representation ? 200 : 204, range, media, {
		return: preferences.return,
		count: preferences.count,
		handling: preferences.handling,
		maxAffected: preferences.handling === 'strict' ? preferences.maxAffected : undefined
	});
}
