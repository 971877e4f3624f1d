-- public.search_users: an admin's search of their own organization, persona by persona.
begin;
\ir _personas.psql
select plan(19);

select tests.act_as('admin');
select results_eq($$select email from public.search_users('acme') order by email$$,
  array['ada@acme.test', 'alan@acme.test', 'gone@acme.test', 'grace@acme.test', 'linus@acme.test'],
  'admin finds their organization''s users by an email fragment, inactive ones included');
select is((select count(*)::int from public.search_users('tester')), 6, 'admin finds them by a last-name fragment');
select results_eq($$select email from public.search_users('  Member Test ')$$, array['linus@acme.test'],
  'a first and last name together find one person; case and spaces around do not matter');
select is_empty($$select 1 from public.search_users('globex')$$, 'admin finds nobody of another organization');
select is_empty($$select 1 from public.search_users('%')$$, 'a % is searched literally, not as a wildcard');
select is_empty($$select 1 from public.search_users('a_a')$$, 'an _ is searched literally, not as a wildcard');
select is_empty($$select 1 from public.search_users('   ')$$, 'an empty search finds nothing');
select is_empty($$select 1 from public.search_users($q$x' or ''=' $q$)$$, 'quotes in the fragment are text, not SQL');
select is_empty($$select 1 from public.search_users(repeat('a', 254))$$, 'a search as long as the longest email is answered');
select throws_ok($$select 1 from public.search_users(repeat('a', 255))$$, '22001', 'a search has at most 254 characters',
  'a longer search is refused before any row is read (a megabyte of it cost a second)');

select tests.act_as('stranger');
select is((select count(*)::int from public.search_users('globex')), 2, 'Globex''s admin finds Globex''s users');
select is_empty($$select 1 from public.search_users('acme')$$, 'Globex''s admin finds nobody of Acme');

select tests.act_as('manager');
select is_empty($$select 1 from public.search_users('acme')$$, 'a manager finds nobody, not even themselves');
select tests.act_as('member');
select is_empty($$select 1 from public.search_users('linus')$$, 'a member finds nobody');
select tests.act_as('external');
select is_empty($$select 1 from public.search_users('partner')$$, 'an external user finds nobody');
select tests.act_as('inactive_admin');
select is_empty($$select 1 from public.search_users('acme')$$, 'an inactive admin with a valid token finds nobody');
select tests.act_as('ghost');
select is_empty($$select 1 from public.search_users('acme')$$, 'a token without a row finds nobody');
select tests.act_as_claims('authenticated', jsonb_build_object('sub', tests.id('member'), 'role', 'authenticated',
  'app_metadata', jsonb_build_object('role', 'admin', 'organization_id', 'a0000000-0000-4000-8000-000000000000')));
select is_empty($$select 1 from public.search_users('acme')$$, 'admin claims in metadata find nobody');

select tests.act_as('anon');
select throws_ok($$select * from public.search_users('acme')$$, '42501', 'permission denied for function search_users', 'anon cannot search');

select * from finish();
rollback;
