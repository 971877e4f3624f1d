// The gateway in front of the services: API keys, CORS, unknown routes, oversized bodies.
import { describe, expect, it } from 'vitest';
import { stack } from './stack-under-test.ts';

describe('gateway', () => {
	it('refuses Data API requests without an API key', async () => {
		const response = await fetch(`${stack().apiUrl}/rest/v1/users`);
		expect(response.status).toBe(401);
		expect(await response.json()).toEqual({ message: 'No API key found in request' });
	});

	it('refuses an API key that is not one of the project keys', async () => {
		const response = await fetch(`${stack().apiUrl}/auth/v1/settings`, {
			headers: { apikey: 'not-a-key' }
		});
		expect(response.status).toBe(401);
		expect(await response.json()).toEqual({ message: 'Invalid API key' });
	});

	it('answers CORS preflight for the APIs', async () => {
		const response = await fetch(`${stack().apiUrl}/rest/v1/users`, {
			method: 'OPTIONS',
			headers: {
				origin: 'http://localhost:5173',
				'access-control-request-method': 'GET',
				'access-control-request-headers': 'authorization,apikey,x-client-info,prefer'
			}
		});
		expect(response.status).toBe(204);
		expect(response.headers.get('access-control-allow-origin')).toBe('*');
		expect(response.headers.get('access-control-allow-headers')).toMatch(/apikey/);
	});

	it('answers an unknown route with a JSON 404', async () => {
		const response = await fetch(`${stack().apiUrl}/nowhere`);
		expect(response.status).toBe(404);
		expect(await response.json()).toHaveProperty('message');
	});

	it.runIf(stack().embedded)('refuses bodies over 1 MiB with 413, and keeps serving', async () => {
		const response = await fetch(`${stack().apiUrl}/rest/v1/users`, {
			method: 'POST',
			headers: { apikey: stack().anonKey, 'content-type': 'application/json' },
			body: JSON.stringify({ first_name: 'x'.repeat(1_100_000) })
		});
		expect(response.status).toBe(413);
		const after = await fetch(`${stack().apiUrl}/nowhere`);
		expect(after.status).toBe(404);
	});

	it('answers an unknown function with 404', async () => {
		const response = await fetch(`${stack().apiUrl}/functions/v1/no-such-function`, {
			method: 'POST',
			headers: { authorization: `Bearer ${stack().anonKey}` }
		});
		expect(response.status).toBe(404);
	});
});
