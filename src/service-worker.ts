/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// The console's service worker does one thing: it answers a streamed download's address with the
// stream the page handed it ($lib/csv/streamed-download.ts). Every other request goes on as if
// there were no worker: nothing is cached, nothing is rewritten. It is registered by the first
// download, not by the app.
import { DOWNLOAD_PATH, type DownloadOffer } from '$lib/csv/download-protocol.ts';

const worker = self as unknown as ServiceWorkerGlobalScope;
const offers = new Map<string, DownloadOffer>();

// A new version takes over at once: there is no cached state to keep consistent.
worker.addEventListener('install', () => void worker.skipWaiting());
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()));

/** A stream whose download never came (the page gave up waiting) is let go after this. */
const UNCLAIMED_MS = 60_000;

// `keepalive` messages need no answer: receiving them is what keeps this worker running while a
// download streams.
worker.addEventListener('message', (event) => {
	const offer = event.data as DownloadOffer | null;
	if (offer?.kind !== 'download' || typeof offer.id !== 'string') return;
	offers.set(offer.id, offer);
	event.ports[0]?.postMessage('taken');
	setTimeout(() => {
		if (offers.delete(offer.id)) void offer.stream.cancel().catch(() => undefined);
	}, UNCLAIMED_MS);
});

/** Where downloads are answered: under this worker's own scope only. */
const downloadPrefix = `${new URL(worker.registration.scope).pathname.replace(/\/$/, '')}${DOWNLOAD_PATH}`;

/** `attachment` with the name in RFC 6266/5987 form (any character, quoted safely). */
const disposition = (fileName: string) =>
	`attachment; filename="${fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

worker.addEventListener('fetch', (event) => {
	const url = new URL(event.request.url);
	if (url.origin !== worker.location.origin || !url.pathname.startsWith(downloadPrefix)) return;
	const id = url.pathname.slice(downloadPrefix.length);
	const offer = offers.get(id);
	// Each stream is answered once: a reload of the address finds nothing.
	offers.delete(id);
	event.respondWith(
		offer
			? new Response(offer.stream, {
					headers: {
						'content-type': offer.type,
						'content-disposition': disposition(offer.fileName),
						'cache-control': 'no-store',
						'x-content-type-options': 'nosniff'
					}
				})
			: new Response('This download has ended.', { status: 404 })
	);
});
