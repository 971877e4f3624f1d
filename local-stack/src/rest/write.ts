// POST (insert, upsert), PATCH and DELETE on a table: the mutate plan as one statement, statuses
// and headers as PostgREST sets them. The singular and max-affected checks run inside the
// transaction, so failing them rolls the write back.
import { parseWriteBody, type WriteBody } from './body.ts';
import { maxAffectedViolation, singularityError } from './errors.ts';
import { negotiateResponse, requireJsonBody } from './media.ts';
import { mergesDuplicates, planMutation, type MutatePlan } from './mutate-plan.ts';
import { parseQueryString } from './parse.ts';
import { preferenceApplied, type Preferences } from './preferences.ts';
import { contentRange } from './range.ts';
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
import { mutateStatement, Params } from './sql.ts';

interface WriteOutcome {
	plan: MutatePlan;
	row: ResultRow;
	pageTotal: number;
	contentType: string;
}

function readBody(prepared: PreparedRequest): WriteBody {
	requireJsonBody(prepared.request.headers.get('content-type') ?? undefined);
	return parseWriteBody(prepared.request.body);
}

async function runMutation(
	service: RestService,
	prepared: PreparedRequest,
	kind: MutatePlan['mutation']['kind']
): Promise<WriteOutcome> {
	const { request, preferences } = prepared;
	const params = parseQueryString(request.rawQuery, { ignore: GATEWAY_PARAMS });
	const media = negotiateResponse(request.headers.get('accept') ?? undefined);
	const target = { schema: prepared.schema, name: request.target.name, params, preferences };
	const mutateRequest =
		kind === 'delete' ? { ...target, kind } : { ...target, kind, body: readBody(prepared) };
	const { cache, plan } = await planWithCache(service, (cache) => ({
		cache,
		plan: planMutation(cache, mutateRequest)
	}));

	const sqlParams = new Params();
	const statement = mutateStatement(
		plan,
		{ singular: media.singular, stripNulls: media.stripNulls },
		sqlParams
	);
	return execute(service, prepared, cache, false, async (sql) => {
		const row = (await sql.query<ResultRow>(statement, sqlParams.values)).rows[0] as ResultRow;
		const pageTotal = Number(row.page_total);
		if (
			preferences.handling === 'strict' &&
			preferences.maxAffected !== undefined &&
			pageTotal > preferences.maxAffected
		) {
			throw maxAffectedViolation(pageTotal);
		}
		if (media.singular && pageTotal !== 1) throw singularityError(pageTotal);
		return { plan, row, pageTotal, contentType: media.contentType };
	});
}

function writeResponse(
	prepared: PreparedRequest,
	outcome: WriteOutcome,
	status: number,
	range: string,
	applied: Preferences
): RestResponse {
	const { representation } = outcome.plan;
	const appliedHeader = preferenceApplied(applied);
	const headers: Record<string, string> = {
		'content-range': range,
		...(representation ? { 'content-type': outcome.contentType } : {}),
		...(appliedHeader ? { 'preference-applied': appliedHeader } : {}),
		...profileHeaders(prepared)
	};
	return applyResponseSettings(outcome.row, {
		status,
		headers,
		body: representation ? outcome.row.body : null
	});
}

/** What PATCH and DELETE report as applied: max-affected only counts under handling=strict. */
function filteredWriteApplied(preferences: Preferences): Preferences {
	return {
		return: preferences.return,
		count: preferences.count,
		handling: preferences.handling,
		maxAffected: preferences.handling === 'strict' ? preferences.maxAffected : undefined
	};
}

export async function handleInsert(
	service: RestService,
	prepared: PreparedRequest
): Promise<RestResponse> {
	const { preferences } = prepared;
	const outcome = await runMutation(service, prepared, 'insert');
	const { mutation } = outcome.plan;
	// An upsert that only updated existing rows answers 200.
	const status = mergesDuplicates(mutation) && (outcome.row.inserted ?? 0) <= 0 ? 200 : 201;
	const range = contentRange(1, 0, preferences.count ? outcome.pageTotal : undefined);
	return writeResponse(prepared, outcome, status, range, {
		resolution:
			mutation.kind === 'insert' && mutation.onConflict ? preferences.resolution : undefined,
		return: preferences.return,
		count: preferences.count,
		missing: preferences.missing
	});
}

export async function handleUpdate(
	service: RestService,
	prepared: PreparedRequest
): Promise<RestResponse> {
	const { preferences } = prepared;
	const outcome = await runMutation(service, prepared, 'update');
	const range = contentRange(
		0,
		outcome.pageTotal - 1,
		preferences.count ? outcome.pageTotal : undefined
	);
	return writeResponse(
		prepared,
		outcome,
		outcome.plan.representation ? 200 : 204,
		range,
		filteredWriteApplied(preferences)
	);
}

export async function handleDelete(
	service: RestService,
	prepared: PreparedRequest
): Promise<RestResponse> {
	const { preferences } = prepared;
	const outcome = await runMutation(service, prepared, 'delete');
	const range = contentRange(1, 0, preferences.count ? outcome.pageTotal : undefined);
	return writeResponse(
		prepared,
		outcome,
		outcome.plan.representation ? 200 : 204,
		range,
		filteredWriteApplied(preferences)
	);
}
