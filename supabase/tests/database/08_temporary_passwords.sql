-- Temporary passwords (must_change_password) and the sign-in time (last_sign_in_at), persona by
-- persona: while an admin-set password is temporary the user reads their own row only and changes
-- nothing, an admin in that state is no admin for RLS or for the functions' transactions (UA428),
-- nobody but the functions' login writes either column, and last_sign_in_at follows auth.users.
begin;
\ir _personas.psql
select plan(46);

-- Acme's admin, manager and member have temporary passwords; the second admin, the external user
-- and Globex have chosen theirs. As the functions do it: postgres, the only writer of the flag.
update public.users set must_change_password = true
where id in (tests.id('admin'), tests.id('manager'), tests.id('member'));

-- admin with a temporary password: their own row and organization, nothing else -----------------
select tests.act_as('admin');
select results_eq($$select id, must_change_password from public.users$$,
  $$values (tests.id('admin'), true)$$, 'temporary admin reads only their own row, flag included');
select is_empty(format($$select 1 from public.users where id = %L$$, tests.id('second_admin')),
  'temporary admin cannot read another admin by id');
select results_eq($$select name from public.organizations$$, array['Acme'], 'temporary admin reads their organization''s name');
select is_empty($$select 1 from public.organization_user_counts$$, 'temporary admin reads no counts');
select is_empty($$select 1 from public.search_users('Tester')$$, 'temporary admin finds nobody through search_users');
select is(private.admin_organization_id(), null, 'admin helper is null for a temporary admin');
select is(private.caller_is_active_admin(), false, 'a temporary admin is not an active admin');
select is(tests.rows_affected(format($$update public.users set first_name = 'Changed' where id = %L$$, tests.id('external'))),
  0::bigint, 'temporary admin cannot rename a user');
select is(tests.rows_affected(format($$update public.users set role = 'admin' where id = %L$$, tests.id('external'))),
  0::bigint, 'temporary admin cannot change a role');
select is(tests.rows_affected(format($$update public.users set first_name = 'Changed' where id = %L$$, tests.id('admin'))),
  0::bigint, 'temporary admin cannot rename themselves');
select is(tests.rows_affected($$update public.users set last_name = 'Changed'$$),
  0::bigint, 'temporary admin''s unfiltered update changes nothing');
select throws_ok(format($$update public.users set must_change_password = false where id = %L$$, tests.id('admin')),
  '42501', 'permission denied for table users', 'temporary admin cannot clear their own flag');
select throws_ok(format($$update public.users set last_sign_in_at = now() where id = %L$$, tests.id('admin')),
  '42501', 'permission denied for table users', 'temporary admin cannot write last_sign_in_at');

-- manager with a temporary password: not even their own name --------------------------------------
select tests.act_as('manager');
select results_eq($$select id from public.users$$, array[tests.id('manager')], 'temporary manager reads only their own row');
select is(tests.rows_affected(format($$update public.users set first_name = 'Changed' where id = %L$$, tests.id('manager'))),
  0::bigint, 'temporary manager cannot rename themselves');
select throws_ok(format($$update public.users set must_change_password = false where id = %L$$, tests.id('manager')),
  '42501', 'permission denied for table users', 'temporary manager cannot clear their flag');

-- member with a temporary password ------------------------------------------------------------------
select tests.act_as('member');
select results_eq($$select id, must_change_password from public.users$$,
  $$values (tests.id('member'), true)$$, 'temporary member reads only their own row');
