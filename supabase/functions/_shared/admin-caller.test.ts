import assert from 'node:assert/strict';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Database } from './database.types.ts';
import { requireActiveAdmin } from './admin-caller.ts';
import { ApiError } from './http.ts';

/** A service client whose Auth accepts the token and whose users table holds `row`. */
function serviceWith(row: Record<string, unknown> | null) {
	return {
		auth: {
			getUser: () =>
				Promise.resolve({ data: { user: { id: 'u1', email: 'a@x.test' } }, error: null })
		},
		from: () => ({
			select: () => ({
				eq: () => ({ maybeSingle: () => Promise.resolve({ data: row, error: null }) })
			})
		})
	} as unknown as SupabaseClient<Database>;
}
const request = new Request('http://x/', { headers: { authorization: 'Bearer t' } });
const admin = {
	organization_id: 'o1',
	role: 'admin',
	status: 'active',
	must_change_password: false
};

Deno.test('an active admin with their own password is the caller', async () => {
	assert.deepEqual(await requireActiveAdmin(serviceWith(admin), request), {
		id: 'u1',
		email: 'a@x.test',
		organizationId: 'o1'
	});
});

Deno.test('an admin with a temporary password is refused: password_change_required', async () => {
	await assert.rejects(
		requireActiveAdmin(serviceWith({ ...admin, must_change_password: true }), request),
		(error: unknown) =>
			error instanceof ApiError && error.code === 'password_change_required' && error.status === 403
	);
});

Deno.test('others are refused as before', async () => {
	for (const row of [null, { ...admin, role: 'member' }, { ...admin, status: 'inactive' }]) {
		await assert.rejects(
			requireActiveAdmin(serviceWith(row), request),
			(error: unknown) => error instanceof ApiError && error.code === 'forbidden'
		);
	}
});
