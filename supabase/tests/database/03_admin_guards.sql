-- The rules no policy can express (invariant 3 and "nobody changes their own role or status"),
-- and claims that try to grant more than the database says.
begin;
\ir _personas.psql
select plan(24);

-- Own role and status ---------------------------------------------------------------------------------
select tests.act_as('admin');
select throws_ok(format($$update public.users set role = 'manager' where id = %L$$, tests.id('admin')),
  'PT403', 'you cannot change your own role or status', 'an admin cannot demote themselves, even with another admin around');
select tests.act_as('manager');
select throws_ok(format($$update public.users set role = 'external' where id = %L$$, tests.id('manager')),
  'PT403', 'you cannot change your own role or status', 'a manager cannot demote themselves');
select is(tests.rows_affected(format($$update public.users set role = 'manager', first_name = 'Grace' where id = %L$$, tests.id('manager'))), 1::bigint,
  'writing back one''s unchanged role with a name change is not a role change');

-- Last active admin ----------------------------------------------------------------------------------
-- Acme starts with two active admins and an inactive one.
select tests.act_as('second_admin');
select is(tests.rows_affected(format($$update public.users set role = 'member' where id = %L$$, tests.id('admin'))), 1::bigint,
  'an admin demotes another admin while they remain');

select tests.act_as('admin');
select is(tests.rows_affected(format($$update public.users set role = 'member' where id = %L$$, tests.id('second_admin'))), 0::bigint,
  'the demoted admin lost their rights at once and cannot retaliate');

select tests.act_as('second_admin');
select throws_ok(format($$update public.users set role = 'member' where id = %L$$, tests.id('second_admin')),
  'PT403', 'you cannot change your own role or status', 'the last admin cannot demote themselves');

select tests.act_as('service_role');
select throws_ok(format($$update public.users set role = 'member' where id = %L$$, tests.id('second_admin')),
  'PT409', 'an organization must keep at least one active admin', 'the service role cannot demote the last active admin');
select throws_ok(format($$update public.users set status = 'inactive' where id = %L$$, tests.id('second_admin')),
  'PT409', 'an organization must keep at least one active admin', 'the service role cannot deactivate the last active admin');
select throws_ok(format($$update public.users set organization_id = 'b0000000-0000-4000-8000-000000000000' where id = %L$$, tests.id('second_admin')),
  'PT409', 'an organization must keep at least one active admin', 'the last active admin cannot be moved to another organization');
select throws_ok(format($$update public.users set role = 'member', status = 'inactive' where id = %L$$, tests.id('second_admin')),
  'PT409', 'an organization must keep at least one active admin', 'nor demoted and deactivated at once');
select is(tests.rows_affected(format($$update public.users set first_name = 'Alan' where id = %L$$, tests.id('second_admin'))), 1::bigint,
  'the last admin''s name still changes');
select is(tests.rows_affected(format($$update public.users set role = 'external' where id = %L$$, tests.id('inactive_admin'))), 1::bigint,
  'demoting an inactive admin does not count against the rule');
select is(tests.rows_affected(format($$update public.users set role = 'admin' where id = %L$$, tests.id('inactive_admin'))), 1::bigint,
  'an inactive user may be made admin');

-- Reactivating the other admin makes the change possible again.
select is(tests.rows_affected(format($$update public.users set status = 'active' where id = %L$$, tests.id('inactive_admin'))), 1::bigint,
  'the service role reactivates an admin');
select is(tests.rows_affected(format($$update public.users set status = 'inactive' where id = %L$$, tests.id('second_admin'))), 1::bigint,
  'with another active admin, the former last admin can be deactivated');
select is(
  (select count(*)::int from public.users where organization_id = 'a0000000-0000-4000-8000-000000000000' and role = 'admin' and status = 'active'),
  1, 'Acme still has exactly one active admin');

-- Globex has a single admin: the same holds for the other organization.
select throws_ok(format($$update public.users set status = 'inactive' where id = %L$$, tests.id('stranger')),
  'PT409', 'an organization must keep at least one active admin', 'Globex''s only admin cannot be deactivated');

-- Forged claims grant nothing --------------------------------------------------------------------------
-- The member writes metadata claiming admin rights (user_metadata is writable by any user).
select tests.act_as_claims('authenticated', jsonb_build_object(
  'sub', tests.id('member'), 'role', 'authenticated', 'aud', 'authenticated', 'session_id', tests.session_id('member'),
  'user_metadata', jsonb_build_object('role', 'admin', 'organization_id', 'a0000000-0000-4000-8000-000000000000'),
  'app_metadata', jsonb_build_object('role', 'admin', 'organization_id', 'a0000000-0000-4000-8000-000000000000')));
select results_eq($$select id from public.users$$, array[tests.id('member')], 'admin claims in metadata read nothing more');
select is(tests.rows_affected(format($$update public.users set role = 'admin' where id = %L$$, tests.id('external'))), 0::bigint,
  'admin claims in metadata change nothing');
select is(tests.rows_affected($$update public.users set first_name = 'Pwned'$$), 0::bigint,
  'admin claims in metadata change nothing even without a filter');

-- A token that says service_role in its claims while the request runs as authenticated.
select tests.act_as_claims('authenticated', jsonb_build_object('sub', tests.id('member'), 'role', 'service_role', 'session_id', tests.session_id('member')));
select results_eq($$select id from public.users$$, array[tests.id('member')], 'a role claim does not widen what the database role reads');

-- An admin's subject id presented without a signed-in role.
select tests.act_as_claims('anon', jsonb_build_object('sub', tests.id('admin'), 'role', 'anon'));
select throws_ok($$select 1 from public.users$$, '42501', 'permission denied for table users', 'a subject id does not turn anon into its user');

-- A token of the admin whose session is another user's, or gone.
select tests.act_as_claims('authenticated', jsonb_build_object('sub', tests.id('admin'), 'role', 'authenticated', 'session_id', tests.session_id('member')));
select is_empty($$select 1 from public.users$$, 'a token naming another user''s session reads nothing');
select tests.act_as_claims('authenticated', jsonb_build_object('sub', tests.id('admin'), 'role', 'authenticated'));
select is_empty($$select 1 from public.users$$, 'a token without a session reads nothing');

select * from finish();
rollback;
