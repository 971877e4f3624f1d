-- The activity log, persona by persona: who reads which entries, that nobody changes or removes
-- one, that each change of a user is recorded once, in its own transaction, with the right actor
-- (never one the caller names), and the sessions of a user for their admins and themselves.
begin;
\ir _personas.psql
select plan(64);

create function tests.entries(target uuid)
returns table (action public.activity_action, actor_type public.activity_actor_type, actor_id uuid, changes jsonb, details jsonb, request_id text)
language sql
as $$
  select l.action, l.actor_type, l.actor_id, l.changes, l.details, l.request_id
  from public.activity_log as l
  where l.target_id = target and l.action not in ('user_created', 'signed_in')
  order by l.id
$$;

-- the personas' own creation, made here without a request: recorded, by an operator -------------
select results_eq(
  $$select action, actor_type, changes from public.activity_log where target_id = tests.id('member') and action = 'user_created'$$,
  $$values ('user_created'::public.activity_action, 'operator'::public.activity_actor_type,
            '{"email": {"to": "linus@acme.test"}, "first_name": {"to": "Member"}, "last_name": {"to": "Tester"}, "role": {"to": "member"}}'::jsonb)$$,
  'a new user is recorded with their names, email and role, by an operator when no request acts');
select is((select count(*)::int from public.activity_log where action = 'user_created'), 8, 'one entry per user created');

-- privileges: read-only for the API, execute only where the API needs it -------------------------
select table_privs_are('public', 'activity_log', 'anon', array[]::text[], 'anon has no privilege on the log');
select table_privs_are('public', 'activity_log', 'authenticated', array['SELECT'], 'authenticated may only select (RLS decides what)');
select table_privs_are('public', 'activity_log', 'service_role', array[]::text[], 'the service role has no privilege on the log');
select ok((select relrowsecurity from pg_class where oid = 'public.activity_log'::regclass), 'row-level security is on');
select ok(not has_function_privilege('service_role', 'private.record_user_activity(uuid, public.activity_action, jsonb)', 'execute')
          and not has_function_privilege('authenticated', 'private.record_user_activity(uuid, public.activity_action, jsonb)', 'execute'),
  'only the functions'' login records password actions');
select ok(not has_function_privilege('authenticated', 'private.record_activity(public.users, public.activity_action, jsonb, jsonb)', 'execute')
          and not has_function_privilege('service_role', 'private.record_activity(public.users, public.activity_action, jsonb, jsonb)', 'execute'),
  'nobody through the API appends an entry');
select ok(has_function_privilege('authenticated', 'public.user_sessions(uuid)', 'execute')
          and not has_function_privilege('anon', 'public.user_sessions(uuid)', 'execute'),
  'user_sessions is for signed-in callers only');

-- changes through the Data API: the caller is the actor, only changed fields, once ---------------
select tests.act_as('admin');
select is(tests.rows_affected(format($$update public.users set first_name = 'Linus', last_name = 'Tester' where id = %L$$, tests.id('member'))),
  1::bigint, 'admin renames the member');
select tests.act_as('admin');
select is(tests.rows_affected(format($$update public.users set role = 'manager', last_name = 'Torvalds' where id = %L$$, tests.id('member'))),
  1::bigint, 'admin changes the member''s role and last name in one update');
select tests.act_as('admin');
select is(tests.rows_affected(format($$update public.users set first_name = 'Linus' where id = %L$$, tests.id('member'))),
  1::bigint, 'an update that changes nothing');
select tests.act_as('manager');
select is(tests.rows_affected(format($$update public.users set first_name = 'Grace' where id = %L$$, tests.id('manager'))),
  1::bigint, 'the manager renames themselves');
select tests.act_as('admin');
select throws_ok(format($$update public.users set role = 'member' where id = %L$$, tests.id('admin')),
  'PT403', null, 'admin cannot change their own role');
reset role;
select set_config('request.jwt.claims', '', true);
select throws_ok(format($$update public.users set role = 'member' where id in (%L, %L)$$, tests.id('admin'), tests.id('second_admin')),
  'PT409', null, 'the last active admin keeps their role');

