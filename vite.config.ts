import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		include: ['src/**/*.{test,spec}.ts', 'local-stack/**/*.test.ts', 'scripts/**/*.test.ts'],
		projects: [
			{
				// The SPA's unit and component tests: Svelte's browser build in a DOM (happy-dom has
				// <dialog>.showModal, which the modals use), DOM cleaned between tests.
				extends: true,
				plugins: [svelteTesting()],
				resolve: { conditions: ['browser'] },
				// `include` merges with the root's (extends), so each project excludes the other's files.
				test: {
					name: 'spa',
					environment: 'happy-dom',
					include: ['src/**/*.{test,spec}.ts'],
					exclude: ['local-stack/**', 'node_modules/**']
				}
			},
			{
				// The local stack and the scripts are Node code: plain Node environment.
				extends: true,
				test: {
					name: 'node',
					environment: 'node',
					include: ['local-stack/**/*.test.ts', 'scripts/**/*.test.ts'],
					exclude: ['src/**', 'node_modules/**']
				}
			}
		]
	}
});
