-- Triggers on public.users for the rules a policy cannot express.
--
-- * Nobody changes their own role or status, whatever their role (an admin would otherwise demote
--   or deactivate themselves by accident, or a manager promote themselves).
-- * Every organization keeps at least one active admin, whoever makes the change (another admin,
--   the service role), also when two admins demote each other at the same instant.
-- * Rows are never deleted or truncated, not even with the service role: users are deactivated.
-- * updated_at follows every change.

create function private.forbid_own_role_or_status_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.id = (select auth.uid())
     and (new.role is distinct from old.role or new.status is distinct from old.status) then
    raise exception 'you cannot change your own role or status'
      using errcode = '42501',
            hint = 'Ask another admin of your organization to make this change.';
  end if;
  return new;
end;
$$;

comment on function private.forbid_own_role_or_status_change() is
  'Trigger: refuses a change of role or status to the row of the signed-in caller.';

-- Security definer: it must see and lock rows the caller's policies may hide (other admins, the
-- organization row), whoever the caller is.
create function private.keep_one_active_admin()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.role = 'admin' and old.status = 'active'
     and (new.role <> 'admin' or new.status <> 'active' or new.organization_id <> old.organization_id) then
    -- Serialize every loss of an active admin per organization: a concurrent transaction doing the
    -- same waits here, then (read committed: each statement takes a fresh snapshot) counts the
    -- admins that are left after the first one committed. `no key update` does not conflict with
    -- the key-share locks that inserting users takes through the foreign key.
    perform 1 from public.organizations as o where o.id = old.organization_id for no key update;

    if not exists (
      select 1
      from public.users as u
      where u.organization_id = old.organization_id
        and u.role = 'admin'
        and u.status = 'active'
        and u.id <> old.id
    ) then
      -- PT409: PostgREST answers HTTP 409 for it; the Edge Functions map it to `last_admin`.
      raise exception 'an organization must keep at least one active admin'
        using errcode = 'PT409',
              detail = format('User %s is the last active admin of organization %s.', old.id, old.organization_id),
              hint = 'Make another user an active admin first.';
    end if;
  end if;
  return new;
end;
$$;

comment on function private.keep_one_active_admin() is
  'Trigger: refuses to demote, deactivate or move the last active admin of an organization.';

create function private.forbid_user_deletion()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'users are never deleted'
    using errcode = '42501',
          hint = 'Deactivate the user instead.';
end;
$$;

comment on function private.forbid_user_deletion() is
  'Trigger: refuses delete and truncate on public.users; users are deactivated instead.';

create function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

comment on function private.touch_updated_at() is
  'Trigger: sets updated_at to the transaction time on every update.';

revoke all on function private.forbid_own_role_or_status_change() from public, anon, authenticated;
revoke all on function private.keep_one_active_admin() from public, anon, authenticated;
revoke all on function private.forbid_user_deletion() from public, anon, authenticated;
revoke all on function private.touch_updated_at() from public, anon, authenticated;

-- Before-update triggers fire in name order: the own-change refusal speaks first, as it is the
-- more useful message when an admin tries to demote themselves.
create trigger forbid_own_role_or_status_change
  before update of role, status on public.users
  for each row execute function private.forbid_own_role_or_status_change();

create trigger keep_one_active_admin
  before update of role, status, organization_id on public.users
  for each row execute function private.keep_one_active_admin();

create trigger touch_updated_at
  before update on public.users
  for each row execute function private.touch_updated_at();

create trigger forbid_user_deletion
  before delete on public.users
  for each row execute function private.forbid_user_deletion();

create trigger forbid_user_truncation
  before truncate on public.users
  for each statement execute function private.forbid_user_deletion();
