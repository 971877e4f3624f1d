-- Row-level security policies for organizations and users: the security boundary of the console.
--
-- One policy per operation and audience, all `to authenticated` so anonymous requests skip them
-- without evaluating anything. Inserts and deletes have no policy: only the service role (which
-- bypasses RLS) inserts, and nobody deletes. Column privileges (see the users migration) limit
-- which columns an update may touch; triggers add the rules a policy cannot express (own role,
-- last active admin).

-- organizations ---------------------------------------------------------------------------------

-- An active user needs their organization's name (header of the console); others see nothing.
create policy "active users read their own organization"
  on public.organizations
  for select
  to authenticated
  using (id = (select private.active_user_organization_id()));

-- users -----------------------------------------------------------------------------------------

-- Admins manage the whole organization, including inactive users they may reactivate.
create policy "admins read their organization's users"
  on public.users
  for select
  to authenticated
  using (organization_id = (select private.admin_organization_id()));

-- Every active user sees their own profile; an inactive user's row is hidden from them too, so a
-- token that outlived the deactivation gets nothing.
create policy "active users read their own row"
  on public.users
  for select
  to authenticated
  using (id = (select auth.uid()) and status = 'active');

-- Admins edit names and roles of their organization's users and cannot move a row out of it.
create policy "admins update their organization's users"
  on public.users
  for update
  to authenticated
  using (organization_id = (select private.admin_organization_id()))
  with check (organization_id = (select private.admin_organization_id()));

-- Managers edit their own name (column privileges stop other columns, a trigger stops own role).
-- Members and external users have no update policy: an admin changes their profile.
create policy "active managers update their own row"
  on public.users
  for update
  to authenticated
  using (id = (select auth.uid()) and role = 'manager' and status = 'active')
  with check (id = (select auth.uid()) and role = 'manager' and status = 'active');
