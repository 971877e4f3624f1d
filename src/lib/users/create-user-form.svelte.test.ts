import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '$shared/error-codes.ts';
import { FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { apiError } from './errors';
import { CreateUserForm } from './create-user-form.svelte';

describe('CreateUserForm', () => {
	it('reports every invalid field with the shared schema’s messages', () => {
		const form = new CreateUserForm(() => new FakeUsersApi());
		form.email = 'x';
		expect(form.validate()).toBeNull();
		expect(form.errors).toEqual({
			first_name: 'First name is required',
			last_name: 'Last name is required',
			email: 'Enter a valid email address',
			role: 'Choose a role'
		});
	});

	it('sends normalized input and keeps the generated password', async () => {
		const api = new FakeUsersApi();
		const form = new CreateUserForm(() => api);
		Object.assign(form, {
			first_name: ' Ada ',
			last_name: 'Lovelace',
			email: 'ADA@Example.test',
			role: 'admin'
		});
		expect(await form.submit()).toBe(true);
		expect(api.create).toHaveBeenCalledWith(
			{
				first_name: 'Ada',
				last_name: 'Lovelace',
				email: 'ada@example.test',
				role: 'admin'
			},
			{ signal: expect.any(AbortSignal) }
		);
		expect(form.password).toBe(api.generatedPassword);
		form.reset();
		expect(form.password).toBeNull();
		expect(form.email).toBe('');
	});

	it('maps server field issues to fields and other errors to the form', async () => {
		const api = new FakeUsersApi([makeUser({ email: 'taken@x.test' })]);
		const form = new CreateUserForm(() => api);
		Object.assign(form, { first_name: 'A', last_name: 'B', email: 'taken@x.test', role: 'member' });
		expect(await form.submit()).toBe(false);
		expect(form.errors.email).toBe('This email is already in use');

		api.nextError = apiError('invalid_input', {
			fields: { last_name: 'Last name has at most 100 characters' }
		});
		form.email = 'new@x.test';
		await form.submit();
		expect(form.errors).toEqual({ last_name: 'Last name has at most 100 characters' });

		api.nextError = apiError('forbidden');
		await form.submit();
		expect(form.formError).toBe(ERROR_CODES.forbidden.message);
	});
});
