import { describe, expect, it } from 'vitest';
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
