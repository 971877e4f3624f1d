import { describe, expect, it, vi } from 'vitest';
import type { AppClient } from '$lib/supabase/client';
import { CLIENT_ERRORS } from '$lib/users/errors';
import { RecoveryLink, RecoveryRequest } from './recovery.svelte';
import { INACTIVE_MESSAGE } from './session.svelte';

type AuthAnswer = {
	data?: unknown;
	error: { code?: string; status?: number; name?: string } | null;
};

function clientWith(auth: Record<string, (...args: unknown[]) => Promise<AuthAnswer>>) {
	const calls: Record<string, unknown[][]> = {};
	const spied = Object.fromEntries(
		Object.entries(auth).map(([name, fn]) => [
			name,
			vi.fn((...args: unknown[]) => {
				(calls[name] ??= []).push(args);
				return fn(...args);
			})
		])
	);
	return { client: { auth: spied } as unknown as AppClient, calls };
}

const RESET = 'http://localhost:5173/reset-password';

describe('RecoveryRequest', () => {
	it('asks Auth for a mail to the normalised address, with the reset page to come back to', async () => {
		const { client, calls } = clientWith({ resetPasswordForEmail: async () => ({ error: null }) });
		const request = new RecoveryRequest(
			() => client,
			() => RESET,
			' Ada@Demo.TEST '
		);
		await request.submit();
		expect(calls.resetPasswordForEmail).toEqual([['ada@demo.test', { redirectTo: RESET }]]);
		expect(request.sentTo).toBe('ada@demo.test');
	});

	it('answers the same whether or not the address has an account', async () => {
		// GoTrue answers 200 for unknown addresses; a refusal other than the rate limit says nothing either.
		for (const error of [null, { code: 'user_not_found', status: 400 }]) {
			const { client } = clientWith({ resetPasswordForEmail: async () => ({ error }) });
			const request = new RecoveryRequest(
				() => client,
				() => RESET,
				'who@demo.test'
			);
			await request.submit();
			expect([request.sentTo, request.error]).toEqual(['who@demo.test', null]);
		}
	});

	it('says when no mail can go out now: too many requests, no connection, a malformed address', async () => {
		const limited = clientWith({
			resetPasswordForEmail: async () => ({
				error: { code: 'over_email_send_rate_limit', status: 429 }
			})
		});
		const request = new RecoveryRequest(
			() => limited.client,
			() => RESET,
			'ada@demo.test'
		);
		await request.submit();
		expect(request.error).toMatch(/^Too many requests/);
		expect(request.sentTo).toBeNull();

		const offline = clientWith({
			resetPasswordForEmail: async () => ({ error: { name: 'AuthRetryableFetchError', status: 0 } })
		});
		const again = new RecoveryRequest(
			() => offline.client,
			() => RESET,
			'ada@demo.test'
		);
		await again.submit();
		expect(again.error).toBe(CLIENT_ERRORS.network);

		const typo = new RecoveryRequest(
			() => offline.client,
			() => RESET,
			'ada@'
		);
		await typo.submit();
		expect(typo.error).toBe('Enter a valid email address');
		expect(offline.calls.resetPasswordForEmail).toHaveLength(1);
	});
});

describe('RecoveryLink', () => {
	const link = (query: string, answer: AuthAnswer) => {
		const { client, calls } = clientWith({ verifyOtp: async () => answer });
		const recovery = new RecoveryLink(() => client);
		return { recovery, calls, run: () => recovery.verify(new URLSearchParams(query)) };
	};

	it('verifies the token hash once, as a recovery', async () => {
		const { recovery, calls, run } = link('token_hash=abc&type=recovery', { error: null });
		await run();
		expect(calls.verifyOtp).toEqual([[{ token_hash: 'abc', type: 'recovery' }]]);
		expect(recovery.state).toBe('ready');
		expect(recovery.message).toBeNull();
	});

	it('turns an expired, used or altered link into a plain page, without asking Auth for a broken one', async () => {
		const expired = link('token_hash=abc&type=recovery', {
			error: { code: 'otp_expired', status: 403 }
		});
		await expired.run();
		expect(expired.recovery.state).toBe('invalid');
		expect(expired.recovery.message).toMatch(/^This link has expired or was already used/);

		for (const query of ['', 'token_hash=abc&type=signup', 'type=recovery']) {
			const broken = link(query, { error: null });
			await broken.run();
			expect(broken.recovery.state).toBe('invalid');
			expect(broken.calls.verifyOtp).toBeUndefined();
		}
	});

	it('tells an inactive account and a lost connection apart from a bad link', async () => {
		const banned = link('token_hash=abc&type=recovery', {
			error: { code: 'user_banned', status: 403 }
		});
		await banned.run();
		expect(banned.recovery.message).toBe(INACTIVE_MESSAGE);
		const offline = link('token_hash=abc&type=recovery', {
			error: { name: 'AuthRetryableFetchError', status: 0 }
		});
		await offline.run();
		expect(offline.recovery.message).toBe(CLIENT_ERRORS.network);
	});
});
