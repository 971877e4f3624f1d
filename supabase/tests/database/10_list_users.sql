-- public.list_users and public.count_users: the User Management table's pages and totals, persona
-- by persona, every order both ways, paged forwards from the start and backwards from the end.
begin;
\ir _personas.psql

-- More of Acme, so that orders, ties and filters have something to tell apart: names differing
-- only in case, equal names, emails that do not start like the first name, sign-ins and nevers.
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at, last_sign_in_at)
select '00000000-0000-0000-0000-000000000000', v.id, 'authenticated', 'authenticated', v.email, '', now(),
       '{"provider": "email", "providers": ["email"]}', '{}', now(), now(), v.signed_in
from (values
  ('a0000000-0000-4000-8000-0000000000a1'::uuid, 'mary.major@acme.test', now() - interval '3 days'),
  ('a0000000-0000-4000-8000-0000000000a2'::uuid, 'm.minor@acme.test', null),
  ('a0000000-0000-4000-8000-0000000000a3'::uuid, 'zed@acme.test', now() - interval '200 days'),
  ('a0000000-0000-4000-8000-0000000000a4'::uuid, 'amy.adams@acme.test', now() - interval '1 hour'),
  ('a0000000-0000-4000-8000-0000000000a5'::uuid, 'alfred.adams@acme.test', null),
  ('a0000000-0000-4000-8000-0000000000a6'::uuid, 'ford.fan@acme.test', now() - interval '100 days')
) as v (id, email, signed_in);
insert into public.users (id, organization_id, email, first_name, last_name, role, status, created_at)
select v.id, 'a0000000-0000-4000-8000-000000000000', a.email, v.first_name, v.last_name, v.role::public.user_role,
       v.status::public.user_status, now() - v.age
from (values
  ('a0000000-0000-4000-8000-0000000000a1'::uuid, 'Mary', 'Major', 'member', 'active', interval '10 days'),
  ('a0000000-0000-4000-8000-0000000000a2'::uuid, 'Max', 'minor', 'member', 'inactive', interval '9 days'),
  ('a0000000-0000-4000-8000-0000000000a3'::uuid, 'Zed', 'Alford', 'manager', 'active', interval '8 days'),
  ('a0000000-0000-4000-8000-0000000000a4'::uuid, 'Amy', 'Adams', 'external', 'active', interval '7 days'),
  ('a0000000-0000-4000-8000-0000000000a5'::uuid, 'Alfred', 'adams', 'member', 'inactive', interval '7 days'),
  ('a0000000-0000-4000-8000-0000000000a6'::uuid, 'Ada', 'Stanford', 'member', 'active', interval '6 days')
) as v (id, first_name, last_name, role, status, age)
join auth.users as a on a.id = v.id;

-- Every page of a view in turn, two users a page: forwards from the first page after the last
-- user seen, or backwards from the last page before the first user seen.
create function tests.walk(view jsonb, backwards boolean default false)
returns uuid[]
language plpgsql
as $$
declare
  seen uuid[] := '{}';
  page uuid[];
  boundary uuid;
  pages integer := 0;
begin
  loop
    select array_agg(p.id) into page
    from public.list_users(
      search => coalesce(view ->> 'search', ''),
      role => (view ->> 'role')::public.user_role,
      status => (view ->> 'status')::public.user_status,
      never_signed_in => coalesce((view ->> 'never')::boolean, false),
      signed_in_before => (view ->> 'before_time')::timestamptz,
      sort => coalesce(view ->> 'sort', 'name'),
      descending => coalesce((view ->> 'descending')::boolean, false),
      after => case when not backwards then boundary end,
      before => case when backwards then boundary end,
      last_page => backwards and boundary is null,
      page_size => 2) as p;
    exit when page is null;
    pages := pages + 1;
    if pages > 50 then
      raise exception 'the pages never end';
    end if;
    if backwards then
      seen := page || seen;
      boundary := page[1];
    else
      seen := seen || page;
      boundary := page[cardinality(page)];
    end if;
  end loop;
  return seen;
end;
$$;

-- The same view's users in the same order, straight from the table (as the current role reads it).
create function tests.expected(view jsonb)
returns uuid[]
language plpgsql
as $$
declare
  sort text := coalesce(view ->> 'sort', 'name');
  direction text := case when coalesce((view ->> 'descending')::boolean, false) then 'desc' else 'asc' end;
  keys text;
  found uuid[];