select results_eq($$select action, actor_type, actor_id, changes, request_id from tests.entries(tests.id('member'))$$,
  $$values
    ('profile_changed'::public.activity_action, 'user'::public.activity_actor_type, tests.id('admin'),
     '{"first_name": {"from": "Member", "to": "Linus"}}'::jsonb, null::text),
    ('profile_changed', 'user', tests.id('admin'), '{"last_name": {"from": "Tester", "to": "Torvalds"}}', null),
    ('role_changed', 'user', tests.id('admin'), '{"role": {"from": "member", "to": "manager"}}', null)$$,
  'names and role are recorded apart, before and after, only what changed, by the admin');
select results_eq($$select action, actor_id, changes from tests.entries(tests.id('manager'))$$,
  $$values ('profile_changed'::public.activity_action, tests.id('manager'), '{"first_name": {"from": "Manager", "to": "Grace"}}'::jsonb)$$,
  'a manager''s own rename is recorded with them as the actor');
select is_empty($$select 1 from tests.entries(tests.id('admin'))$$, 'a refused role change of oneself records nothing');
select is_empty($$select 1 from tests.entries(tests.id('second_admin'))$$, 'a refused demotion of the last admins records nothing');

-- the actor is who the request is, whatever else it claims ---------------------------------------
select tests.act_as_claims('authenticated', jsonb_build_object('sub', tests.id('admin'), 'role', 'authenticated',
  'session_id', tests.session_id('admin'), 'actor_id', tests.id('second_admin'), 'user_metadata', jsonb_build_object('sub', tests.id('second_admin'))));
select set_config('activity.request_id', '', true);
select is(tests.rows_affected(format($$update public.users set last_name = 'Lamarr' where id = %L$$, tests.id('external'))),
  1::bigint, 'admin renames with claims naming someone else');
reset role;
select results_eq($$select actor_id from tests.entries(tests.id('external'))$$, array[tests.id('admin')],
  'the actor is the token''s subject, not what its other claims say');

-- as the Edge Functions do it: the checked caller and the request id ------------------------------
select set_config('request.jwt.claims', jsonb_build_object('sub', tests.id('admin'), 'role', 'service_role')::text, true);
select set_config('activity.request_id', 'req-0001', true);
update public.users set status = 'inactive' where id = tests.id('external');
update public.users set status = 'active' where id = tests.id('external');
update public.users set must_change_password = true where id = tests.id('external');
select private.record_user_activity(tests.id('external'), 'password_set', '{"generated": true}');
update public.users set must_change_password = false where id = tests.id('external');
select private.record_user_activity(tests.id('external'), 'password_recovered');
select private.record_user_activity(tests.id('external'), 'password_changed');
select results_eq($$select action, actor_id, details, request_id from tests.entries(tests.id('external')) offset 1$$,
  $$values
    ('deactivated'::public.activity_action, tests.id('admin'), '{}'::jsonb, 'req-0001'),
    ('activated', tests.id('admin'), '{}', 'req-0001'),
    ('password_set', tests.id('admin'), '{"generated": true}', 'req-0001'),
    ('temporary_password_replaced', tests.id('admin'), '{}', 'req-0001'),
    ('password_recovered', tests.id('admin'), '{}', 'req-0001'),
    ('password_changed', tests.id('admin'), '{}', 'req-0001')$$,
  'status, passwords and the end of a temporary password, with the caller and the request id');
select throws_ok(format($$select private.record_user_activity(%L, 'role_changed')$$, tests.id('external')),
  '22023', 'action role_changed is recorded by the database itself', 'the functions cannot record a change the database records');
select throws_ok($$select private.record_user_activity('00000000-0000-4000-8000-00000000dead', 'password_set')$$,
  'UA404', 'user 00000000-0000-4000-8000-00000000dead does not exist', 'nor an entry about nobody');

-- the service role through the API, and an operator -----------------------------------------------
select set_config('activity.request_id', '', true);
select set_config('request.jwt.claims', '{"role": "service_role"}', true);
update public.users set first_name = 'Ext' where id = tests.id('external');
select set_config('request.jwt.claims', '', true);
update public.users set first_name = 'Extra' where id = tests.id('external');
select results_eq($$select actor_type, actor_id from tests.entries(tests.id('external')) order by 1 desc limit 2$$,
  $$values ('operator'::public.activity_actor_type, null::uuid), ('service', null)$$,
  'the service role without a user, and a session without a request, are recorded as such');

