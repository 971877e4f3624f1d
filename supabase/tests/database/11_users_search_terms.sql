-- private.users_search_terms: exact after every kind of change, gone with their last user, and out
-- of everyone's reach but the triggers'; list_users finds the same users through them.
begin;
\ir _personas.psql

create function tests.terms_match() returns boolean language sql as $$
  with expected as (
    select u.organization_id, t.field, t.term, count(*)::int as users
    from public.users as u
    cross join lateral (values ('first_name', lower(u.first_name)), ('last_name', lower(u.last_name)),
                               ('email_domain', split_part(u.email, '@', 2))) as t (field, term)
    group by 1, 2, 3
  )
  select not exists (
    (select * from expected) except (select organization_id, field, term, users from private.users_search_terms)
  ) and not exists (
    (select organization_id, field, term, users from private.users_search_terms) except (select * from expected)
  )
$$;

create function tests.terms_of(organization uuid, term_field text) returns text[] language sql as $$
  select array_agg(term order by term) from private.users_search_terms
  where organization_id = organization and field = term_field
$$;

select plan(29);

select ok(tests.terms_match(), 'the fixture''s names and domains are the search terms, with their users counted');
select is(tests.terms_of('a0000000-0000-4000-8000-000000000000', 'email_domain'), array['acme.test', 'partner.test'],
  'Acme''s users write from acme.test and partner.test');

select tests.act_as('admin');
select is(tests.rows_affected(format($$update public.users set last_name = 'Zed-Ünal' where id = %L$$, tests.id('member'))), 1::bigint,
  'the admin renamed the member');
select tests.act_as_claims('postgres', '{}');
select ok(tests.terms_match(), 'a rename moves the user to the new name''s term');
select ok('zed-ünal' = any(tests.terms_of('a0000000-0000-4000-8000-000000000000', 'last_name')),
  'the new last name is a term, in lower case');
select tests.act_as('admin');
select is(tests.rows_affected(format($$update public.users set last_name = 'Torvalds' where id = %L$$, tests.id('member'))), 1::bigint,
  'and back');
select tests.act_as_claims('postgres', '{}');
select ok(not 'zed-ünal' = any(tests.terms_of('a0000000-0000-4000-8000-000000000000', 'last_name')),
  'a name leaves the terms with its last user');

select tests.act_as('service_role');
update public.users set email = replace(email, '@acme.test', '@acme-mail.test') where id = tests.id('manager');
update public.users set organization_id = 'b0000000-0000-4000-8000-000000000000' where id = tests.id('external');
update public.users set status = 'inactive' where id = tests.id('second_admin');
select tests.act_as_claims('postgres', '{}');
select ok(tests.terms_match(), 'an email''s new domain, a move to another organization and a status change keep the terms exact');
select is(tests.terms_of('a0000000-0000-4000-8000-000000000000', 'email_domain'), array['acme-mail.test', 'acme.test'],
  'Acme has a new domain, and partner.test left with the external user');

insert into auth.users (id, aud, role, email)
select gen_random_uuid(), 'authenticated', 'authenticated', 'bulk' || g || '@bulk.test' from generate_series(1, 30) as g;
insert into public.users (id, organization_id, email, first_name, last_name, role)
select id, 'a0000000-0000-4000-8000-000000000000', email, 'Bulk', 'User ' || (right(split_part(email, '@', 1), 1)), 'member'
from auth.users where email like 'bulk%@bulk.test';
select ok(tests.terms_match(), 'a bulk insert of 30 users counts each term once per user');
select is((select users from private.users_search_terms where organization_id = 'a0000000-0000-4000-8000-000000000000' and field = 'email_domain' and term = 'bulk.test'),
  30, 'thirty users write from bulk.test');
update public.users set first_name = 'Mass', email = replace(email, '@bulk.test', '@acme.test') where email like 'bulk%@bulk.test';
select ok(tests.terms_match(), 'a bulk rename moves every user''s terms');
select ok(not 'bulk.test' = any(tests.terms_of('a0000000-0000-4000-8000-000000000000', 'email_domain')),
  'a domain nobody writes from any more is gone');

-- The candidates hold every user a search finds (they are what a big organization's rare matches
-- are gathered through), and not everyone; in the name order, with the ranges of last names
-- holding the fragment, every user the search's part beyond the last names starting with it finds.
create function tests.missed_by_candidates(fragment text) returns integer language plpgsql as $$
declare
  organization constant uuid := 'a0000000-0000-4000-8000-000000000000';
  everywhere text[] := private.search_candidates(organization, fragment, 'count');
  by_name text[] := private.search_candidates(organization, fragment, 'name');
  missed integer;
begin
  execute format(
    'select count(*) from public.users as u where u.organization_id = %L and ((%s and not coalesce(%s, false)) or (%s and not coalesce(%s or %s, false)))',
    organization, (private.search_parts(fragment, 'count'))[2], everywhere[2],
    (private.search_parts(fragment, 'name'))[2], by_name[1], by_name[2])
  into missed;
  return missed;
