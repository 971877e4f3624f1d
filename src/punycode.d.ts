// punycode.js ships no types; the one function the console uses.
declare module 'punycode.js' {
	const punycode: {
		/** An ASCII (xn--) domain name in Unicode; anything else unchanged. */
		toUnicode(domain: string): string;
	};
	export default punycode;
}
