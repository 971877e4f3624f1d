import { describe, expect, it, vi } from 'vitest';
import { answerWhenCancelled, FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { PasswordForm } from './password-form.svelte';

describe('PasswordForm', () => {
	it('accepts a strong password typed twice', () => {
		const form = new PasswordForm();
		form.password = form.confirm = 'Tr0ub4dor&3-long';
		expect(form.validate('someone@x.test')).toBe('Tr0ub4dor&3-long');
		expect(form.errors).toEqual({ password: undefined, confirm: undefined });
	});

	it('refuses weak, mismatched and email-based passwords with the shared reasons', () => {
		const form = new PasswordForm();
		expect(form.validate()).toBeNull();
		expect(form.errors.password).toBe('Enter a password');
		form.password = 'short';
		form.validate();
		expect(form.errors.password).toBe('Use at least 12 characters.');
		form.password = 'grace.hopper-2026!';
		form.validate('grace.hopper@x.test');
		expect(form.errors.password).toBe('Do not include the email address in the password.');
		form.password = 'Another-Strong-1';
		form.confirm = 'Another-Strong-2';
		expect(form.validate()).toBeNull();
		expect(form.errors.confirm).toBe('The two passwords differ');
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
		form.password = form.confirm = 'Tr0ub4dor&3-long';
		const setting = form.setTyped(target.id, target.email);
		expect(form.busy).toBe(true);
		form.cancel();
		expect(await setting).toBeNull();
		expect(form.error).toBe(
			'Cancelled. The password may or may not have been changed; set a new one to be sure.'
		);
		expect(form.busy).toBe(false);
	});

	it('signs the admin in again on this device after setting their own password', async () => {
		const api = new FakeUsersApi([target]);
		const resume = vi.fn(async () => true);
		const form = new PasswordForm(() => api, resume);
		form.password = form.confirm = 'Tr0ub4dor&3-long';
		expect(await form.setTyped(target.id, target.email, true)).toMatch(/this one stays signed in/);
		expect(resume).toHaveBeenCalledWith('Tr0ub4dor&3-long');
		resume.mockResolvedValueOnce(false);
		expect(await form.generate(target.id, true)).toMatch(/Sign in with the new one/);
		expect(resume).toHaveBeenLastCalledWith(api.generatedPassword);
	});
});
