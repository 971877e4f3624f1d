-- Private schema for helpers that policies and triggers call.
--
-- It is not listed in the Data API's exposed schemas (config.toml `api.schemas`), so nothing in it
-- can be reached through /rest/v1 or /rest/v1/rpc. Postgres lets `public` execute every new
-- function, and that default is global: a per-schema default privilege cannot take it back, and a
-- global one would also lock out extensions created later (pgTAP, pg_trgm). So every migration
-- revokes execute from public, anon and authenticated on each function it creates and grants it
-- where the API needs it; supabase/tests/database/00_structure.sql fails if one is left open.

create schema if not exists private;

comment on schema private is
  'Helpers for row-level security and triggers. Not exposed by the Data API; execute is granted per function.';

revoke all on schema private from public, anon;

-- Policies on public tables are evaluated as the signed-in role, so `authenticated` must be able to
-- resolve (not call at will) the helpers they use; execute is still granted function by function.
grant usage on schema private to authenticated, service_role;

