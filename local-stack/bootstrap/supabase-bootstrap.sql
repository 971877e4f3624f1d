-- supabase-bootstrap.sql
--
-- Turns a plain, freshly initdb'd PostgreSQL database (15 or later) into what the Supabase
-- Postgres image plus GoTrue provide before any project migration runs, limited to what this
-- project touches. This is not a migration: the stack and the test runner apply it connected as
-- the cluster's superuser `supabase_admin` (initdb -U supabase_admin, as the image does), then run
-- `supabase migration up --db-url` as `postgres`, which this file leaves as the image leaves it:
-- not a superuser. It is idempotent: running it twice in a row changes nothing the second time.
--
-- What it reproduces, and where each fact comes from:
--
-- * supabase/postgres migrations/db/init-scripts (00000000000000-initial-schema,
--   00000000000001-auth-schema, 00000000000003-post-setup) and migrations/db/migrations:
--   - roles anon, authenticated (nologin), service_role (nologin bypassrls), created noinherit and
--     switched to inherit by 20230529180330_alter_api_roles_for_inherit;
--   - authenticator (login noinherit) granted anon, authenticated, service_role; supabase_admin is
--     no longer granted to it (20221103090837_revoke_admin);
--   - statement_timeout anon 3s, authenticated 8s, authenticator 8s
--     (20221028101028_set_authenticator_timeout), authenticator lock_timeout 8s
--     (20231130133139_set_lock_timeout_to_authenticator_role);
--   - supabase_admin: the image's initdb bootstrap user, so login superuser createdb createrole
--     replication bypassrls; search_path "$user", public, auth, extensions;
--   - supabase_auth_admin: login noinherit createrole noreplication, search_path auth;
--   - dashboard_user: nosuperuser createdb createrole replication (nologin), all on the database,
--     schemas auth and extensions and everything in them;
--   - postgres: nosuperuser createdb createrole login replication bypassrls, owner of the
--     database (10000000000000_demote-postgres: without bypassrls the security-definer helpers
--     would see no auth.users rows through its RLS); search_path "$user", public, extensions;
--     member of anon, authenticated,
--     service_role (20230201083204_grant_auth_roles_to_postgres; with admin option on 16+,
--     20250605172253); all on auth objects but not create on schema auth
--     (10000000000000_demote-postgres, 20250421084701_revoke_admin_roles_from_postgres);
--   - schema extensions with uuid-ossp and pgcrypto, usage to postgres and the API roles;
--   - usage on public to postgres and the API roles; since 30 Oct 2026 no default privileges
--     grant new public objects to anon, authenticated or service_role: migrations grant what the
--     API may reach;
--   - schema auth owned by supabase_admin, all on it to supabase_auth_admin, usage to the API
--     roles, default privileges for supabase_auth_admin in auth granting all to postgres and
--     dashboard_user (20211115181400_update-auth-permissions), functions owned by
--     supabase_auth_admin (20211124212715_update-auth-owner).
-- * supabase/auth (GoTrue) migrations, end state as of the 2025/2026 migrations (GoTrue v2.196.0
--   is what Supabase CLI 2.117 runs): the columns, types, defaults, constraints, indexes, comments
--   and on-delete-cascade foreign keys of auth.users, auth.identities, auth.sessions,
--   auth.refresh_tokens, auth.audit_log_entries and auth.oauth_clients (only because
--   auth.sessions.oauth_client_id references it); the auth.aal_level enum; row level security on
--   the tables that 20240612123726_enable_rls_update_grants covers, with select granted to
--   postgres with grant option; auth.uid(), auth.role(), auth.email() as in
--   20220224000811_update_auth_functions and auth.jwt() as in 20220531120530_add_auth_jwt_function.
--
-- Deliberately left out (not used by this project, or impossible on plain Postgres): no passwords
-- (the servers trust loopback); authenticator's session_preload_libraries
-- (safeupdate/supautils are not installed on plain Postgres, and a missing library would break
-- its logins); pg_stat_statements, pg_graphql, pgsodium/vault, pg_net/pg_cron event triggers,
-- PostgREST schema-reload event triggers, the auth schema DDL-protection event triggers, the
-- storage and realtime schemas, the supabase_realtime publication, and the other GoTrue tables
-- (instances, schema_migrations, mfa_*, one_time_tokens, flow_state, sso_*, saml_*, oauth_* other
-- than oauth_clients, webauthn_*, scim_*, custom_oauth_providers). pg_trgm is not preinstalled by
-- the image; it is created here because the project asked for it. pgtap is created by the test
-- runner, not here.

