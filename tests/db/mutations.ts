// Mutation check for the database tests: each entry removes or weakens one policy, grant, trigger
// or helper. The suite that guards it must fail on the mutated database; a mutation that survives
// means a rule nothing tests. scripts/test-db.ts applies each to a fresh copy of the migrated
// database.

export interface Mutation {
	name: string;
	sql: string;
	/** Which suite must notice: the pgTAP files, or the concurrency test. */
	caughtBy: 'pgtap' | 'race';
}

export const mutations: Mutation[] = [
	{
		name: 'drop the read policy',
		caughtBy: 'pgtap',
		sql: `drop policy "active users read their organization's users as their role allows" on public.users`
	},
	{
		name: 'read policy lets everyone read their whole organization',
		caughtBy: 'pgtap',
		sql: `alter policy "active users read their organization's users as their role allows" on public.users
			using (organization_id = (select private.active_user_organization_id()))`
	},
	{
		name: 'read policy forgets the organization (admins read every organization)',
		caughtBy: 'pgtap',
		sql: `alter policy "active users read their organization's users as their role allows" on public.users
			using ((select private.caller_is_active_admin()) or id = (select auth.uid()))`
	},
	{
		name: 'organization helper forgets status (stale tokens of inactive users read)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.active_user_organization_id() returns uuid language sql stable security definer set search_path = '' as $$
			select u.organization_id from public.users as u where u.id = (select auth.uid()) $$`
	},
	// Not listed: caller_is_active_admin() forgetting status. The read policy also requires
	// active_user_organization_id(), which checks status, so that mutant behaves identically.
	{
		name: 'drop the admin update policy',
		caughtBy: 'pgtap',
		sql: `drop policy "admins update their organization's users" on public.users`
	},
	{
		name: 'drop the manager update policy',
		caughtBy: 'pgtap',
		sql: `drop policy "active managers update their own row" on public.users`
	},
	// Not listed: removing the admin update policy's `with check`. Postgres also checks an updated
	// row against the select policies, which already keep it inside the admin's organization, so
	// that mutant behaves identically (02_write_access proves the move is refused either way).
	{
		name: 'drop the organization read policy',
		caughtBy: 'pgtap',
		sql: `drop policy "active users read their own organization" on public.organizations`
	},
	{
		name: 'disable RLS on users',
		caughtBy: 'pgtap',
		sql: `alter table public.users disable row level security`
	},
	{
		name: 'leave Supabase default grants to anon',
		caughtBy: 'pgtap',
		sql: `grant all on public.users to anon`
	},
	{
		name: 'grant update of status to authenticated',
		caughtBy: 'pgtap',
		sql: `grant update (status) on public.users to authenticated`
	},
	{
		name: 'grant update of email to authenticated',
		caughtBy: 'pgtap',
		sql: `grant update (email) on public.users to authenticated`
	},
	{
		name: 'revoke update of role from authenticated',
		caughtBy: 'pgtap',
		sql: `revoke update (role) on public.users from authenticated`
	},
	{
		name: 'grant insert to authenticated',
		caughtBy: 'pgtap',
		sql: `grant insert on public.users to authenticated`
	},
	{
		name: 'grant delete to service_role',
		caughtBy: 'pgtap',
		sql: `grant delete on public.users to service_role`
	},
	{
		name: 'revoke select on organizations from authenticated',
		caughtBy: 'pgtap',
		sql: `revoke select on public.organizations from authenticated`
	},
	{
		name: 'make a private helper executable by anon',
		caughtBy: 'pgtap',
		sql: `grant usage on schema private to anon; grant execute on function private.admin_organization_id() to anon`
	},
	{
		name: 'admin helper forgets status (deactivated admins keep their rights)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.admin_organization_id() returns uuid language sql stable security definer set search_path = '' as $$
			select u.organization_id from public.users as u where u.id = (select auth.uid()) and u.role = 'admin' $$`
	},
	{
		name: 'admin helper trusts app_metadata',
		caughtBy: 'pgtap',
		sql: `create or replace function private.admin_organization_id() returns uuid language sql stable security definer set search_path = '' as $$
			select coalesce((select u.organization_id from public.users as u where u.id = (select auth.uid()) and u.role = 'admin' and u.status = 'active'),
			                ((select auth.jwt()) -> 'app_metadata' ->> 'organization_id')::uuid) $$`
	},
	{
		name: 'drop the own role/status trigger',
		caughtBy: 'pgtap',
		sql: `drop trigger forbid_own_role_or_status_change on public.users`
	},
	{
		name: 'own role/status guard raises the generic 42501 (callers could tell it apart only by wording)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.forbid_own_role_or_status_change() returns trigger language plpgsql set search_path = '' as $$
			begin
			  if new.id = (select auth.uid()) and (new.role is distinct from old.role or new.status is distinct from old.status) then
			    raise exception 'you cannot change your own role or status' using errcode = '42501';
			  end if;
			  return new;
			end $$`
	},
	{
		name: 'names take invisible format characters again (control characters only refused)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.is_clean_name(name text) returns boolean language sql immutable set search_path = '' as $$
			select name = btrim(name) and name !~ '[[:cntrl:]]' $$`
	},
	{
		name: 'search_users takes a fragment of any length',
		caughtBy: 'pgtap',
		sql: `create or replace function private.search_fragment(search text) returns text language sql immutable set search_path = '' as $$
			select btrim(search) $$`
	},
	{
		name: 'drop the last-admin trigger',
		caughtBy: 'pgtap',
		sql: `drop trigger keep_one_active_admin on public.users`
	},
	{
		name: 'drop the delete guard',
		caughtBy: 'pgtap',
		sql: `drop trigger forbid_user_deletion on public.users`
	},
	{
		name: 'drop the truncate guard',
		caughtBy: 'pgtap',
		sql: `drop trigger forbid_user_truncation on public.users`
	},
	{
		name: 'drop the updated_at trigger',
		caughtBy: 'pgtap',
		sql: `drop trigger touch_updated_at on public.users`
	},
	{
		name: "let authenticated end anyone's sessions",
		caughtBy: 'pgtap',
		sql: `grant execute on function public.end_user_sessions(uuid) to authenticated`
	},
	{
		name: "end_user_sessions ends everybody's sessions",
		caughtBy: 'pgtap',
		sql: `create or replace function public.end_user_sessions(target_user_id uuid) returns integer language sql security definer set search_path = '' as $$
			with ended as (delete from auth.sessions returning 1) select count(*)::integer from ended $$`
	},
	{
		name: 'search_users forgets the organization',
		caughtBy: 'pgtap',
		sql: `create or replace function public.search_users(search text) returns setof public.users language sql stable security definer set search_path = '' as $$
			select u.* from public.users as u where btrim(search) <> '' and ((u.first_name || ' ' || u.last_name) ilike private.contains_pattern(search) or u.email ilike private.contains_pattern(search)) $$`
	},
	{
		name: 'search_users forgets to check the caller is an admin',
		caughtBy: 'pgtap',
		sql: `create or replace function public.search_users(search text) returns setof public.users language sql stable security definer set search_path = '' as $$
			select u.* from public.users as u where u.organization_id = (select private.active_user_organization_id()) and btrim(search) <> ''
			and ((u.first_name || ' ' || u.last_name) ilike private.contains_pattern(search) or u.email ilike private.contains_pattern(search)) $$`
	},
	{
		name: 'search_users treats the fragment as a pattern',
		caughtBy: 'pgtap',
		sql: `create or replace function private.contains_pattern(fragment text) returns text language sql immutable set search_path = '' as $$ select '%' || btrim(fragment) || '%' $$`
	},
	{
		name: 'anon may call search_users',
		caughtBy: 'pgtap',
		sql: `grant execute on function public.search_users(text) to anon`
	},
	{
		name: 'list_users forgets the organization (every organization in one list)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.users_view_condition(organization uuid, role public.user_role, status public.user_status) returns text language sql immutable set search_path = '' as $$
			select 'true' || case when role is not null then format(' and u.role = %L::public.user_role', role) else '' end
			|| case when status is not null then format(' and u.status = %L::public.user_status', status) else '' end $$`
	},
	{
		name: "list_users starts a page at another organization's user (revealing their place)",
		caughtBy: 'pgtap',
		sql: `do $m$ begin execute replace(pg_get_functiondef('public.list_users(text,public.user_role,public.user_status,boolean,timestamptz,text,boolean,uuid,uuid,boolean,integer)'::regprocedure), $o$and a.organization_id = organization$o$, $n$$n$); end $m$`
	},
	{
		name: 'list_users answers any active user, not only admins',
		caughtBy: 'pgtap',
		sql: `do $m$ begin execute replace(pg_get_functiondef('public.list_users(text,public.user_role,public.user_status,boolean,timestamptz,text,boolean,uuid,uuid,boolean,integer)'::regprocedure), $o$private.admin_organization_id()$o$, $n$private.active_user_organization_id()$n$); end $m$`
	},
	{
		name: 'count_users counts every organization',
		caughtBy: 'pgtap',
		sql: `do $m$ begin execute replace(pg_get_functiondef('public.count_users(text,public.user_role,public.user_status,boolean,timestamptz)'::regprocedure), $o$where c.organization_id = organization$o$, $n$where true$n$); end $m$`
	},
	{
		name: 'anon may call list_users',
		caughtBy: 'pgtap',
		sql: `grant execute on function public.list_users(text,public.user_role,public.user_status,boolean,timestamptz,text,boolean,uuid,uuid,boolean,integer) to anon`
	},
	{
		name: 'a short search is a pattern (% finds everyone)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.prefix_pattern(fragment text) returns text language sql immutable set search_path = '' as $$ select lower(btrim(fragment)) || '%' $$`
	},
	{
		name: 'one or two letters find any part of a name (as three do)',
		caughtBy: 'pgtap',
		sql: `do $m$ begin execute replace(pg_get_functiondef('private.search_parts(text,text)'::regprocedure), $o$char_length(fragment) <= 2$o$, $n$false$n$); end $m$`
	},
	{
		name: 'drop the counter of updated users',
		caughtBy: 'pgtap',
		sql: `drop trigger count_updated_users on public.users`
	},
	{
		name: 'drop the counter of inserted users',
		caughtBy: 'pgtap',
		sql: `drop trigger count_inserted_users on public.users`
	},
	{
		name: "let every signed-in user read every organization's counts",
		caughtBy: 'pgtap',
		sql: `alter policy "admins read their organization's user counts" on public.organization_user_counts using (true)`
	},
	{
		name: 'drop the banned-user session guard',
		caughtBy: 'pgtap',
		sql: `drop trigger refuse_session_for_banned_user on auth.sessions`
	},
	{
		name: 'unpin search_path of a definer helper',
		caughtBy: 'pgtap',
		sql: `alter function private.admin_organization_id() reset search_path`
	},
	{
		name: 'last-admin trigger without its organization lock',
		caughtBy: 'race',
		sql: `create or replace function private.keep_one_active_admin() returns trigger language plpgsql security definer set search_path = '' as $$
			begin
			  if old.role = 'admin' and old.status = 'active'
			     and (new.role <> 'admin' or new.status <> 'active' or new.organization_id <> old.organization_id)
			     and not exists (select 1 from public.users as u where u.organization_id = old.organization_id
			                     and u.role = 'admin' and u.status = 'active' and u.id <> old.id) then
			    raise exception 'an organization must keep at least one active admin' using errcode = 'PT409';
			  end if;
			  return new;
			end $$`
	},
	{
		name: 'begin_user_action without its row locks (actions on one user interleave)',
		caughtBy: 'race',
		sql: `create or replace function private.begin_user_action(caller_id uuid, target_id uuid) returns public.users language plpgsql security definer set search_path = '' as $$
			declare caller public.users; target public.users;
			begin
			  
			  select * into caller from public.users as u where u.id = caller_id;
			  if caller.id is null or caller.role <> 'admin' or caller.status <> 'active' then raise exception 'caller % is not an active admin', caller_id using errcode = 'UA403'; end if;
			  select * into target from public.users as u where u.id = target_id and u.organization_id = caller.organization_id;
			  if target.id is null then raise exception 'user % is not in organization %', target_id, caller.organization_id using errcode = 'UA404'; end if;
			  return target;
			end $$`
	},
	{
		name: 'begin_user_action checks the caller before it locks (a stale check)',
		caughtBy: 'race',
		sql: `create or replace function private.begin_user_action(caller_id uuid, target_id uuid) returns public.users language plpgsql security definer set search_path = '' as $$
			declare caller public.users; target public.users;
			begin
			  select * into caller from public.users as u where u.id = caller_id;
			  if caller.id is null or caller.role <> 'admin' or caller.status <> 'active' then raise exception 'caller % is not an active admin', caller_id using errcode = 'UA403'; end if;
			  select * into target from public.users as u where u.id = target_id and u.organization_id = caller.organization_id;
			  if target.id is null then raise exception 'user % is not in organization %', target_id, caller.organization_id using errcode = 'UA404'; end if;
			  perform 1 from public.users as u where u.id in (caller_id, target_id) order by u.id for update;
			  return target;
			end $$`
	},
	{
		name: 'begin_user_action locks caller then target, not in id order (admins acting on each other deadlock)',
		caughtBy: 'race',
		sql: `create or replace function private.begin_user_action(caller_id uuid, target_id uuid) returns public.users language plpgsql security definer set search_path = '' as $$
			declare caller public.users; target public.users;
			begin
			  perform 1 from public.users as u where u.id = caller_id for update;
			  perform 1 from public.users as u where u.id = target_id for update;
			  select * into caller from public.users as u where u.id = caller_id;
			  if caller.id is null or caller.role <> 'admin' or caller.status <> 'active' then raise exception 'caller % is not an active admin', caller_id using errcode = 'UA403'; end if;
			  select * into target from public.users as u where u.id = target_id and u.organization_id = caller.organization_id;
			  if target.id is null then raise exception 'user % is not in organization %', target_id, caller.organization_id using errcode = 'UA404'; end if;
			  return target;
			end $$`
	},
	{
		name: 'begin_user_action forgets that the caller must be active',
		caughtBy: 'pgtap',
		sql: `create or replace function private.begin_user_action(caller_id uuid, target_id uuid) returns public.users language plpgsql security definer set search_path = '' as $$
			declare caller public.users; target public.users;
			begin
			  perform 1 from public.users as u where u.id in (caller_id, target_id) order by u.id for update;
			  select * into caller from public.users as u where u.id = caller_id;
			  if caller.id is null or caller.role <> 'admin' then raise exception 'caller % is not an active admin', caller_id using errcode = 'UA403'; end if;
			  select * into target from public.users as u where u.id = target_id and u.organization_id = caller.organization_id;
			  if target.id is null then raise exception 'user % is not in organization %', target_id, caller.organization_id using errcode = 'UA404'; end if;
			  return target;
			end $$`
	},
	{
		name: "begin_user_action forgets the caller's organization",
		caughtBy: 'pgtap',
		sql: `create or replace function private.begin_user_action(caller_id uuid, target_id uuid) returns public.users language plpgsql security definer set search_path = '' as $$
			declare caller public.users; target public.users;
			begin
			  perform 1 from public.users as u where u.id in (caller_id, target_id) order by u.id for update;
			  select * into caller from public.users as u where u.id = caller_id;
			  if caller.id is null or caller.role <> 'admin' or caller.status <> 'active' then raise exception 'caller % is not an active admin', caller_id using errcode = 'UA403'; end if;
			  select * into target from public.users as u where u.id = target_id;
			  if target.id is null then raise exception 'user % is not in organization %', target_id, caller.organization_id using errcode = 'UA404'; end if;
			  return target;
			end $$`
	},
	{
		name: 'begin_user_creation without its lock (a demotion does not wait for creations in flight)',
		caughtBy: 'race',
		sql: `create or replace function private.begin_user_creation(creator_id uuid, organization_id uuid) returns void language plpgsql security definer set search_path = '' as $$
			begin
			  perform 1 from public.users as u where u.id = creator_id and u.organization_id = begin_user_creation.organization_id and u.role = 'admin' and u.status = 'active';
			  if not found then raise exception 'caller % is not an active admin of organization %', creator_id, organization_id using errcode = 'UA403'; end if;
			end $$`
	},
	{
		name: 'begin_user_creation forgets the role (a demoted admin keeps creating users)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.begin_user_creation(creator_id uuid, organization_id uuid) returns void language plpgsql security definer set search_path = '' as $$
			begin
			  perform 1 from public.users as u where u.id = creator_id and u.organization_id = begin_user_creation.organization_id and u.status = 'active' for share;
			  if not found then raise exception 'caller % is not an active admin of organization %', creator_id, organization_id using errcode = 'UA403'; end if;
			end $$`
	},
	{
		name: 'let the service role start admin actions (reachable through /rpc)',
		caughtBy: 'pgtap',
		sql: `grant execute on function private.begin_user_action(uuid, uuid) to service_role`
	},
	// Temporary passwords (20261201130000…100200) and the sign-in time.
	{
		name: 'admin helper forgets the temporary password (a temporary admin keeps admin rights)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.admin_organization_id() returns uuid language sql stable security definer set search_path = '' as $$
			select u.organization_id from public.users as u where u.id = (select auth.uid()) and u.role = 'admin' and u.status = 'active' $$`
	},
	{
		name: 'caller_is_active_admin forgets the temporary password (a temporary admin reads everyone)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.caller_is_active_admin() returns boolean language sql stable security definer set search_path = '' as $$
			select exists (select 1 from public.users as u where u.id = (select auth.uid()) and u.role = 'admin' and u.status = 'active') $$`
	},
	{
		name: 'manager update policy forgets the temporary password',
		caughtBy: 'pgtap',
		sql: `alter policy "active managers update their own row" on public.users
			using (id = (select auth.uid()) and role = 'manager' and status = 'active')
			with check (id = (select auth.uid()) and role = 'manager' and status = 'active')`
	},
	{
		name: 'grant update of must_change_password to authenticated (users clear their own flag)',
		caughtBy: 'pgtap',
		sql: `grant update (must_change_password) on public.users to authenticated`
	},
	{
		name: 'grant update of must_change_password to service_role (the key clears flags)',
		caughtBy: 'pgtap',
		sql: `grant update (must_change_password) on public.users to service_role`
	},
	{
		name: 'service_role keeps table-wide insert and update (every new column writable)',
		caughtBy: 'pgtap',
		sql: `grant insert, update on public.users to service_role`
	},
	{
		name: 'grant update of last_sign_in_at to authenticated',
		caughtBy: 'pgtap',
		sql: `grant update (last_sign_in_at) on public.users to authenticated`
	},
	{
		name: 'begin_user_action forgets the temporary password (a temporary admin acts)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.begin_user_action(caller_id uuid, target_id uuid) returns public.users language plpgsql security definer set search_path = '' as $$
			declare caller public.users; target public.users;
			begin
			  perform 1 from public.users as u where u.id in (caller_id, target_id) order by u.id for update;
			  select * into caller from public.users as u where u.id = caller_id;
			  if caller.id is null or caller.role <> 'admin' or caller.status <> 'active' then raise exception 'caller % is not an active admin', caller_id using errcode = 'UA403'; end if;
			  select * into target from public.users as u where u.id = target_id and u.organization_id = caller.organization_id;
			  if target.id is null then raise exception 'user % is not in organization %', target_id, caller.organization_id using errcode = 'UA404'; end if;
			  return target;
			end $$`
	},
	{
		name: 'begin_user_creation forgets the temporary password (a temporary admin creates users)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.begin_user_creation(creator_id uuid, organization_id uuid) returns void language plpgsql security definer set search_path = '' as $$
			begin
			  perform 1 from public.users as u where u.id = creator_id and u.organization_id = begin_user_creation.organization_id and u.role = 'admin' and u.status = 'active' for share;
			  if not found then raise exception 'caller % is not an active admin of organization %', creator_id, organization_id using errcode = 'UA403'; end if;
			end $$`
	},
	{
		name: 'begin_password_change forgets status (a deactivated user changes their password)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.begin_password_change(user_id uuid) returns public.users language plpgsql security definer set search_path = '' as $$
			declare target public.users;
			begin
			  select * into target from public.users as u where u.id = user_id for update;
			  if target.id is null then raise exception 'user % is not an active user', user_id using errcode = 'UA403'; end if;
			  return target;
			end $$`
	},
	{
		name: 'let signed-in users start a password change (reachable through /rpc)',
		caughtBy: 'pgtap',
		sql: `grant execute on function private.begin_password_change(uuid) to authenticated`
	},
	{
		name: 'drop the sign-in copy trigger on auth.users',
		caughtBy: 'pgtap',
		sql: `drop trigger copy_last_sign_in_at on auth.users`
	},
	{
		name: 'drop the trigger that keeps last_sign_in_at equal to Auth',
		caughtBy: 'pgtap',
		sql: `drop trigger keep_last_sign_in_at on public.users`
	},
	{
		name: 'the sign-in copy waits for a locked row (a sign-in and an admin action deadlock through Auth)',
		caughtBy: 'race',
		sql: `create or replace function private.copy_last_sign_in_at() returns trigger language plpgsql security definer set search_path = '' as $$
			begin
			  update public.users as u set last_sign_in_at = new.last_sign_in_at where u.id = new.id;
			  return null;
			end $$`
	},
	{
		name: 'drop the activity log read policy',
		caughtBy: 'pgtap',
		sql: `drop policy "active admins read their organization's activity" on public.activity_log`
	},
	{
		name: 'activity read policy forgets the organization (every admin reads every log)',
		caughtBy: 'pgtap',
		sql: `alter policy "active admins read their organization's activity" on public.activity_log
			using ((select private.caller_is_active_admin()))`
	},
	{
		name: 'activity read policy lets every active user read their organization log',
		caughtBy: 'pgtap',
		sql: `alter policy "active admins read their organization's activity" on public.activity_log
			using (organization_id = (select private.active_user_organization_id()))`
	},
	{
		name: 'let signed-in users write activity entries',
		caughtBy: 'pgtap',
		sql: `grant insert on public.activity_log to authenticated`
	},
	{
		name: 'let the service role change and delete activity entries',
		caughtBy: 'pgtap',
		sql: `grant update, delete, truncate on public.activity_log to service_role`
	},
	{
		name: 'drop the append-only trigger (the owner rewrites history)',
		caughtBy: 'pgtap',
		sql: `drop trigger refuse_activity_change on public.activity_log`
	},
	{
		name: 'drop the truncate guard of the activity log',
		caughtBy: 'pgtap',
		sql: `drop trigger refuse_activity_truncate on public.activity_log`
	},
	{
		name: 'stop recording changes of users',
		caughtBy: 'pgtap',
		sql: `drop trigger record_user_change on public.users`
	},
	{
		name: 'stop recording sign-ins',
		caughtBy: 'pgtap',
		sql: `drop trigger record_sign_in on auth.sessions`
	},
	{
		name: 'record every named field, changed or not',
		caughtBy: 'pgtap',
		sql: `create or replace function private.field_changes(old_row public.users, new_row public.users, fields text[]) returns jsonb language sql immutable set search_path = '' as $$
			select coalesce(jsonb_object_agg(f, jsonb_build_object('from', to_jsonb(old_row) -> f, 'to', to_jsonb(new_row) -> f)), '{}')
			from unnest(fields) as f $$`
	},
	{
		name: 'take the actor from a claim the caller chooses (a forged actor)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.record_activity(target public.users, action public.activity_action, changes jsonb default '{}', details jsonb default '{}') returns void language plpgsql security definer set search_path = '' as $$
			declare actor uuid := coalesce((nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'actor_id')::uuid, (select auth.uid()));
			begin
			  insert into public.activity_log (organization_id, actor_type, actor_id, target_id, action, changes, details, request_id)
			  values (target.organization_id, case when actor is not null then 'user' when (select auth.role()) = 'service_role' then 'service' else 'operator' end::public.activity_actor_type,
			          actor, target.id, action, changes, details, nullif(current_setting('activity.request_id', true), ''));
			end $$`
	},
	{
		name: 'end_user_sessions stops recording',
		caughtBy: 'pgtap',
		sql: `create or replace function public.end_user_sessions(target_user_id uuid) returns integer language plpgsql security definer set search_path = '' as $$
			declare ended integer;
			begin
			  with deleted as (delete from auth.sessions as s where s.user_id = target_user_id returning 1)
			  select count(*)::integer into ended from deleted;
			  return ended;
			end $$`
	},
	{
		name: 'the functions may record any action (a role change that never happened)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.record_user_activity(target_id uuid, action public.activity_action, details jsonb default '{}') returns void language plpgsql security definer set search_path = '' as $$
			declare target public.users;
			begin
			  select * into target from public.users as u where u.id = target_id;
			  if target.id is null then raise exception 'user % does not exist', target_id using errcode = 'UA404'; end if;
			  perform private.record_activity(target, action, details => details);
			end $$`
	},
	{
		name: 'let the service role record password actions through /rpc',
		caughtBy: 'pgtap',
		sql: `grant usage on schema private to service_role; grant execute on function private.record_user_activity(uuid, public.activity_action, jsonb) to service_role`
	},
	{
		name: 'user_sessions forgets the organization (any admin reads any user sessions)',
		caughtBy: 'pgtap',
		sql: `create or replace function public.user_sessions(user_id uuid) returns table (id uuid, created_at timestamptz, refreshed_at timestamptz, user_agent text, ip_address text, current boolean) language sql stable security definer set search_path = '' as $$
			select s.id, s.created_at, coalesce(s.refreshed_at at time zone 'UTC', s.updated_at, s.created_at), s.user_agent, host(s.ip), false
			from auth.sessions as s join public.users as u on u.id = s.user_id
			where s.user_id = user_sessions.user_id and ((select private.caller_is_active_admin()) or u.id = (select auth.uid()))
			order by 3 desc, s.id $$`
	},
	{
		name: 'let anon list sessions',
		caughtBy: 'pgtap',
		sql: `grant execute on function public.user_sessions(uuid) to anon`
	},
	{
		name: 'a token outlives its session (ended sessions keep reading for up to an hour)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.session_is_live() returns boolean language sql stable security definer set search_path = '' as $$ select true $$`
	},
	{
		name: 'any session of anyone keeps a token alive',
		caughtBy: 'pgtap',
		sql: `create or replace function private.session_is_live() returns boolean language sql stable security definer set search_path = '' as $$
			select exists (select 1 from auth.sessions as s where s.id = nullif((select auth.jwt()) ->> 'session_id', '')::uuid) $$`
	},
	{
		name: 'record a sign-in at its first statement (before Auth wrote how it was authenticated)',
		caughtBy: 'pgtap',
		sql: `drop trigger record_sign_in on auth.sessions; create trigger record_sign_in after insert on auth.sessions for each row execute function private.record_sign_in()`
	},
	{
		name: 'drop the search terms counter of updated users',
		caughtBy: 'pgtap',
		sql: `drop trigger count_updated_users_search_terms on public.users`
	},
	{
		name: 'drop the search terms counter of inserted users',
		caughtBy: 'pgtap',
		sql: `drop trigger count_inserted_users_search_terms on public.users`
	},
	{
		name: 'a search term outlives its last user (a renamed-away name stays searchable)',
		caughtBy: 'pgtap',
		sql: `do $m$ begin execute replace(replace(pg_get_functiondef('private.apply_users_search_term_changes(jsonb)'::regprocedure), $o$and t.users = -change.delta;$o$, $n$and false;$n$), $o$set users = t.users + change.delta$o$, $n$set users = greatest(t.users + change.delta, 1)$n$); end $m$`
	},
	{
		name: 'a search term is removed when this transaction sees no one else with it (a concurrent newcomer loses it)',
		caughtBy: 'race',
		sql: `do $m$ begin execute replace(pg_get_functiondef('private.apply_users_search_term_changes(jsonb)'::regprocedure), $o$and t.users = -change.delta;$o$, $n$and not exists (select from public.users as u where u.organization_id = change.organization_id and change.field = 'last_name' and lower(u.last_name) = change.term and u.id is not null);$n$); end $m$`
	},
	{
		name: 'search candidates miss fragments across the space between the names',
		caughtBy: 'pgtap',
		sql: `do $m$ begin execute replace(pg_get_functiondef('private.search_candidates(uuid,text,text)'::regprocedure), $o$generate_series(2, char_length(needle) - 1)$o$, $n$generate_series(2, 1)$n$); end $m$`
	},
	{
		name: 'search candidates miss the part of an email before its "@"',
		caughtBy: 'pgtap',
		sql: `do $m$ begin execute replace(pg_get_functiondef('private.search_candidates(uuid,text,text)'::regprocedure), $o$conditions := conditions || case when char_length(needle) >= 4$o$, $n$conditions := conditions || case when false$n$); end $m$`
	},
	{
		name: 'search candidates miss fragments across an email\'s "@"',
		caughtBy: 'pgtap',
		sql: `do $m$ begin execute replace(pg_get_functiondef('private.search_candidates(uuid,text,text)'::regprocedure), $o$'email_domain', tail, 'start'$o$, $n$'email_domain', tail || '~', 'start'$n$); end $m$`
	},
	{
		name: 'search candidates miss letters in addresses not made of their names',
		caughtBy: 'pgtap',
		sql: `do $m$ begin execute replace(pg_get_functiondef('private.search_candidates(uuid,text,text)'::regprocedure), $o$conditions := conditions || format('u.id = any(%L::uuid[])', listed);$o$, $n$null;$n$); end $m$`
	},
	{
		name: 'every address counts as made of its names (letters found in no address)',
		caughtBy: 'pgtap',
		sql: `create or replace function private.email_follows_names(email text, first_name text, last_name text) returns boolean language sql immutable set search_path = '' as $f$ select true $f$`
	},
	{
		name: 'search candidates leave out the last names holding a fragment in the name order',
		caughtBy: 'pgtap',
		sql: `do $m$ begin execute replace(pg_get_functiondef('private.search_candidates(uuid,text,text)'::regprocedure), $o$ranges := format('%s = any(%L::text[])', field.expression, terms);$o$, $n$null;$n$); end $m$`
	},
	{
		name: "list_users skips the name order's ranges of last names",
		caughtBy: 'pgtap',
		sql: `do $m$ begin execute replace(pg_get_functiondef('public.list_users(text,public.user_role,public.user_status,boolean,timestamptz,text,boolean,uuid,uuid,boolean,integer)'::regprocedure), $o$if candidates[1] <> 'false' then$o$, $n$if false then$n$); end $m$`
	},
	{
		name: 'admins may read the search terms (every name and domain of the organization, and of others)',
		caughtBy: 'pgtap',
		sql: `grant select on private.users_search_terms to authenticated`
	}
];
