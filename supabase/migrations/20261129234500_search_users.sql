-- Search an organization's users by a fragment of their name ("ada", "ada love", "lovelace") or
-- email, for admins.
--
-- Why a function rather than a filter on the table: see the search-index migration (ilike is not
-- leakproof, so under row-level security no index could serve it). The function runs as its owner
-- and applies the same rule the read policy applies to admins: only an active admin, only their own
-- organization. Everyone else gets no rows. The Data API's filters, order, range and count apply to
-- its result like to a table's.

create function private.contains_pattern(fragment text)
returns text
language sql
immutable
set search_path = ''
as $$
  -- The fragment is matched literally: LIKE's wildcards and escape character are escaped.
  select '%' || replace(replace(replace(btrim(fragment), '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

comment on function private.contains_pattern(text) is
  'The ilike pattern matching text that contains the fragment literally.';

create function public.search_users(search text)
returns setof public.users
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  organization uuid := (select private.admin_organization_id());
begin
  if organization is null or btrim(search) = '' then
    return;
  end if;
  -- Planned for this very fragment, as literals rather than parameters: a parameter hides the
  -- fragment's selectivity from the planner, which then reads the whole organization instead of
  -- the trigram indexes (18 ms instead of 8 ms for 3,846 matches among 100,000 users).
  return query execute format(
    'select u.* from public.users as u
     where u.organization_id = %L
       and ((u.first_name || %L || u.last_name) ilike %L or u.email ilike %L)',
    organization, ' ', private.contains_pattern(search), private.contains_pattern(search)
  );
end;
$$;

comment on function public.search_users(text) is
  'Users of the caller''s organization whose name or email contains the fragment; active admins only, nobody else gets rows.';

revoke all on function private.contains_pattern(text) from public, anon, authenticated;
revoke all on function public.search_users(text) from public, anon, authenticated;
-- The console's search box calls it through /rest/v1/rpc/search_users as the signed-in admin.
grant execute on function public.search_users(text) to authenticated;
