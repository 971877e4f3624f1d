// A download written while it is made: the page hands the service worker (src/service-worker.ts)
// the readable end of a stream and opens the download's address in a hidden frame; the worker
// answers that address with the stream, as a file. The browser then writes the file to disk as
// the page writes the stream, and neither the page nor the browser holds the whole file (a Blob
// would live in the browser's memory until saved). Where a browser cannot (no service worker, no
// transferable streams: Safari), `openStreamedDownload` says null and the caller builds a Blob.
import { dev } from '$app/environment';
import { base } from '$app/paths';
import { DOWNLOAD_PATH, type DownloadOffer } from './download-protocol.ts';

/** How long the worker may take to start and take the stream before the page builds a Blob instead. */
const OFFER_TIMEOUT_MS = 3_000;

/** `promise`, or a failure after `ms` (a worker that never activates must not hold the export). */
const within = <T>(promise: Promise<T>, ms: number): Promise<T> =>
	Promise.race([
		promise,
		new Promise<never>((_, reject) =>
			setTimeout(() => reject(new Error('the download worker did not answer')), ms)
		)
	]);

export async function openStreamedDownload(
	fileName: string,
	type = 'text/csv;charset=utf-8'
): Promise<WritableStream<Uint8Array> | null> {
	if (!('serviceWorker' in navigator) || typeof TransformStream === 'undefined') return null;
	try {
		// Registered at the first download, not with the app: nothing else goes through a worker.
		const worker = await within(
			navigator.serviceWorker
				.register(`${base}/service-worker.js`, {
					type: dev ? 'module' : 'classic',
					scope: `${base}/`
				})
				.then(() => navigator.serviceWorker.ready),
			OFFER_TIMEOUT_MS
		).then((registration) => registration.active);
		if (!worker) return null;
		const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
		const id = crypto.randomUUID();
		const channel = new MessageChannel();
		const taken = new Promise<void>((resolve) => (channel.port1.onmessage = () => resolve()));
		const offer: DownloadOffer = { kind: 'download', id, fileName, type, stream: readable };
		// Throws where streams cannot be transferred: the Blob way then.
		worker.postMessage(offer, [channel.port2, readable]);
		await within(taken, OFFER_TIMEOUT_MS);
		const frame = document.createElement('iframe');
		frame.hidden = true;
		frame.src = `${base}${DOWNLOAD_PATH}${id}`;
		document.body.append(frame);
		// The browser's download keeps the response once it started; the frame is not needed after.
		const removeFrame = () => setTimeout(() => frame.remove(), 1_000);
		const writer = writable.getWriter();
		return new WritableStream<Uint8Array>({
			write: (chunk) => writer.write(chunk),
			close: async () => {
				await writer.close();
				removeFrame();
			},
			abort: async (reason) => {
				await writer.abort(reason);
				removeFrame();
			}
		});
	} catch {
		return null;
	}
}
