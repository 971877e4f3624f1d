// Content negotiation for the JSON media types PostgREST serves: an array of rows, or a single
// object (`application/vnd.pgrst.object+json`, what supabase-js `.single()` asks for), each
// optionally with null values stripped (`;nulls=stripped`).
import { unacceptableMediaTypes, unsupportedContentType } from './errors.ts';

export interface ResponseMedia {
	singular: boolean;
	stripNulls: boolean;
	contentType: string;
}

interface AcceptedType {
	type: string;
	parameters: Map<string, string>;
	quality: number;
	raw: string;
}

function parseAccept(header: string): AcceptedType[] {
	return header
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean)
		.map((raw) => {
			const [type = '', ...params] = raw.split(';').map((piece) => piece.trim());
			const parameters = new Map(
				params.map((param) => {
					const [name = '', value = ''] = param.split('=').map((piece) => piece.trim());
					return [name.toLowerCase(), value.toLowerCase()] as [string, string];
				})
			);
			const quality = Number(parameters.get('q') ?? '1');
			return {
				type: type.toLowerCase(),
				parameters,
				quality: Number.isFinite(quality) ? quality : 0,
				raw
			};
		})
		.filter((accepted) => accepted.quality > 0)
		.sort((a, b) => b.quality - a.quality);
}

function producible(accepted: AcceptedType): ResponseMedia | undefined {
	const stripNulls = accepted.parameters.get('nulls') === 'stripped';
	switch (accepted.type) {
		case '*/*':
		case 'application/*':
		case 'application/json':
			return { singular: false, stripNulls: false, contentType: 'application/json; charset=utf-8' };
		case 'application/vnd.pgrst.array+json':
		case 'application/vnd.pgrst.array':
			return stripNulls
				? {
						singular: false,
						stripNulls,
						contentType: 'application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8'
					}
				: { singular: false, stripNulls, contentType: 'application/json; charset=utf-8' };
		case 'application/vnd.pgrst.object+json':
		case 'application/vnd.pgrst.object':
			return {
				singular: true,
				stripNulls,
				contentType: `application/vnd.pgrst.object+json${stripNulls ? ';nulls=stripped' : ''}; charset=utf-8`
			};
		default:
			return undefined;
	}
}

export function negotiateResponse(acceptHeader: string | undefined): ResponseMedia {
	const accepted = acceptHeader?.trim() ? parseAccept(acceptHeader) : [];
	if (accepted.length === 0)
		return { singular: false, stripNulls: false, contentType: 'application/json; charset=utf-8' };
	for (const candidate of accepted) {
		const media = producible(candidate);
		if (media) return media;
	}
	throw unacceptableMediaTypes(accepted.map((candidate) => candidate.raw));
}

/** Request bodies are JSON; PostgREST's CSV and form bodies are not supported by the local stack. */
export function requireJsonBody(contentType: string | undefined): void {
	const type = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
	if (type !== '' && type !== 'application/json' && !type.endsWith('+json'))
		throw unsupportedContentType(type);
}
