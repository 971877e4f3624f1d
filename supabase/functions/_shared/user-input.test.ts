import assert from 'node:assert/strict';
import { createUserInput, fieldIssues, updateUserInput } from './user-input.ts';

const valid = {
	email: '  Ada.Lovelace@Example.COM ',
	first_name: '  Ada ',
	last_name: 'Lovelace',
	role: 'manager'
};

Deno.test('create-user input is normalised: trimmed names, trimmed lower-case email', () => {
	const parsed = createUserInput.safeParse(valid);
	assert.ok(parsed.success);
	assert.deepEqual(parsed.data, {
		email: 'ada.lovelace@example.com',
		first_name: 'Ada',
		last_name: 'Lovelace',
		role: 'manager'
	});
});

Deno.test('unicode names are kept as typed', () => {
	const parsed = createUserInput.safeParse({ ...valid, first_name: 'Zoë', last_name: '李小龍' });
	assert.ok(parsed.success);
	assert.equal(parsed.data.last_name, '李小龍');
});

Deno.test('each bad field gets its own message', () => {
	const parsed = createUserInput.safeParse({
		email: 'not-an-email',
		first_name: '   ',
		last_name: 'x'.repeat(101),
		role: 'owner'
	});
	assert.ok(!parsed.success);
	assert.deepEqual(fieldIssues(parsed.error), {
		email: 'Enter a valid email address',
		first_name: 'First name is required',
		last_name: 'Last name has at most 100 characters',
		role: 'Role is one of admin, manager, member, external'
	});
});

Deno.test('control characters, wrong types and missing fields are refused', () => {
	const control = createUserInput.safeParse({ ...valid, first_name: 'Bob\u0000' });
	assert.ok(!control.success);
	assert.equal(
		fieldIssues(control.error).first_name,
		'First name cannot contain control characters'
	);
	for (const invisible of ['\u200B', '\u202Enimda', 'Ad\uFEFFa', 'Ada\u061C', 'Ada\u{E0001}']) {
		const parsed = createUserInput.safeParse({ ...valid, last_name: invisible });
		assert.ok(!parsed.success, JSON.stringify(invisible));
		assert.equal(
			fieldIssues(parsed.error).last_name,
			'Last name cannot contain invisible characters'
		);
	}
	// Persian and Indic names need the zero-width (non-)joiner; a no-break space is trimmed away.
	const persian = createUserInput.safeParse({
		...valid,
		last_name: 'Mo\u200Cmeni',
		first_name: '\u00A0Ada\u00A0'
	});
	assert.ok(
		persian.success &&
			persian.data.last_name === 'Mo\u200Cmeni' &&
			persian.data.first_name === 'Ada'
	);

	const types = createUserInput.safeParse({
		email: 42,
		first_name: ['a'],
		last_name: null,
		role: true
	});
	assert.ok(!types.success);
	assert.deepEqual(Object.keys(fieldIssues(types.error)).sort(), [
		'email',
		'first_name',
		'last_name',
		'role'
	]);

	const missing = createUserInput.safeParse({});
	assert.ok(!missing.success);
	assert.equal(fieldIssues(missing.error).email, 'Email is required');

	const notAnObject = createUserInput.safeParse('hello');
	assert.ok(!notAnObject.success);
	assert.deepEqual(fieldIssues(notAnObject.error), { body: 'Send a JSON object' });
});

Deno.test('an organization id or any other extra field is refused, not ignored', () => {
	const parsed = createUserInput.safeParse({
		...valid,
		organization_id: 'b0000000-0000-4000-8000-000000000000',
		status: 'active'
	});
	assert.ok(!parsed.success);
	assert.deepEqual(fieldIssues(parsed.error), {
		organization_id: 'Unknown field',
		status: 'Unknown field'
	});
});

Deno.test('SQL-looking text is just text', () => {
	const parsed = createUserInput.safeParse({
		...valid,
		last_name: "O'Brien'); drop table users; --"
	});
	assert.ok(parsed.success);
	assert.equal(parsed.data.last_name, "O'Brien'); drop table users; --");
});

