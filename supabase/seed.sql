-- Demo data for local development: one organization with a user of each role.
--
-- Data only, no credentials: the Auth users have no password here. The embedded local stack gives
-- each of them a per-install password when it seeds (and prints them; the list of personas is
-- local-stack/src/demo-users.ts); with the Supabase CLI, give them one in the Studio, or make an
-- admin with `npm run create-admin`. Re-running the seed changes nothing.

insert into public.organizations (id, name)
values ('00000000-0000-4000-8000-00000000d000', 'Acme Demo')
on conflict (id) do nothing;

with demo (id, email, first_name, last_name, role) as (
  values
    ('00000000-0000-4000-8000-00000000d001'::uuid, 'admin@demo.test',    'Ada',    'Admin',    'admin'::public.user_role),
    ('00000000-0000-4000-8000-00000000d002'::uuid, 'manager@demo.test',  'Grace',  'Manager',  'manager'),
    ('00000000-0000-4000-8000-00000000d003'::uuid, 'member@demo.test',   'Linus',  'Member',   'member'),
    ('00000000-0000-4000-8000-00000000d004'::uuid, 'external@demo.test', 'Edsger', 'External', 'external')
),
auth_users as (
  -- GoTrue reads its token columns as strings: they must be '' rather than null.
  insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at,
                          confirmation_token, recovery_token, email_change_token_new, email_change,
                          raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
  select '00000000-0000-0000-0000-000000000000', d.id, 'authenticated', 'authenticated', d.email, now(),
         '', '', '', '',
         jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'),
                            'organization_id', '00000000-0000-4000-8000-00000000d000'),
         '{}'::jsonb, now(), now()
  from demo as d
  on conflict (id) do nothing
  returning id
),
identities as (
  insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
  select d.id::text, d.id, jsonb_build_object('sub', d.id::text, 'email', d.email, 'email_verified', true),
         'email', now(), now()
  from demo as d
  join auth_users as a on a.id = d.id
  returning user_id
)
insert into public.users (id, organization_id, email, first_name, last_name, role)
select d.id, '00000000-0000-4000-8000-00000000d000', d.email, d.first_name, d.last_name, d.role
from demo as d
join auth_users as a on a.id = d.id;
