-- Access ends with the session: a token whose session is gone reads nothing.
--
-- An access token stays valid until it expires (an hour by default), and Auth's signature check
-- alone cannot tell that its session has ended since — by "Sign out everywhere", a deactivation, a
-- password reset or signing out. So the caller helpers, which every policy and search go through,
-- also require the token's session (its `session_id` claim) to still exist in auth.sessions for
-- that user and not be past its end: ending a user's sessions cuts their Data API access at once,
-- not an hour later. It is one primary-key lookup per statement (the policies call the helpers as
-- `(select private.fn())`).

create function private.session_is_live()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from auth.sessions as s
    where s.id = nullif((select auth.jwt()) ->> 'session_id', '')::uuid
      and s.user_id = (select auth.uid())
      and (s.not_after is null or s.not_after > now())
  )
$$;

comment on function private.session_is_live() is
  'Whether the caller''s token belongs to a session Auth still has (not ended, not past not_after).';

create or replace function private.admin_organization_id()
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select u.organization_id
  from public.users as u
  where u.id = (select auth.uid())
    and u.role = 'admin'
    and u.status = 'active'
    and not u.must_change_password
    and (select private.session_is_live())
$$;

comment on function private.admin_organization_id() is
  'The organization the caller administers, if the caller is an active admin who has chosen their own password, with a live session; otherwise null.';

create or replace function private.active_user_organization_id()
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select u.organization_id
  from public.users as u
  where u.id = (select auth.uid())
    and u.status = 'active'
    and (select private.session_is_live())
$$;

comment on function private.active_user_organization_id() is
  'The organization of the caller, if the caller is an active user with a live session; otherwise null.';

create or replace function private.caller_is_active_admin()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.users as u
    where u.id = (select auth.uid())
      and u.role = 'admin'
      and u.status = 'active'
      and not u.must_change_password
      and (select private.session_is_live())
  )
$$;

comment on function private.caller_is_active_admin() is
  'Whether the caller is an active admin who has chosen their own password, with a live session (of the organization active_user_organization_id() names).';

create or replace function public.user_sessions(user_id uuid)
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
    s.id = nullif((select auth.jwt()) ->> 'session_id', '')::uuid
  from auth.sessions as s
  join public.users as u on u.id = s.user_id
  where s.user_id = user_sessions.user_id
    and (s.not_after is null or s.not_after > now())
    and (
      u.organization_id = (select private.admin_organization_id())
      or (u.id = (select auth.uid()) and u.organization_id = (select private.active_user_organization_id()))
    )
  order by 3 desc, s.id
$$;

-- Called only inside the helpers above, as their owner.
revoke all on function private.session_is_live() from public, anon, authenticated, service_role;