-- ----------------------------------------------------------------------------------------------
-- Guard
-- ----------------------------------------------------------------------------------------------

-- Creating superuser and bypassrls roles and changing other roles' settings needs a superuser, and
-- one other than postgres, which this file demotes.
do $$
begin
  if not (select rolsuper from pg_roles where rolname = current_user) or current_user = 'postgres' then
    raise exception 'supabase-bootstrap.sql must run as a superuser other than postgres, e.g. supabase_admin (connected as %)', current_user;
  end if;
end
$$;

-- ----------------------------------------------------------------------------------------------
-- Roles
-- ----------------------------------------------------------------------------------------------

do $$
begin
  -- The image's initdb bootstrap superuser: it owns the internal schemas (auth among them).
  if not exists (select from pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin login superuser createdb createrole replication bypassrls;
  end if;

  -- The customer-facing administrator: migrations, the SQL editor and the dashboard use it.
  if not exists (select from pg_roles where rolname = 'postgres') then
    create role postgres login nosuperuser createdb createrole replication bypassrls;
  end if;

  -- PostgREST switches into these after checking the JWT's `role` claim.
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;

  -- The role PostgREST logs in as; it can only become the API roles.
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;

  -- GoTrue logs in as this role and owns everything it creates in the auth schema.
  if not exists (select from pg_roles where rolname = 'supabase_auth_admin') then
    create role supabase_auth_admin login noinherit createrole noreplication;
  end if;

  -- Studio / postgres-meta role; granted all on auth and extensions below.
  if not exists (select from pg_roles where rolname = 'dashboard_user') then
    create role dashboard_user nologin nosuperuser createdb createrole replication;
  end if;
end
$$;

-- Re-assert the attributes the image ends with, so a rerun converges on an existing cluster.
alter role supabase_admin with login superuser createdb createrole replication bypassrls;
-- 20230529180330: the API roles became inherit (PostgREST 11+ relies on it); still nologin.
alter role anon with nologin inherit;
alter role authenticated with nologin inherit;
alter role service_role with nologin inherit bypassrls;
alter role authenticator with login noinherit;
-- 10000000000000_demote-postgres.
alter role postgres with login nosuperuser createdb createrole replication bypassrls;
do $$
begin
  execute format('alter database %I owner to postgres', current_database());
  execute format('grant all on database %I to postgres', current_database());
end
$$;

grant anon, authenticated, service_role to authenticator;

-- postgres may `set role` to the API roles (used by pgTAP tests and the SQL editor); on 16+ the
-- image grants them with admin option so postgres can grant them onwards.
do $$
begin
  if current_setting('server_version_num')::int >= 160000 then
    execute 'grant anon, authenticated, service_role, authenticator to postgres with admin option';
  else
    execute 'grant anon, authenticated, service_role to postgres';
  end if;
end
$$;

-- Role settings as the image sets them (they apply at login, not on `set role`).
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
alter role supabase_auth_admin set search_path = auth;
-- The image writes "\$user" here (a shell-escaping leftover); "$user" is what it means.
alter role supabase_admin set search_path = "$user", public, auth, extensions;
alter role postgres set search_path = "$user", public, extensions;

-- ----------------------------------------------------------------------------------------------
-- Extensions
-- ----------------------------------------------------------------------------------------------

-- Supabase keeps extensions out of public in their own schema, owned by supabase_admin.
create schema if not exists extensions authorization supabase_admin;

create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
-- Not preinstalled by the image; wanted by this project.
create extension if not exists pg_trgm with schema extensions;

-- Extension functions are callable through the API roles.
grant usage on schema extensions to postgres, anon, authenticated, service_role;
grant all on schema extensions to postgres, dashboard_user;

-- ----------------------------------------------------------------------------------------------
-- Schema public: API grants and default privileges
-- ----------------------------------------------------------------------------------------------

grant usage on schema public to postgres, anon, authenticated, service_role;

-- Since 30 Oct 2026 new tables, sequences and functions in public are not granted to anon,
-- authenticated or service_role automatically: every migration grants what the API may reach.
-- What supabase_admin creates there (platform migrations) stays reachable for postgres.
alter default privileges for role supabase_admin in schema public grant all on tables to postgres;
alter default privileges for role supabase_admin in schema public grant all on sequences to postgres;
alter default privileges for role supabase_admin in schema public grant all on functions to postgres;

-- graphql_public is listed in config.toml's api.schemas; the image creates it (empty while
-- pg_graphql is off) and PostgREST expects it to exist.
create schema if not exists graphql_public authorization supabase_admin;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;