end;
$$;

update public.users set first_name = 'Anne Marie', last_name = 'O''Neil 100%_x' where id = tests.id('manager');
select is(array_agg(tests.missed_by_candidates(f)), array_fill(0, array[count(*)::int]),
  'every match of a name, a span of names, a domain, an address''s halves, digits, literal % and _ is a candidate')
from unnest(array['mass', 'ass', 'user 3', 'ss user', 'ss user 1', 'marie o''neil', 'anne marie o', 'e m', '100%_x', '0%_',
                  'acme', 'me.te', 'acme-mail.test', 'k12@acme', 'bulk12@acme.test', 'ulk2', 'bulk1', '@acme', 'lk3@',
                  'linus', 'nus@ac', 'ZED-ünal', 'ÜNAL', 'xyz', 'nobody at all', 'a@b@c', 'bulk', 'ulk', 'ser', 'ester',
                  'neil', 'ace', 'gra']) as f;
create function tests.candidates(fragment text, sort text default 'count', which integer default 2) returns integer language plpgsql as $$
declare
  found integer;
begin
  execute format('select count(*) from public.users as u where u.organization_id = %L and %s',
                 'a0000000-0000-4000-8000-000000000000',
                 (private.search_candidates('a0000000-0000-4000-8000-000000000000', fragment, sort))[which])
  into found;
  return found;
end;
$$;
select is(tests.candidates('mass'), 30, 'the candidates of a first name are its users (found through the name''s index)');
select is(tests.candidates('acme-mail'), 1, 'the candidates of a domain are its users');

-- Letters alone in the part of an address before its "@" are looked for in its user's names
-- when the address is made of them, and otherwise in the address.
select is(array[private.email_follows_names('ada.lovelace.2@acme.test', 'Ada', 'Lovelace'),
                private.email_follows_names('lovelace_ada-2@acme.test', 'Ada', 'Lovelace'),
                private.email_follows_names('ada@acme.test', 'Ada', 'Lovelace'),
                private.email_follows_names('alovelace@acme.test', 'Ada', 'Lovelace'),
                private.email_follows_names('adalovelace@acme.test', 'Ada', 'Lovelace'),
                private.email_follows_names('ada.l@acme.test', 'Ada', 'Lovelace'),
                private.email_follows_names('ada.byron@acme.test', 'Ada', 'Lovelace')],
  array[true, true, true, false, false, false, false],
  'an address is made of its names when nothing but digits and . _ + - stand between them');
select is(tests.candidates('ulk'), 30, 'letters in addresses not made of their names: those addresses are the candidates');
select is(tests.candidates('ser', 'name', 1), 30,
  'in the name order, the last names holding a fragment (not starting with it) are ranges of the order');
select is((private.search_candidates('a0000000-0000-4000-8000-000000000000', 'ser', 'name'))[2], 'false',
  'and where only they hold it, nothing else is looked for');

-- Found through the terms: a fragment across first and last name, a domain, the address's halves.
select tests.act_as('admin');
select results_eq($$select count(*)::int from public.list_users(search => 'mass user 3')$$,
  $$select count(*)::int from public.users where organization_id = 'a0000000-0000-4000-8000-000000000000' and lower(first_name || ' ' || last_name) like '%mass user 3%'$$,
  'a fragment across the space finds the users whose first name ends and last name starts so');
select results_eq($$select count(*)::int from public.list_users(search => 'k12@acme', page_size => 500)$$,
  $$select count(*)::int from public.users where organization_id = 'a0000000-0000-4000-8000-000000000000' and email like '%k12@acme%'$$,
  'a fragment across the "@" finds the addresses');

select is_empty($$select from public.list_users(search => 'globex.test')$$,
  'another organization''s domain finds none of its users');
select is_empty($$select from public.list_users(search => 'staff@globex')$$,
  'nor does another organization''s address across its "@"');
select is_empty($$select from public.list_users(search => 'staf')$$,
  'nor letters of another organization''s address not made of its names');
select results_eq($$select count(*)::int from public.list_users(search => 'ulk', page_size => 500)$$, $$values (30)$$,
  'letters of addresses not made of their names find those users');
select results_eq($$select count(*)::int from public.list_users(search => 'ester', page_size => 500)$$,
  $$select count(*)::int from public.users where organization_id = 'a0000000-0000-4000-8000-000000000000' and last_name ilike '%ester%'$$,
  'a fragment within last names finds their users in the name order');

-- Nobody but the triggers reads or writes them.
select tests.act_as('admin');
select throws_ok($$select 1 from private.users_search_terms$$, '42501', 'permission denied for table users_search_terms', 'an admin cannot read the terms');
select tests.act_as('anon');
select throws_ok($$select 1 from private.users_search_terms$$, '42501', 'permission denied for schema private', 'nor can anon');

select * from finish();
rollback;