begin
  keys := case sort
    when 'name' then 'lower(last_name) collate "C" %1$s, lower(first_name) collate "C" %1$s, id %1$s'
    when 'email' then 'email collate "C" %1$s'
    when 'created_at' then 'created_at %1$s, id %1$s'
    when 'last_sign_in_at' then 'coalesce(last_sign_in_at, ''-infinity'') %1$s, id %1$s'
    when 'role' then 'role %1$s, status %1$s, lower(last_name) collate "C" %1$s, lower(first_name) collate "C" %1$s, id %1$s'
    when 'status' then 'status %1$s, role %1$s, lower(last_name) collate "C" %1$s, lower(first_name) collate "C" %1$s, id %1$s'
  end;
  execute format(
    'select array_agg(id order by %s) from public.users where organization_id = %L and (%L::public.user_role is null or role = %L::public.user_role) and (%L::public.user_status is null or status = %L::public.user_status) and (not %L or last_sign_in_at is null) and (%L::timestamptz is null or last_sign_in_at is null or last_sign_in_at < %L::timestamptz) and (%L = '''' or (case when char_length(%L) <= 2 then lower(first_name) like lower(%L) || ''%%'' or lower(last_name) like lower(%L) || ''%%'' or email like lower(%L) || ''%%'' else (first_name || '' '' || last_name) ilike ''%%'' || %L || ''%%'' or email ilike ''%%'' || %L || ''%%'' end))',
    format(keys, direction), 'a0000000-0000-4000-8000-000000000000',
    view ->> 'role', view ->> 'role', view ->> 'status', view ->> 'status',
    coalesce((view ->> 'never')::boolean, false), view ->> 'before_time', view ->> 'before_time',
    coalesce(view ->> 'search', ''), coalesce(view ->> 'search', ''), view ->> 'search', view ->> 'search',
    view ->> 'search', view ->> 'search', view ->> 'search')
  into found;
  return coalesce(found, '{}');
end;
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(70);

select tests.act_as('admin');

-- Every order, both ways, forwards and backwards.
select is(tests.walk(v), tests.expected(v), format('pages forwards by %s', v))
from (values ('{"sort": "name"}'::jsonb), ('{"sort": "name", "descending": true}'), ('{"sort": "email"}'),
             ('{"sort": "email", "descending": true}'), ('{"sort": "created_at"}'), ('{"sort": "created_at", "descending": true}'),
             ('{"sort": "last_sign_in_at"}'), ('{"sort": "last_sign_in_at", "descending": true}'), ('{"sort": "role"}'),
             ('{"sort": "role", "descending": true}'), ('{"sort": "status"}'), ('{"sort": "status", "descending": true}')) as t (v);
select is(tests.walk(v, backwards => true), tests.expected(v), format('pages backwards from the last by %s', v))
from (values ('{"sort": "name"}'::jsonb), ('{"sort": "name", "descending": true}'), ('{"sort": "email"}'),
             ('{"sort": "email", "descending": true}'), ('{"sort": "created_at"}'), ('{"sort": "created_at", "descending": true}'),
             ('{"sort": "last_sign_in_at"}'), ('{"sort": "last_sign_in_at", "descending": true}'), ('{"sort": "role"}'),
             ('{"sort": "role", "descending": true}'), ('{"sort": "status"}'), ('{"sort": "status", "descending": true}')) as t (v);

-- Filters, searches and both, in several orders.
select is(tests.walk(v), tests.expected(v), format('pages %s', v))
from (values ('{"role": "member"}'::jsonb), ('{"role": "admin", "sort": "status"}'), ('{"status": "inactive", "sort": "role"}'),
             ('{"role": "member", "status": "active", "sort": "email", "descending": true}'),
             ('{"never": true}'), ('{"never": true, "sort": "last_sign_in_at", "descending": true}'),
             ('{"before_time": "2000-01-01T00:00:00Z", "sort": "created_at"}'),
             ('{"search": "a"}'), ('{"search": "a", "sort": "email"}'), ('{"search": "ad", "sort": "created_at", "descending": true}'),
             ('{"search": "M", "sort": "role"}'), ('{"search": "ford"}'), ('{"search": "ford", "sort": "email"}'),
             ('{"search": "acme.t", "sort": "last_sign_in_at"}'), ('{"search": "Amy Ad", "role": "external"}'),
             ('{"search": "tester", "status": "active", "sort": "status", "descending": true}')) as t (v);
select ok(tests.walk('{"sort": "last_sign_in_at"}') <> tests.walk('{"sort": "name"}'), 'orders differ (the comparison above can fail)');

select results_eq($$select last_name from public.list_users(sort => 'name', page_size => 3)$$,
  array['adams', 'Adams', 'Alford'], 'names sort regardless of case, equal ones by first name');
select results_eq($$select email from public.list_users(search => 'a', sort => 'email', page_size => 4)$$,
  array['ada@acme.test', 'alan@acme.test', 'alfred.adams@acme.test', 'amy.adams@acme.test'],
  'one letter: the start of a first name, last name or email');
select is_empty($$select 1 from public.list_users(search => 'rd')$$,
  'two letters match only the start (Alford, Stanford and ford.fan do not start with rd)');
select results_eq($$select email from public.list_users(search => 'ford', sort => 'email')$$,
  array['ford.fan@acme.test', 'zed@acme.test'], 'three letters or more: any part of a name or email');
select results_eq($$select email from public.list_users(search => 'ford', sort => 'email', page_size => 1, last_page => true)$$,
  array['zed@acme.test'], 'the last page holds the last users of the view');
select results_eq($$select email from public.list_users(search => '%', sort => 'email')$$, array[]::text[],
  'a % is searched literally');
select results_eq($$select email from public.list_users(search => '_', sort => 'email')$$, array[]::text[],
  'an _ is searched literally');
select is((select count(*)::int from public.list_users(page_size => 500)), 12, 'a page of 500 holds all twelve');

select throws_ok($$select * from public.list_users(sort => 'password')$$, '22023', 'unknown sort password', 'an unknown order is refused');
select throws_ok($$select * from public.list_users(page_size => 0)$$, '22023', 'a page has 1 to 500 users', 'an empty page is refused');
select throws_ok($$select * from public.list_users(page_size => 501)$$, '22023', 'a page has 1 to 500 users', 'a huge page is refused');
select throws_ok(format($$select * from public.list_users(after => %L, before => %L)$$, tests.id('member'), tests.id('manager')),
  '22023', 'a page starts after a user, before a user or at the end, not several', 'two starts are refused');
select throws_ok($$select * from public.list_users(never_signed_in => true, signed_in_before => now())$$,
  '22023', 'never signed in and not signed in since a time are different filters', 'two sign-in filters are refused');
select throws_ok(format($$select * from public.list_users(after => %L)$$, tests.id('stranger')),
  'PT404', 'the page starts at a user who is not in the list', 'a page cannot start at another organization''s user (it would reveal their place)');
select throws_ok($$select * from public.list_users(search => repeat('a', 255))$$, '22001', 'a search has at most 254 characters',
  'a search longer than an email is refused');

select results_eq($$select users, accuracy from public.count_users()$$, $$values (12, 'exact')$$, 'the total comes from the counters');
select results_eq($$select users, accuracy from public.count_users(role => 'member', status => 'inactive')$$,
  $$values (2, 'exact')$$, 'a role and status total too');
select results_eq($$select users, accuracy from public.count_users(search => 'ford')$$, $$values (2, 'exact')$$,
  'a search with few matches is counted');
select results_eq($$select users, accuracy from public.count_users(never_signed_in => true, role => 'member')$$,
  $$values (3, 'exact')$$, 'a sign-in filter is counted');

-- Everyone else: nothing, in either.
select tests.act_as('stranger');
select results_eq($$select email from public.list_users()$$, array['boss@globex.test', 'staff@globex.test'],
  'Globex''s admin lists Globex only');
select results_eq($$select users from public.count_users(search => 'acme')$$, array[0],
  'and finds nobody of Acme, even counting');
select tests.act_as('manager');
select is_empty($$select 1 from public.list_users()$$, 'a manager lists nobody');
select is_empty($$select 1 from public.count_users()$$, 'a manager counts nothing');
select tests.act_as('member');
select is_empty($$select 1 from public.list_users(search => 'a')$$, 'a member lists nobody');
select tests.act_as('inactive_admin');
select is_empty($$select 1 from public.list_users()$$, 'an inactive admin with a valid token lists nobody');
select tests.act_as('ghost');
select is_empty($$select 1 from public.count_users()$$, 'a token without a row counts nothing');
select tests.act_as_claims('authenticated', jsonb_build_object('sub', tests.id('member'), 'role', 'authenticated',
  'session_id', tests.session_id('member'),
  'app_metadata', jsonb_build_object('role', 'admin', 'organization_id', 'a0000000-0000-4000-8000-000000000000')));
select is_empty($$select 1 from public.list_users()$$, 'admin claims in metadata list nobody');
select tests.act_as('service_role');
select throws_ok($$select * from public.list_users()$$, '42501', 'permission denied for function list_users',
  'the service role cannot list either (the Edge Functions have no need)');
select tests.act_as('anon');
select throws_ok($$select * from public.list_users()$$, '42501', 'permission denied for function list_users', 'anon cannot list');

select * from finish();
rollback;
