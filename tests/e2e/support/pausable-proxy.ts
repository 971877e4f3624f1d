// A TCP relay between the browser and the local stack that a test can make fail the way a real
// network and server do: `hang` (connections open, nothing answers: a paused or overloaded server)
// and `down` (connections refused and cut: a stopped one), then `up` again. The SPA is built against
// the relay's address; tests that call the stack directly keep using its own.
//
// Tests run in worker processes, the relay in global setup's: they switch it through a small
// control endpoint (POST /hang, /down, /up).
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../../../local-stack/src/free-port.ts';

export type RelayMode = 'up' | 'hang' | 'down';

export interface PausableProxy {
	url: string;
	controlUrl: string;
	close(): Promise<void>;
}

const listen = (server: Server | ReturnType<typeof createHttpServer>, port: number) =>
	new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

export async function startPausableProxy(target: URL): Promise<PausableProxy> {
	let mode: RelayMode = 'up';
	const pairs = new Set<{ client: Socket; upstream: Socket }>();

	const relay = createServer((client) => {
		if (mode === 'down') return client.destroy();
		const upstream = connect(Number(target.port), target.hostname);
		const pair = { client, upstream };
		pairs.add(pair);
		client.pipe(upstream);
		upstream.pipe(client);
		const end = () => {
			pairs.delete(pair);
			client.destroy();
			upstream.destroy();
		};
		client.on('error', end).on('close', end);
		upstream.on('error', end).on('close', end);
		// Held from the first byte: the request reaches nobody until the relay is up again.
		if (mode === 'hang') client.pause();
	});

	const control = createHttpServer((request, response) => {
		const next = request.url?.slice(1) as RelayMode;
		if (request.method !== 'POST' || !['up', 'hang', 'down'].includes(next)) {
			response.writeHead(404).end();
			return;
		}
		mode = next;
		for (const { client, upstream } of pairs) {
			if (mode === 'down') {
				client.destroy();
				upstream.destroy();
			} else if (mode === 'hang') {
				client.pause();
				upstream.pause();
			} else {
				client.resume();
				upstream.resume();
			}
		}
		response.writeHead(204).end();
	});

	const relayPort = await freePort();
	const controlPort = await freePort();
	await listen(relay, relayPort);
	await listen(control, controlPort);
	return {
		url: `http://127.0.0.1:${relayPort}`,
		controlUrl: `http://127.0.0.1:${controlPort}`,
		async close() {
			for (const { client, upstream } of pairs) {
				client.destroy();
				upstream.destroy();
			}
			await Promise.all([
				new Promise((resolve) => relay.close(resolve)),
				new Promise((resolve) => control.close(resolve))
			]);
		}
	};
}

/** From a test: switch the relay the SPA talks through. */
export async function setRelay(controlUrl: string, mode: RelayMode): Promise<void> {
	const response = await fetch(`${controlUrl}/${mode}`, { method: 'POST' });
	if (response.status !== 204) throw new Error(`relay control answered ${response.status}`);
}
