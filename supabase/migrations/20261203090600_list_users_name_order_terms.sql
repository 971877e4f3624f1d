-- list_users reads the last names that hold a search as ranges of the name order, and finds a
-- fragment of letters in the addresses made of their user's names through those names.
--
-- In the name order the users of one last name are one stretch of it. A fragment within last
-- names ("mor": Almore, Barmore, …) matched 9% of a million users, yet the first page came after
-- 24,000 rows read before the first of them (29 ms at a million users): the order was read
-- because matches were many, and the planner could not know they all stood together. Those last
-- names (from the search terms) are now read as ranges of the order's index, like the last names
-- starting with the fragment, and only the other matches (first names, domains, addresses) are
-- looked for among the rows before the page they make.
--
-- A fragment without digits, ". _ + -", an "@" or a space (say, letters) within an address's
-- part before the "@" is within its user's name when the address is made of the names (previous
-- migration): only the other addresses are
-- looked up for it, through their own index, and listed by id when they are few. Where they are
-- none, a search's matches are the names' and the domains' alone: no row is read to look for
-- others.

-- As before (previous migration's search_candidates), and in the name order the last names
-- holding the fragment (but not starting with it: list_users reads those as its first part) as
-- the order's ranges apart from the rest; such a fragment in the addresses looked up only
-- where they are not made of their names. {ranges of the name order ('false' in other orders), the rest}.
drop function private.search_candidates(uuid, text);

create function private.search_candidates(organization uuid, fragment text, sort text)
returns text[]
language plpgsql
stable
set search_path = ''
as $$
declare
  most_terms constant integer := 1000;
  -- Addresses not made of their names, listed by id up to here; beyond, their condition.
  most_listed constant integer := 1000;
  -- Looked for among every organization's such addresses up to here; beyond, their condition.
  most_looked_up constant integer := 5000;
  needle text := lower(fragment);
  first_name constant text := $e$(lower(u.first_name) collate "C")$e$;
  last_name constant text := $e$(lower(u.last_name) collate "C")$e$;
  domain constant text := $e$substr(u.email, strpos(u.email, '@') + 1)$e$;
  local_pieces constant text := $e$private.quadgrams(split_part(u.email, '@', 1))$e$;
  unlike_names constant text := $e$not private.email_follows_names(u.email, u.first_name, u.last_name)$e$;
  ranges text := 'false';
  conditions text[] := '{}';
  field record;
  terms text[];
  ends text[];
  starts text[];
  split integer;
  head text;
  tail text;
  local_pattern text;
  looked_up integer;
  listed uuid[];
  in_trigrams constant text[] := array['false', format($c$((u.first_name || ' ' || u.last_name) ilike %1$L or u.email ilike %1$L)$c$,
                                                        private.contains_pattern(fragment))];
begin
  -- The whole fragment within a first name, a last name or (without an "@" or a space) a domain.
  for field in
    select * from (values ('first_name', first_name), ('last_name', last_name), ('email_domain', domain)) as f (name, expression)
    where f.name <> 'email_domain' or needle !~ '[@[:space:]]'
  loop
    terms := private.matching_search_terms(organization, field.name, needle, 'within');
    if cardinality(terms) > most_terms then
      return in_trigrams;
    elsif field.name = 'last_name' and sort = 'name' then
      terms := array(select t from unnest(terms) as t where not starts_with(t, needle));
      if cardinality(terms) > 0 then
        ranges := format('%s = any(%L::text[])', field.expression, terms);
      end if;
    elsif cardinality(terms) > 0 then
      conditions := conditions || format('%s = any(%L::text[])', field.expression, terms);
    end if;
  end loop;
  -- Across the space between the names: at each space of the fragment, a first name ending with
  -- what comes before it and a last name starting with what follows (names may hold spaces too).
  for split in select i from generate_series(2, char_length(needle) - 1) as i where substr(needle, i, 1) = ' '
  loop
    head := left(needle, split - 1);
    tail := substr(needle, split + 1);
    ends := private.matching_search_terms(organization, 'first_name', head, 'end');
    starts := private.matching_search_terms(organization, 'last_name', tail, 'start');
    if cardinality(ends) > most_terms or cardinality(starts) > most_terms then
      return in_trigrams;
    elsif cardinality(ends) > 0 and cardinality(starts) > 0 then
      conditions := conditions || format('(%s = any(%L::text[]) and %s = any(%L::text[]))',
                                         first_name, ends, last_name, starts);
    end if;
  end loop;
  if needle ~ '^[^0-9._+@[:space:]-]+$' then
    -- Without the characters an address made of its names has between them (and no "@" or
    -- space), within the part before the "@": in such an address, within a name (above); the other addresses are looked up (among every organization's: their index
    -- is not the organization's, and read with it would pass all of its users).
    local_pattern := private.contains_pattern(needle);
    execute format(
      'select count(*), array_agg(s.id) filter (where s.organization_id = %L) from (select u.id, u.organization_id from public.users as u where %s and split_part(u.email, ''@'', 1) like %L limit %s) as s',
      organization, unlike_names, local_pattern, most_looked_up + 1)
    into looked_up, listed;
    if looked_up > most_looked_up or cardinality(listed) > most_listed then
      conditions := conditions || format($c$(%s and split_part(u.email, '@', 1) like %L)$c$, unlike_names, local_pattern);
    elsif cardinality(listed) > 0 then
      conditions := conditions || format('u.id = any(%L::uuid[])', listed);
    end if;
  elsif needle !~ '[@[:space:]]' then
    -- Within the part before the "@": all of the fragment's four-letter pieces, or for three
    -- characters the email's trigrams.
    conditions := conditions || case when char_length(needle) >= 4
      then format('%s @> %L::text[]', local_pieces, private.quadgrams(needle))
      else format('u.email like %L', private.contains_pattern(needle))
    end;
  elsif needle ~ '^[^@[:space:]]*@[^@[:space:]]*$' then
    -- Across the "@": a domain starting like the fragment's rest, and a part before it that
    -- holds (ends with) the fragment's start.
    head := split_part(needle, '@', 1);
    tail := split_part(needle, '@', 2);
    starts := private.matching_search_terms(organization, 'email_domain', tail, 'start');
    if cardinality(starts) > most_terms then
      return in_trigrams;
    elsif cardinality(starts) > 0 then
      conditions := conditions || format('(%s = any(%L::text[])%s)', domain, starts,
        case when char_length(head) >= 4 then format(' and %s @> %L::text[]', local_pieces, private.quadgrams(head)) else '' end);
    end if;
  end if;
  return array[ranges, case when cardinality(conditions) = 0 then 'false'
                            else '(' || array_to_string(conditions, ' or ') || ')' end];
end;
$$;

comment on function private.search_candidates(uuid, text, text) is
  'Conditions (alias u) met by every user a search of three or more characters finds, in the form of the name, domain and local-part indexes: {ranges of the name order, the rest}.';

revoke all on function private.search_candidates(uuid, text, text) from public, anon, authenticated;

-- As before (previous migration's first_ids): when no candidate is left ('false') nothing more
-- is looked for, and with candidates only a very small view is read whole.
create or replace function private.first_ids(
  view_condition text,
  part text,
  walked_order text,
  page_size integer,
  candidates text default null,
  bounded boolean default false
)
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
  -- Read whole when it has candidates too: fewer rows than this cost little to read.
  small_view constant integer := 5000;
  ids uuid[] := '{}';
  plan jsonb;
  view_rows numeric;
  matches numeric;
  walked integer;
  read_in_order boolean;
begin
  if part = 'true and true' then
    -- Nothing to test: the order's index yields the page itself.
    return private.ordered_ids(view_condition, walked_order, page_size);
  end if;
  if candidates = 'false' then
    -- No candidates: nothing but what other parts read matches.
    return ids;
  end if;
  -- Where matches are common the first rows hold a page of them: a glance before any estimate.
  ids := private.walked_ids(view_condition, part, walked_order, glance, page_size);
  if cardinality(ids) = page_size then
    return ids;
  end if;
  -- A view bounded by another part's page (list_users) often ends within the glance.
  if bounded then
    execute format('select count(*) from (select from public.users as u where %s order by %s limit %s) as s',
                   view_condition, walked_order, glance)
    into walked;
    if walked < glance then
      return ids;
    end if;
  end if;
  -- A small organization (or filter) is read whole: its few rows cost less than any index of
  -- matches shared with the big organizations. With candidates, mostly found through its own
  -- terms, only a very small one: 24,000 rows took 20 ms to read.
  execute format('explain (format json) select from public.users as u where %s', view_condition)
  into plan;
  view_rows := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric;
  read_in_order := view_rows <= case when candidates is null then walk_limit else small_view end;
  if not read_in_order then
    execute format('explain (format json) select from public.users as u where %s and %s',
                   view_condition, coalesce(candidates, part))
    into plan;
    matches := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric;
    -- Reading the order finds a page after about page_size × view_rows / matches rows, at a
    -- fraction of the cost of gathering one match (a heap row): gathering wins below about the
    -- square root of that product (tuned on the benchmark: a sixth).
    read_in_order := (plan -> 0 -> 'Plan' ->> 'Total Cost')::numeric >= gather_below_cost
      or matches >= case when candidates is null then gather_below_rows
                         else greatest(gather_below_rows, sqrt(page_size * view_rows / 6)) end;
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
  if candidates is null then
    return private.gathered_ids(view_condition, part, walked_order, page_size);
  end if;
  return private.gathered_ids(view_condition, candidates, walked_order, page_size, part);
end;
$$;

-- As before (previous migration's list_users), with the name order's ranges of last names.
create or replace function public.list_users(
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
  boundary public.users;
  bound text;
  sign_in text;
  parts text[];
  candidates text[];
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
  if char_length(fragment) >= 3 then
    candidates := private.search_candidates(organization, fragment, sort);
  else
    candidates := array['false', null];
  end if;
  -- The ranges of the order's index (the last names starting with the fragment, and those
  -- holding it) are read straight from it.
  if parts[1] <> 'false' then
    ids := private.ordered_ids(format('%s and %s and %s', view_condition, sign_in, parts[1]), walked_order, page_size);
  end if;
  if candidates[1] <> 'false' then
    ids := ids || private.ordered_ids(format('%s and %s and %s and %s', view_condition, sign_in, candidates[1], parts[2]),
                                      walked_order, page_size);
  end if;
  if cardinality(ids) >= page_size then
    -- A page of the ranges: the other rows beyond its last one cannot be on this page, so they
    -- are read no further ("z" by name, descending, passes no one else's rows).
    execute format('select * from public.users as u where u.id = any(%L::uuid[]) order by %s offset %s limit 1',
                   ids, walked_order, page_size - 1)
    into boundary;
    select format(' and (%s) %s (%s)',
                  string_agg(private.users_order_expression(c), ', '),
                  case when forwards then '<=' else '>=' end,
                  string_agg(private.users_order_value(boundary, c), ', '))
    into bound
    from unnest(columns) as c;
    view_condition := view_condition || bound;
  end if;
  ids := ids || private.first_ids(view_condition, sign_in || ' and ' || parts[2], walked_order, page_size,
                                  candidates[2], bound is not null);
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

-- As before (previous migration's count_users), with the candidates of every order.
create or replace function public.count_users(
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
  candidates text;
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
  if char_length(fragment) >= 3 then
    candidates := (private.search_candidates(organization, fragment, 'count'))[2];
  end if;
  -- The planner's estimate decides: few matches are counted (up to the limit); many are estimated.
  -- The candidates' estimate is the closer one (btree statistics of names and domains).
  execute format('explain (format json) select from public.users as u where %s and (%s)',
                 matching, coalesce(candidates, searched))
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
      format('%s and %s', matching, coalesce(candidates, searched)), count_limit + 1, searched);
  end if;
  if counted > count_limit then
    return query select count_limit, 'more_than';
  else
    return query select counted, 'exact';
  end if;
end;
$$;
