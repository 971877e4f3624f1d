// What the page and the service worker say to each other about a streamed download (the worker
// may import nothing of the app but this).
export const DOWNLOAD_PATH = '/__download/';

/** What the page posts to the worker: a stream to answer `${DOWNLOAD_PATH}${id}` with. */
export interface DownloadOffer {
	kind: 'download';
	id: string;
	fileName: string;
	type: string;
	stream: ReadableStream<Uint8Array>;
}
