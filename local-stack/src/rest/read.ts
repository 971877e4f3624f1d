// GET and HEAD on a table or view: the read plan as one statement in a read-only transaction,
// with PostgREST's counting (exact, planned, estimated), Content-Range and 200/206/416.
import type { Sql } from '../database.ts';
import type { RowRange } from './ast.ts';
import { invalidRange, singularityError } from './errors.ts';
import { negotiateResponse } from './media.ts';
import { parseQueryString } from './parse.ts';
import { ReadPlanner, type ReadNode } from './plan.ts';
import { preferenceApplied, type Preferences } from './preferences.ts';
import { readOutcome, topLevelRange } from './range.ts';
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
import { countSql, Params, readSql, resultStatement, SOURCE, type CountMode, type RowSource } from './sql.ts';

/** The planner's estimate of how many rows the count query returns (count=planned). */
export async function plannedCount(sql: Sql, plan: ReadNode, source: RowSource): Promise<number> {
	const params = new Params();
	const explained = await sql.query(`EXPLAIN (FORMAT JSON) ${countSql(plan, source, params)}`, params.values);
	const document = explained.rows[0]?.['QUERY PLAN'];
	const rows = (typeof document === 'string' ? JSON.parse(document) : document)?.[0]?.Plan?.['Plan Rows'];
	return typeof rows === 'number' ? rows : 0;
}

export interface CountPlan {
	mode: CountMode;
	/** After the statement: replace or refine the total with the planner's estimate. */
	finish: (sql: Sql, exactOrBounded: number | undefined) => Promise<number | undefined>;
}

/** How `Prefer: count=…` is answered: exact in the statement, planned by EXPLAIN, estimated as exact up to max_rows. */
export function planCount(preference: Preferences['count'], plan: ReadNode, source: RowSource, params: Params, maxRows: number | undefined): CountPlan {
	const none = async (_sql: Sql, total: number | undefined) => total;
	if (preference === 'exact' || (preference === 'estimated' && maxRows === undefined)) {
		return { mode: { kind: 'exact', sql: countSql(plan, source, params) }, finish: none };
	}
	if (preference === 'planned') {
		return { mode: { kind: 'none' }, finish: (sql) => plannedCount(sql, plan, source) };
	}
	if (preference === 'estimated' && maxRows !== undefined) {
		return {
			mode: { kind: 'exact', sql: countSql(plan, source, params), limit: maxRows + 1 },
			finish: async (sql, bounded) => {
				if (bounded === undefined || bounded <= maxRows) return bounded;
				return Math.max(bounded, await plannedCount(sql, plan, source));
			}
		};
	}
	return { mode: { kind: 'none' }, finish: none };
}

export function readResponse(
	prepared: PreparedRequest,
	row: ResultRow,
	range: RowRange,
	pageTotal: number,
	total: number | undefined,
	contentType: string,
	extraHeaders: Record<string, string>
): RestResponse {
	const outcome = readOutcome(range.offset, pageTotal, total);
	const applied = preferenceApplied({ count: prepared.preferences.count });
	const headers: Record<string, string> = {
		'content-range': outcome.contentRange,
		'content-type': contentType,
		...extraHeaders,
		...(applied ? { 'preference-applied': applied } : {}),
		...profileHeaders(prepared)
	};
	if (outcome.status === 416) {
		const error = invalidRange(`An offset of ${range.offset} was requested, but there are only ${total ?? 0} rows.`);
		return { status: 416, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(error) };
	}
	const body = prepared.request.method === 'HEAD' ? null : row.body;
	return applyResponseSettings(row, { status: outcome.status, headers, body });
}

export async function handleRead(service: RestService, prepared: PreparedRequest): Promise<RestResponse> {
	const { request, preferences } = prepared;
	const params = parseQueryString(request.rawQuery, { ignore: GATEWAY_PARAMS });
	const media = negotiateResponse(request.headers.get('accept') ?? undefined);
	const range = topLevelRange(params.ranges.get(''), request.headers.get('range') ?? undefined, service.config.maxRows);
	const { cache, plan } = await planWithCache(service, (cache) => {
		const table = findTable(cache, prepared.schema, request.target.name);
		return { cache, plan: new ReadPlanner(cache).plan(table, params, { rootReference: table.name, rootRange: range, applyRootConditions: true }) };
	});

	const sqlParams = new Params();
	const source: RowSource = { kind: 'table' };
	const count = planCount(preferences.count, plan, source, sqlParams, service.config.maxRows);
	const statement = resultStatement(readSql(plan, source, sqlParams), count.mode, `SELECT * FROM ${SOURCE}`, {
		omit: request.method === 'HEAD',
		singular: media.singular,
		stripNulls: media.stripNulls
	});

	const { row, pageTotal, total } = await execute(service, prepared, cache, true, async (sql) => {
		const row = (await sql.query<ResultRow>(statement, sqlParams.values)).rows[0] as ResultRow;
		const pageTotal = Number(row.page_total);
		const total = await count.finish(sql, row.total_result_set === null ? undefined : Number(row.total_result_set));
		if (media.singular && pageTotal !== 1) throw singularityError(pageTotal);
		return { row, pageTotal, total };
	});

	const location = `/${request.target.name}${params.canonical ? `?${params.canonical}` : ''}`;
	return readResponse(prepared, row, range, pageTotal, total, media.contentType, { 'content-location': location });
}
