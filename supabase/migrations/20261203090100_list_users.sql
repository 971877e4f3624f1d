-- public.list_users and public.count_users: the User Management table's pages and totals, for an
-- organization of any size.
--
-- Through the Data API's filters every page was a query under row-level security, where a filter
-- or an order on role or status cannot use an index (enum comparisons are not leakproof, so they
-- run after the policy, on rows already read) and a search cannot either (ilike): at a million
-- users in one organization a page sorted by role or a search took 0.2–0.8 s. These functions run
-- as their owner, apply the read policy's rule for admins themselves (an active admin, their own
-- organization; anyone else gets nothing), and plan each page for its own order, filters and
-- search, as literals, so that it comes from the index made for it (previous migration).
--
-- A page is keyset: the page after (or before) a user, or the last page, in one of six orders
-- (each ending with the id, so ties are stable). Filters the order's index serves are part of
-- its scan (role, status). A search or a sign-in filter is checked on the rows as the index
-- yields them, which finds a page at once when matches are common; when the first 2,000 rows
-- after the page's start held too few, the matches are gathered through their own indexes
-- (trigrams, name and email prefixes, last sign-in) and ordered, which is quick because they
-- are then rare.
--
-- Searching: one or two letters match the start of a first name, last name or email; three or
-- more, any part of "first last" or of the email. Counting: from the counters without a search
-- or sign-in filter (exact); otherwise up to 1,000 matches exactly, then "more than 1,000".

