import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A static SPA: every route renders in the browser, unknown paths fall back to index.html
		// so the host can serve deep links (e.g. /users/<id>) without a server.
		adapter: adapter({ fallback: 'index.html', strict: true }),
		// What the SPA shares with the Edge Functions (generated database types, input schemas, error
		// codes) lives with the functions, because `supabase functions deploy` bundles only
		// supabase/functions: the SPA imports from there, never the other way round.
		alias: { $shared: 'supabase/functions/_shared' },
		// The service worker only serves streamed downloads; the first download registers it.
		serviceWorker: { register: false },
		typescript: {
			// The local stack and the scripts are Node code of this project too: type-check them with
			// the SPA. (Edge Functions are Deno code and are checked by `deno check`.)
			config: (config) => {
				config.include.push('../local-stack/**/*.ts', '../scripts/**/*.ts', '../bench/**/*.ts');
				config.exclude.push('../tests/**/fixtures/**/functions/**');
				return config;
			}
		}
	}
};

export default config;
