import { afterEach, describe, expect, it, vi } from 'vitest';
import { Toasts } from './toasts.svelte';

afterEach(() => vi.useRealTimers());

describe('Toasts', () => {
	it('shows results and lets successes fade while errors stay', () => {
		vi.useFakeTimers();
		const toasts = new Toasts(1000);
		toasts.success('Saved');
		const error = toasts.error('Failed');
		expect(toasts.items.map((toast) => toast.message)).toEqual(['Saved', 'Failed']);
		vi.advanceTimersByTime(1001);
		expect(toasts.items.map((toast) => toast.message)).toEqual(['Failed']);
		toasts.dismiss(error);
		expect(toasts.items).toEqual([]);
	});
});
