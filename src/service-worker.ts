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

worker.addEventListener('message', (event) => {
	const offer = event.data as DownloadOffer | null;
	if (offer?.kind !== 'download' || typeof offer.id !== 'string') return;
	offers.set(offer.id, offer);
	event.ports[0]?.postMessage('taken');
});

/** `attachment` with the name in RFC 6266/5987 form (any character, quoted safely). */
const disposition = (fileName: string) =>
	`attachment; filename="${fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

worker.addEventListener('fetch', (event) => {
	const url = new URL(event.request.url);
	const at = url.pathname.indexOf(DOWNLOAD_PATH);
	if (url.origin !== worker.location.origin || at < 0) return;
	const id = url.pathname.slice(at + DOWNLOAD_PATH.length);
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
