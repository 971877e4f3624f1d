// Create a user of the caller's organization with a generated password, shown to the admin once.
import { requireActiveAdmin } from '../_shared/admin-caller.ts';
import { createOneUser, type CreationDeps } from '../_shared/create-one-user.ts';
import { ApiError, json, readJsonBody, type Handler } from '../_shared/http.ts';
import { createUserInput, fieldIssues } from '../_shared/user-input.ts';

export function createUser(deps: CreationDeps): Handler {
	return async (request, requestId) => {
		const caller = await requireActiveAdmin(deps.service, request);
		const parsed = createUserInput.safeParse(await readJsonBody(request));
		if (!parsed.success) {
			throw new ApiError('invalid_input', 'Check the highlighted fields.', {
				fields: fieldIssues(parsed.error)
			});
		}
		return json(201, await createOneUser(deps, caller, parsed.data, requestId));
	};
}
