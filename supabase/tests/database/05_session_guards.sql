-- Sessions and deactivation: no session starts for a banned user (trigger
-- refuse_session_for_banned_user on auth.sessions), and end_user_sessions, which now locks the
-- refresh tokens before deleting, still ends every session of the user and only theirs.
begin;
\ir _personas.psql
select plan(8);

select has_trigger('auth', 'sessions', 'refuse_session_for_banned_user', 'auth.sessions has the banned-user guard');
update auth.users set banned_until = now() + interval '876000 hours' where id = tests.id('inactive_admin');
update auth.users set banned_until = now() - interval '1 hour' where id = tests.id('external');

select lives_ok(
  format($$insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ('f0000000-0000-4000-8000-000000000001', %L, now(), now(), 'aal1')$$, tests.id('member')),
  'an active user starts a session');
select throws_ok(
  format($$insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ('f0000000-0000-4000-8000-000000000002', %L, now(), now(), 'aal1')$$, tests.id('inactive_admin')),
  '42501', null, 'a banned user cannot start a session');
select lives_ok(
  format($$insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ('f0000000-0000-4000-8000-000000000004', %L, now(), now(), 'aal1')$$, tests.id('external')),
  'a user whose ban has expired starts a session');

insert into auth.users (id, aud, role, email, created_at, updated_at)
  values ('f0000000-0000-4000-8000-0000000000aa', 'authenticated', 'authenticated', 'operator@acme.test', now(), now());
select lives_ok(
  $$insert into auth.sessions (id, user_id, created_at, updated_at, aal) values ('f0000000-0000-4000-8000-000000000003', 'f0000000-0000-4000-8000-0000000000aa', now(), now(), 'aal1')$$,
  'an Auth user without a users row starts a session');

insert into auth.refresh_tokens (token, user_id, revoked, session_id, created_at, updated_at) values
  ('guard-one', tests.id('member')::text, false, 'f0000000-0000-4000-8000-000000000001', now(), now());

select tests.act_as('service_role');
select is(public.end_user_sessions(tests.id('member')), 2, 'end_user_sessions ends the member''s sessions (the new one and the persona''s)');
select tests.act_as_claims('postgres', '{}');
select is((select count(*)::int from auth.refresh_tokens where token = 'guard-one'), 0, 'and its refresh token');
select is((select count(*)::int from auth.sessions where id = 'f0000000-0000-4000-8000-000000000003'), 1, 'other users keep their sessions');

select * from finish();
rollback;
