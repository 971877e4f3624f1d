-- Organizations: the tenants of the dashboard. Every user belongs to exactly one.
--
-- Created and renamed only with the service role (operator bootstrap); signed-in users read their
-- own organization through the policy added with the users table's helpers.

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null
    constraint organizations_name_length check (char_length(name) between 1 and 200)
    constraint organizations_name_trimmed check (name = btrim(name)),
  created_at timestamptz not null default now()
);

comment on table public.organizations is
  'Tenants of the dashboard. Each user belongs to exactly one organization; created by operators with the service role.';
comment on column public.organizations.id is 'Primary key.';
comment on column public.organizations.name is 'Display name shown to the organization''s users, 1–200 characters.';
comment on column public.organizations.created_at is 'When the organization was created.';

alter table public.organizations enable row level security;

-- Supabase grants every new public table to anon and authenticated by default privileges; take
-- that back and grant only what the Data API needs.
revoke all on table public.organizations from anon, authenticated, service_role;
grant select on table public.organizations to authenticated;
grant select, insert, update on table public.organizations to service_role;
