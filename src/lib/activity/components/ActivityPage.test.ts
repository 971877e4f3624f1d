import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeActivityApi, makeEntry } from '$lib/testing/fake-activity-api';
import { FakeUsersApi, makeUser } from '$lib/testing/fake-users-api';
import { renderWithContext } from '$lib/testing/render';
import { apiError } from '$lib/users/errors';
import ActivityPage from './ActivityPage.svelte';
import UserActivity from './UserActivity.svelte';

// The components build the app's client unless given an API; here there is no environment for it.
vi.mock('$env/dynamic/public', () => ({ env: {} }));

const ada = makeUser({ first_name: 'Ada', last_name: 'Lovelace', role: 'admin' });
const grace = makeUser({ first_name: 'Grace', last_name: 'Hopper', email: 'grace@demo.test' });

function setup(api: FakeActivityApi, props: { pageSize?: number; exportPageSize?: number } = {}) {
	const view = renderWithContext(
		ActivityPage,
		{ api, ...props },
		{ api: new FakeUsersApi([ada, grace]), me: ada }
	);
	return { ...view, user: userEvent.setup() };
}

const sentences = () =>
	within(screen.getByRole('list', { name: /^Activity entries/ }))
		.getAllByRole('listitem')
		.map((item) => item.querySelector('p')!.textContent);

afterEach(() => vi.restoreAllMocks());

