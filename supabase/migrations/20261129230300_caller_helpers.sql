-- Who is calling: helpers the policies use to decide access from the database, never from the JWT.
--
-- Both read public.users as its owner (security definer), so policies on public.users can ask about
-- the caller without recursing into themselves. They look the caller up by `auth.uid()` and check
-- `status` on every call: an inactive user's still-valid access token resolves to nothing. Roles
-- and organizations are never taken from JWT claims (user_metadata is writable by the user).
-- Policies call them as `(select private.fn())` so Postgres evaluates them once per statement.

create function private.admin_organization_id()
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
$$;

comment on function private.admin_organization_id() is
  'The organization the caller administers, if the caller is an active admin; otherwise null.';

create function private.active_user_organization_id()
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
$$;

comment on function private.active_user_organization_id() is
  'The organization of the caller, if the caller is an active user; otherwise null.';

create function private.caller_is_active_admin()
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
  )
$$;

comment on function private.caller_is_active_admin() is
  'Whether the caller is an active admin (of the organization active_user_organization_id() names).';

revoke all on function private.admin_organization_id() from public, anon, authenticated;
revoke all on function private.active_user_organization_id() from public, anon, authenticated;
revoke all on function private.caller_is_active_admin() from public, anon, authenticated;
-- Only signed-in requests evaluate the policies that call these (policies are `to authenticated`).
grant execute on function private.admin_organization_id() to authenticated;
grant execute on function private.active_user_organization_id() to authenticated;
grant execute on function private.caller_is_active_admin() to authenticated;
