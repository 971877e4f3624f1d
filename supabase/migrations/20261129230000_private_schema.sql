-- Private schema for helpers that policies and triggers call.
--
-- It is not listed in the Data API's exposed schemas (config.toml `api.schemas`), so nothing in it
-- can be reached through /rest/v1 or /rest/v1/rpc. Functions created here are not executable by
-- anyone until a migration grants it explicitly: Postgres grants execute to `public` by default,
-- which would let every role call a `security definer` helper.

create schema if not exists private;

comment on schema private is
  'Helpers for row-level security and triggers. Not exposed by the Data API; execute is granted per function.';

revoke all on schema private from public, anon;

-- Policies on public tables are evaluated as the signed-in role, so `authenticated` must be able to
-- resolve (not call at will) the helpers they use; execute is still granted function by function.
grant usage on schema private to authenticated, service_role;

alter default privileges in schema private revoke execute on functions from public;
alter default privileges in schema private revoke execute on functions from anon, authenticated;
