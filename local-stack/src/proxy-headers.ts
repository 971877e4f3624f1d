// What a proxy of the stack passes on: end-to-end headers only (RFC 9110 §7.6.1). Hop-by-hop ones
// (and those `Connection` names) belong to one connection; forwarded into fetch() they make it throw
// or mean something else to the next hop.
const HOP_BY_HOP = new Set([
	'connection',
	'keep-alive',
	'proxy-connection',
	'te',
	'trailer',
	'trailers',
	'transfer-encoding',
	'upgrade',
	'expect',
	'host',
	'content-length'
]);

export function endToEndHeaders(incoming: Headers): Headers {
	const named = new Set(
		(incoming.get('connection') ?? '')
			.split(',')
			.map((token) => token.trim().toLowerCase())
			.filter(Boolean)
	);
	const headers = new Headers();
	incoming.forEach((value, name) => {
		const lower = name.toLowerCase();
		if (HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || named.has(lower)) return;
		headers.append(name, value);
	});
	return headers;
}

/** Headers of the function's answer that belong to its connection to us, or that fetch already undid. */
export function responseHeadersOf(response: Response): Headers {
	const headers = endToEndHeaders(response.headers);
	// fetch has already decoded the body: its original encoding and length no longer apply.
	headers.delete('content-encoding');
	return headers;
}