describe('Activity page', () => {
	it('shows entries as sentences with their time, the people linking to their settings', async () => {
		const api = new FakeActivityApi(
			[
				makeEntry({
					action: 'user_created',
					actor_id: ada.id,
					target_id: grace.id,
					changes: { role: { to: 'member' } }
				}),
				makeEntry({
					action: 'role_changed',
					actor_id: ada.id,
					target_id: grace.id,
					changes: { role: { from: 'member', to: 'admin' } }
				})
			],
			[ada, grace]
		);
		setup(api);
		await waitFor(() =>
			expect(sentences()).toEqual([
				"Ada Lovelace changed Grace Hopper's role from Member to Admin",
				'Ada Lovelace created Grace Hopper as a Member'
			])
		);
		const first = screen.getAllByRole('listitem')[0]!;
		expect(within(first).getByRole('link', { name: 'Grace Hopper' }).getAttribute('href')).toBe(
			`/users/${grace.id}`
		);
		// The viewer's zone on screen, the exact moment with its zone on hover.
		const time = first.querySelector('time')!;
		expect(time.getAttribute('datetime')).toBe(api.entries[1]!.occurred_at);
		expect(time.textContent).toMatch(/^Dec 1, 2026, \d{2}:\d{2}$/);
		expect(time.getAttribute('title')).toMatch(/^Tuesday, December 1, 2026 at .+:\d{2} \S+/);
	});

	it('pages Older and Newer, and offers neither where there is nothing', async () => {
		const api = new FakeActivityApi(
			Array.from({ length: 7 }, (_, n) =>
				makeEntry({ action: 'signed_in', target_id: grace.id, actor_id: grace.id, minutes: n })
			),
			[ada, grace]
		);
		const { user } = setup(api, { pageSize: 3 });
		const newer = screen.getByRole('button', { name: '← Newer' });
		const older = screen.getByRole('button', { name: 'Older →' });
		await waitFor(() => expect(sentences()).toHaveLength(3));
		expect((newer as HTMLButtonElement).disabled).toBe(true);
		await user.click(older);
		await waitFor(() => expect((newer as HTMLButtonElement).disabled).toBe(false));
		await user.click(older);
		await waitFor(() => expect(sentences()).toHaveLength(1));
		expect((older as HTMLButtonElement).disabled).toBe(true);
		await user.click(newer);
		await waitFor(() => expect(sentences()).toHaveLength(3));
		expect(api.pageCalls.map((params) => params.cursor?.direction)).toEqual([
			undefined,
			'older',
			'older',
			'newer'
		]);
	});

	it('filters by action and by a user found by search, and clears the filters', async () => {
		const api = new FakeActivityApi(
			[
				makeEntry({ action: 'signed_in', actor_id: ada.id, target_id: ada.id }),
				makeEntry({ action: 'deactivated', actor_id: ada.id, target_id: grace.id })
			],
			[ada, grace]
		);
		const { user } = setup(api);
		await waitFor(() => expect(sentences()).toHaveLength(2));
		await user.selectOptions(screen.getByLabelText('Action'), 'Deactivated');
		await waitFor(() => expect(sentences()).toEqual(['Ada Lovelace deactivated Grace Hopper']));
		expect(api.pageCalls.at(-1)).toMatchObject({ action: 'deactivated', cursor: undefined });

		await user.type(screen.getByLabelText('User'), 'hopp');
		await user.click(await screen.findByRole('button', { name: /Grace Hopper/ }));
		expect(api.searchUsers).toHaveBeenCalledTimes(1);
		expect(api.searchUsers.mock.calls[0]?.[1]).toBe('hopp');
		expect(screen.getByTestId('picked-user').textContent).toBe('Grace Hopper');
		await waitFor(() => expect(api.pageCalls.at(-1)?.userId).toBe(grace.id));

		await user.selectOptions(screen.getByLabelText('Action'), 'Signed in');
		expect(await screen.findByText('No activity matches these filters.')).toBeTruthy();
		// The empty state's own button (the filters have one too).
		const clear = screen.getAllByRole('button', { name: 'Clear filters' });
		expect(clear).toHaveLength(2);
		await user.click(clear[1]!);
		await waitFor(() => expect(sentences()).toHaveLength(2));
		expect(api.pageCalls.at(-1)).toMatchObject({ userId: '', action: '' });
	});

	it('picks a user from the keyboard, and keeps the focus in the filter', async () => {
		const api = new FakeActivityApi([makeEntry({ target_id: grace.id })], [ada, grace]);
		const { user } = setup(api);
		await waitFor(() => expect(sentences()).toHaveLength(1));
		const search = screen.getByLabelText('User');
		await user.click(search);
		await user.keyboard('grace');
		const match = await screen.findByRole('button', { name: /Grace Hopper/ });
		await user.keyboard('{ArrowDown}');
		expect(document.activeElement).toBe(match);
		await user.keyboard('{ArrowUp}');
		expect(document.activeElement).toBe(search);
		await user.keyboard('{ArrowDown}{Enter}');
		await waitFor(() => expect(screen.getByTestId('picked-user').textContent).toBe('Grace Hopper'));
		const anyone = screen.getByRole('button', { name: /^Show everyone's activity/ });
		await waitFor(() => expect(document.activeElement).toBe(anyone));
		await user.keyboard('{Enter}');
		await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('User')));
		expect(api.pageCalls.map((params) => params.userId)).toEqual(['', grace.id, '']);
	});

	it('says a backwards date range is empty without asking the server', async () => {
		const api = new FakeActivityApi([makeEntry()], [ada, grace]);
		setup(api);
		await waitFor(() => expect(api.page).toHaveBeenCalledTimes(1));
		const from = screen.getByLabelText('From') as HTMLInputElement;
		await fireEvent.change(from, { target: { value: '2026-12-05' } });
		await fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-12-01' } });
		expect(
			await screen.findByText('The end date is before the start date.', { selector: 'strong' })
		).toBeTruthy();
		expect(from.getAttribute('aria-invalid')).toBe('true');
		expect((screen.getByRole('button', { name: 'Export CSV' }) as HTMLButtonElement).disabled).toBe(
			true
		);
		// The start date was asked for; the backwards range never was.
		expect(api.pageCalls).toHaveLength(2);
		expect(api.pageCalls.every((params) => params.to === '')).toBe(true);
	});

	it('shows an error with a way to try again', async () => {
		const api = new FakeActivityApi([makeEntry({ target_id: grace.id })], [ada, grace]);
		api.nextError = apiError('timeout');
		const { user } = setup(api);
		expect((await screen.findByRole('alert')).textContent).toMatch(
			/The activity could not be loaded\..*did not answer/
		);
		await user.click(screen.getByRole('button', { name: 'Try again' }));
		await waitFor(() => expect(sentences()).toHaveLength(1));
	});

	it('exports what the filters select as a CSV file, with the count so far', async () => {
		const api = new FakeActivityApi(
			Array.from({ length: 5 }, () =>
				makeEntry({ action: 'deactivated', actor_id: ada.id, target_id: grace.id })
			),
			[ada, grace]
		);
		const files: Blob[] = [];
		vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
			files.push(blob as Blob);
			return 'blob:export';
		});
		vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
		const clicked: string[] = [];
		vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
			this: HTMLAnchorElement
		) {
			clicked.push(this.download);
		});
		const { user, toasts } = setup(api, { exportPageSize: 2 });
		await waitFor(() => expect(sentences()).toHaveLength(5));
		await user.selectOptions(screen.getByLabelText('Action'), 'Deactivated');
		await user.click(screen.getByRole('button', { name: 'Export CSV' }));
		await waitFor(() => expect(files).toHaveLength(1));
		expect(clicked[0]).toMatch(/^activity-until-\d{4}-\d{2}-\d{2}\.csv$/);
		const lines = (await files[0]!.text()).trim().split('\r\n');
		expect(lines).toHaveLength(6);
		expect(lines[1]).toContain('Ada Lovelace deactivated Grace Hopper');
		const exported = api.pageCalls.filter((params) => params.limit === 2);
		expect(exported).toHaveLength(3);
		expect(exported.every((params) => params.action === 'deactivated')).toBe(true);
		await waitFor(() => expect(toasts.items.at(-1)?.message).toBe('Exported 5 entries'));
	});

	it('shows the progress of an export and stops it at Cancel', async () => {
		const api = new FakeActivityApi(
			Array.from({ length: 5 }, () => makeEntry({ target_id: grace.id })),
			[ada, grace]
		);
		const { user } = setup(api, { exportPageSize: 2 });
		await waitFor(() => expect(sentences()).toHaveLength(5));
		const real = api.page.getMockImplementation()!;
		let release: () => void = () => {};
		api.page.mockImplementation(async (params, options) => {
			// The second page of the export hangs until cancelled.
			if (params.limit === 2 && params.cursor)
				return new Promise((resolve) => {
					release = () => resolve({ ok: false, error: apiError('cancelled') });
					options?.signal?.addEventListener('abort', release);
				});
			return real(params, options);
		});
		await user.click(screen.getByRole('button', { name: 'Export CSV' }));
		expect((await screen.findByRole('status')).textContent).toMatch(
			/Exporting… 2\s+entries so far/
		);
		await user.click(screen.getByRole('button', { name: 'Cancel export' }));
		expect(await screen.findByRole('button', { name: 'Export CSV' })).toBeTruthy();
		expect(screen.queryByRole('alert')).toBeNull();
	});
});

