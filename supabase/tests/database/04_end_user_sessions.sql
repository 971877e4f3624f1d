-- public.end_user_sessions: the service role ends every session of a user; nobody else may.
begin;
\ir _personas.psql
select plan(10);

-- Two more sessions of the member (each persona has one already), with refresh tokens, and one
-- more of the admin.
insert into auth.sessions (id, user_id, created_at, updated_at, aal) values
  ('e0000000-0000-4000-8000-000000000001', tests.id('member'), now(), now(), 'aal1'),
  ('e0000000-0000-4000-8000-000000000002', tests.id('member'), now(), now(), 'aal1'),
  ('e0000000-0000-4000-8000-000000000003', tests.id('admin'), now(), now(), 'aal1');
insert into auth.refresh_tokens (token, user_id, revoked, session_id, created_at, updated_at) values
  ('member-one', tests.id('member')::text, false, 'e0000000-0000-4000-8000-000000000001', now(), now()),
  ('member-two', tests.id('member')::text, false, 'e0000000-0000-4000-8000-000000000002', now(), now()),
  ('admin-one', tests.id('admin')::text, false, 'e0000000-0000-4000-8000-000000000003', now(), now());

select tests.act_as('admin');
select throws_ok(format('select public.end_user_sessions(%L)', tests.id('member')),
  '42501', 'permission denied for function end_user_sessions', 'an admin cannot call it through the Data API (the Edge Function does)');
select tests.act_as('member');
select throws_ok(format('select public.end_user_sessions(%L)', tests.id('admin')),
  '42501', 'permission denied for function end_user_sessions', 'a member cannot end anyone''s sessions');
select tests.act_as('anon');
select throws_ok(format('select public.end_user_sessions(%L)', tests.id('admin')),
  '42501', 'permission denied for function end_user_sessions', 'anon cannot end anyone''s sessions');

select tests.act_as('service_role');
select is(public.end_user_sessions(tests.id('member')), 3, 'the service role ends all three sessions of the member');
select is(public.end_user_sessions(tests.id('member')), 0, 'ending again finds nothing');

select tests.act_as_claims('postgres', '{}');
select is((select count(*)::int from auth.sessions where user_id = tests.id('member')), 0, 'the member has no session left');
select is((select count(*)::int from auth.refresh_tokens where user_id = tests.id('member')::text), 0, 'their refresh tokens went with them');
select is((select count(*)::int from auth.sessions where user_id = tests.id('admin')), 2, 'other users keep their sessions');

select tests.act_as('member');
select is_empty($$select 1 from public.users$$, 'the member''s still-valid token reads nothing once their sessions ended');
select tests.act_as('admin');
select ok((select count(*) from public.users) > 1, 'the admin, still signed in, reads as before');

select * from finish();
rollback;
