-- Admin actions on a user are serialised per user and re-check the caller where they write.
--
-- The Edge Functions checked the caller (an active admin) and found the target once, at the start
-- of a call, then changed Auth and the row in separate steps. Two admins acting at the same moment
-- could interleave: an admin being deactivated activated themselves again, a demoted admin's
-- create-user calls in flight still inserted admins, activate and deactivate of one user left the
-- row active and the Auth user banned, two email changes left row and Auth different (issue 12).
--
-- Now every action runs in one transaction (opened by the function over SUPABASE_DB_URL) that
-- begins with one of these helpers, keeps the locks while it calls Auth, and commits only if Auth
-- agreed:
--
-- * private.begin_user_action(caller_id, target_id) locks the caller's and the target's rows
--   `for update` in id order (two admins acting on each other wait for each other instead of
--   deadlocking), then — after the lock, so with what the last committed action left — checks that
--   the caller is an active admin (else UA403) and that the target is a user of the caller's
--   organization (else UA404), and returns the target's row.
-- * private.begin_user_creation(creator_id, organization_id) locks the creator's row `for share`
--   (creations by one admin run side by side; a demotion or deactivation waits for them, and every
--   creation after it sees it) and checks they are an active admin of that organization (UA403).
--
-- The SQLSTATEs are the functions' own (supabase/functions/_shared/error-codes.ts maps UA403 to
-- `forbidden` and UA404 to `user_not_found`). Only their owner (postgres, the login the functions
-- use) executes them: they are not for the Data API.

create function private.begin_user_action(caller_id uuid, target_id uuid)
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
  'Starts an admin action: locks caller and target rows (id order), checks the caller is an active admin of the target''s organization (UA403) and the target exists there (UA404); returns the target row.';

create function private.begin_user_creation(creator_id uuid, organization_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform 1
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
end;
$$;

comment on function private.begin_user_creation(uuid, uuid) is
  'Starts the insert of a new user: locks the creator''s row for share and checks they are an active admin of the organization (UA403).';

revoke all on function private.begin_user_action(uuid, uuid) from public, anon, authenticated, service_role;
revoke all on function private.begin_user_creation(uuid, uuid) from public, anon, authenticated, service_role;
