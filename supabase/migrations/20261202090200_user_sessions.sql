-- A user's active sessions, for the admins of their organization and for the user.
--
-- Auth keeps sessions in auth.sessions, which the Data API does not expose. This function reads
-- the ones still usable (not past not_after) with what Auth noted about each: when it started,
-- when its token was last refreshed, the device's user agent and address. An active admin (who
-- chose their own password) reads them for a user of their organization; an active user for
-- themselves; anyone else gets no rows. Ending them is an admin action (update-user end_sessions).

create function public.user_sessions(user_id uuid)
returns table (
  id uuid,
  created_at timestamptz,
  refreshed_at timestamptz,
  user_agent text,
  ip_address text,
  current boolean
)
language sql
stable
security definer
set search_path = ''
as $$
  select
    s.id,
    s.created_at,
    coalesce(s.refreshed_at at time zone 'UTC', s.updated_at, s.created_at),
    s.user_agent,
    host(s.ip),
    s.id = nullif((nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'session_id'), '')::uuid
  from auth.sessions as s
  join public.users as u on u.id = s.user_id
  where s.user_id = user_sessions.user_id
    and (s.not_after is null or s.not_after > now())
    and (
      u.organization_id = (select private.admin_organization_id())
      or (u.id = (select auth.uid()) and u.status = 'active')
    )
  order by 3 desc, s.id
$$;

comment on function public.user_sessions(uuid) is
  'A user''s usable Auth sessions (started, last refreshed, user agent, address, whether it is the caller''s): for active admins of their organization and for the user themselves.';

revoke all on function public.user_sessions(uuid) from public, anon, authenticated, service_role;
grant execute on function public.user_sessions(uuid) to authenticated;
