import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { INACTIVE_MESSAGE } from '../session.svelte';
import SignInForm from './SignInForm.svelte';

describe('Sign-in form', () => {
	it('sends email and password and shows the refusal', async () => {
		const onsubmit = vi.fn(async () => INACTIVE_MESSAGE);
		render(SignInForm, { onsubmit });
		const user = userEvent.setup();
		await user.type(screen.getByLabelText('Email'), 'member@demo.test');
		await user.type(screen.getByLabelText('Password'), 'secret-password');
		await user.click(screen.getByRole('button', { name: 'Sign in' }));
		expect(onsubmit).toHaveBeenCalledWith('member@demo.test', 'secret-password');
		expect((await screen.findByRole('alert')).textContent).toBe(INACTIVE_MESSAGE);
		// The password is cleared after a refusal; the email stays.
		expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
		expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('member@demo.test');
	});

	it('asks for both fields before calling anyone', async () => {
		const onsubmit = vi.fn(async () => null);
		render(SignInForm, { onsubmit });
		await userEvent.setup().click(screen.getByRole('button', { name: 'Sign in' }));
		expect(onsubmit).not.toHaveBeenCalled();
		expect(screen.getByRole('alert').textContent).toBe('Enter your email and password.');
	});

	it('shows why the session ended', () => {
		render(SignInForm, { onsubmit: vi.fn(), notice: INACTIVE_MESSAGE });
		expect(screen.getByRole('alert').textContent).toBe(INACTIVE_MESSAGE);
	});
});
