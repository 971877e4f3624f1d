-- The activity log: an append-only history of each organization's users.
--
-- One row per thing that happened to a user: created, renamed, given another role, deactivated,
-- activated, a password set by an admin or chosen by the user, sessions ended, a sign-in. The rows
-- are written by the database itself, in the transaction of the change they describe (the next
-- migration), so an entry exists exactly when its change committed.
--
-- Nobody changes history: no API role may insert, update, delete or truncate it, and triggers
-- refuse update, delete and truncate for every role that still could (the owner included) unless a
-- superuser disables them on purpose. Only the recording functions, which run as the owner, insert.
-- Active admins read their own organization's entries; nobody else reads any.
--
-- No foreign keys: a sign-in is recorded by Auth's own connection, and a key check on
-- public.users would make it wait behind an admin action holding that user's row.

create type public.activity_action as enum (
  'user_created',
  'profile_changed',
  'role_changed',
  'deactivated',
  'activated',
  'password_set',
  'temporary_password_replaced',
  'password_recovered',
  'password_changed',
  'sessions_ended',
  'signed_in'
);

comment on type public.activity_action is
  'What happened to a user: created; names or email changed (profile_changed); role changed; deactivated; activated; password set by an admin; temporary password replaced, recovered or changed by the user; sessions ended; signed in.';

create type public.activity_actor_type as enum ('user', 'service', 'operator');

comment on type public.activity_actor_type is
  'Who acted: a user (actor_id, through the console or the Data API); the service role without a user (a server script); an operator (a direct database session, such as the dashboard''s SQL editor).';

create table public.activity_log (
  id bigint generated always as identity primary key,
  organization_id uuid not null,
  occurred_at timestamptz not null default now(),
  actor_type public.activity_actor_type not null,
  actor_id uuid,
  target_id uuid not null,
  action public.activity_action not null,
  changes jsonb not null default '{}',
  details jsonb not null default '{}',
  request_id text,
  constraint activity_log_actor_check check ((actor_type = 'user') = (actor_id is not null)),
  constraint activity_log_changes_check check (jsonb_typeof(changes) = 'object'),
  constraint activity_log_details_check check (jsonb_typeof(details) = 'object')
);

comment on table public.activity_log is
  'Append-only history of each organization''s users, written by the database in the transaction of each change. Active admins read their organization''s entries; nobody changes or removes one.';
comment on column public.activity_log.id is 'Order of writing; with occurred_at, the key the log is paged by.';
comment on column public.activity_log.organization_id is 'The organization of the user it happened to, at that time.';
comment on column public.activity_log.occurred_at is 'When the change committed (its transaction''s time).';
comment on column public.activity_log.actor_type is 'Who acted: a user (actor_id), the service role, or an operator.';
comment on column public.activity_log.actor_id is 'The user who acted (public.users.id); null for the service role and operators.';
comment on column public.activity_log.target_id is 'The user it happened to (public.users.id).';
comment on column public.activity_log.action is 'What happened.';
comment on column public.activity_log.changes is 'The fields that changed, each as {"from": before, "to": after} (user_created: {"to": value} only). Never a password or a token.';
comment on column public.activity_log.details is 'Facts of the action that are not field changes: sessions ended (count), a generated password (generated), a sign-in''s user_agent and ip_address.';
comment on column public.activity_log.request_id is 'The Edge Function request that did it (the request_id its errors and logs carry); null for other paths.';

create index activity_log_organization_idx
  on public.activity_log (organization_id, occurred_at desc, id desc);
create index activity_log_target_idx
  on public.activity_log (organization_id, target_id, occurred_at desc, id desc);
create index activity_log_actor_idx
  on public.activity_log (organization_id, actor_id, occurred_at desc, id desc)
  where actor_id is not null;
create index activity_log_action_idx
  on public.activity_log (organization_id, action, occurred_at desc, id desc);

alter table public.activity_log enable row level security;

revoke all on table public.activity_log from public, anon, authenticated, service_role;
grant select on table public.activity_log to authenticated;

create policy "active admins read their organization's activity"
  on public.activity_log
  for select
  to authenticated
  using (organization_id = (select private.admin_organization_id()));

create function private.refuse_activity_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'the activity log is append-only'
    using errcode = '42501',
          hint = 'Entries are never changed or removed.';
end;
$$;

comment on function private.refuse_activity_change() is
  'Trigger on public.activity_log: refuses update, delete and truncate (42501, as for users).';

revoke all on function private.refuse_activity_change() from public, anon, authenticated, service_role;

create trigger refuse_activity_change
  before update or delete on public.activity_log
  for each row execute function private.refuse_activity_change();

create trigger refuse_activity_truncate
  before truncate on public.activity_log
  for each statement execute function private.refuse_activity_change();