-- sign-ins and ended sessions ---------------------------------------------------------------------
insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip) values
  ('f1000000-0000-4000-8000-000000000001', tests.id('member'), now(), now(), 'aal1', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0', '192.0.2.7'),
  ('f1000000-0000-4000-8000-000000000002', tests.id('member'), now(), now(), 'aal1', null, null);
select results_eq(
  $$select action, actor_type, actor_id, details from public.activity_log
    where target_id = tests.id('member') and action = 'signed_in' and details ->> 'session_id' <> tests.session_id('member')::text order by id$$,
  $$values
    ('signed_in'::public.activity_action, 'user'::public.activity_actor_type, tests.id('member'),
     '{"session_id": "f1000000-0000-4000-8000-000000000001", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0", "ip_address": "192.0.2.7"}'::jsonb),
    ('signed_in', 'user', tests.id('member'), '{"session_id": "f1000000-0000-4000-8000-000000000002"}')$$,
  'each new session is a sign-in of its user, with what Auth noted of the device');

-- how they signed in: Auth writes the method right after the session, so it is read at commit
set constraints auth.record_sign_in deferred;
insert into auth.sessions (id, user_id, created_at, updated_at, aal) values
  ('f1000000-0000-4000-8000-000000000003', tests.id('manager'), now(), now(), 'aal1');
insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method) values
  (gen_random_uuid(), 'f1000000-0000-4000-8000-000000000003', now(), now(), 'otp');
select is_empty($$select 1 from public.activity_log where details ->> 'session_id' = 'f1000000-0000-4000-8000-000000000003'$$,
  'a sign-in is recorded when Auth''s transaction commits, not at its first statement');
set constraints auth.record_sign_in immediate;
select results_eq($$select actor_id, details from public.activity_log where details ->> 'session_id' = 'f1000000-0000-4000-8000-000000000003'$$,
  $$values (tests.id('manager'), '{"session_id": "f1000000-0000-4000-8000-000000000003", "method": "otp"}'::jsonb)$$,
  'the sign-in says how it was authenticated (an emailed link: otp)');

