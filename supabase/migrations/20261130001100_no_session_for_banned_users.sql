-- No new Auth session for a banned user, also when the sign-in races the ban.
--
-- Deactivation (the update-user function) sets status inactive, bans the Auth user, then ends
-- their sessions. Auth checks the ban before it verifies the password (bcrypt, tens of
-- milliseconds) and opens the session in a later transaction, so a sign-in that passed the check
-- just before the ban could insert its session after the sessions were ended: that session
-- outlived the deactivation, and its refresh token would work again after a reactivation. Found
-- by tests/attacks/races.test.ts (deactivation while the user signs in and refreshes in a loop).
--
-- This trigger closes the window in the database: the session is inserted only if the Auth user
-- is not banned, read under a row lock on auth.users (`no key update`, the lock the sign-in's own
-- last_sign_in_at update takes next, so concurrent sign-ins cannot deadlock). A ban that commits
-- first is seen and the insert refused (Auth answers that one sign-in with a 500, "Database error
-- granting user" on GoTrue); a ban that comes second waits for the sign-in to commit, so its
-- session exists when the sessions are ended.

create function private.refuse_session_for_banned_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  banned_until timestamptz;
begin
  select u.banned_until into banned_until
  from auth.users as u
  where u.id = new.user_id
  for no key update;

  if banned_until is not null and banned_until > now() then
    raise exception 'user % is banned and cannot start a session', new.user_id
      using errcode = '42501',
            hint = 'An admin of the organization can activate the user again.';
  end if;
  return new;
end;
$$;

comment on function private.refuse_session_for_banned_user() is
  'Trigger on auth.sessions: refuses a new session for a banned Auth user (locks the auth.users row, so it serializes with the ban).';

revoke all on function private.refuse_session_for_banned_user() from public, anon, authenticated;

create trigger refuse_session_for_banned_user
  before insert on auth.sessions
  for each row execute function private.refuse_session_for_banned_user();
