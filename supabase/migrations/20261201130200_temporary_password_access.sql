-- What a user with a temporary password may do: read their own row, change nothing.
--
-- While public.users.must_change_password is true (an admin set the password: create-user,
-- update-user set_password), the password is known to someone else, so the session it opened is
-- good for one thing only: choosing the user's own password (the change-password Edge Function).
-- Until then:
--
-- * an admin in that state is not an active admin for row-level security: admin_organization_id()
--   and caller_is_active_admin() answer as for a member, so they read their own row only (no other
--   user, no counts, no search) and update no row through the Data API;
-- * a manager in that state does not edit their own name either (the manager update policy);
-- * the Edge Functions refuse them under the lock where they write: begin_user_action and
--   begin_user_creation raise UA428 (`password_change_required`) for a caller in that state, so a
--   reset made by another admin while their call is in flight still counts.
--
-- They still read their own row (to see that they must choose a password) and their
-- organization's name. The state is read from public.users on every request, never from the
-- token: a still-valid token of that state does no more than that, and a token issued before the
-- reset is held to it too.

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
$$;

comment on function private.admin_organization_id() is
  'The organization the caller administers, if the caller is an active admin who has chosen their own password; otherwise null.';

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
  )
$$;

comment on function private.caller_is_active_admin() is
  'Whether the caller is an active admin who has chosen their own password (of the organization active_user_organization_id() names).';

alter policy "active managers update their own row"
  on public.users
  using (id = (select auth.uid()) and role = 'manager' and status = 'active' and not must_change_password)
  with check (id = (select auth.uid()) and role = 'manager' and status = 'active' and not must_change_password);

create or replace function private.begin_user_action(caller_id uuid, target_id uuid)
returns public.users
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller public.users;
  target public.users;
begin
  -- One statement, in id order: a second action on either row waits here until this one ends.
  perform 1
  from public.users as u
  where u.id in (caller_id, target_id)
  order by u.id
  for update;

  -- Read committed: each statement below sees what committed before the locks were granted.
  select * into caller from public.users as u where u.id = caller_id;
  if caller.id is null or caller.role <> 'admin' or caller.status <> 'active' then
    raise exception 'caller % is not an active admin', caller_id
      using errcode = 'UA403',
            hint = 'Only active admins of an organization can manage its users.';
  end if;
  if caller.must_change_password then
    raise exception 'caller % has a temporary password', caller_id
      using errcode = 'UA428',
            hint = 'Choose your own password first (change-password).';
  end if;

  select * into target
  from public.users as u
  where u.id = target_id and u.organization_id = caller.organization_id;
  if target.id is null then
    raise exception 'user % is not in organization %', target_id, caller.organization_id
      using errcode = 'UA404';
  end if;

  return target;
end;
$$;

comment on function private.begin_user_action(uuid, uuid) is
  'Starts an admin action: locks caller and target rows (id order), checks the caller is an active admin of the target''s organization (UA403) with their own password (UA428) and the target exists there (UA404); returns the target row.';

create or replace function private.begin_user_creation(creator_id uuid, organization_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  temporary boolean;
begin
  select u.must_change_password into temporary
  from public.users as u
  where u.id = creator_id
    and u.organization_id = begin_user_creation.organization_id
    and u.role = 'admin'
    and u.status = 'active'
  for share;

  if not found then
    raise exception 'caller % is not an active admin of organization %', creator_id, organization_id
      using errcode = 'UA403',
            hint = 'Only active admins of an organization can manage its users.';
  end if;
  if temporary then
    raise exception 'caller % has a temporary password', creator_id
      using errcode = 'UA428',
            hint = 'Choose your own password first (change-password).';
  end if;
end;
$$;

comment on function private.begin_user_creation(uuid, uuid) is
  'Starts the insert of a new user: locks the creator''s row for share and checks they are an active admin of the organization (UA403) with their own password (UA428).';

-- A user changing their own password (the change-password Edge Function): their row locked, so an
-- admin's reset or deactivation of them waits for it (and it for them), and checked active.
create function private.begin_password_change(user_id uuid)
returns public.users
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.users;
begin
  select * into target from public.users as u where u.id = user_id for update;
  if target.id is null or target.status <> 'active' then
    raise exception 'user % is not an active user', user_id
      using errcode = 'UA403',
            hint = 'Only active users change their password.';
  end if;
  return target;
end;
$$;

comment on function private.begin_password_change(uuid) is
  'Starts a change of one''s own password: locks the user''s row and checks they are active (UA403); returns the row.';

revoke all on function private.begin_user_action(uuid, uuid) from public, anon, authenticated, service_role;
revoke all on function private.begin_user_creation(uuid, uuid) from public, anon, authenticated, service_role;
revoke all on function private.begin_password_change(uuid) from public, anon, authenticated, service_role;