describe('A user’s activity on their settings page', () => {
	it('shows the newest entries about the user and older ones on "Show older"', async () => {
		const api = new FakeActivityApi(
			[
				...Array.from({ length: 4 }, () =>
					makeEntry({ action: 'signed_in', actor_id: grace.id, target_id: grace.id })
				),
				makeEntry({ action: 'signed_in', actor_id: ada.id, target_id: ada.id })
			],
			[ada, grace]
		);
		const user = userEvent.setup();
		renderWithContext(
			UserActivity,
			{ userId: grace.id, api, pageSize: 3 },
			{ api: new FakeUsersApi([ada, grace]), me: ada }
		);
		const list = () => screen.getByRole('list', { name: /^Activity about this user/ });
		await waitFor(() => expect(within(list()).getAllByRole('listitem')).toHaveLength(3));
		expect(within(list()).getAllByText('Grace Hopper')).toHaveLength(3);
		await user.click(screen.getByRole('button', { name: 'Show older' }));
		await waitFor(() => expect(within(list()).getAllByRole('listitem')).toHaveLength(4));
		expect(screen.queryByRole('button', { name: 'Show older' })).toBeNull();
		expect(api.pageCalls.every((params) => params.userId === grace.id)).toBe(true);
		expect(screen.getByRole('link', { name: 'All activity' }).getAttribute('href')).toBe(
			`/activity?user=${grace.id}`
		);
	});

	it('says when nothing was recorded, and shows an error with Try again', async () => {
		const api = new FakeActivityApi([], [ada, grace]);
		api.nextError = apiError('network');
		const user = userEvent.setup();
		renderWithContext(
			UserActivity,
			{ userId: grace.id, api },
			{ api: new FakeUsersApi([ada, grace]), me: ada }
		);
		expect((await screen.findByRole('alert')).textContent).toContain('could not be loaded');
		await user.click(screen.getByRole('button', { name: 'Try again' }));
		expect(await screen.findByText('Nothing recorded about this user yet.')).toBeTruthy();
	});
});
