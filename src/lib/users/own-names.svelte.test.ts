import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { apiError } from './errors';
import { OwnNamesForm } from './own-names.svelte';
import type { UserRow } from './types';

const roots: Array<() => void> = [];
afterEach(() => roots.splice(0).forEach((dispose) => dispose()));

function build(start: UserRow) {
	const api = new FakeUsersApi([start]);
	let profile = $state(start);
	const hooks = { onsaved: vi.fn(), onrefused: vi.fn() };
	let form!: OwnNamesForm;
	roots.push(
		$effect.root(
			() =>
				void (form = new OwnNamesForm(
					() => api,
					() => profile,
					hooks
				))
		)
	);
	flushSync();
	return {
		api,
		form,
		hooks,
		setProfile: (next: UserRow) => {
			profile = next;
			flushSync();
		}
	};
}

describe('OwnNamesForm', () => {
	const grace = makeUser({ first_name: 'Grace', last_name: 'Manager', role: 'manager' });

	it('keeps what the person is typing when the session re-reads the profile', () => {
		const { form, setProfile } = build(grace);
		expect([form.firstName, form.lastName]).toEqual(['Grace', 'Manager']);
		form.lastName = 'Half-typed';
		// A tab switch re-reads the same row: a new object, the same names.
		setProfile({ ...grace });
		expect(form.lastName).toBe('Half-typed');
		// A real change of a name nobody is editing shows; the one being edited stays.
		setProfile({ ...grace, first_name: 'Gracie', last_name: 'Hopper' });
		expect([form.firstName, form.lastName]).toEqual(['Gracie', 'Half-typed']);
	});

	it('saves with the names it started from, so a change made elsewhere is refused', async () => {
		const { api, form, hooks } = build(grace);
		form.firstName = 'Gracie';
		expect(await form.save()).toEqual({ ok: true, message: 'Your name was saved' });
		expect(api.updateOwnNames.mock.calls[0]?.slice(0, 3)).toEqual([
			grace.id,
			{ first_name: 'Gracie', last_name: 'Manager' },
			{ first_name: 'Grace', last_name: 'Manager' }
		]);
		expect(hooks.onsaved).toHaveBeenCalled();
	});

	it('on a refusal that is not about a field, says why and has the session re-read', async () => {
		const { api, form, hooks } = build(grace);
		form.firstName = 'Gracie';
		api.nextError = apiError('forbidden');
		expect(await form.save()).toBeNull();
		expect(form.error).toMatch(/your account no longer allows it/);
		expect(hooks.onrefused).toHaveBeenCalledTimes(1);
	});
});