-- sessions: their admins and the user read them; nobody else --------------------------------------
select tests.act_as('admin');
select set_eq($$select id, user_agent, ip_address from public.user_sessions(tests.id('member'))$$,
  $$values ('f1000000-0000-4000-8000-000000000001'::uuid, 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0', '192.0.2.7'),
           ('f1000000-0000-4000-8000-000000000002', null, null), (tests.session_id('member'), null, null)$$,
  'an admin reads a user''s sessions');
select tests.act_as_claims('authenticated', jsonb_build_object('sub', tests.id('member'), 'role', 'authenticated',
  'session_id', 'f1000000-0000-4000-8000-000000000002'));
select set_eq($$select id, current from public.user_sessions(tests.id('member'))$$,
  $$values ('f1000000-0000-4000-8000-000000000001'::uuid, false), ('f1000000-0000-4000-8000-000000000002', true), (tests.session_id('member'), false)$$,
  'the user reads their own, this one marked current');
select tests.act_as('manager');
select is_empty(format('select 1 from public.user_sessions(%L)', tests.id('member')), 'a manager reads no one else''s sessions');
select tests.act_as('inactive_admin');
select is_empty(format('select 1 from public.user_sessions(%L)', tests.id('member')), 'an inactive admin reads none');
select tests.act_as('stranger');
select is_empty(format('select 1 from public.user_sessions(%L)', tests.id('member')), 'another organization''s admin reads none');
select tests.act_as('ghost');
select is_empty(format('select 1 from public.user_sessions(%L)', tests.id('member')), 'a token without a user reads none');
select tests.act_as('anon');
select throws_ok(format('select 1 from public.user_sessions(%L)', tests.id('member')),
  '42501', 'permission denied for function user_sessions', 'anon cannot call it');
reset role;

select set_config('request.jwt.claims', jsonb_build_object('sub', tests.id('admin'), 'role', 'service_role')::text, true);
select is(public.end_user_sessions(tests.id('member')), 3, 'the admin ends the member''s three sessions');
select is(public.end_user_sessions(tests.id('member')), 0, 'ending none');
select results_eq(
  $$select actor_id, details from public.activity_log where target_id = tests.id('member') and action = 'sessions_ended'$$,
  $$values (tests.id('admin'), '{"count": 3}'::jsonb)$$,
  'ended sessions are recorded once, with how many, and ending none records nothing');
select set_config('request.jwt.claims', '', true);

-- who reads which entries --------------------------------------------------------------------------
select tests.act_as('admin');
select is((select count(*)::int from public.activity_log where organization_id <> 'a0000000-0000-4000-8000-000000000000'), 0,
  'admin reads no other organization''s entry');
select ok((select count(*) from public.activity_log) > 10, 'admin reads their organization''s entries');
select is((select count(*)::int from public.activity_log where target_id = tests.id('stranger')), 0,
  'admin cannot reach another organization''s entries by target');
select tests.act_as('second_admin');
select is((select count(*) from public.activity_log),
  (select count(*) from public.activity_log as l where l.organization_id = 'a0000000-0000-4000-8000-000000000000'),
  'a second admin reads the same');
select tests.act_as('manager');
select is_empty($$select 1 from public.activity_log$$, 'a manager reads no entry, not even about themselves');
select tests.act_as('member');
select is_empty($$select 1 from public.activity_log$$, 'a member reads no entry');
select tests.act_as('external');
select is_empty($$select 1 from public.activity_log$$, 'an external user reads no entry');
select tests.act_as('inactive_admin');
select is_empty($$select 1 from public.activity_log$$, 'an inactive admin reads no entry');
select tests.act_as('ghost');
select is_empty($$select 1 from public.activity_log$$, 'a token without a user reads no entry');
select tests.act_as('stranger');
select results_eq($$select distinct organization_id from public.activity_log$$,
  array['b0000000-0000-4000-8000-000000000000'::uuid], 'the stranger reads only Globex''s entries');
select is((select count(*)::int from public.activity_log where target_id = tests.id('member')), 0,
  'the stranger cannot reach Acme''s entries by target, nor count them');
select tests.act_as('anon');
select throws_ok($$select 1 from public.activity_log$$, '42501', 'permission denied for table activity_log', 'anon cannot read the log');
reset role;
update public.users set must_change_password = true where id = tests.id('second_admin');
select tests.act_as('second_admin');
select is_empty($$select 1 from public.activity_log$$, 'an admin with a temporary password reads no entry');
reset role;

-- nobody changes history ---------------------------------------------------------------------------
select tests.act_as('admin');
select throws_ok($$update public.activity_log set action = 'activated'$$, '42501', 'permission denied for table activity_log', 'admin cannot change an entry');
select tests.act_as('admin');
select throws_ok($$delete from public.activity_log$$, '42501', 'permission denied for table activity_log', 'admin cannot delete an entry');
select tests.act_as('admin');
select throws_ok(format($$insert into public.activity_log (organization_id, actor_type, actor_id, target_id, action) values ('a0000000-0000-4000-8000-000000000000', 'user', %L, %L, 'activated')$$, tests.id('second_admin'), tests.id('member')),
  '42501', 'permission denied for table activity_log', 'admin cannot write an entry in someone else''s name');
select tests.act_as('admin');
select throws_ok($$truncate public.activity_log$$, '42501', 'permission denied for table activity_log', 'admin cannot truncate the log');
select tests.act_as('service_role');
select throws_ok($$update public.activity_log set changes = '{}'$$, '42501', 'permission denied for table activity_log', 'the service role cannot change an entry');
select tests.act_as('service_role');
select throws_ok($$delete from public.activity_log$$, '42501', 'permission denied for table activity_log', 'the service role cannot delete an entry');
select tests.act_as('service_role');
select throws_ok($$insert into public.activity_log (organization_id, actor_type, target_id, action) values ('a0000000-0000-4000-8000-000000000000', 'service', 'a0000000-0000-4000-8000-000000000004', 'activated')$$,
  '42501', 'permission denied for table activity_log', 'the service role cannot write an entry');
select tests.act_as('service_role');
select throws_ok($$truncate public.activity_log$$, '42501', 'permission denied for table activity_log', 'the service role cannot truncate the log');
select tests.act_as('anon');
select throws_ok($$delete from public.activity_log$$, '42501', 'permission denied for table activity_log', 'anon cannot delete an entry');
reset role;
select throws_ok($$update public.activity_log set action = 'activated'$$, '42501', 'the activity log is append-only', 'even the owner cannot change an entry');
select throws_ok($$delete from public.activity_log$$, '42501', 'the activity log is append-only', 'even the owner cannot delete an entry');
select throws_ok($$truncate public.activity_log$$, '42501', 'the activity log is append-only', 'even the owner cannot truncate the log');
select ok((select count(*) from public.activity_log) > 20, 'every entry is still there');

select * from finish();
rollback;
