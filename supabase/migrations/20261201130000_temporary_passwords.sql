-- Temporary passwords: a password an admin gave (create-user, update-user set_password) must be
-- replaced by the user's own at their next sign-in.
--
-- public.users.must_change_password is true while the user's password is one an admin chose or
-- generated. The Edge Functions set it (create-user for the new user, set_password for the target)
-- and clear it (change-password, in the transaction that changes the password), connected as
-- their own login, postgres. Nobody else writes it: authenticated has no update privilege on it
-- (column privileges), and service_role no longer has table-wide insert and update but the same
-- columns as before, so neither the Data API with any key nor a leaked service-role key clears
-- it. Signed-in users read it where they read the row (table-wide select). What the flag
-- restricts while it is true is the next migrations' concern (access policies and helpers).

alter table public.users
  add column must_change_password boolean not null default false;

comment on column public.users.must_change_password is
  'True while the user''s password is one an admin set (temporary): they read only their own row and change nothing until they choose their own. Written only by the Edge Functions (postgres).';

-- service_role: the columns it could insert and update before, one by one, so that a column added
-- later (this one, last_sign_in_at) is not writable by it unless a migration says so.
revoke insert, update on table public.users from service_role;
grant insert (id, organization_id, email, first_name, last_name, role, status, created_at, updated_at, created_by)
  on table public.users to service_role;
grant update (id, organization_id, email, first_name, last_name, role, status, created_at, updated_at, created_by)
  on table public.users to service_role;
