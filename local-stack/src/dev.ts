// `npm run dev`: the local stack plus the SPA's dev server pointed at it, one summary, one Ctrl-C.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseStackOptions, usage } from './cli-options.ts';
import { runUntilInterrupted } from './main.ts';
import { PortInUseError, projectRoot, startStack } from './stack.ts';
import { summary } from './summary.ts';

let options;
try {
	options = parseStackOptions(process.argv.slice(2));
} catch (error) {
	console.error(
		`${(error as Error).message}\n\n${usage}\n  (the app's port: env APP_PORT, default 5173)`
	);
	process.exit(2);
}
if (options.help) {
	console.log(
		`npm run dev -- [options]\n\n${usage}\n  (the app's port: env APP_PORT, default 5173)`
	);
	process.exit(0);
}
const appPort = Number(process.env.APP_PORT ?? 5173);

await runUntilInterrupted(
	options.stateDir,
	() =>
		startStack({
			...options,
			warmFunctions: true,
			// Only the summary matters at start; later requests' log lines are worth seeing.
			log: (scope, message) => {
				if (scope !== 'db') console.log(`[${scope}] ${message}`);
			}
		}),
	async (stack) => {
		// One Node process with tsx's loader (not the tsx CLI, which would sit between the two and
		// keep the IPC channel to itself).
		const vite = spawn(
			process.execPath,
			['--import', 'tsx', resolve(import.meta.dirname, 'vite-dev.ts'), String(appPort)],
			{
				cwd: projectRoot,
				env: {
					...process.env,
					PUBLIC_SUPABASE_URL: stack.apiUrl,
					PUBLIC_SUPABASE_ANON_KEY: stack.keys.anonKey
				},
				stdio: ['ignore', 'pipe', 'pipe', 'ipc']
			}
		);
		// Whatever the dev server says before it listens is printed above the banner, so that
		// the banner is the last thing on screen at start.
		const [stdout, stderr] = [vite.stdout!, vite.stderr!];
		let output = '';
		const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
		stdout.on('data', collect);
		stderr.on('data', collect);
		const appUrl = await new Promise<string>((resolveReady, reject) => {
			vite.once('message', (message: { url: string }) => resolveReady(message.url));
			vite.once('exit', (code) => {
				const busy = /already in use/i.test(output);
				reject(
					busy
						? new PortInUseError(appPort, 'app dev server', 'APP_PORT')
						: new Error(`vite exited (${code}):\n${output}`)
				);
			});
		}).catch(async (error) => {
			console.error(error instanceof PortInUseError ? `\n${error.message}\n` : error);
			await stack.stop();
			process.exit(1);
		});
		stdout.off('data', collect);
		stderr.off('data', collect);
		if (output.trim()) process.stdout.write(output);
		console.log(summary(stack, appUrl));
		// After start, pass the dev server's own messages (errors, HMR) through.
		stdout.on('data', (chunk: Buffer) => process.stdout.write(chunk));
		stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
		return () => vite.kill('SIGTERM');
	}
);
