import { describe, expect, it, vi } from 'vitest';
import { answerWhenCancelled, FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { passwordWeakness } from '$shared/password-strength.ts';
import { PasswordForm } from './password-form.svelte';

describe('PasswordForm', () => {
	const grace = { email: 'grace.hopper@x.test', firstName: 'Grace', lastName: 'Hopper' };

	it('accepts a strong password typed twice', async () => {
		const form = new PasswordForm(undefined, () => grace);
		form.password = form.confirm = 'Violet-Harbor-Quiet-92';
		expect(await form.validate()).toBe('Violet-Harbor-Quiet-92');
		expect(form.errors).toEqual({ password: undefined, confirm: undefined });
	});

	it('refuses weak, personal and mismatched passwords with the reason, as the function does', async () => {
		const form = new PasswordForm(undefined, () => grace);
		expect(await form.validate()).toBeNull();
		expect(form.errors.password).toBe('Enter a password');
		form.password = 'short';
		await form.validate();
		expect(form.errors.password).toBe(passwordWeakness('short', grace));
		expect(form.errors.password).toMatch(/12 characters/);
		// Long enough for the old rule, weak for the estimator.
		form.password = 'password1234';
		expect(await form.validate()).toBeNull();
		expect(form.errors.password).toBe(passwordWeakness('password1234', grace));
		form.password = 'GraceHopper-2026';
		await form.validate();
		expect(form.errors.password).toMatch(/name or email/);
		form.password = 'Violet-Harbor-Quiet-92';
		form.confirm = 'Violet-Harbor-Quiet-93';
		expect(await form.validate()).toBeNull();
		expect(form.errors.confirm).toBe('The two passwords differ');
	});

	it('feeds the meter once the estimator has loaded', async () => {
		const form = new PasswordForm(undefined, () => grace);
		form.password = 'password1234';
		await vi.waitFor(() => expect(form.strength).not.toBeNull());
		expect(form.strength?.weakness).toBeTruthy();
	});
});

describe('PasswordForm requests', () => {
	const target = makeUser();

	it('generates only after the confirmation was asked for, and keeps the password to show once', async () => {
		const api = new FakeUsersApi([target]);
		const form = new PasswordForm(() => api);
		form.askGenerate();
		expect(form.confirmingGenerate).toBe(true);
		expect(await form.generate(target.id)).toMatch(/signed out everywhere/);
		expect(form.generated).toBe(api.generatedPassword);
		expect(form.confirmingGenerate).toBe(false);
	});

	it('says an interrupted request may have changed the password', async () => {
		const api = new FakeUsersApi([target]);
		api.setPassword.mockImplementationOnce((_id, _password, options) =>
			answerWhenCancelled(options)
		);
		const form = new PasswordForm(() => api);
		form.password = form.confirm = 'Violet-Harbor-Quiet-92';
		const setting = form.setTyped(target.id);
		await vi.waitFor(() => expect(form.busy).toBe(true));
		form.cancel();
		expect(await setting).toBeNull();
		expect(form.error).toBe(
			'Cancelled. The password may or may not have been changed; set a new one to be sure.'
		);
		expect(form.busy).toBe(false);
	});
});
