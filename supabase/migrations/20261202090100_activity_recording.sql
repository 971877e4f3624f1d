-- Recording the activity log, in the transaction of each change.
--
-- * Changes of public.users rows are recorded by a trigger after the row's own guards passed:
--   created (the new user's names, email, role), names/email (profile_changed) and role
--   (role_changed) with only the changed fields before → after, deactivated/activated, and the
--   end of a temporary password (must_change_password true → false: the user chose their own).
--   Whatever path made the change — the Data API, an Edge Function, the dashboard — it is recorded.
-- * Sign-ins: Auth opens a session (auth.sessions) for each sign-in, by password or by an emailed
--   link; a trigger records it when Auth's transaction commits, with how it was authenticated
--   (GoTrue's method names: "password", "otp" for a recovery or magic link or an emailed code,
--   "oauth", …) and the device (user agent) and address Auth noted. Auth keeps no row of a failed
--   sign-in, so none is recorded.
-- * public.end_user_sessions records how many sessions it ended.
-- * What leaves no row change — an admin setting a password, a user recovering or changing theirs —
--   the Edge Functions record through private.record_user_activity, in the transaction that holds
--   the user's row and commits only if Auth took the password. It accepts only those actions.
--
-- Who acted is taken from the request, never from the caller's say: auth.uid() (the Data API
-- sets it from the verified token; the Edge Functions set it to the caller they checked); the
-- service role without a user; otherwise an operator. The Edge Functions also leave their request
-- id in `activity.request_id`; no API role can set it.

create function private.record_activity(
  target public.users,
  action public.activity_action,
  changes jsonb default '{}',
  details jsonb default '{}'
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  actor uuid := (select auth.uid());
begin
  insert into public.activity_log
    (organization_id, actor_type, actor_id, target_id, action, changes, details, request_id)
  values (
    target.organization_id,
    case
      when actor is not null then 'user'
      when (select auth.role()) = 'service_role' then 'service'
      else 'operator'
    end::public.activity_actor_type,
    actor,
    target.id,
    action,
    changes,
    details,
    nullif(current_setting('activity.request_id', true), '')
  );
end;
$$;

comment on function private.record_activity(public.users, public.activity_action, jsonb, jsonb) is
  'Appends one activity entry about a user, with the acting user (auth.uid()), the service role or an operator as actor, and the Edge Function''s request id if any.';

create function private.field_changes(old_row public.users, new_row public.users, fields text[])
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select coalesce(
    jsonb_object_agg(f, jsonb_build_object('from', to_jsonb(old_row) -> f, 'to', to_jsonb(new_row) -> f)),
    '{}'
  )
  from unnest(fields) as f
  where (to_jsonb(old_row) -> f) is distinct from (to_jsonb(new_row) -> f)
$$;

comment on function private.field_changes(public.users, public.users, text[]) is
  'The named fields that differ between two versions of a user, as {"field": {"from": …, "to": …}}.';

create function private.record_user_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  profile jsonb;
begin
  if tg_op = 'INSERT' then
    perform private.record_activity(new, 'user_created', jsonb_build_object(
      'email', jsonb_build_object('to', new.email),
      'first_name', jsonb_build_object('to', new.first_name),
      'last_name', jsonb_build_object('to', new.last_name),
      'role', jsonb_build_object('to', new.role)
    ));
    return null;
  end if;

  profile := private.field_changes(old, new, array['first_name', 'last_name', 'email']);
  if profile <> '{}' then
    perform private.record_activity(new, 'profile_changed', profile);
  end if;
  if new.role is distinct from old.role then
    perform private.record_activity(new, 'role_changed', private.field_changes(old, new, array['role']));
  end if;
  if new.status is distinct from old.status then
    perform private.record_activity(new, case new.status when 'inactive' then 'deactivated' else 'activated' end::public.activity_action);
  end if;
  if old.must_change_password and not new.must_change_password then
    perform private.record_activity(new, 'temporary_password_replaced');
  end if;
  return null;
end;
$$;

comment on function private.record_user_change() is
  'Trigger on public.users: records a creation, changed names/email, role, status, and a temporary password replaced.';

create trigger record_user_change
  after insert or update on public.users
  for each row execute function private.record_user_change();

create function private.record_sign_in()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.users;
begin
  select * into target from public.users as u where u.id = new.user_id;
  if target.id is null then
    return null;
  end if;
  insert into public.activity_log
    (organization_id, actor_type, actor_id, target_id, action, details)
  values (
    target.organization_id,
    'user',
    target.id,
    target.id,
    'signed_in',
    jsonb_strip_nulls(jsonb_build_object(
      'session_id', new.id,
      'method', (
        select c.authentication_method::text
        from auth.mfa_amr_claims as c
        where c.session_id = new.id
        order by c.created_at, c.id
        limit 1
      ),
      'user_agent', nullif(left(new.user_agent, 512), ''),
      'ip_address', host(new.ip)
    ))
  );
  return null;
end;
$$;

comment on function private.record_sign_in() is
  'Trigger on auth.sessions, at commit: records each new session as a sign-in of its user, with how it was authenticated and the user agent and address Auth noted.';

-- At commit (deferred): Auth writes how the session was authenticated (auth.mfa_amr_claims) right
-- after the session, in the same transaction.
create constraint trigger record_sign_in
  after insert on auth.sessions
  deferrable initially deferred
  for each row execute function private.record_sign_in();

create or replace function public.end_user_sessions(target_user_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  ended integer;
  target public.users;
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

  if ended > 0 then
    select * into target from public.users as u where u.id = target_user_id;
    if target.id is not null then
      perform private.record_activity(target, 'sessions_ended', details => jsonb_build_object('count', ended));
    end if;
  end if;
  return ended;
end;
$$;

comment on function public.end_user_sessions(uuid) is
  'Deletes every Auth session (and so every refresh token) of a user and records it; returns how many ended. Locks the refresh tokens first, as a refresh does. Service role only.';

create function private.record_user_activity(
  target_id uuid,
  action public.activity_action,
  details jsonb default '{}'
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.users;
begin
  if action not in ('password_set', 'password_recovered', 'password_changed') then
    raise exception 'action % is recorded by the database itself', action
      using errcode = '22023';
  end if;
  select * into target from public.users as u where u.id = target_id;
  if target.id is null then
    raise exception 'user % does not exist', target_id
      using errcode = 'UA404';
  end if;
  perform private.record_activity(target, action, details => details);
end;
$$;

comment on function private.record_user_activity(uuid, public.activity_action, jsonb) is
  'For the Edge Functions, in the transaction that changed a password in Auth: records password_set, password_recovered or password_changed (nothing else).';

revoke all on function private.record_activity(public.users, public.activity_action, jsonb, jsonb) from public, anon, authenticated, service_role;
revoke all on function private.field_changes(public.users, public.users, text[]) from public, anon, authenticated, service_role;
revoke all on function private.record_user_change() from public, anon, authenticated, service_role;
revoke all on function private.record_sign_in() from public, anon, authenticated, service_role;
revoke all on function private.record_user_activity(uuid, public.activity_action, jsonb) from public, anon, authenticated, service_role;
revoke all on function public.end_user_sessions(uuid) from public, anon, authenticated;
grant execute on function public.end_user_sessions(uuid) to service_role;
