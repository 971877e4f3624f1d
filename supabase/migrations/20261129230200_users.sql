-- The users table: one row per Auth user, holding their organization, role and status.
--
-- `auth.users` keeps credentials; this table keeps what the product decides access with. Rows are
-- inserted by Edge Functions with the service role right after the Auth user is created, and are
-- never deleted: users are deactivated instead.

create type public.user_role as enum ('admin', 'manager', 'member', 'external');
comment on type public.user_role is
  'What a user may do: admin manages the organization''s users; manager edits their own name; member and external only view their profile.';

create type public.user_status as enum ('active', 'inactive');
comment on type public.user_status is
  'inactive users cannot sign in and read nothing, even with a still-valid access token.';

create table public.users (
  id uuid primary key references auth.users (id) on delete restrict,
  organization_id uuid not null references public.organizations (id) on delete restrict,
  email text not null
    constraint users_email_normalized check (email = lower(btrim(email)))
    constraint users_email_shape check (char_length(email) <= 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  first_name text not null
    constraint users_first_name_length check (char_length(first_name) between 1 and 100)
    constraint users_first_name_clean check (first_name = btrim(first_name) and first_name !~ '[[:cntrl:]]'),
  last_name text not null
    constraint users_last_name_length check (char_length(last_name) between 1 and 100)
    constraint users_last_name_clean check (last_name = btrim(last_name) and last_name !~ '[[:cntrl:]]'),
  role public.user_role not null default 'member',
  status public.user_status not null default 'active',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid references public.users (id) on delete restrict
);

comment on table public.users is
  'The organization''s users as the console shows them: one row per Auth user. Inserted by the service role only, never deleted (deactivate instead).';
comment on column public.users.id is 'Same id as auth.users.id.';
comment on column public.users.organization_id is 'The organization the user belongs to; changed only with the service role.';
comment on column public.users.email is 'Sign-in email, trimmed and lower-cased; kept equal to auth.users.email by the Edge Functions.';
comment on column public.users.first_name is 'First name, 1–100 characters, no control characters.';
comment on column public.users.last_name is 'Last name, 1–100 characters, no control characters.';
comment on column public.users.role is 'admin, manager, member or external; admins change it for others, nobody for themselves.';
comment on column public.users.status is 'active or inactive; changed only with the service role (the Edge Function also bans the Auth user).';
comment on column public.users.created_at is 'When the user was created.';
comment on column public.users.updated_at is 'When the row last changed; maintained by a trigger.';
comment on column public.users.created_by is 'The admin who created the user; null for users created by an operator.';

-- The console lists an organization's users ordered by name; the policies filter on
-- organization_id, so the same index serves both (and keyset pagination by id as tie-breaker).
create index users_organization_id_last_name_idx
  on public.users (organization_id, last_name, first_name, id);
create unique index users_email_key on public.users (email);
create index users_created_by_idx on public.users (created_by);

alter table public.users enable row level security;

-- Supabase grants every new public table to anon and authenticated by default privileges; take
-- that back. Signed-in users read (rows filtered by policies) and may change three columns (rows
-- filtered by policies, own role refused by a trigger). Email, status, organization and ids change
-- only with the service role. Nobody deletes or truncates.
revoke all on table public.users from anon, authenticated, service_role;
grant select on table public.users to authenticated;
grant update (first_name, last_name, role) on table public.users to authenticated;
grant select, insert, update on table public.users to service_role;