Deno.test('update-user actions and their fields', () => {
	const id = 'a0000000-0000-4000-8000-000000000004';
	assert.ok(updateUserInput.safeParse({ user_id: id, action: 'set_password' }).success);
	assert.ok(
		updateUserInput.safeParse({ user_id: id, action: 'set_password', password: 'x' }).success
	);
	assert.ok(updateUserInput.safeParse({ user_id: id, action: 'deactivate' }).success);
	assert.ok(updateUserInput.safeParse({ user_id: id, action: 'activate' }).success);
	const profile = updateUserInput.safeParse({
		user_id: id,
		action: 'update_profile',
		email: ' New@Acme.TEST',
		first_name: ' Ada '
	});
	assert.ok(
		profile.success &&
			profile.data.action === 'update_profile' &&
			profile.data.email === 'new@acme.test' &&
			profile.data.first_name === 'Ada'
	);
	const empty = updateUserInput.safeParse({ user_id: id, action: 'update_profile' });
	assert.ok(!empty.success);
	assert.equal(
		fieldIssues(empty.error).body,
		'Send at least one of first_name, last_name, email, role'
	);
	const sneaky = updateUserInput.safeParse({
		user_id: id,
		action: 'update_profile',
		status: 'inactive'
	});
	assert.ok(!sneaky.success);
	assert.equal(fieldIssues(sneaky.error).status, 'Unknown field');

	const unknown = updateUserInput.safeParse({ user_id: id, action: 'delete' });
	assert.ok(!unknown.success);
	assert.equal(
		fieldIssues(unknown.error).action,
		'action is one of set_password, deactivate, activate, end_sessions, update_profile'
	);
	const badId = updateUserInput.safeParse({ user_id: '1 or 1=1', action: 'activate' });
	assert.ok(!badId.success);
	assert.equal(fieldIssues(badId.error).user_id, 'user_id must be a user id');
	const extra = updateUserInput.safeParse({ user_id: id, action: 'activate', role: 'admin' });
	assert.ok(!extra.success);
	assert.equal(fieldIssues(extra.error).role, 'Unknown field');
});

Deno.test(
	"update_profile expected: shown values, by the fields' own rules, for fields being changed",
	() => {
		const id = 'a0000000-0000-4000-8000-000000000004';
		const parse = (body: Record<string, unknown>) =>
			updateUserInput.safeParse({ user_id: id, action: 'update_profile', ...body });
		const shown = parse({
			email: 'new@acme.test',
			role: 'manager',
			expected: { email: ' Linus@Acme.TEST ', role: 'member' }
		});
		assert.ok(shown.success && shown.data.action === 'update_profile');
		assert.deepEqual(shown.data.expected, { email: 'linus@acme.test', role: 'member' });

		const bad = parse({
			first_name: 'Ada',
			last_name: 'Lovelace',
			role: 'admin',
			expected: { first_name: '', last_name: 'x'.repeat(101), role: 'owner', status: 'active' }
		});
		assert.ok(!bad.success);
		assert.deepEqual(fieldIssues(bad.error), {
			'expected.first_name': 'First name is required',
			'expected.last_name': 'Last name has at most 100 characters',
			'expected.role': 'Role is one of admin, manager, member, external',
			'expected.status': 'Unknown field'
		});
		const notChanged = parse({ last_name: 'Lovelace', expected: { email: 'linus@acme.test' } });
		assert.ok(!notChanged.success);
		assert.deepEqual(fieldIssues(notChanged.error), {
			'expected.email': 'Send email too, or leave it out of expected'
		});
		const notAnObject = parse({ last_name: 'Lovelace', expected: ['Torvalds'] });
		assert.ok(!notAnObject.success);
		assert.deepEqual(fieldIssues(notAnObject.error), {
			expected: 'expected must be an object of the values shown before editing'
		});
	}
);
