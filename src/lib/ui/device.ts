// A device as people name it ("Chrome on Linux"), from the user agent Auth noted for a session: the
// same words in the activity log's sign-ins and in the sessions lists.
// A handful of patterns instead of a user-agent library: the console only needs the browser's
// family and the system, and the libraries that know every device weigh 10–20 KB gzipped.
// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari", every browser on an
// iPhone says "Mac OS X".

const BROWSERS: ReadonlyArray<[RegExp, string]> = [
	[/\bEdg(?:e|A|iOS)?\//, 'Edge'],
	[/\bOPR\/|\bOpera\b/, 'Opera'],
	[/\bSamsungBrowser\//, 'Samsung Internet'],
	[/\bFirefox\/|\bFxiOS\//, 'Firefox'],
	[/\b(?:Headless)?Chrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
	[/\bVersion\/[\d.]+.*\bSafari\/|\bAppleWebKit\/.*\bMobile\//, 'Safari']
];

const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
	[/\biPhone\b/, 'iPhone'],
	[/\biPad\b/, 'iPad'],
	[/\bAndroid\b/, 'Android'],
	[/\bCrOS\b/, 'ChromeOS'],
	[/\bWindows\b/, 'Windows'],
	[/\bMacintosh\b|\bMac OS X\b/, 'macOS'],
	[/\bLinux\b|\bX11\b/, 'Linux']
];

/** Longer than any name above; a user agent nothing matched is shown cut to this. */
const RAW_MAX = 40;

const first = (patterns: ReadonlyArray<[RegExp, string]>, agent: string): string | null =>
	patterns.find(([pattern]) => pattern.test(agent))?.[1] ?? null;

/**
 * "Chrome on Linux", "Safari on iPhone", "Firefox"; a program that is no browser by its own name
 * ("curl", "node"); null when nothing was noted.
 */
export function deviceName(userAgent: string | null | undefined): string | null {
	const agent = userAgent?.trim();
	if (!agent) return null;
	const browser = first(BROWSERS, agent);
	const system = first(SYSTEMS, agent);
	if (browser && system) return `${browser} on ${system}`;
	if (browser) return browser;
	if (system) return `A browser on ${system}`;
	// Not a browser: its first product token ("curl/8.5.0" → "curl"), as the program calls itself.
	const product = /^([A-Za-z][\w.-]*)\//.exec(agent)?.[1];
	if (product && product !== 'Mozilla') return product;
	return agent.length > RAW_MAX ? `${agent.slice(0, RAW_MAX - 1)}…` : agent;
}
