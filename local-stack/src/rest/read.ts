// GET and HEAD on a table or view: the read plan as one statement in a read-only transaction,
// with PostgREST's counting (exact, planned, estimated), Content-Range and 200/206/416.
import type { Sql } from '../database.ts';
import type { RowRange } from './ast.ts';
import { finishCount } from './count.ts';
import { invalidRange, singularityError } from './errors.ts';
import { negotiateResponse } from './media.ts';
import { parseQueryString } from './parse.ts';
import { preferenceApplied } from './preferences.ts';
import { readOutcome, topLevelRange } from './range.ts';
import { planRead, type ReadNode } from './read-plan.ts';
import {
	GATEWAY_PARAMS,
	applyResponseSettings,
	execute,
	planWithCache,
	profileHeaders,
	type PreparedRequest,
	type RestResponse,
	type RestService,
	type ResultRow
} from './request.ts';
import { countSql, Params, readStatement } from './sql.ts';

/**
 * The planner's estimate of how many rows a table read's count query returns (count=planned), as
 * PostgREST's postExplain. Reads only: a call's rows exist only inside its statement, and PostgREST
 * never estimates them (call-plan.ts).
 */
export async function plannedCount(sql: Sql, plan: ReadNode): Promise<number> {
	const params = new Params();
	const explained = await sql.query(
		`EXPLAIN (FORMAT JSON) ${countSql(plan, { kind: 'table' }, params)}`,
		params.values
	);
	const document = explained.rows[0]?.['QUERY PLAN'];
	const rows = (typeof document === 'string' ? JSON.parse(document) : document)?.[0]?.Plan?.[
		'Plan Rows'
	];
	return typeof rows === 'number' ? rows : 0;
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
		const error = invalidRange(
			`An offset of ${range.offset} was requested, but there are only ${total ?? 0} rows.`
		);
		return {
			status: 416,
			headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
			body: JSON.stringify(error)
		};
	}
	const body = prepared.request.method === 'HEAD' ? null : row.body;
	return applyResponseSettings(row, { status: outcome.status, headers, body });
}

export async function handleRead(
	service: RestService,
	prepared: PreparedRequest
): Promise<RestResponse> {
	const { request, preferences } = prepared;
	const params = parseQueryString(request.rawQuery, { ignore: GATEWAY_PARAMS });
	const media = negotiateResponse(request.headers.get('accept') ?? undefined);
	const range = topLevelRange(
		params.ranges.get(''),
		request.headers.get('range') ?? undefined,
		service.config.maxRows
	);
	const { cache, plan } = await planWithCache(service, (cache) => ({
		cache,
		plan: planRead(cache, {
			schema: prepared.schema,
			name: request.target.name,
			params,
			range,
			countPreference: preferences.count,
			maxRows: service.config.maxRows
		})
	}));

	const sqlParams = new Params();
	const statement = readStatement(
		plan,
		{ omit: request.method === 'HEAD', singular: media.singular, stripNulls: media.stripNulls },
		sqlParams
	);

	const { row, pageTotal, total } = await execute(service, prepared, cache, true, async (sql) => {
		const row = (await sql.query<ResultRow>(statement, sqlParams.values)).rows[0] as ResultRow;
		const pageTotal = Number(row.page_total);
		const counted = row.total_result_set === null ? undefined : Number(row.total_result_set);
		const total = await finishCount(plan.count, counted, () => plannedCount(sql, plan.root));
		if (media.singular && pageTotal !== 1) throw singularityError(pageTotal);
		return { row, pageTotal, total };
	});

	const location = `/${request.target.name}${params.canonical ? `?${params.canonical}` : ''}`;
	return readResponse(prepared, row, range, pageTotal, total, media.contentType, {
		'content-location': location
	});
}
