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

/** A streamed download being written. */
export interface StreamedDownload {
	/** Resolves once the bytes are taken; rejects once aborted, or when the download failed. */
	write(chunk: Uint8Array): Promise<void>;
	close(): Promise<void>;
	/** Ends it at once (the browser drops the partial file), even with a write waiting. */
	abort(): void;
}

/** Browsers stop a worker with no event for about 30 s, even while its answer still streams. */
const KEEP_ALIVE_MS = 10_000;

/** Safari has workers but cannot hand them a stream: no worker is registered there at all. */
function canTransferStreams(): boolean {
	try {
		const stream = new ReadableStream();
		const channel = new MessageChannel();
		channel.port1.postMessage(stream, [stream]);
		channel.port1.close();
		channel.port2.close();
		return true;
	} catch {
		return false;
	}
}

export async function openStreamedDownload(
	fileName: string,
	type = 'text/csv;charset=utf-8'
): Promise<StreamedDownload | null> {
	if (
		!('serviceWorker' in navigator) ||
		typeof TransformStream === 'undefined' ||
		!canTransferStreams()
	)
		return null;
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
		worker.postMessage(offer, [channel.port2, readable]);
		await within(taken, OFFER_TIMEOUT_MS);
		const frame = document.createElement('iframe');
		frame.hidden = true;
		frame.src = `${base}${DOWNLOAD_PATH}${id}`;
		document.body.append(frame);

		const writer = writable.getWriter();
		// A write waits while nobody reads (a slow disk, a download the browser holds back): abort
		// must not wait behind it, so every wait is raced against this.
		let stop: (reason: Error) => void = () => undefined;
		const stopped = new Promise<never>((_, reject) => (stop = reject));
		stopped.catch(() => undefined);
		const keepAlive = setInterval(() => worker.postMessage({ kind: 'keepalive' }), KEEP_ALIVE_MS);
		// The browser's download keeps the response once it started; the frame is not needed after.
		const finish = () => {
			clearInterval(keepAlive);
			setTimeout(() => frame.remove(), 1_000);
		};
		return {
			write: (chunk) => Promise.race([writer.write(chunk), stopped]),
			close: async () => {
				try {
					await Promise.race([writer.close(), stopped]);
				} finally {
					finish();
				}
			},
			abort: () => {
				stop(new Error('the download was stopped'));
				void writer.abort(new Error('the download was stopped')).catch(() => undefined);
				finish();
			}
		};
	} catch {
		return null;
	}
}
