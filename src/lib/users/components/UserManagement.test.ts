import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '$shared/error-codes.ts';
import { USER_ROLES, USER_STATUSES } from '$shared/user-input.ts';
import { FakeUsersApi, makeUser, ORG_ID } from '$lib/testing/fake-users-api';
import { renderWithContext } from '$lib/testing/render';
import { apiError } from '../errors';
import type { ListResult, Result } from '../api';
import type { UserRow } from '../types';
import UserManagement from './UserManagement.svelte';

const me = makeUser({
	first_name: 'Ada',
	last_name: 'Admin',
	email: 'admin@demo.test',
	role: 'admin'
});

function setup(users: UserRow[], pageSize = 50, exportPageSize?: number) {
	const api = new FakeUsersApi([me, ...users]);
	const { toasts } = renderWithContext(UserManagement, { pageSize, exportPageSize }, { api, me });
	return { api, toasts, user: userEvent.setup() };
}

const bodyRows = () => within(screen.getByRole('table')).getAllByRole('row').slice(1);
/** The sentence under the table, as read out ("Showing 1–10 of 25 users"). */
const summary = () => screen.getByTestId('list-summary').textContent?.replace(/\s+/g, ' ').trim();

describe('User Management page', () => {
	it('lists name, email, role, status and created date, and the total count', async () => {
		setup([
			makeUser({
				first_name: 'Grace',
				last_name: 'Hopper',
				email: 'grace@demo.test',
				role: 'manager',
				status: 'inactive'
			})
		]);
		const row = (await screen.findByText('Grace Hopper')).closest('tr')!;
		expect(within(row).getByText('grace@demo.test')).toBeTruthy();
		expect(within(row).getByText('Manager')).toBeTruthy();
		expect(within(row).getByText('Inactive')).toBeTruthy();
		// Date and time in the viewer's zone; the full moment with the zone's name on hover.
		const created = within(row).getByText(/^Jan 15, 2026, \d{2}:\d{2}$/);
		expect(created.getAttribute('datetime')).toBe('2026-01-15T10:00:00Z');
		expect(created.getAttribute('title')).toMatch(/^Thursday, January 15, 2026/);
		expect(
			within(row).getByRole('link', { name: 'Settings of Grace Hopper' }).getAttribute('href')
		).toMatch(/^\/users\//);
		expect(summary()).toBe('Showing 1–2 of 2 users');
		expect(screen.getByTestId('total-count').textContent).toBe('2');
		for (const header of ['Name', 'Email', 'Role', 'Status', 'Created'])
			expect(screen.getByRole('columnheader', { name: new RegExp(header) })).toBeTruthy();
	});

	it('asks the server for one page of the caller’s organization, never everything', async () => {
		const { api } = setup(
			Array.from({ length: 30 }, () => makeUser()),
			10
		);
		await waitFor(() => expect(bodyRows()).toHaveLength(10));
		expect(api.listCalls[0]).toMatchObject({
			organizationId: ORG_ID,
			position: { from: 'start' },
			pageSize: 10,
			withCount: true
		});
		expect(summary()).toBe('Showing 1–10 of 31 users');
		const lastOnScreen = screen.getAllByRole('link', { name: /Settings of/ }).at(-1)!;
		const lastId = lastOnScreen.getAttribute('href')!.split('/').at(-1);
		await userEvent.setup().click(screen.getByRole('button', { name: 'Next' }));
		await waitFor(() => expect(summary()).toBe('Showing 11–20 of 31 users'));
		// Paging continues after the last row on screen and keeps the known total: no second count.
		expect(api.listCalls.at(-1)).toMatchObject({ position: { after: lastId }, withCount: false });
		expect(screen.getByTestId('page-place').textContent).toBe('Page 2 of 4');
	});

	it('numbers the pages with an exact total, and goes to the last page and back', async () => {
		const { api, user } = setup(
			Array.from({ length: 24 }, () => makeUser()),
			10
		);
		const place = () => screen.getByTestId('page-place').textContent;
		const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;
		await waitFor(() => expect(bodyRows()).toHaveLength(10));
		expect(place()).toBe('Page 1 of 3');
		expect(summary()).toBe('Showing 1–10 of 25 users');
		expect([button('First').disabled, button('Previous').disabled]).toEqual([true, true]);
		expect([button('Next').disabled, button('Last').disabled]).toEqual([false, false]);

		await user.click(button('Last'));
		await waitFor(() => expect(place()).toBe('Page 3 of 3'));
		// The last page holds what is left after full pages: its rows follow on from page 2's.
		expect(api.listCalls.at(-1)).toMatchObject({
			position: { from: 'end', size: 5 },
			withCount: false
		});
		expect(bodyRows()).toHaveLength(5);
		expect(summary()).toBe('Showing 21–25 of 25 users');
		expect([button('Next').disabled, button('Last').disabled]).toEqual([true, true]);
		const firstId = screen
			.getAllByRole('link', { name: /Settings of/ })[0]!
			.getAttribute('href')!
			.split('/')
			.at(-1);

		await user.click(button('Previous'));
		await waitFor(() => expect(place()).toBe('Page 2 of 3'));
		expect(api.listCalls.at(-1)).toMatchObject({ position: { before: firstId } });
		expect(bodyRows()).toHaveLength(10);
		expect(summary()).toBe('Showing 11–20 of 25 users');
		expect([button('Previous').disabled, button('Next').disabled]).toEqual([false, false]);

		await user.click(button('First'));
		await waitFor(() => expect(place()).toBe('Page 1 of 3'));
		expect(api.listCalls.at(-1)).toMatchObject({ position: { from: 'start' } });
	});

	it('offers every role and status of the database’s enums as filters', async () => {
		setup([]);
		const options = (label: string) =>
			[...(screen.getByLabelText(label) as HTMLSelectElement).options].map(
				(option) => option.value
			);
		expect(options('Filter by role')).toEqual(['', ...USER_ROLES]);
		expect(options('Filter by status')).toEqual(['', ...USER_STATUSES]);
		await screen.findByText('Ada Admin');
	});

	it('searches by name or email and filters by role and status', async () => {
		const { api, user } = setup([
			makeUser({ first_name: 'Grace', last_name: 'Hopper', role: 'manager' }),
			makeUser({
				first_name: 'Linus',
				last_name: 'Member',
				email: 'linus@demo.test',
				role: 'member',
				status: 'inactive'
			})
		]);
		await screen.findByText('Grace Hopper');
		await user.type(screen.getByLabelText('Search'), 'linus@');
		await waitFor(() => expect(bodyRows()).toHaveLength(1));
		expect(screen.getByText('Linus Member')).toBeTruthy();
		expect(api.listCalls.at(-1)).toMatchObject({
			search: 'linus@',
			position: { from: 'start' },
			withCount: true
		});

		await user.clear(screen.getByLabelText('Search'));
		await user.selectOptions(screen.getByLabelText('Filter by role'), 'manager');
		await waitFor(() => expect(api.listCalls.at(-1)).toMatchObject({ role: 'manager' }));
		await waitFor(() => expect(bodyRows()).toHaveLength(1));
		expect(screen.getByText('Grace Hopper')).toBeTruthy();

		await user.selectOptions(screen.getByLabelText('Filter by status'), 'inactive');
		expect(await screen.findByText('No users match these filters.')).toBeTruthy();
		await user.click(screen.getByRole('button', { name: 'Clear filters' }));
		await waitFor(() => expect(bodyRows()).toHaveLength(3));
	});

	it('sorts by a column and flips the direction on a second click', async () => {
		const { api, user } = setup([makeUser()]);
		await screen.findAllByRole('link', { name: /Settings of/ });
		await user.click(screen.getByRole('button', { name: /Email/ }));
		expect(api.listCalls.at(-1)).toMatchObject({ sort: 'email', ascending: true });
		expect(screen.getByRole('columnheader', { name: /Email/ }).getAttribute('aria-sort')).toBe(
			'ascending'
		);
		await user.click(screen.getByRole('button', { name: /Email/ }));
		expect(api.listCalls.at(-1)).toMatchObject({ sort: 'email', ascending: false });
	});

	it('shows the last sign-in (Never for none), sorts by it and filters who has not signed in', async () => {
		const { api, user } = setup([
			makeUser({
				first_name: 'Grace',
				last_name: 'Hopper',
				last_sign_in_at: '2026-02-03T14:05:00Z'
			}),
			makeUser({ first_name: 'Nora', last_name: 'Never', last_sign_in_at: null })
		]);
		const grace = (await screen.findByText('Grace Hopper')).closest('tr')!;
		const signedIn = within(grace).getByText(/^Feb 3, 2026, \d{2}:\d{2}$/);
		expect(signedIn.getAttribute('datetime')).toBe('2026-02-03T14:05:00Z');
		expect(signedIn.getAttribute('title')).toMatch(/^Tuesday, February 3, 2026/);
		const nora = screen.getByText('Nora Never').closest('tr')!;
		expect(within(nora).getByText('Never')).toBeTruthy();

		await user.click(screen.getByRole('button', { name: /Last sign-in/ }));
		expect(api.listCalls.at(-1)).toMatchObject({ sort: 'last_sign_in_at', ascending: true });
		expect(
			screen.getByRole('columnheader', { name: /Last sign-in/ }).getAttribute('aria-sort')
		).toBe('ascending');

		const filter = screen.getByLabelText('Filter by sign-in') as HTMLSelectElement;
		expect([...filter.options].map((option) => option.text)).toEqual([
			'Any sign-in',
			'Never signed in',
			'Not in the last 90 days'
		]);
		await user.selectOptions(filter, 'never');
		await waitFor(() => expect(bodyRows()).toHaveLength(1));
		expect(screen.getByText('Nora Never')).toBeTruthy();
		expect(api.listCalls.at(-1)).toMatchObject({
			signedIn: 'never',
			position: { from: 'start' },
			withCount: true
		});
		expect(screen.getByTestId('total-count').textContent).toBe('1');
	});

	it('shows an error state with a retry', async () => {
		const api = new FakeUsersApi([me]);
		api.nextError = apiError('network');
		renderWithContext(UserManagement, {}, { api, me });
		expect((await screen.findByRole('alert')).textContent).toContain('Could not reach the server.');
		await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
		expect(await screen.findByText('Ada Admin')).toBeTruthy();
	});

	it('deactivates after a confirmation, and not before', async () => {
		const { api, toasts, user } = setup([makeUser({ first_name: 'Grace', last_name: 'Hopper' })]);
		await user.click(await screen.findByRole('button', { name: 'Deactivate Grace Hopper' }));
		const dialog = screen.getByRole('dialog', { name: 'Deactivate user?' });
		expect(api.setActive).not.toHaveBeenCalled();
		await user.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
		expect(api.setActive).toHaveBeenCalledWith(expect.any(String), false, {
			signal: expect.any(AbortSignal)
		});
		const row = screen.getByText('Grace Hopper').closest('tr')!;
		await waitFor(() => expect(within(row).getByText('Inactive')).toBeTruthy());
		expect(within(row).getByRole('button', { name: 'Activate Grace Hopper' })).toBeTruthy();
		expect(toasts.items.at(-1)?.message).toBe('Grace Hopper is now inactive');
	});

	it('explains a refusal in the confirmation dialog', async () => {
		const { api, user } = setup([
			makeUser({ first_name: 'Other', last_name: 'Admin', role: 'admin' })
		]);
		await user.click(await screen.findByRole('button', { name: 'Deactivate Other Admin' }));
		api.nextError = apiError('last_admin', { status: 409 });
		await user.click(
			within(screen.getByRole('dialog')).getByRole('button', { name: 'Deactivate' })
		);
		expect((await screen.findByRole('alert')).textContent).toBe(ERROR_CODES.last_admin.message);
	});

	it('does not offer to deactivate the signed-in admin', async () => {
		setup([]);
		expect(
			((await screen.findByRole('button', { name: 'Deactivate Ada Admin' })) as HTMLButtonElement)
				.disabled
		).toBe(true);
	});

	it('opens Create User from Add User and shows the new user in the table afterwards', async () => {
		const { user, toasts } = setup([]);
		await screen.findByText('Ada Admin');
		await user.click(screen.getByRole('button', { name: 'Add User' }));
		const dialog = await screen.findByRole('dialog', { name: 'Create User' });
		await user.type(within(dialog).getByLabelText('First name'), 'Zed');
		await user.type(within(dialog).getByLabelText('Last name'), 'Zulu');
		await user.type(within(dialog).getByLabelText('Email'), 'zed@demo.test');
		await user.selectOptions(within(dialog).getByLabelText('Role'), 'external');
		await user.click(within(dialog).getByRole('button', { name: 'Create' }));
		// Closing before the one-time password was copied asks first.
		await user.click(await screen.findByRole('button', { name: 'Done' }));
		expect(screen.getByText(/You have not copied the password/)).toBeTruthy();
		await user.click(screen.getByRole('button', { name: 'Close without copying' }));
		// Focus goes back to the button that opened the modal.
		await waitFor(() =>
			expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add User' }))
		);
		// On top and marked, whatever the sort ("Zulu" would sort last).
		await waitFor(() => expect(within(bodyRows()[0]!).getByText('Zed Zulu')).toBeTruthy());
		expect(within(bodyRows()[0]!).getByText('New')).toBeTruthy();
		expect(screen.getByTestId('total-count').textContent).toBe('2');
		expect(toasts.items.at(-1)?.message).toBe('Zed Zulu was created as an External user');
	});

	it('tells the admin who still has a temporary password and who never signed in', async () => {
		setup([
			makeUser({
				first_name: 'Temp',
				last_name: 'Never',
				must_change_password: true,
				last_sign_in_at: null
			}),
			makeUser({ first_name: 'Temp', last_name: 'Once', must_change_password: true }),
			makeUser({ first_name: 'Own', last_name: 'Never', last_sign_in_at: null }),
			makeUser({ first_name: 'Own', last_name: 'Settled' })
		]);
		const row = async (name: string) => (await screen.findByText(name)).closest('tr')!;
		expect((await row('Temp Never')).textContent).toContain('Temporary password · never signed in');
		expect((await row('Temp Once')).textContent).toContain('Temporary password');
		// Never having signed in shows as the Last sign-in, not as a note under the name.
		const ownNever = await row('Own Never');
		expect(within(ownNever).getByText('Never')).toBeTruthy();
		expect(ownNever.textContent).not.toMatch(/Temporary|never signed in/i);
		expect((await row('Own Settled')).textContent).not.toMatch(/Temporary|Never/);
	});

	it('exports the view on screen, every page of it, and says how many', async () => {
		const files: Blob[] = [];
		vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
			files.push(blob as Blob);
			return 'blob:export';
		});
		vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
		const saved: string[] = [];
		vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
			this: HTMLAnchorElement
		) {
			saved.push(this.download);
		});
		const managers = Array.from({ length: 7 }, (_, i) =>
			makeUser({ role: 'manager', email: `m${i}@demo.test` })
		);
		const { api, toasts, user } = setup([...managers, makeUser()], 3, 2);
		await waitFor(() => expect(bodyRows()).toHaveLength(3));
		await user.selectOptions(screen.getByLabelText('Filter by role'), 'manager');
		await waitFor(() => expect(summary()).toBe('Showing 1–3 of 7 users'));
		await user.click(screen.getByRole('button', { name: 'Export CSV' }));
		await waitFor(() => expect(files).toHaveLength(1));
		expect(saved[0]).toMatch(/^users-manager-\d{4}-\d{2}-\d{2}\.csv$/);
		const lines = (await files[0]!.text()).trim().split('\r\n');
		expect(lines).toHaveLength(8);
		expect(lines.slice(1).map((line) => line.split(',')[2])).toEqual(managers.map((m) => m.email));
		expect(api.listCalls.filter((call) => call.pageSize === 2)).toHaveLength(4);
		await waitFor(() => expect(toasts.items.at(-1)?.message).toBe('Exported 7 users'));
		vi.restoreAllMocks();
	});

	it('shows the export’s progress against the total and stops it at Cancel', async () => {
		const { api, user } = setup(
			Array.from({ length: 5 }, () => makeUser()),
			10,
			2
		);
		await waitFor(() => expect(bodyRows()).toHaveLength(6));
		const real = api.list.getMockImplementation()!;
		api.list.mockImplementation(async (params, options) => {
			// The export's second page hangs until cancelled.
			if (params.pageSize === 2 && 'after' in params.position)
				return new Promise<Result<ListResult>>((resolve) => {
					options?.signal?.addEventListener('abort', () =>
						resolve({ ok: false, error: apiError('cancelled') })
					);
				});
			return real(params, options);
		});
		await user.click(screen.getByRole('button', { name: 'Export CSV' }));
		expect((await screen.findByTestId('export-progress')).textContent).toMatch(
			/Exporting… 2 of 6\s+users/
		);
		expect((screen.getByRole('progressbar') as HTMLProgressElement).value).toBe(2);
		await user.click(screen.getByRole('button', { name: 'Cancel export' }));
		expect(await screen.findByRole('button', { name: 'Export CSV' })).toBeTruthy();
		expect(screen.queryByRole('alert')).toBeNull();
	});
});

