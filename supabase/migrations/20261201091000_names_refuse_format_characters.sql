-- Names refuse invisible format characters, and are trimmed of every kind of space.
--
-- The checks refused control characters (Cc) only: a zero-width space (U+200B) made a name look
-- blank in the admin's list, and a right-to-left override (U+202E) showed "nimda" as "admin".
-- Now every format character (Unicode category Cf) is refused but U+200C and U+200D (zero-width
-- non-joiner and joiner), which Persian and Indic names and emoji sequences need. And btrim()
-- trimmed only the ASCII space, so a name of one no-break space (U+00A0) looked blank too: the
-- names are now trimmed of exactly what JavaScript's trim() removes (its WhiteSpace and line
-- terminators, U+FEFF included). The forms and
-- the Edge Functions apply the same rules (supabase/functions/_shared/user-input.ts); rows that
-- break them cannot exist, since every write path was already trimmed and refused Cc.

create function private.is_clean_name(name text)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select name = btrim(name, U&' \0009\000A\000B\000C\000D\00A0\1680\2000\2001\2002\2003\2004\2005\2006\2007\2008\2009\200A\2028\2029\202F\205F\3000\FEFF')
     and name !~ '[[:cntrl:]\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]'
$$;

comment on function private.is_clean_name(text) is
  'True when a name is trimmed of every Unicode space and holds no control or invisible format character (Cf but U+200C/U+200D).';

-- A check constraint calls it as whoever writes the row: signed-in users (their own names) and
-- the service role. It reads nothing, so executing it reveals nothing.
revoke all on function private.is_clean_name(text) from public, anon;
grant execute on function private.is_clean_name(text) to authenticated, service_role;

alter table public.users
  drop constraint users_first_name_clean,
  add constraint users_first_name_clean check (private.is_clean_name(first_name)),
  drop constraint users_last_name_clean,
  add constraint users_last_name_clean check (private.is_clean_name(last_name));

comment on column public.users.first_name is 'First name, 1–100 characters, trimmed, no control or invisible format characters.';
comment on column public.users.last_name is 'Last name, 1–100 characters, trimmed, no control or invisible format characters.';
