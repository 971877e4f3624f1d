import { afterEach, describe, expect, it, vi } from 'vitest';
import { Toasts } from './toasts.svelte';

afterEach(() => vi.useRealTimers());

const messages = (toasts: Toasts) => toasts.items.map((toast) => toast.message);

describe('Toasts', () => {
	it('lets successes go after their time and errors after twice as long', () => {
		vi.useFakeTimers();
		const toasts = new Toasts(1000);
		toasts.success('Saved');
		toasts.error('Failed');
		expect(messages(toasts)).toEqual(['Saved', 'Failed']);
		vi.advanceTimersByTime(1001);
		expect(messages(toasts)).toEqual(['Failed']);
		vi.advanceTimersByTime(1000);
		expect(toasts.items).toEqual([]);
	});

	it('keeps every message while held (pointer or focus on them), then gives each its time again', () => {
		vi.useFakeTimers();
		const toasts = new Toasts(1000);
		toasts.error('Failed');
		toasts.hold();
		toasts.success('Saved while held');
		vi.advanceTimersByTime(10_000);
		expect(messages(toasts)).toEqual(['Failed', 'Saved while held']);
		toasts.release();
		vi.advanceTimersByTime(1001);
		expect(messages(toasts)).toEqual(['Failed']);
	});

	it('shows a repeated message once, and only the newest three', () => {
		const toasts = new Toasts(1000);
		toasts.error('Could not reach the server');
		toasts.error('Could not reach the server');
		expect(messages(toasts)).toEqual(['Could not reach the server']);
		for (const n of [1, 2, 3]) toasts.success(`Saved ${n}`);
		expect(messages(toasts)).toEqual(['Saved 1', 'Saved 2', 'Saved 3']);
	});

	it('dismisses on request', () => {
		const toasts = new Toasts(1000);
		const id = toasts.error('Failed');
		toasts.dismiss(id);
		expect(toasts.items).toEqual([]);
	});
});
