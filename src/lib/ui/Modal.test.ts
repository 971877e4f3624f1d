import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import ConfirmDialog from './ConfirmDialog.svelte';

const props = {
	title: 'Deactivate user?',
	message: 'Grace will be signed out.',
	confirmLabel: 'Deactivate'
};

describe('Modal (through ConfirmDialog)', () => {
	it('opens as a labelled modal dialog and keeps Tab inside', async () => {
		render(ConfirmDialog, { ...props, open: true, onconfirm: vi.fn(), oncancel: vi.fn() });
		const dialog = screen.getByRole('dialog', { name: 'Deactivate user?' }) as HTMLDialogElement;
		expect(dialog.open).toBe(true);
		const user = userEvent.setup();
		const close = screen.getByRole('button', { name: 'Close' });
		const confirm = screen.getByRole('button', { name: 'Deactivate' });
		confirm.focus();
		await user.tab();
		expect(document.activeElement).toBe(close);
		await user.tab({ shift: true });
		expect(document.activeElement).toBe(confirm);
	});

	it('closes on Escape through its owner and gives focus back to the opener', async () => {
		const opener = document.createElement('button');
		opener.textContent = 'Open';
		document.body.append(opener);
		opener.focus();
		const oncancel = vi.fn();
		const view = render(ConfirmDialog, { ...props, open: true, onconfirm: vi.fn(), oncancel });
		screen.getByRole('button', { name: 'Cancel' }).focus();
		await userEvent.setup().keyboard('{Escape}');
		expect(oncancel).toHaveBeenCalledTimes(1);
		await view.rerender({ ...props, open: false, onconfirm: vi.fn(), oncancel });
		await waitFor(() => expect(document.activeElement).toBe(opener));
		opener.remove();
	});

	it('while busy, keeps Cancel, × and Escape working so the owner can cancel the request', async () => {
		const oncancel = vi.fn();
		render(ConfirmDialog, { ...props, open: true, busy: true, onconfirm: vi.fn(), oncancel });
		const user = userEvent.setup();
		screen.getByRole('dialog').focus();
		await user.keyboard('{Escape}');
		await user.click(screen.getByRole('button', { name: 'Close' }));
		await user.click(screen.getByRole('button', { name: 'Cancel' }));
		expect(oncancel).toHaveBeenCalledTimes(3);
		// Confirming twice is what waits.
		expect((screen.getByRole('button', { name: 'Working…' }) as HTMLButtonElement).disabled).toBe(
			true
		);
	});
});
