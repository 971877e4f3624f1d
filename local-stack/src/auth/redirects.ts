// Where GoTrue lets a mail link and /verify send the browser: GoTrue's IsRedirectURLValid and
// GetReferrer (internal/utilities/request.go). A redirect_to is honoured when it points back to
// site_url (any port on a loopback host), is a loopback IP address, or matches one of
// additional_redirect_urls, read as gobwas/glob patterns with '.' and '/' as separators; anything
// else falls back to site_url, so a recovery link can never hand its tokens to a foreign site.
import { isIP } from 'node:net';

export interface RedirectPolicy {
	/** GOTRUE_SITE_URL: config.toml auth.site_url. */
	siteUrl: string;
	/** GOTRUE_URI_ALLOW_LIST: config.toml auth.additional_redirect_urls. */
	allowList: string[];
}

/** The parts of a URL that Go's url.Parse, Hostname() and Port() give GoTrue. */
export interface GoUrlParts {
	scheme: string;
	hostname: string;
	port: string;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * Go's url.Parse as far as the redirect check needs it; null where Go returns an error (control
 * characters, a leading colon, a port that is not a number, an unclosed IPv6 bracket).
 */
export function parseGoUrl(raw: string): GoUrlParts | null {
	// eslint-disable-next-line no-control-regex
	if (/[\x00-\x1f\x7f]/.test(raw)) return null;
	let rest = raw.split('#')[0] ?? '';
	let scheme = '';
	const schemeMatch = SCHEME.exec(rest);
	if (schemeMatch) {
		scheme = (schemeMatch[1] ?? '').toLowerCase();
		rest = rest.slice(schemeMatch[0].length);
	} else if (rest.startsWith(':')) {
		return null; // "missing protocol scheme"
	}
	if (!rest.startsWith('//')) return { scheme, hostname: '', port: '' };
	const authority = rest.slice(2).split(/[/?]/)[0] ?? '';
	const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
	let hostname: string;
	let port: string;
	if (hostPort.startsWith('[')) {
		const close = hostPort.indexOf(']');
		if (close < 0) return null;
		hostname = hostPort.slice(1, close);
		const after = hostPort.slice(close + 1);
		if (after !== '' && !after.startsWith(':')) return null;
		port = after.slice(1);
	} else {
		const colon = hostPort.lastIndexOf(':');
		hostname = colon < 0 ? hostPort : hostPort.slice(0, colon);
		port = colon < 0 ? '' : hostPort.slice(colon + 1);
	}
	if (!/^\d*$/.test(port)) return null;
	try {
		hostname = decodeURIComponent(hostname);
	} catch {
		return null;
	}
	return { scheme, hostname, port };
}

/** GoTrue's isLocalhost (url_validator.go). */
function isLocalhost(hostname: string): boolean {
	const lower = hostname.toLowerCase();
	return (
		['localhost', '127.0.0.1', '::1', '0.0.0.0', '::'].includes(lower) ||
		lower.endsWith('.localhost')
	);
}

/** Go's net.ParseIP(...).IsLoopback() for an address net.ParseIP accepts. */
function isLoopbackIp(address: string): boolean {
	if (isIP(address) === 4) return address.startsWith('127.');
	const lower = address.toLowerCase();
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
	if (mapped?.[1]) return mapped[1].startsWith('127.');
	// ::1 in any of its spellings: every group zero but the last, which is one.
	const groups = expandIpv6(lower);
	return groups !== null && groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1;
}

function expandIpv6(address: string): number[] | null {
	const [head = '', tail] = address.split('::');
	const parse = (part: string) =>
		part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
	const front = parse(head);
	const back = tail === undefined ? [] : parse(tail);
	const zeros = 8 - front.length - back.length;
	if (zeros < 0 || (tail === undefined && zeros !== 0)) return null;
	return [...front, ...Array<number>(zeros).fill(0), ...back];
}

const DECIMAL_IP = /^[0-9]+$/;
const REGULAR_HOSTNAME = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/;

/** GoTrue's IsRedirectURLValid. */
export function isRedirectUrlValid(policy: RedirectPolicy, redirectUrl: string): boolean {
	if (redirectUrl === '') return false;
	const base = parseGoUrl(policy.siteUrl);
	const target = parseGoUrl(redirectUrl);
	if (!base || !target) return false;

	if (
		base.hostname === target.hostname &&
		base.scheme === target.scheme &&
		(base.port === target.port || isLocalhost(target.hostname))
	) {
		return true;
	}

	const isHttp = target.scheme === 'http' || target.scheme === 'https';
	if (DECIMAL_IP.test(target.hostname)) return false;
	if (isIP(target.hostname)) return isLoopbackIp(target.hostname);
	if (isHttp && !REGULAR_HOSTNAME.test(target.hostname)) return false;

	const withoutFragment = redirectUrl.split('#')[0] ?? '';
	return policy.allowList.some((pattern) => compileGlob(pattern).test(withoutFragment));
}

/**
 * GoTrue's GetReferrer: the request's redirect_to if allowed, else its Referer if allowed, else
 * site_url.
 */
export function chooseRedirect(
	policy: RedirectPolicy,
	request: { redirectTo: string; referer: string }
): string {
	if (isRedirectUrlValid(policy, request.redirectTo)) return request.redirectTo;
	if (isRedirectUrlValid(policy, request.referer)) return request.referer;
	return policy.siteUrl;
}

const globCache = new Map<string, RegExp>();

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/**
 * A gobwas/glob pattern compiled with separators '.' and '/', as GoTrue compiles its allow list:
 * `*` any run of non-separators, `**` anything, `?` one non-separator, `[abc]`, `[a-z]`, `[!x]`,
 * `{a,b}` alternatives, `\` escapes. The whole URL must match.
 */
export function compileGlob(pattern: string): RegExp {
	const cached = globCache.get(pattern);
	if (cached) return cached;
	let index = 0;
	const NON_SEPARATOR = '[^./]';

	const parseSequence = (inAlternatives: boolean): string => {
		let out = '';
		while (index < pattern.length) {
			const char = pattern[index] as string;
			if (inAlternatives && (char === ',' || char === '}')) return out;
			index++;
			if (char === '\\' && index < pattern.length) {
				out += escapeRegExp(pattern[index++] as string);
			} else if (char === '*') {
				if (pattern[index] === '*') {
					index++;
					out += '.*';
				} else {
					out += `${NON_SEPARATOR}*`;
				}
			} else if (char === '?') {
				out += NON_SEPARATOR;
			} else if (char === '[') {
				const close = pattern.indexOf(']', index);
				if (close < 0) {
					out += escapeRegExp(char);
					continue;
				}
				let body = pattern.slice(index, close);
				index = close + 1;
				const negated = body.startsWith('!');
				if (negated) body = body.slice(1);
				const escaped = body.replace(/[\\\]^]/g, '\\$&');
				out += negated ? `[^${escaped}]` : `[${escaped}]`;
			} else if (char === '{') {
				const options: string[] = [];
				for (;;) {
					options.push(parseSequence(true));
					const stop = pattern[index];
					index++;
					if (stop !== ',') break;
				}
				out += `(?:${options.join('|')})`;
			} else {
				out += escapeRegExp(char);
			}
		}
		return out;
	};

	const compiled = new RegExp(`^${parseSequence(false)}$`, 's');
	globCache.set(pattern, compiled);
	return compiled;
}
