// How the operator scripts treat their command line, written once: --help prints the usage and
// exits 0; a mistake in the call prints one line and the usage and exits 2 (never a stack trace);
// any other failure prints its message and exits 1.
import { UsageError } from './target.ts';

export function fail(message: string, code = 1): never {
	console.error(message);
	process.exit(code);
}

/** parseArgs' result, or the usage for --help; its own refusals become usage errors. */
export function parseOrHelp<T extends { values: { help?: boolean } }>(
	parse: () => T,
	usage: string
): T['values'] {
	let parsed: T;
	try {
		parsed = parse();
	} catch (error) {
		// parseArgs' own words: unknown option, missing value, stray argument.
		throw new UsageError((error as Error).message);
	}
	if (parsed.values.help) {
		console.log(usage);
		process.exit(0);
	}
	return parsed.values;
}

/** The checked arguments, or the exit a mistake or failure calls for. */
export function argumentsOrExit<T>(read: () => T, usage: string): T {
	try {
		return read();
	} catch (error) {
		if (error instanceof UsageError) fail(`${error.message}\n\n${usage}`, 2);
		fail((error as Error).message);
	}
}
