// `npm run dev`: the local stack plus the SPA's dev server pointed at it, one summary, one Ctrl-C.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
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
		const vite = spawn(
			resolve(projectRoot, 'node_modules/.bin/vite'),
			['dev', '--port', String(appPort), '--strictPort'],
			{
				cwd: projectRoot,
				env: {
					...process.env,
					PUBLIC_SUPABASE_URL: stack.apiUrl,
					PUBLIC_SUPABASE_ANON_KEY: stack.keys.anonKey
				},
				stdio: ['ignore', 'pipe', 'pipe']
			}
		);
		const appUrl = await new Promise<string>((resolveReady, reject) => {
			let output = '';
			const onData = (chunk: Buffer) => {
				output += chunk.toString('utf8');
				const url = /Local:\s+(http:\/\/\S+)/.exec(stripVTControlCharacters(output))?.[1];
				if (url) resolveReady(url);
			};
			vite.stdout.on('data', onData);
			vite.stderr.on('data', onData);
			vite.on('exit', (code) => {
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
		console.log(summary(stack, appUrl));
		// After start, pass the dev server's own messages (errors, HMR) through.
		vite.stdout.removeAllListeners('data');
		vite.stderr.removeAllListeners('data');
		vite.stdout.on('data', (chunk: Buffer) => process.stdout.write(chunk));
		vite.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
		return () => vite.kill('SIGTERM');
	}
);