-- ----------------------------------------------------------------------------------------------
-- Schema auth
-- ----------------------------------------------------------------------------------------------

create schema if not exists auth authorization supabase_admin;

-- GoTrue creates and migrates its tables as supabase_auth_admin.
grant all on schema auth to supabase_auth_admin;
-- The API roles resolve auth.uid() and friends inside policies; they get no table privileges.
grant usage on schema auth to anon, authenticated, service_role;
-- postgres and dashboard_user get all on what GoTrue creates (default privileges, set before the
-- tables exist); postgres keeps usage but not create on the schema.
grant all on schema auth to postgres, dashboard_user;
revoke create on schema auth from postgres;
alter default privileges for role supabase_auth_admin in schema auth grant all on tables to postgres, dashboard_user;
alter default privileges for role supabase_auth_admin in schema auth grant all on sequences to postgres, dashboard_user;
alter default privileges for role supabase_auth_admin in schema auth grant all on routines to postgres, dashboard_user;

-- Everything below is created as GoTrue would: owned by supabase_auth_admin.
set role supabase_auth_admin;

-- Authenticator assurance level of a session (MFA).
do $$
begin
  if not exists (
    select from pg_type where typname = 'aal_level' and typnamespace = 'auth'::regnamespace
  ) then
    create type auth.aal_level as enum ('aal1', 'aal2', 'aal3');
  end if;
  if not exists (
    select from pg_type where typname = 'oauth_registration_type' and typnamespace = 'auth'::regnamespace
  ) then
    create type auth.oauth_registration_type as enum ('dynamic', 'manual');
  end if;
  if not exists (
    select from pg_type where typname = 'oauth_client_type' and typnamespace = 'auth'::regnamespace
  ) then
    create type auth.oauth_client_type as enum ('public', 'confidential');
  end if;
end
$$;

-- auth.users: columns in GoTrue's order (inserts without a column list depend on it).
-- confirmation_token, recovery_token, email_change_token_new and email_change have no default, as
-- in GoTrue; GoTrue fails to read a user whose token columns are NULL, so seeds that insert users
-- directly should write '' there.
create table if not exists auth.users (
  instance_id uuid,
  id uuid not null,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text default null::character varying,
  phone_confirmed_at timestamptz,
  phone_change text default ''::character varying,
  phone_change_token varchar(255) default ''::character varying,
  phone_change_sent_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current varchar(255) default ''::character varying,
  email_change_confirm_status smallint default 0,
  banned_until timestamptz,
  reauthentication_token varchar(255) default ''::character varying,
  reauthentication_sent_at timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false,
  constraint users_pkey primary key (id),
  constraint users_phone_key unique (phone),
  constraint users_email_change_confirm_status_check
    check (email_change_confirm_status >= 0 and email_change_confirm_status <= 2)
);

comment on table auth.users is 'Auth: Stores user login data within a secure schema.';
comment on column auth.users.is_sso_user is
  'Auth: Set this column to true when the account comes from SSO. These accounts can have duplicate emails.';

create index if not exists users_instance_id_idx on auth.users using btree (instance_id);
create index if not exists users_instance_id_email_idx on auth.users using btree (instance_id, lower((email)::text));
create index if not exists users_is_anonymous_idx on auth.users using btree (is_anonymous);
-- Email is unique only among non-SSO users (GoTrue dropped the plain users_email_key).
create unique index if not exists users_email_partial_key on auth.users using btree (email) where (is_sso_user = false);
comment on index auth.users_email_partial_key is 'Auth: A partial unique index that applies only when is_sso_user is false';
-- Tokens are unique unless empty, blank or a numeric OTP.
create unique index if not exists confirmation_token_idx on auth.users using btree (confirmation_token)
  where ((confirmation_token)::text !~ '^[0-9 ]*$'::text);
create unique index if not exists recovery_token_idx on auth.users using btree (recovery_token)
  where ((recovery_token)::text !~ '^[0-9 ]*$'::text);
