import { describe, expect, it, vi } from 'vitest';
import { readConfig, supabase } from './client';

// In the browser SvelteKit fills this from /_app/env.js; here it is an empty environment.
vi.mock('$env/dynamic/public', () => ({ env: {} }));

describe('readConfig', () => {
	it('needs both the URL and a public key', () => {
		expect(readConfig({})).toBeNull();
		expect(readConfig({ PUBLIC_SUPABASE_URL: 'http://127.0.0.1:54321' })).toBeNull();
		expect(
			readConfig({
				PUBLIC_SUPABASE_URL: ' http://127.0.0.1:54321 ',
				PUBLIC_SUPABASE_ANON_KEY: 'anon'
			})
		).toEqual({
			url: 'http://127.0.0.1:54321',
			anonKey: 'anon'
		});
	});

	it('gives no client when the build has no configuration (the app says so instead of failing)', () => {
		expect(supabase()).toBeNull();
	});

	it('accepts a publishable key instead of the legacy anon key', () => {
		expect(
			readConfig({
				PUBLIC_SUPABASE_URL: 'https://x.supabase.co',
				PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x'
			})?.anonKey
		).toBe('sb_publishable_x');
	});
});
