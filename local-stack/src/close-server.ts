// Stops an HTTP server now: close() alone waits for every keep-alive connection a client still
// holds open, which can keep a stopping stack (and the test run that started it) waiting forever.
import type { ServerType } from '@hono/node-server';

export function closeServer(server: ServerType): Promise<void> {
	return new Promise<void>((done) => {
		server.close(() => done());
		if ('closeAllConnections' in server) server.closeAllConnections();
	});
}