create unique index if not exists email_change_token_current_idx on auth.users using btree (email_change_token_current)
  where ((email_change_token_current)::text !~ '^[0-9 ]*$'::text);
create unique index if not exists email_change_token_new_idx on auth.users using btree (email_change_token_new)
  where ((email_change_token_new)::text !~ '^[0-9 ]*$'::text);
create unique index if not exists reauthentication_token_idx on auth.users using btree (reauthentication_token)
  where ((reauthentication_token)::text !~ '^[0-9 ]*$'::text);

-- auth.identities: one row per sign-in method of a user (email, OAuth provider, ...).
create table if not exists auth.identities (
  provider_id text not null,
  user_id uuid not null,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text generated always as (lower((identity_data ->> 'email'::text))) stored,
  id uuid not null default gen_random_uuid(),
  constraint identities_pkey primary key (id),
  constraint identities_provider_id_provider_unique unique (provider_id, provider),
  constraint identities_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade
);

comment on table auth.identities is 'Auth: Stores identities associated to a user.';
comment on column auth.identities.email is
  'Auth: Email is a generated column that references the optional email property in the identity_data';

create index if not exists identities_user_id_idx on auth.identities using btree (user_id);
create index if not exists identities_email_idx on auth.identities using btree (email text_pattern_ops);
comment on index auth.identities_email_idx is 'Auth: Ensures indexed queries on the email column';

-- auth.oauth_clients: only here as the target of auth.sessions.oauth_client_id (GoTrue as OAuth
-- server); this project does not use it.
create table if not exists auth.oauth_clients (
  id uuid not null,
  client_secret_hash text,
  registration_type auth.oauth_registration_type not null,
  redirect_uris text not null,
  grant_types text not null,
  client_name text,
  client_uri text,
  logo_uri text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  client_type auth.oauth_client_type not null default 'confidential',
  token_endpoint_auth_method text not null,
  constraint oauth_clients_pkey primary key (id),
  constraint oauth_clients_client_name_length check (char_length(client_name) <= 1024),
  constraint oauth_clients_client_uri_length check (char_length(client_uri) <= 2048),
  constraint oauth_clients_logo_uri_length check (char_length(logo_uri) <= 2048),
  constraint oauth_clients_token_endpoint_auth_method_check
    check (token_endpoint_auth_method = any (array['client_secret_basic', 'client_secret_post', 'none']))
);

create index if not exists oauth_clients_deleted_at_idx on auth.oauth_clients using btree (deleted_at);

-- auth.sessions: one row per signed-in device; refresh tokens hang off it.
create table if not exists auth.sessions (
  id uuid not null,
  user_id uuid not null,
  created_at timestamptz,
  updated_at timestamptz,
  factor_id uuid,
  aal auth.aal_level,
  not_after timestamptz,
  refreshed_at timestamp without time zone,
  user_agent text,
  ip inet,
  tag text,
  oauth_client_id uuid,
  refresh_token_hmac_key text,
  refresh_token_counter bigint,
  scopes text,
  constraint sessions_pkey primary key (id),
  constraint sessions_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade,
  constraint sessions_oauth_client_id_fkey foreign key (oauth_client_id)
    references auth.oauth_clients (id) on delete cascade,
  constraint sessions_scopes_length check (char_length(scopes) <= 4096)
);

comment on table auth.sessions is 'Auth: Stores session data associated to a user.';
comment on column auth.sessions.not_after is
  'Auth: Not after is a nullable column that contains a timestamp after which the session should be regarded as expired.';
comment on column auth.sessions.refresh_token_hmac_key is
  'Holds a HMAC-SHA256 key used to sign refresh tokens for this session.';
comment on column auth.sessions.refresh_token_counter is 'Holds the ID (counter) of the last issued refresh token.';

create index if not exists sessions_user_id_idx on auth.sessions using btree (user_id);
create index if not exists user_id_created_at_idx on auth.sessions using btree (user_id, created_at);
create index if not exists sessions_not_after_idx on auth.sessions using btree (not_after desc);
create index if not exists sessions_oauth_client_id_idx on auth.sessions using btree (oauth_client_id);

