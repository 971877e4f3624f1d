-- end_user_sessions: take locks in the order a token refresh takes them, so the two never deadlock.
--
-- A refresh (GoTrue and the local stack alike) locks the refresh token it was given, then inserts
-- the next token (key-share lock on the session) and touches the session row. Deleting the
-- session first and its tokens by cascade takes the same rows in the opposite order: a
-- deactivation racing a refresh loop deadlocked, Postgres aborted one of them (40P01) and the
-- update-user function answered 500 (found by tests/attacks/races.test.ts). Locking the user's
-- refresh tokens first waits for a refresh in flight to commit; the cascade then removes the token
-- it issued as well.

create or replace function public.end_user_sessions(target_user_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  ended integer;
begin
  perform 1
  from auth.refresh_tokens as t
  where t.session_id in (select s.id from auth.sessions as s where s.user_id = target_user_id)
  order by t.id
  for update;

  with deleted as (
    delete from auth.sessions as s where s.user_id = target_user_id returning 1
  )
  select count(*)::integer into ended from deleted;
  return ended;
end;
$$;

comment on function public.end_user_sessions(uuid) is
  'Deletes every Auth session (and so every refresh token) of a user; returns how many ended. Locks the refresh tokens first, as a refresh does. Service role only.';

revoke all on function public.end_user_sessions(uuid) from public, anon, authenticated;
grant execute on function public.end_user_sessions(uuid) to service_role;
