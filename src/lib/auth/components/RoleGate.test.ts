import { render, screen } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { describe, expect, it } from 'vitest';
import RoleGate from './RoleGate.svelte';

const children = createRawSnippet(() => ({ render: () => '<p>secret admin content</p>' }));

describe('RoleGate', () => {
	it('shows the content to an allowed role', () => {
		render(RoleGate, { role: 'admin', allow: ['admin'], children });
		expect(screen.getByText('secret admin content')).toBeTruthy();
		expect(screen.queryByRole('heading', { name: 'No access' })).toBeNull();
	});

	it.each(['manager', 'member', 'external', null] as const)(
		'shows "No access" to %s and none of the content',
		(role) => {
			render(RoleGate, { role, allow: ['admin'], home: '/profile', children });
			expect(screen.getByRole('heading', { name: 'No access' })).toBeTruthy();
			expect(screen.queryByText('secret admin content')).toBeNull();
			expect(screen.getByRole('link', { name: 'Go to your profile' }).getAttribute('href')).toBe(
				'/profile'
			);
		}
	);
});
