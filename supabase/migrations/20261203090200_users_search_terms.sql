-- private.users_search_terms: each organization's distinct first names, last names and email
-- domains, with how many of its users have each, kept exact by triggers.
--
-- A search for a fragment that is rare in a big organization but made of common trigrams ("org41."
-- among a million addresses ending in "@org<n>.test", "ada alford" among repeating names) cost
-- 15–25 ms in the trigram indexes alone: they hold a posting for every user of every organization,
-- and each trigram of such a fragment has tens of thousands. Names and domains repeat: a
-- million users have some thousands of distinct first names, far fewer domains. Searching these
-- instead, and then finding their users through the btree indexes of names and domains
-- (list_users, later migration), costs a fraction of a millisecond per thousand terms.
--
-- Like the user counters: statement-level triggers with transition tables (a bulk insert adjusts
-- each term once), changes applied in key order so that concurrent transactions cannot deadlock,
-- and a term leaves the table with its last user (renamed away), so that no name outlives
-- everyone who had it. Users are never deleted (users_guards).

create table private.users_search_terms (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  field text not null
    constraint users_search_terms_field check (field in ('first_name', 'last_name', 'email_domain')),
  term text not null,
  users integer not null constraint users_search_terms_users_positive check (users > 0),
  primary key (organization_id, field, term)
);

comment on table private.users_search_terms is
  'Distinct lower-case first names, last names and email domains of each organization''s users, with how many users have each; maintained by triggers on public.users.';

alter table private.users_search_terms enable row level security;
revoke all on table private.users_search_terms from public, anon, authenticated, service_role;

-- The terms a user is found by, as the searches compare them: lower-case names, and the email
-- after its first "@" (emails are stored in lower case).
create function private.user_search_terms(first_name text, last_name text, email text)
returns table (field text, term text)
language sql
immutable
set search_path = ''
as $$
  values ('first_name', lower(first_name)),
         ('last_name', lower(last_name)),
         ('email_domain', substr(email, strpos(email, '@') + 1))
$$;

comment on function private.user_search_terms(text, text, text) is
  'The dictionary terms of a user: lower-case first and last name, email domain.';

create function private.apply_users_search_term_changes(changes jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  change record;
begin
  for change in
    select (d ->> 'organization_id')::uuid as organization_id,
           d ->> 'field' as field,
           d ->> 'term' as term,
           (d ->> 'delta')::integer as delta
    from jsonb_array_elements(changes) as d
    order by 1, 2, 3
  loop
    if change.delta > 0 then
      insert into private.users_search_terms as t (organization_id, field, term, users)
      values (change.organization_id, change.field, change.term, change.delta)
      on conflict (organization_id, field, term) do update set users = t.users + excluded.users;
    else
      -- The last users of a term take it with them; under the row's lock a concurrent newcomer
      -- either came first (then the count is higher and the term stays) or inserts it anew.
      delete from private.users_search_terms as t
      where t.organization_id = change.organization_id and t.field = change.field
        and t.term = change.term and t.users = -change.delta;
      if not found then
        update private.users_search_terms as t
        set users = t.users + change.delta
        where t.organization_id = change.organization_id and t.field = change.field
          and t.term = change.term;
      end if;
    end if;
  end loop;
end;
$$;

create function private.count_inserted_users_search_terms()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.apply_users_search_term_changes(coalesce((
    select jsonb_agg(jsonb_build_object('organization_id', organization_id, 'field', field, 'term', term, 'delta', n))
    from (
      select i.organization_id, t.field, t.term, count(*) as n
      from inserted as i
      cross join lateral private.user_search_terms(i.first_name, i.last_name, i.email) as t
      group by 1, 2, 3
    ) as groups
  ), '[]'));
  return null;
end;
$$;

create function private.count_updated_users_search_terms()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.apply_users_search_term_changes(coalesce((
    select jsonb_agg(jsonb_build_object('organization_id', organization_id, 'field', field, 'term', term, 'delta', delta))
    from (
      -- A renamed user (or a new email domain) leaves the old term and joins the new one.
      select moved.organization_id, moved.field, moved.term, sum(moved.delta) as delta
      from before_rows as o
      join after_rows as n using (id)
      cross join lateral (
        select o.organization_id, t.field, t.term, -1
        from private.user_search_terms(o.first_name, o.last_name, o.email) as t
        union all
        select n.organization_id, t.field, t.term, 1
        from private.user_search_terms(n.first_name, n.last_name, n.email) as t
      ) as moved (organization_id, field, term, delta)
      where (o.organization_id, o.first_name, o.last_name, o.email)
            is distinct from (n.organization_id, n.first_name, n.last_name, n.email)
      group by 1, 2, 3
      having sum(moved.delta) <> 0
    ) as groups
  ), '[]'));
  return null;
end;
$$;

comment on function private.apply_users_search_term_changes(jsonb) is
  'Adds deltas to the search terms'' user counts in key order; a term whose count reaches 0 is removed.';
comment on function private.count_inserted_users_search_terms() is
  'Trigger: counts the search terms of inserted users.';
comment on function private.count_updated_users_search_terms() is
  'Trigger: moves users between search terms when a name, the email or the organization changes.';

revoke all on function private.user_search_terms(text, text, text) from public, anon, authenticated;
revoke all on function private.apply_users_search_term_changes(jsonb) from public, anon, authenticated;
revoke all on function private.count_inserted_users_search_terms() from public, anon, authenticated;
revoke all on function private.count_updated_users_search_terms() from public, anon, authenticated;

create trigger count_inserted_users_search_terms
  after insert on public.users
  referencing new table as inserted
  for each statement execute function private.count_inserted_users_search_terms();

create trigger count_updated_users_search_terms
  after update on public.users
  referencing old table as before_rows new table as after_rows
  for each statement execute function private.count_updated_users_search_terms();

-- Existing users.
insert into private.users_search_terms (organization_id, field, term, users)
select u.organization_id, t.field, t.term, count(*)
from public.users as u
cross join lateral private.user_search_terms(u.first_name, u.last_name, u.email) as t
group by 1, 2, 3;