describe('bulk actions', () => {
	it('ticks rows (never one’s own), offers every user of the view, and forgets the selection when the view changes', async () => {
		const team = Array.from({ length: 4 }, (_, i) =>
			makeUser({ first_name: `Team${i}`, last_name: 'Member' })
		);
		const { user } = setup(team, 3);
		await waitFor(() => expect(bodyRows()).toHaveLength(3));
		expect(screen.getByRole('checkbox', { name: 'Select Ada Admin' })).toHaveProperty(
			'disabled',
			true
		);
		expect(screen.queryByRole('group', { name: 'Bulk actions' })).toBeNull();
		await user.click(screen.getByRole('checkbox', { name: 'Select Team0 Member' }));
		const bar = screen.getByRole('group', { name: 'Bulk actions' });
		expect(bar.textContent).toContain('1 user selected');
		const pageBox = screen.getByRole('checkbox', {
			name: 'Select every user on this page'
		}) as HTMLInputElement;
		expect(pageBox.indeterminate).toBe(true);
		await user.click(pageBox);
		// Every row of the page but one's own.
		expect(bar.textContent).toContain('2 users selected');
		expect(pageBox.checked).toBe(true);
		await user.click(within(bar).getByRole('button', { name: 'Select all 5 users of this view' }));
		expect(bar.textContent).toContain('All 5 users of this view selected');

		await user.type(screen.getByLabelText('Search'), 'team');
		await waitFor(() => expect(screen.queryByRole('group', { name: 'Bulk actions' })).toBeNull());
		expect(
			(screen.getByRole('checkbox', { name: 'Select Team0 Member' }) as HTMLInputElement).checked
		).toBe(false);
	});

	it('asks once with the count, deactivates each ticked user and reports them, then reloads the list', async () => {
		const team = Array.from({ length: 3 }, (_, i) =>
			makeUser({ first_name: `Team${i}`, last_name: 'Member' })
		);
		const { api, user } = setup(team);
		await waitFor(() => expect(bodyRows()).toHaveLength(4));
		await user.click(screen.getByRole('checkbox', { name: 'Select Team0 Member' }));
		await user.click(screen.getByRole('checkbox', { name: 'Select Team2 Member' }));
		const bar = screen.getByRole('group', { name: 'Bulk actions' });
		await user.click(within(bar).getByRole('button', { name: 'Deactivate' }));
		const dialog = await screen.findByRole('dialog');
		expect(within(dialog).getByRole('heading').textContent).toBe('Deactivate 2 users?');
		expect(api.setActive).not.toHaveBeenCalled();
		const listsBefore = api.listCalls.length;
		await user.click(within(dialog).getByRole('button', { name: 'Deactivate 2 users' }));
		expect((await within(dialog).findByTestId('bulk-summary')).textContent?.trim()).toBe(
			'2 deactivated'
		);
		expect(api.setActive.mock.calls.map(([id, active]) => [id, active])).toEqual([
			[team[0]!.id, false],
			[team[2]!.id, false]
		]);
		await user.click(within(dialog).getByRole('button', { name: 'Done' }));
		await waitFor(() => expect(api.listCalls.length).toBeGreaterThan(listsBefore));
		expect(screen.queryByRole('group', { name: 'Bulk actions' })).toBeNull();
		const row = screen.getByText('Team0 Member').closest('tr')!;
		await waitFor(() => expect(within(row).getByText('Inactive')).toBeTruthy());
	});
});
