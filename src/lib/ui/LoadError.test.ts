import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { createRawSnippet } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import LoadError from './LoadError.svelte';

const message = createRawSnippet(() => ({
	render: () => '<span><strong>The users could not be loaded.</strong> No answer.</span>'
}));

describe('LoadError', () => {
	it('announces what failed as an alert, and Try again asks for it again', async () => {
		const onretry = vi.fn();
		render(LoadError, { children: message, onretry });
		const alert = screen.getByRole('alert');
		expect(alert.querySelector('p')!.textContent).toBe('The users could not be loaded. No answer.');
		expect(onretry).not.toHaveBeenCalled();
		await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
		expect(onretry).toHaveBeenCalledTimes(1);
	});
});
