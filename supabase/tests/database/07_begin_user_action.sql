-- private.begin_user_action / begin_user_creation: the Edge Functions' transactions start with
-- them; the caller is re-checked after the locks, persona by persona, with exact SQLSTATEs and
-- messages (UA403 → forbidden, UA404 → user_not_found in supabase/functions/_shared/error-codes.ts).
begin;
\ir _personas.psql
select plan(17);

-- As the functions connect: postgres, no claims.
select tests.act_as_claims('postgres', '{}');

select is((private.begin_user_action(tests.id('admin'), tests.id('member'))).id, tests.id('member'),
  'an active admin acting on a user of their organization gets the target row');
select is((private.begin_user_action(tests.id('admin'), tests.id('member'))).email, 'linus@acme.test',
  'with its columns');
select is((private.begin_user_action(tests.id('admin'), tests.id('admin'))).id, tests.id('admin'),
  'an admin acting on themselves (their name, their password) locks their one row');
select is((private.begin_user_action(tests.id('admin'), tests.id('inactive_admin'))).status, 'inactive'::public.user_status,
  'an inactive target is found (to be activated)');

select throws_ok(format('select private.begin_user_action(%L, %L)', tests.id('inactive_admin'), tests.id('member')),
  'UA403', format('caller %s is not an active admin', tests.id('inactive_admin')), 'an inactive admin is refused');
select throws_ok(format('select private.begin_user_action(%L, %L)', tests.id('manager'), tests.id('member')),
  'UA403', format('caller %s is not an active admin', tests.id('manager')), 'a manager is refused');
select throws_ok(format('select private.begin_user_action(%L, %L)', tests.id('member'), tests.id('member')),
  'UA403', format('caller %s is not an active admin', tests.id('member')), 'a member is refused, also on themselves');
select throws_ok(format('select private.begin_user_action(%L, %L)', tests.id('ghost'), tests.id('member')),
  'UA403', format('caller %s is not an active admin', tests.id('ghost')), 'a caller without a row is refused');
select throws_ok(format('select private.begin_user_action(%L, %L)', tests.id('stranger'), tests.id('member')),
  'UA404', format('user %s is not in organization %s', tests.id('member'), 'b0000000-0000-4000-8000-000000000000'),
  'an admin of another organization does not find the target');
select throws_ok(format('select private.begin_user_action(%L, %L)', tests.id('admin'), tests.id('ghost')),
  'UA404', format('user %s is not in organization %s', tests.id('ghost'), 'a0000000-0000-4000-8000-000000000000'),
  'a target without a row is not found');
select throws_ok(format('select private.begin_user_action(%L, %L)', tests.id('admin'), gen_random_uuid()),
  'UA404', null, 'a missing target is not found');

-- The caller as the last committed state: a demotion earlier in the transaction is seen.
update public.users set role = 'member' where id = tests.id('second_admin');
select throws_ok(format('select private.begin_user_action(%L, %L)', tests.id('second_admin'), tests.id('member')),
  'UA403', format('caller %s is not an active admin', tests.id('second_admin')), 'a demoted admin is refused');

select lives_ok(format('select private.begin_user_creation(%L, %L)', tests.id('admin'), 'a0000000-0000-4000-8000-000000000000'),
  'an active admin may create users in their organization');
select throws_ok(format('select private.begin_user_creation(%L, %L)', tests.id('admin'), 'b0000000-0000-4000-8000-000000000000'),
  'UA403', format('caller %s is not an active admin of organization %s', tests.id('admin'), 'b0000000-0000-4000-8000-000000000000'),
  'not in another organization');
select throws_ok(format('select private.begin_user_creation(%L, %L)', tests.id('second_admin'), 'a0000000-0000-4000-8000-000000000000'),
  'UA403', format('caller %s is not an active admin of organization %s', tests.id('second_admin'), 'a0000000-0000-4000-8000-000000000000'),
  'a demoted admin may not create users');

select tests.act_as('service_role');
select throws_ok(format('select private.begin_user_action(%L, %L)', tests.id('admin'), tests.id('member')),
  '42501', 'permission denied for function begin_user_action', 'the service role cannot call it (the Data API cannot)');
select tests.act_as('admin');
select throws_ok(format('select private.begin_user_creation(%L, %L)', tests.id('admin'), 'a0000000-0000-4000-8000-000000000000'),
  '42501', 'permission denied for function begin_user_creation', 'nor can a signed-in admin');

select * from finish();
rollback;
