// What every admin page shares, provided once by src/routes/(admin)/+layout.svelte (which only
// renders its pages for an active admin): the API and who is signed in.
import { createContext } from 'svelte';
import type { UserAdminApi } from './api.ts';
import type { UserRow } from './types.ts';

export interface AdminContext {
	readonly api: UserAdminApi;
	/** The signed-in admin's own row (follows the session when it is re-read). */
	readonly me: UserRow;
	readonly organizationName: string;
	/** Re-reads the signed-in admin's row (after they changed their own names, say). */
	refreshMe(): Promise<void>;
}

export const [useAdmin, provideAdmin] = createContext<AdminContext>();