select throws_ok(format($$update public.users set must_change_password = false where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'temporary member cannot clear their flag');

-- second admin, who chose their own password: everything as before, but not the flag ---------------
select tests.act_as('second_admin');
select is((select count(*)::int from public.users), 6, 'an admin with their own password reads all of Acme');
select results_eq(format($$select must_change_password from public.users where id = %L$$, tests.id('admin')),
  array[true], 'an admin sees who must still choose a password');
select is(tests.rows_affected(format($$update public.users set first_name = 'Renamed' where id = %L$$, tests.id('member'))),
  1::bigint, 'an admin with their own password renames a temporary user');
select throws_ok(format($$update public.users set must_change_password = false where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'an admin cannot clear another user''s flag through the Data API');
select throws_ok(format($$update public.users set must_change_password = true where id = %L$$, tests.id('external')),
  '42501', 'permission denied for table users', 'an admin cannot set the flag through the Data API');
select throws_ok(format($$update public.users set last_sign_in_at = now() where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'an admin cannot write last_sign_in_at');

-- external, who chose theirs: reads their own row ---------------------------------------------------
select tests.act_as('external');
select results_eq($$select must_change_password from public.users$$, array[false], 'a user who chose their password reads the flag false');

-- stranger (admin of Globex) and their member: nothing of Acme, temporary or not -------------------
select tests.act_as('stranger');
select is_empty($$select 1 from public.users where organization_id = 'a0000000-0000-4000-8000-000000000000'$$,
  'stranger reads nothing of Acme');
select is(tests.rows_affected(format($$update public.users set first_name = 'Hacked' where id = %L$$, tests.id('admin'))),
  0::bigint, 'stranger cannot rename a temporary admin of Acme');
select throws_ok(format($$update public.users set must_change_password = false where id = %L$$, tests.id('admin')),
  '42501', 'permission denied for table users', 'stranger cannot clear a flag');
select tests.act_as('stranger_member');
select results_eq($$select id from public.users$$, array[tests.id('stranger_member')], 'member of Globex reads only their own row');

-- anon and service_role: neither writes the columns -------------------------------------------------
select tests.act_as('anon');
select throws_ok($$select must_change_password from public.users$$, '42501', 'permission denied for table users', 'anon reads no flag');
select throws_ok($$update public.users set must_change_password = false$$, '42501', 'permission denied for table users', 'anon writes no flag');
select tests.act_as('service_role');
select throws_ok(format($$update public.users set must_change_password = false where id = %L$$, tests.id('admin')),
  '42501', 'permission denied for table users', 'service_role cannot clear a flag (only the functions'' login does)');
select throws_ok(format($$update public.users set last_sign_in_at = now() where id = %L$$, tests.id('admin')),
  '42501', 'permission denied for table users', 'service_role cannot write last_sign_in_at');
select throws_ok(format($$insert into public.users (id, organization_id, email, first_name, last_name, must_change_password) values (%L, %L, 'x@acme.test', 'X', 'Y', false)$$,
    tests.id('ghost'), 'a0000000-0000-4000-8000-000000000000'),
  '42501', 'permission denied for table users', 'service_role cannot insert the flag');
select is(tests.rows_affected(format($$update public.users set first_name = 'Served' where id = %L$$, tests.id('admin'))),
  1::bigint, 'service_role still updates the other columns');

-- The functions' transactions (postgres, no claims) --------------------------------------------------
select tests.act_as_claims('postgres', '{}');
select throws_ok(format('select private.begin_user_action(%L, %L)', tests.id('admin'), tests.id('external')),
  'UA428', format('caller %s has a temporary password', tests.id('admin')), 'a temporary admin acts on nobody');
select throws_ok(format('select private.begin_user_creation(%L, %L)', tests.id('admin'), 'a0000000-0000-4000-8000-000000000000'),
  'UA428', format('caller %s has a temporary password', tests.id('admin')), 'a temporary admin creates nobody');
select is((private.begin_user_action(tests.id('second_admin'), tests.id('admin'))).must_change_password, true,
  'an admin with their own password acts on a temporary admin (to reset or deactivate them)');
select is((private.begin_password_change(tests.id('member'))).must_change_password, true,
  'begin_password_change returns the locked row of an active user');
select throws_ok(format('select private.begin_password_change(%L)', tests.id('inactive_admin')),
  'UA403', format('user %s is not an active user', tests.id('inactive_admin')), 'an inactive user changes no password');
select throws_ok(format('select private.begin_password_change(%L)', tests.id('ghost')),
  'UA403', format('user %s is not an active user', tests.id('ghost')), 'a user without a row changes no password');
select ok(
  not has_function_privilege('authenticated', 'private.begin_password_change(uuid)', 'execute')
  and not has_function_privilege('service_role', 'private.begin_password_change(uuid)', 'execute')
  and not has_function_privilege('anon', 'private.begin_password_change(uuid)', 'execute'),
  'only the functions'' login executes begin_password_change');

-- Once the flag is cleared (change-password), the admin is an admin again.
update public.users set must_change_password = false where id = tests.id('admin');
select tests.act_as('admin');
select is((select count(*)::int from public.users), 6, 'the admin, with their own password again, reads all of Acme');

-- last_sign_in_at follows auth.users, and nothing else ------------------------------------------------
select tests.act_as_claims('postgres', '{}');
-- An updated_at from before this transaction (now() is the same throughout it).
alter table public.users disable trigger touch_updated_at;
update public.users set updated_at = '2026-11-01 08:00:00+00' where id = tests.id('external');
alter table public.users enable trigger touch_updated_at;
create temporary table before_sign_in on commit drop as
  select updated_at from public.users where id = tests.id('external');
update auth.users set last_sign_in_at = '2026-12-01 09:30:00+00' where id = tests.id('external');
select is((select last_sign_in_at from public.users where id = tests.id('external')), '2026-12-01 09:30:00+00'::timestamptz,
  'a sign-in (Auth writing auth.users.last_sign_in_at) is copied into the row');
select is((select updated_at from public.users where id = tests.id('external')), (select updated_at from before_sign_in),
  'a sign-in alone does not move updated_at');
update public.users set last_sign_in_at = '2000-01-01 00:00:00+00' where id = tests.id('external');
select is((select last_sign_in_at from public.users where id = tests.id('external')), '2026-12-01 09:30:00+00'::timestamptz,
  'not even the functions'' login stores another value than Auth''s');

select * from finish();
rollback;
