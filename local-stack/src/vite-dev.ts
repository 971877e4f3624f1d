// The SPA's dev server for `npm run dev`, started through Vite's API rather than its CLI: the CLI
// prints its own start block (version, URLs, "use --host to expose") after it is listening, which
// would land under the stack's banner. This prints nothing at start and tells the parent over IPC
// where it listens; later messages (HMR, errors) come through Vite's logger as usual.
import { createServer } from 'vite';

const port = Number(process.argv[2]);
const server = await createServer({
	clearScreen: false,
	server: { port, strictPort: true }
}).catch(fail);
try {
	await server.listen();
} catch (error) {
	await server.close();
	fail(error);
}
process.send!({ url: server.resolvedUrls?.local[0] ?? `http://localhost:${port}/` });

function fail(error: unknown): never {
	// The parent reads "already in use" from this to name the port and APP_PORT.
	console.error(error);
	process.exit(1);
}

let closing = false;
const close = async () => {
	if (closing) return;
	closing = true;
	await server.close();
	process.exit(0);
};
process.on('SIGINT', close);
process.on('SIGTERM', close);
// Its parent gone (killed without passing the signal on), nothing would ever stop it.
process.on('disconnect', close);