create function private.prefix_pattern(fragment text)
returns text
language sql
immutable
set search_path = ''
as $$
  -- Lower case like the prefix indexes; LIKE's wildcards and escape character are escaped.
  select replace(replace(replace(lower(btrim(fragment)), '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

comment on function private.prefix_pattern(text) is
  'The like pattern matching lower-case text that starts with the fragment literally.';

-- A search in a given order, as two conditions on alias u that together match exactly what it
-- matches: the part that is a range of the order's index (the start of a last name in the name
-- order, of an email in the email order; 'false' in other orders), read straight from it, and
-- the rest, which the order's index yields scattered (private.first_ids), and in the email order a
-- third part that is always gathered (see below). Tested together on each
-- row, a search would cost the whole distance to its first match wherever matches cluster in the
-- order: "ma" by email passes every address from "a" to "l" first. A first name's start in the
-- email order is read apart from the emails that start the same way (first.last@… addresses): the
-- others are gathered from an index of the users whose email does not begin like their first name,
-- few where addresses follow names (the planner cannot know how few: it would guess nearly all).
-- Rows may match several parts; the page holds each once.
--
-- The conditions test cheaply first (strpos on lower case), so that reading an index is quick;
-- the ilike beside it is what the trigram indexes serve when matches are gathered.
create function private.search_parts(fragment text, sort text)
returns text[]
language plpgsql
immutable
set search_path = ''
as $$
declare
  prefix text := private.prefix_pattern(fragment);
  last_name_starts text := format($c$lower(u.last_name) collate "C" like %L$c$, prefix);
  email_starts text := format($c$u.email collate "C" like %L$c$, prefix);
  first_name_starts text := format($c$lower(u.first_name) collate "C" like %L$c$, prefix);
  -- Without a space the fragment is in the first or the last name (the names' lower case is in
  -- the order indexes: nothing to compute); with one, in "first last".
  in_names text := case when strpos(fragment, ' ') = 0
    then format($c$(strpos(lower(u.first_name) collate "C", %1$L) > 0 or strpos(lower(u.last_name) collate "C", %1$L) > 0)$c$, lower(fragment))
    else format($c$strpos(lower(u.first_name || ' ' || u.last_name), %L) > 0$c$, lower(fragment))
  end;
  contains text := format(
    $c$((%1$s and (u.first_name || ' ' || u.last_name) ilike %3$L) or (strpos(u.email, %2$L) > 0 and u.email ilike %3$L))$c$,
    in_names, lower(fragment), private.contains_pattern(fragment));
begin
  if fragment = '' then
    return array['false', 'true'];
  elsif char_length(fragment) <= 2 then
    -- One or two letters: the start of the last name, the first name or the email.
    return case sort
      when 'name' then array[last_name_starts, format('(%s or %s)', first_name_starts, email_starts)]
      when 'email' then array[
        email_starts,
        last_name_starts,
        format($c$%s and left(lower(u.first_name), 2) <> left(u.email, 2) and not %s$c$,
               first_name_starts, email_starts)]
      else array['false', format('(%s or %s or %s)', last_name_starts, first_name_starts, email_starts)]
    end;
  end if;
  -- Three or more: anywhere in "first last" or in the email.
  return case sort
    when 'name' then array[last_name_starts, format('(%s and not %s)', contains, last_name_starts)]
    when 'email' then array[email_starts, format('(%s and not %s)', contains, email_starts)]
    else array['false', contains]
  end;
end;
$$;

comment on function private.search_parts(text, text) is
  'A search in an order as {the part that is a range of the order''s index, the rest}, conditions on alias u.';

-- The ids of the first rows of a condition in an order, as the planner reads them: for a
-- condition that is a range of the order's index (or none), that index itself.
create function private.ordered_ids(condition text, walked_order text, page_size integer)
returns uuid[]
language plpgsql
stable
set search_path = ''
as $$
declare
  ids uuid[];
begin
  execute format(
    'select coalesce(array_agg(u.id), ''{}'') from (select u.id from public.users as u where %s order by %s limit %s) as u',
    condition, walked_order, page_size)
  into ids;
  return ids;
end;
$$;

comment on function private.ordered_ids(text, text, integer) is
  'The ids of the first rows matching a condition in an order, read as the planner chooses.';

-- The ids of the first rows of a condition in an order, gathered through the condition's own
-- indexes (`offset 0` plans the gathering on its own, not along the order's index) and ordered.
-- `then_only` is tested on the gathered rows, not used to gather them. Only bitmap scans: left
-- free, the planner would rather read the whole organization along a covering index when it
-- overestimates the matches (as it does for a prefix no one in the organization has).
create function private.gathered_ids(
  view_condition text,
  part text,
  walked_order text,
  page_size integer,
  then_only text default 'true'
)
returns uuid[]
language plpgsql
stable
set search_path = ''
set enable_seqscan = off
set enable_indexscan = off
set enable_indexonlyscan = off
as $$
declare
  ids uuid[];
begin
  execute format(
    'select coalesce(array_agg(u.id), ''{}'') from (select u.id from (select * from public.users as u where %s and %s offset 0) as u where %s order by %s limit %s) as u',
    view_condition, part, then_only, walked_order, page_size)
  into ids;
  return ids;
end;
$$;

comment on function private.gathered_ids(text, text, text, integer, text) is
  'The ids of the first rows matching a condition in an order, gathered through the condition''s indexes.';

-- How many rows match a condition, counting no further than `at_most`, gathered by bitmap scans
-- only (see private.gathered_ids): for a big organization's few matches.
create function private.gathered_count(condition text, at_most integer)
returns integer
language plpgsql
stable
set search_path = ''
set enable_seqscan = off
set enable_indexscan = off
set enable_indexonlyscan = off
as $$
declare
  counted integer;
begin
  execute format('select count(*) from (select from public.users as u where %s limit %s) as m',
                 condition, at_most)
  into counted;
  return counted;
end;
$$;

comment on function private.gathered_count(text, integer) is
  'How many rows match a condition (at most a limit), gathered by bitmap scans.';

-- The ids of the first rows matching a condition among the first rows of an order (at most
-- `rows`), read from the order's index alone (its include columns answer the condition).
create function private.walked_ids(view_condition text, part text, walked_order text, rows integer, page_size integer)
returns uuid[]
language plpgsql
stable
set search_path = ''
as $$
declare
  ids uuid[];
begin
  execute format(
    'select coalesce(array_agg(s.id), ''{}'') from (select s.id from (select u.id, (%s) as hit from public.users as u where %s order by %s limit %s) as s where s.hit limit %s) as s',
    part, view_condition, walked_order, rows, page_size)
  into ids;
  return ids;
end;
$$;

comment on function private.walked_ids(text, text, text, integer, integer) is
  'The ids of the first rows matching a condition among the first rows of an order.';

-- The ids of the first rows of a condition in an order. A glance at the first 2,000 rows finds
-- common matches at once. Otherwise, when the planner expects gathering them
-- through the condition's own indexes to be cheap (under 500 rows and a plan cost under 20,000:
-- few candidates to check), and the view is not small enough to read whole, they are gathered and
-- ordered; otherwise the order's index is read (its include columns answer the condition) until a
-- page of them has come, and gathered after all if 25,000 rows held fewer. Volatile only because
-- it asks the planner (explain).
create function private.first_ids(view_condition text, part text, walked_order text, page_size integer)
returns uuid[]
language plpgsql
volatile
set search_path = ''
as $$
declare
  gather_below_rows constant integer := 500;
  gather_below_cost constant integer := 20000;
  glance constant integer := 2000;
  walk_limit constant integer := 25000;
  ids uuid[] := '{}';
  plan jsonb;
  walked integer;
  read_in_order boolean;
begin
  if part = 'true and true' then
    -- Nothing to test: the order's index yields the page itself.
    return private.ordered_ids(view_condition, walked_order, page_size);
  end if;
  -- Where matches are common the first rows hold a page of them: a glance before any estimate.
  ids := private.walked_ids(view_condition, part, walked_order, glance, page_size);
  if cardinality(ids) = page_size then
    return ids;
  end if;
  -- A small organization (or filter) is read whole: its few rows cost less than any index of
  -- matches shared with the big organizations.
  execute format('explain (format json) select from public.users as u where %s', view_condition)
  into plan;
  read_in_order := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric <= walk_limit;
  if not read_in_order then
    execute format('explain (format json) select from public.users as u where %s and %s',
                   view_condition, part)
    into plan;
    read_in_order := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric >= gather_below_rows
      or (plan -> 0 -> 'Plan' ->> 'Total Cost')::numeric >= gather_below_cost;
  end if;
  if read_in_order then
    ids := private.walked_ids(view_condition, part, walked_order, walk_limit, page_size);
    if cardinality(ids) = page_size then
      return ids;
    end if;
    -- Fewer: the end of the list came first (they are all), or the walk stopped at its limit.
    execute format('select count(*) from (select from public.users as u where %s order by %s limit %s) as s',
                   view_condition, walked_order, walk_limit)
    into walked;
    if walked < walk_limit then
      return ids;
    end if;
  end if;
  return private.gathered_ids(view_condition, part, walked_order, page_size);
end;
$$;

comment on function private.first_ids(text, text, text, integer) is
  'The ids of the first rows matching a condition in an order: read in order, or gathered when rare.';

-- A sign-in filter as a condition on alias u in the form of the sign-in indexes (never is
-- -infinity), or 'true'.
create function private.sign_in_condition(never_signed_in boolean, signed_in_before timestamptz)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when never_signed_in then $c$coalesce(u.last_sign_in_at, '-infinity'::timestamptz) = '-infinity'::timestamptz$c$
    when signed_in_before is not null then
      format($c$coalesce(u.last_sign_in_at, '-infinity'::timestamptz) < %L::timestamptz$c$, signed_in_before)
    else 'true'
  end
$$;

comment on function private.sign_in_condition(boolean, timestamptz) is
  'A sign-in filter (never, or not since a time) as a condition on alias u.';

-- The columns of an order, leaving out a column the filters fix (role with a role filter): the
-- rest is exactly the index's order after its equalities.
create function private.users_order_columns(sort text, role_fixed boolean, status_fixed boolean)
returns text[]
language plpgsql
immutable
set search_path = ''
as $$
declare
  columns text[];
begin
  columns := case sort
    when 'name' then array['last_name', 'first_name', 'id']
    when 'email' then array['email']
    when 'created_at' then array['created_at', 'id']
    when 'last_sign_in_at' then array['sign_in', 'id']
    when 'role' then array['role', 'status', 'last_name', 'first_name', 'id']
    when 'status' then array['status', 'role', 'last_name', 'first_name', 'id']
  end;
  if columns is null then
    raise exception 'unknown sort %', sort
      using errcode = '22023',
            hint = 'Sort by name, email, role, status, created_at or last_sign_in_at.';
  end if;
  if role_fixed then columns := array_remove(columns, 'role'); end if;
  if status_fixed then columns := array_remove(columns, 'status'); end if;
  return columns;
end;
$$;

comment on function private.users_order_columns(text, boolean, boolean) is
  'The columns a User Management order sorts by, without those the filters fix.';

-- An order column as the indexes have it, on alias u.
create function private.users_order_expression(column_name text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case column_name
    when 'last_name' then $e$(lower(u.last_name) collate "C")$e$
    when 'first_name' then $e$(lower(u.first_name) collate "C")$e$
    when 'email' then $e$(u.email collate "C")$e$
    when 'sign_in' then $e$coalesce(u.last_sign_in_at, '-infinity'::timestamptz)$e$
    else 'u.' || quote_ident(column_name)
  end
$$;

comment on function private.users_order_expression(text) is
  'An order column as the User Management indexes hold it, on alias u.';

-- The same column's value in a given row, as a literal of its type (a time to the microsecond).
create function private.users_order_value(anchor public.users, column_name text)
returns text
language sql
stable
set search_path = ''
as $$
  select case column_name
    when 'last_name' then quote_literal(lower(anchor.last_name)) || ' collate "C"'
    when 'first_name' then quote_literal(lower(anchor.first_name)) || ' collate "C"'
    when 'email' then quote_literal(anchor.email) || ' collate "C"'
    when 'id' then quote_literal(anchor.id::text) || '::uuid'
    when 'created_at' then quote_literal(anchor.created_at::text) || '::timestamptz'
    when 'sign_in' then quote_literal(coalesce(anchor.last_sign_in_at, '-infinity')::text) || '::timestamptz'
    when 'role' then quote_literal(anchor.role::text) || '::public.user_role'
    when 'status' then quote_literal(anchor.status::text) || '::public.user_status'
  end
$$;

comment on function private.users_order_value(public.users, text) is
  'A row''s value of an order column, as an SQL literal.';

-- The organization, role and status a view is confined to, as a condition on alias u.
create function private.users_view_condition(
  organization uuid,
  role public.user_role,
  status public.user_status
)
returns text
language sql
immutable
set search_path = ''
as $$
  select format('u.organization_id = %L', organization)
    || case when role is not null then format(' and u.role = %L::public.user_role', role) else '' end
    || case when status is not null then format(' and u.status = %L::public.user_status', status) else '' end
$$;

revoke all on function private.prefix_pattern(text) from public, anon, authenticated;
revoke all on function private.search_parts(text, text) from public, anon, authenticated;
revoke all on function private.ordered_ids(text, text, integer) from public, anon, authenticated;
revoke all on function private.gathered_count(text, integer) from public, anon, authenticated;
revoke all on function private.gathered_ids(text, text, text, integer, text) from public, anon, authenticated;
revoke all on function private.walked_ids(text, text, text, integer, integer) from public, anon, authenticated;
revoke all on function private.first_ids(text, text, text, integer) from public, anon, authenticated;
revoke all on function private.sign_in_condition(boolean, timestamptz) from public, anon, authenticated;
revoke all on function private.users_order_columns(text, boolean, boolean) from public, anon, authenticated;
revoke all on function private.users_order_expression(text) from public, anon, authenticated;
revoke all on function private.users_order_value(public.users, text) from public, anon, authenticated;
revoke all on function private.users_view_condition(uuid, public.user_role, public.user_status) from public, anon, authenticated;

create function public.list_users(
  search text default '',
  role public.user_role default null,
  status public.user_status default null,
  never_signed_in boolean default false,
  signed_in_before timestamptz default null,
  sort text default 'name',
  descending boolean default false,
  after uuid default null,
  before uuid default null,
  last_page boolean default false,
  page_size integer default 50
)
returns setof public.users
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  organization uuid := (select private.admin_organization_id());
  fragment text := private.search_fragment(search);
  columns text[];
  -- Read walking forwards (ascending in an ascending order) or backwards.
  forwards boolean;
  walked_order text;
  shown_order text;
  view_condition text;
  keyset text := 'true';
  anchor public.users;
  sign_in text;
  parts text[];
  ids uuid[] := '{}';
begin
  if page_size is null or page_size not between 1 and 500 then
    raise exception 'a page has 1 to 500 users' using errcode = '22023';
  end if;
  if num_nonnulls(after, before, nullif(last_page, false)) > 1 then
    raise exception 'a page starts after a user, before a user or at the end, not several'
      using errcode = '22023';
  end if;
  if never_signed_in and signed_in_before is not null then
    raise exception 'never signed in and not signed in since a time are different filters'
      using errcode = '22023';
  end if;
  columns := private.users_order_columns(sort, role is not null, status is not null);
  if organization is null then
    return;
  end if;

  forwards := (before is null and not coalesce(last_page, false)) <> coalesce(descending, false);
  select string_agg(private.users_order_expression(c) || case when forwards then ' asc' else ' desc' end, ', '),
         string_agg(private.users_order_expression(c) || case when descending then ' desc' else ' asc' end, ', ')
  into walked_order, shown_order
  from unnest(columns) as c;

  if coalesce(after, before) is not null then
    -- The page's boundary user, of this organization only (another's would reveal their place).
    select * into anchor from public.users as a
    where a.id = coalesce(after, before) and a.organization_id = organization;
    if not found then
      raise exception 'the page starts at a user who is not in the list'
        using errcode = 'PT404', hint = 'Start again from the first page.';
    end if;
    select format('(%s) %s (%s)',
                  string_agg(private.users_order_expression(c), ', '),
                  case when forwards then '>' else '<' end,
                  string_agg(private.users_order_value(anchor, c), ', '))
    into keyset
    from unnest(columns) as c;
  end if;

  view_condition := private.users_view_condition(organization, role, status) || ' and ' || keyset;
  sign_in := private.sign_in_condition(coalesce(never_signed_in, false), signed_in_before);
  -- In the sign-in order the filter is a range of the order's index, in others a test of each row.
  if sort = 'last_sign_in_at' then
    view_condition := view_condition || ' and ' || sign_in;
    sign_in := 'true';
  end if;
  parts := private.search_parts(fragment, sort);
  if parts[1] <> 'false' then
    ids := private.ordered_ids(format('%s and %s and %s', view_condition, sign_in, parts[1]), walked_order, page_size);
  end if;
  ids := ids || private.first_ids(view_condition, sign_in || ' and ' || parts[2], walked_order, page_size);
  if cardinality(parts) > 2 then
    -- Gathered by the first names alone: with a sign-in filter beside them the planner would
    -- rather gather everyone who never signed in.
    ids := ids || private.gathered_ids(view_condition, parts[3], walked_order, page_size, sign_in);
  end if;
  -- The page among each part's first rows, shown in the table's order (a previous or the last
  -- page was read backwards).
  return query execute format(
    'select * from (select * from public.users as u where u.id = any(%L::uuid[]) order by %s limit %s) as u order by %s',
    ids, walked_order, page_size, shown_order);
end;
$$;

comment on function public.list_users(text, public.user_role, public.user_status, boolean, timestamptz, text, boolean, uuid, uuid, boolean, integer) is
  'One page of the caller''s organization''s users for an active admin (nothing for anyone else): searched, filtered, in one of six orders, after or before a user or at the end.';

revoke all on function public.list_users(text, public.user_role, public.user_status, boolean, timestamptz, text, boolean, uuid, uuid, boolean, integer) from public, anon, authenticated;
grant execute on function public.list_users(text, public.user_role, public.user_status, boolean, timestamptz, text, boolean, uuid, uuid, boolean, integer) to authenticated;

create function public.count_users(
  search text default '',
  role public.user_role default null,
  status public.user_status default null,
  never_signed_in boolean default false,
  signed_in_before timestamptz default null
)
returns table (users integer, accuracy text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  -- Up to here a search is counted; beyond, counting would cost more than the page it is shown with.
  count_limit constant integer := 1000;
  -- As private.first_ids: a view this small is read whole.
  small_view constant integer := 25000;
  organization uuid := (select private.admin_organization_id());
  fragment text := private.search_fragment(search);
  matching text;
  searched text;
  plan jsonb;
  estimated integer;
  counted integer;
begin
  if never_signed_in and signed_in_before is not null then
    raise exception 'never signed in and not signed in since a time are different filters'
      using errcode = '22023';
  end if;
  if organization is null then
    return;
  end if;
  if fragment = '' and not coalesce(never_signed_in, false) and signed_in_before is null then
    return query
      select coalesce(sum(c.users), 0)::integer, 'exact'
      from public.organization_user_counts as c
      where c.organization_id = organization
        and (count_users.role is null or c.role = count_users.role)
        and (count_users.status is null or c.status = count_users.status);
    return;
  end if;
  matching := private.users_view_condition(organization, role, status)
    || ' and ' || private.sign_in_condition(coalesce(never_signed_in, false), signed_in_before);
  -- The whole search as one condition (in no order, every part of it is as good as another).
  searched := (private.search_parts(fragment, 'count'))[2];
  -- The planner's estimate decides: few matches are counted (up to the limit); many are estimated.
  execute format('explain (format json) select from public.users as u where %s and (%s)',
                 matching, searched)
  into plan;
  estimated := round((plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric);
  if estimated > count_limit then
    return query select estimated, 'estimate';
    return;
  end if;
  -- A small organization's users are counted as the planner likes (along its index); a big one's
  -- few matches through their own indexes (left free, the planner may walk the whole organization).
  execute format('explain (format json) select from public.users as u where %s', matching)
  into plan;
  if (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric <= small_view then
    execute format('select count(*) from (select from public.users as u where %s and %s limit %s) as m',
                   matching, searched, count_limit + 1)
    into counted;
  else
    counted := private.gathered_count(
      format('%s and %s', matching, searched), count_limit + 1);
  end if;
  if counted > count_limit then
    return query select count_limit, 'more_than';
  else
    return query select counted, 'exact';
  end if;
end;
$$;

comment on function public.count_users(text, public.user_role, public.user_status, boolean, timestamptz) is
  'How many users a list_users view holds, for an active admin: exact from the counters without a search or sign-in filter; otherwise counted when the planner expects at most 1,000 (exact, or more_than 1,000) and its estimate beyond (estimate).';

revoke all on function public.count_users(text, public.user_role, public.user_status, boolean, timestamptz) from public, anon, authenticated;
grant execute on function public.count_users(text, public.user_role, public.user_status, boolean, timestamptz) to authenticated;
