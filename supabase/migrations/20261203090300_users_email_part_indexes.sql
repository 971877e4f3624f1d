-- The two halves of an email, indexed apart for list_users' searches (next migration).
--
-- The trigram index of whole emails answers a fragment slowly when its trigrams are common: every
-- address of every organization shares the trigrams of common domains, and digits. Domains are
-- found in the search terms (previous migration) and their users through a btree. The part before
-- the "@" is indexed by its four-letter pieces: a piece of a name with a digit or a dot is far
-- rarer than any trigram of it, so a longer fragment ("zelford.1001") narrows to its few
-- candidates in a few milliseconds instead of 15.

create function private.quadgrams(value text)
returns text[]
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(array_agg(substr(value, i, 4)), '{}')
  from generate_series(1, char_length(value) - 3) as i
$$;

comment on function private.quadgrams(text) is
  'Every four-character piece of a text (none for a shorter one): text holding a fragment holds all of the fragment''s.';

-- An index's expressions run with the privileges of whoever writes the row: those who write users.
revoke all on function private.quadgrams(text) from public, anon, authenticated;
grant execute on function private.quadgrams(text) to authenticated, service_role;

create index users_organization_email_domain_idx
  on public.users (organization_id, (substr(email, strpos(email, '@') + 1)));
create index users_email_local_quadgrams_idx
  on public.users using gin (private.quadgrams(split_part(email, '@', 1)));
