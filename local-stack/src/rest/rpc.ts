// /rpc/<function>: functions of the exposed schema called with named arguments, from a JSON body
// (POST) or the query string (GET/HEAD, read-only). The call plan as one statement; results that
// are rows are answered like a read (Content-Range, 200/206/416), counted only exactly as PostgREST
// counts calls: count=planned gives no total, count=estimated an exact one.
import { callArguments, planCall } from './call-plan.ts';
import { invalidRpcMethod, singularityError } from './errors.ts';
import { negotiateResponse } from './media.ts';
import { parseQueryString } from './parse.ts';
import { topLevelRange } from './range.ts';
import { readResponse } from './read.ts';
import {
	GATEWAY_PARAMS,
	execute,
	isReadMethod,
	planWithCache,
	profileHeaders,
	type PreparedRequest,
	type RestResponse,
	type RestService,
	type ResultRow
} from './request.ts';
import { callStatement, Params } from './sql.ts';

export async function handleRpc(
	service: RestService,
	prepared: PreparedRequest
): Promise<RestResponse> {
	const { request, preferences } = prepared;
	if (!['GET', 'HEAD', 'POST'].includes(request.method)) throw invalidRpcMethod(request.method);
	const readMethod = isReadMethod(request.method);
	const params = parseQueryString(request.rawQuery, {
		rpcRead: readMethod,
		ignore: GATEWAY_PARAMS
	});
	const media = negotiateResponse(request.headers.get('accept') ?? undefined);
	const args = callArguments({
		readMethod,
		queryArgs: params.rpcArgs,
		contentType: request.headers.get('content-type') ?? undefined,
		body: request.body
	});
	const range = topLevelRange(
		params.ranges.get(''),
		readMethod ? (request.headers.get('range') ?? undefined) : undefined,
		service.config.maxRows
	);
	const { cache, plan } = await planWithCache(service, (cache) => ({
		cache,
		plan: planCall(cache, {
			schema: prepared.schema,
			name: request.target.name,
			params,
			args,
			readMethod,
			range,
			countPreference: preferences.count,
			maxRows: service.config.maxRows
		})
	}));

	const sqlParams = new Params();
	const statement = callStatement(
		plan,
		{ omit: request.method === 'HEAD', singular: media.singular, stripNulls: media.stripNulls },
		sqlParams
	);
	const { row, pageTotal, total } = await execute(
		service,
		prepared,
		cache,
		plan.readOnly,
		async (sql) => {
			const row = (await sql.query<ResultRow>(statement, sqlParams.values)).rows[0] as ResultRow;
			const pageTotal = Number(row.page_total);
			// Counted exactly in the statement or not at all (call-plan.ts): nothing to estimate afterwards.
			const total = row.total_result_set === null ? undefined : Number(row.total_result_set);
			if (media.singular && pageTotal !== 1) throw singularityError(pageTotal);
			return { row, pageTotal, total };
		}
	);

	if (plan.routine.returnKind === 'void')
		return { status: 204, headers: profileHeaders(prepared), body: null };
	return readResponse(prepared, row, range, pageTotal, total, media.contentType, {});
}
