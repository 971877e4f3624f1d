// render() for components that read the app's contexts: the toasts, and for admin screens the
// API and the signed-in admin the (admin) layout provides.
import { render } from '@testing-library/svelte';
import type { Component, ComponentProps } from 'svelte';
import { Toasts } from '$lib/ui/toasts.svelte';
import type { AdminContext } from '$lib/users/admin-context';
import type { UserAdminApi } from '$lib/users/api';
import type { UserRow } from '$lib/users/types';
import Harness from './Harness.svelte';

export interface ContextOptions {
	toasts?: Toasts;
	/** Provides the admin context when given. */
	api?: UserAdminApi;
	me?: UserRow;
	organizationName?: string;
	refreshMe?: () => Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function renderWithContext<C extends Component<any>>(
	component: C,
	props: ComponentProps<C>,
	options: ContextOptions = {}
) {
	const toasts = options.toasts ?? new Toasts();
	const { api, me } = options;
	const admin: AdminContext | undefined =
		api && me
			? {
					api,
					me,
					organizationName: options.organizationName ?? 'Acme Demo',
					refreshMe: options.refreshMe ?? (async () => {})
				}
			: undefined;
	const harness = (next: ComponentProps<C>) => ({
		component: component as unknown as Component<Record<string, unknown>>,
		inner: next,
		toasts,
		admin
	});
	const view = render(Harness, { props: harness(props) });
	return {
		...view,
		toasts,
		/** New props for the component under test, as a parent re-rendering it would give. */
		rerender: (next: ComponentProps<C>) => view.rerender(harness(next))
	};
}
