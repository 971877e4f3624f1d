// A tiny static host for build/: files as they are, index.html for every other path (the SPA
// fallback a real host is configured with), and /_app/env.js answered with the run's settings.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { freePort } from '../../../local-stack/src/free-port.ts';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.json': 'application/json',
	'.ico': 'image/x-icon',
	'.txt': 'text/plain; charset=utf-8'
};

export { freePort };

export async function serveSpa(
	dir: string,
	publicEnv: Record<string, string>
): Promise<{ url: string; close(): Promise<void> }> {
	if (!existsSync(join(dir, 'index.html')))
		throw new Error(`${dir}/index.html is missing: build the SPA first (npm run build)`);
	const server: Server = createServer((request, response) => {
		const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
		if (path === '/_app/env.js') {
			response.writeHead(200, { 'content-type': TYPES['.js']!, 'cache-control': 'no-store' });
			response.end(`export const env=${JSON.stringify(publicEnv)}`);
			return;
		}
		const file = normalize(join(dir, path));
		const isFile = file.startsWith(dir) && existsSync(file) && statSync(file).isFile();
		const target = isFile ? file : join(dir, 'index.html');
		response.writeHead(200, {
			'content-type': TYPES[extname(target)] ?? 'application/octet-stream'
		});
		createReadStream(target).pipe(response);
	});
	const port = await freePort();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${port}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
