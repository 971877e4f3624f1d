-- Ending every session of a user: what deactivation needs beyond the Auth ban.
--
-- GoTrue's admin API bans a user (no new sign-in, no refresh) but has no call that ends another
-- user's sessions. Deleting their auth.sessions rows (refresh tokens go with them by cascade)
-- makes every refresh token fail at once; the still-valid access token already reads nothing,
-- because the policies check status. Called by the update-user Edge Function with the service
-- role; nobody else may execute it.

create function public.end_user_sessions(target_user_id uuid)
returns integer
language sql
security definer
set search_path = ''
as $$
  with ended as (
    delete from auth.sessions as s where s.user_id = target_user_id returning 1
  )
  select count(*)::integer from ended
$$;

comment on function public.end_user_sessions(uuid) is
  'Deletes every Auth session (and so every refresh token) of a user; returns how many ended. Service role only.';

revoke all on function public.end_user_sessions(uuid) from public, anon, authenticated;
grant execute on function public.end_user_sessions(uuid) to service_role;
