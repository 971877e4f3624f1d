// `npm run stack`: the local Supabase-compatible stack alone, in the foreground until Ctrl-C.
import { parseStackOptions, usage } from './cli-options.ts';
import { removeStatusFile, writeStatusFile } from './status-file.ts';
import { MissingToolError } from './mail/catcher.ts';
import { PostgresUnavailableError } from './postgres.ts';
import { PortInUseError, startStack, type RunningStack } from './stack.ts';
import { summary } from './summary.ts';

export async function runUntilInterrupted(
	stateDir: string,
	start: () => Promise<RunningStack>,
	afterStart: (stack: RunningStack) => Promise<() => void>
) {
	let stack: RunningStack;
	try {
		stack = await start();
	} catch (error) {
		// What the developer can act on is one sentence; anything else is a bug, with its stack.
		const plain = [PortInUseError, PostgresUnavailableError, MissingToolError].some(
			(kind) => error instanceof kind
		);
		console.error(plain ? `\n${(error as Error).message}\n` : error);
		process.exit(1);
	}
	writeStatusFile(stateDir, stack);
	const stopExtras = await afterStart(stack);
	let stopping = false;
	const shutdown = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping…');
		stopExtras();
		removeStatusFile(stateDir);
		await stack.stop();
		process.exit(0);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	let options;
	try {
		options = parseStackOptions(process.argv.slice(2));
	} catch (error) {
		console.error(`${(error as Error).message}\n\n${usage}`);
		process.exit(2);
	}
	if (options.help) {
		console.log(`npm run stack -- [options]\n\n${usage}`);
		process.exit(0);
	}
	await runUntilInterrupted(
		options.stateDir,
		() =>
			startStack({
				...options,
				warmFunctions: true,
				log: (scope, message) => console.log(`[${scope}] ${message}`)
			}),
		async (stack) => {
			console.log(summary(stack));
			return () => {};
		}
	);
}
