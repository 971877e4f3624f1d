// punycode.js ships no types; the one function the console uses.
declare module 'punycode.js' {
	/** An ASCII (xn--) domain name in Unicode; anything else unchanged. */
	export function toUnicode(domain: string): string;
}
