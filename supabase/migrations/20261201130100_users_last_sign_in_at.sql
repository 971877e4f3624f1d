-- public.users.last_sign_in_at: when the user last signed in, kept equal to auth.users'.
--
-- Auth (GoTrue) sets auth.users.last_sign_in_at whenever it issues a session: password sign-in and
-- the verify of a recovery link alike (and rewrites the same value on every refresh). A trigger
-- on auth.users copies it into the user's row, so the console lists it with the other columns
-- under the same policies. Triggers on auth.users are allowed on hosted Supabase (postgres holds
-- the trigger privilege on Auth's tables); the function is postgres's, in private.
--
-- The copy never waits for a row lock. The Edge Functions lock a user's row and then call Auth,
-- which writes auth.users for the same user (ban, password, email). A sign-in holds its auth.users
-- row lock (refuse_session_for_banned_user takes it, the last_sign_in_at update keeps it) until it
-- commits; had it waited here for the users row, the function would wait for Auth, Auth for the
-- sign-in and the sign-in for the function: a deadlock through HTTP that Postgres cannot see.
-- So the copy skips a locked row, and the row catches up when it is next written: every update of
-- public.users takes last_sign_in_at from auth.users (keep_last_sign_in_at), which also means no
-- statement, whoever runs it, can store any other value. A sign-in that meets a locked row and
-- commits after the lock holder's last write is shown at the user's next sign-in or change.
-- A sign-in alone does not move updated_at (it is not a change anyone made to the user).

alter table public.users add column last_sign_in_at timestamptz;

comment on column public.users.last_sign_in_at is
  'When the user last signed in (auth.users.last_sign_in_at, copied by a trigger); null if never. Read-only for everyone.';

-- Existing rows.
update public.users as u
set last_sign_in_at = a.last_sign_in_at
from auth.users as a
where a.id = u.id and a.last_sign_in_at is not null;

create function private.copy_last_sign_in_at()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- `skip locked`: a row that an Edge Function holds is left to catch up (see above).
  update public.users as u
  set last_sign_in_at = new.last_sign_in_at
  where u.id = (
    select l.id from public.users as l where l.id = new.id for no key update skip locked
  );
  return null;
end;
$$;

comment on function private.copy_last_sign_in_at() is
  'Trigger on auth.users: copies last_sign_in_at into public.users without waiting for a locked row.';

create function private.keep_last_sign_in_at()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.last_sign_in_at := (select a.last_sign_in_at from auth.users as a where a.id = new.id);
  return new;
end;
$$;

comment on function private.keep_last_sign_in_at() is
  'Trigger on public.users: last_sign_in_at is always auth.users''; nobody stores another value.';

-- updated_at follows every change except the copy of a sign-in.
create or replace function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.last_sign_in_at is distinct from old.last_sign_in_at
     and (to_jsonb(new) - 'last_sign_in_at' - 'updated_at') = (to_jsonb(old) - 'last_sign_in_at' - 'updated_at') then
    new.updated_at := old.updated_at;
  else
    new.updated_at := now();
  end if;
  return new;
end;
$$;

comment on function private.touch_updated_at() is
  'Trigger: sets updated_at to the transaction time on every update, except one that only copies a sign-in time.';

revoke all on function private.copy_last_sign_in_at() from public, anon, authenticated, service_role;
revoke all on function private.keep_last_sign_in_at() from public, anon, authenticated, service_role;

create trigger copy_last_sign_in_at
  after update of last_sign_in_at on auth.users
  for each row
  when (new.last_sign_in_at is distinct from old.last_sign_in_at)
  execute function private.copy_last_sign_in_at();

-- Before-update triggers fire in name order: keep_last_sign_in_at runs before touch_updated_at,
-- which compares the kept value. Inserts take it from auth.users as well.
create trigger keep_last_sign_in_at
  before insert or update on public.users
  for each row execute function private.keep_last_sign_in_at();