-- auth.refresh_tokens: user_id is varchar (GoTrue's original schema) and has no foreign key; the
-- cascade from auth.users runs through session_id -> auth.sessions.
create table if not exists auth.refresh_tokens (
  instance_id uuid,
  id bigserial not null,
  token varchar(255),
  user_id varchar(255),
  revoked boolean,
  created_at timestamptz,
  updated_at timestamptz,
  parent varchar(255),
  session_id uuid,
  constraint refresh_tokens_pkey primary key (id),
  constraint refresh_tokens_token_unique unique (token),
  constraint refresh_tokens_session_id_fkey foreign key (session_id) references auth.sessions (id) on delete cascade
);

comment on table auth.refresh_tokens is 'Auth: Store of tokens used to refresh JWT tokens once they expire.';

create index if not exists refresh_tokens_instance_id_idx on auth.refresh_tokens using btree (instance_id);
create index if not exists refresh_tokens_instance_id_user_id_idx on auth.refresh_tokens using btree (instance_id, user_id);
create index if not exists refresh_tokens_parent_idx on auth.refresh_tokens using btree (parent);
create index if not exists refresh_tokens_session_id_revoked_idx on auth.refresh_tokens using btree (session_id, revoked);
create index if not exists refresh_tokens_updated_at_idx on auth.refresh_tokens using btree (updated_at desc);

-- auth.mfa_amr_claims: how each session was authenticated (GoTrue's AddClaimToSession), the
-- access token's `amr` claim: `password` for a sign-in, `otp` for a verified recovery link.
create table if not exists auth.mfa_amr_claims (
  session_id uuid not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  authentication_method text not null,
  id uuid not null,
  constraint amr_id_pk primary key (id),
  constraint mfa_amr_claims_session_id_authentication_method_pkey unique (session_id, authentication_method),
  constraint mfa_amr_claims_session_id_fkey foreign key (session_id) references auth.sessions (id) on delete cascade
);

comment on table auth.mfa_amr_claims is 'auth: stores authenticator method reference claims for multi factor authentication';

-- auth.audit_log_entries: GoTrue's audit trail (sign-ins, user changes); no foreign keys.
create table if not exists auth.audit_log_entries (
  instance_id uuid,
  id uuid not null,
  payload json,
  created_at timestamptz,
  ip_address varchar(64) not null default ''::character varying,
  constraint audit_log_entries_pkey primary key (id)
);

comment on table auth.audit_log_entries is 'Auth: Audit trail for user actions.';

create index if not exists audit_logs_instance_id_idx on auth.audit_log_entries using btree (instance_id);

-- GoTrue enables row level security on its tables (no policies: only owners and bypassrls roles
-- read them) and lets postgres select and grant select onwards.
alter table auth.users enable row level security;
alter table auth.identities enable row level security;
alter table auth.sessions enable row level security;
alter table auth.refresh_tokens enable row level security;
alter table auth.audit_log_entries enable row level security;
alter table auth.mfa_amr_claims enable row level security;
grant select on auth.users, auth.identities, auth.sessions, auth.refresh_tokens, auth.audit_log_entries,
  auth.mfa_amr_claims
  to postgres with grant option;

-- Request helpers. PostgREST sets `request.jwt.claims` (JSON) per request; the
-- `request.jwt.claim.<name>` settings are the pre-PostgREST-9 form, still read first.
-- Execute reaches anon, authenticated and service_role through PUBLIC, as in the image.
create or replace function auth.uid()
returns uuid
language sql
stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role()
returns text
language sql
stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email()
returns text
language sql
stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt()
returns jsonb
language sql
stable
as $$
  select
    coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

comment on function auth.uid() is 'Deprecated. Use auth.jwt() -> ''sub'' instead.';
comment on function auth.role() is 'Deprecated. Use auth.jwt() -> ''role'' instead.';
comment on function auth.email() is 'Deprecated. Use auth.jwt() -> ''email'' instead.';

reset role;

-- The image also grants what already exists in auth explicitly (the default privileges above
-- cover it here; this keeps a rerun correct on objects created before them).
grant all on all tables in schema auth to postgres, dashboard_user;
grant all on all sequences in schema auth to postgres, dashboard_user;
grant all on all routines in schema auth to postgres, dashboard_user;

-- dashboard_user: all on the current database and on extensions (the image names the database
-- `postgres`; the test runner copies it under other names).
do $$
begin
  execute format('grant all on database %I to dashboard_user', current_database());
end
$$;
grant all on all tables in schema extensions to dashboard_user;
grant all on all sequences in schema extensions to dashboard_user;
grant all on all routines in schema extensions to dashboard_user;
