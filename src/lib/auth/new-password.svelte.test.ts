import { describe, expect, it, vi } from 'vitest';
import { passwordWeakness } from '$shared/password-strength.ts';
import { answerWhenCancelled, FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { apiError } from '$lib/users/errors';
import { NewPasswordForm } from './new-password.svelte';

const strong = 'Violet-Harbor-Quiet-92';

function setup(needsCurrent = false) {
	const me = makeUser({ first_name: 'Hedy', last_name: 'Lamarr', email: 'hedy@demo.test' });
	const api = new FakeUsersApi([me]);
	api.me = me;
	return {
		api,
		me,
		form: new NewPasswordForm(
			() => api,
			() => me,
			needsCurrent
		)
	};
}

describe('NewPasswordForm', () => {
	it('judges what is typed with the shared estimator and the person’s own words', async () => {
		const { form } = setup();
		form.password = 'HedyLamarr-1914';
		await vi.waitFor(() => expect(form.strength).not.toBeNull());
		expect(form.strength?.weakness).toBe(
			passwordWeakness('HedyLamarr-1914', {
				email: 'hedy@demo.test',
				firstName: 'Hedy',
				lastName: 'Lamarr'
			})
		);
		expect(await form.submit()).toBe(false);
		expect(form.errors.password).toMatch(/name or email/);
	});

	it('sends a strong password typed twice, once, and clears the fields', async () => {
		const { api, form } = setup();
		form.password = strong;
		form.confirm = 'something else';
		expect(await form.submit()).toBe(false);
		expect(form.errors.confirm).toBe('The two passwords differ');
		form.confirm = strong;
		expect(await form.submit()).toBe(true);
		expect(api.changeOwnPassword.mock.calls[0]?.slice(0, 2)).toEqual([strong, undefined]);
		expect([form.password, form.confirm]).toEqual(['', '']);
	});

	it('asks for the current password when it is needed, and shows a wrong one at its field', async () => {
		const { api, form } = setup(true);
		form.password = form.confirm = strong;
		expect(await form.submit()).toBe(false);
		expect(form.errors.current_password).toBe('Enter your current password');
		form.current = 'not it';
		expect(await form.submit()).toBe(false);
		expect(form.errors.current_password).toBe('The current password is wrong');
		form.current = api.ownPassword;
		expect(await form.submit()).toBe(true);
	});

	it('puts the server’s refusal of the new password at its field, and says when the outcome is unknown', async () => {
		const { api, form } = setup();
		form.password = form.confirm = strong;
		api.nextError = apiError('same_password', { fields: { password: 'Choose a new one' } });
		expect(await form.submit()).toBe(false);
		expect(form.errors.password).toBe('Choose a new one');
		api.changeOwnPassword.mockImplementationOnce((_p, _c, options) => answerWhenCancelled(options));
		const saving = form.submit();
		await vi.waitFor(() => expect(form.busy).toBe(true));
		form.cancel();
		expect(await saving).toBe(false);
		expect(form.error).toMatch(/^Cancelled\. Your password may or may not have been changed/);
	});
});
