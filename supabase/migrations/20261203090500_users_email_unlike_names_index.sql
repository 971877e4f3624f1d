-- The addresses that are not made of their user's names, indexed apart for list_users' searches
-- (next migration).
--
-- Most addresses are their user's names with digits and dots ("ada.lovelace.2@…"). A fragment
-- without digits, ". _ + -", an "@" or a space that such an address holds before its "@" is
-- within its first or last name, and so among the search terms; only the other addresses need searching for it. Searched among
-- every address, a fragment as common as "mor" passed 176,000 addresses of all organizations (36
-- ms) or, read in the table's order, 24,000 rows before its first match: the names' own matches,
-- which the search terms find at once.

create function private.email_follows_names(email text, first_name text, last_name text)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  -- Cut at digits and . _ + -, the part before the "@" holds nothing but the lower-case names: a
  -- fragment without those characters is within one of them.
  select regexp_split_to_array(split_part(email, '@', 1), '[0-9._+-]+') <@ array['', lower(first_name), lower(last_name)]
$$;

comment on function private.email_follows_names(text, text, text) is
  'Whether the part of an email before its "@" is made of the lower-case names alone, with digits and . _ + - between them.';

-- An index's expressions run with the privileges of whoever writes the row: those who write users.
revoke all on function private.email_follows_names(text, text, text) from public, anon, authenticated;
grant execute on function private.email_follows_names(text, text, text) to authenticated, service_role;

create index users_email_local_unlike_names_trgm_idx
  on public.users using gin ((split_part(email, '@', 1)) extensions.gin_trgm_ops)
  where not private.email_follows_names(email, first_name, last_name);
