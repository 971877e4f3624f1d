// A TCP port nobody listens on right now, chosen by the kernel: for servers the stack, its tests
// and its scripts start next to each other.
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, host, () => {
			const address = server.address();
			server.close(() =>
				address && typeof address === 'object'
					? resolve(address.port)
					: reject(new Error('could not pick a free port'))
			);
		});
	});
}
