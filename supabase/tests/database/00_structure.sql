-- Structure: RLS everywhere, exact privileges per API role (despite Supabase's default grants),
-- pinned search_path on definer functions, helpers out of anon's reach, comments for the dashboard.
begin;
select plan(45);

-- The database is as the Supabase image leaves it: postgres (which runs the migrations and owns
-- the security-definer helpers) is no superuser, but bypasses RLS; without that, auth.users' RLS
-- would silently hide rows from the helpers and the banned-session trigger would let sessions in.
select is((select rolsuper from pg_roles where rolname = 'postgres'), false, 'postgres is not a superuser, as on Supabase');
select is((select rolbypassrls from pg_roles where rolname = 'postgres'), true, 'postgres bypasses RLS, as on Supabase');

-- Every table in public has row-level security enabled.
select is(
  (select array_agg(c.relname::text order by c.relname)
   from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity),
  null,
  'every table in public has row-level security enabled'
);
select tables_are('public', array['activity_log', 'organization_user_counts', 'organizations', 'users'], 'public holds exactly the tables the policies cover');

select policies_are('public', 'users', array[
  'active users read their organization''s users as their role allows',
  'admins update their organization''s users',
  'active managers update their own row'
], 'users has exactly the reviewed policies');
select policies_are('public', 'organizations', array['active users read their own organization'],
  'organizations has exactly the reviewed policy');
select policies_are('public', 'organization_user_counts', array['admins read their organization''s user counts'],
  'user counts have exactly the reviewed policy');
select table_privs_are('public', 'organization_user_counts', 'authenticated', array['SELECT'], 'authenticated may only read the counts');
select table_privs_are('public', 'organization_user_counts', 'service_role', array['SELECT'], 'not even the service role writes the counts: triggers do');
select table_privs_are('public', 'organization_user_counts', 'anon', array[]::text[], 'anon has no privilege on the counts');
select policy_roles_are('public', 'users', 'active users read their organization''s users as their role allows', array['authenticated'], 'read policy applies to authenticated only');
select policy_cmd_is('public', 'users', 'active users read their organization''s users as their role allows', 'select', 'read policy is for select only');
select policy_roles_are('public', 'users', 'admins update their organization''s users', array['authenticated'], 'admin update policy applies to authenticated only');
select policy_roles_are('public', 'users', 'active managers update their own row', array['authenticated'], 'manager update policy applies to authenticated only');
select policy_cmd_is('public', 'users', 'admins update their organization''s users', 'update', 'admin policy is for update only');

-- Table privileges as the Data API roles see them, although Supabase's default privileges grant
-- everything on new public tables to anon and authenticated.
select table_privs_are('public', 'users', 'anon', array[]::text[], 'anon has no privilege on users');
select table_privs_are('public', 'users', 'authenticated', array['SELECT'], 'authenticated may only select users table-wide');
select table_privs_are('public', 'users', 'service_role', array['SELECT'], 'service_role may not delete or truncate users, and writes column by column');
select is(
  (select array_agg(distinct privilege_type || ' ' || column_name::text order by privilege_type || ' ' || column_name::text)
   from information_schema.column_privileges
   where table_schema = 'public' and table_name = 'users' and grantee = 'service_role' and privilege_type in ('INSERT', 'UPDATE')
     and column_name in ('must_change_password', 'last_sign_in_at')),
  null,
  'service_role writes neither must_change_password nor last_sign_in_at (only the functions'' login does)'
);
select table_privs_are('public', 'organizations', 'anon', array[]::text[], 'anon has no privilege on organizations');
select table_privs_are('public', 'organizations', 'authenticated', array['SELECT'], 'authenticated may only select organizations');
select is(
  (select array_agg(column_name::text order by column_name)
   from information_schema.column_privileges
   where table_schema = 'public' and table_name = 'users' and grantee = 'authenticated' and privilege_type = 'UPDATE'),
  array['first_name', 'last_name', 'role'],
  'authenticated may update first_name, last_name and role only'
);
select is(
  (select count(*)::int from information_schema.column_privileges
   where table_schema = 'public' and grantee = 'anon'),
  0,
  'anon has no column privilege in public'
);

-- Functions: definer functions pin search_path; nothing in private is executable by anon or
-- public; authenticated may execute exactly the helpers the policies call.
select is(
  (select array_agg(p.oid::regprocedure::text)
   from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
   where n.nspname in ('public', 'private') and p.prosecdef
     and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) as c where c like 'search_path=%')),
  null,
  'every security definer function in public and private pins search_path'
);
select is(
  (select array_agg(p.oid::regprocedure::text)
   from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
   where n.nspname = 'private'
     and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('public', p.oid, 'execute'))),
  null,
  'no function in private is executable by anon or public'
);
select is(
  (select array_agg(p.oid::regprocedure::text order by p.proname)
   from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
   where n.nspname = 'private' and has_function_privilege('authenticated', p.oid, 'execute')),
  array['private.active_user_organization_id()', 'private.admin_organization_id()', 'private.caller_is_active_admin()', 'private.email_follows_names(text,text,text)', 'private.is_clean_name(text)', 'private.quadgrams(text)'],
  'authenticated may execute only the three caller helpers the policies use, the name rule the checks use and what the email indexes are made of'
);
select is(
  (select array_agg(p.oid::regprocedure::text order by p.proname)
   from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
   where n.nspname = 'public'),
  array['count_users(text,user_role,user_status,boolean,timestamp with time zone)', 'end_user_sessions(uuid)',
        'list_users(text,user_role,user_status,boolean,timestamp with time zone,text,boolean,uuid,uuid,boolean,integer)',
        'search_users(text)', 'user_sessions(uuid)'],
  'public exposes exactly five functions through /rest/v1/rpc'
);
select is(
  (select array_agg(p.oid::regprocedure::text)
   from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
   where n.nspname = 'public'
     and (has_function_privilege('anon', p.oid, 'execute') or has_function_privilege('public', p.oid, 'execute'))),
  null,
  'no function in public is executable by anon or public'
);
select ok(
  not has_function_privilege('authenticated', 'public.end_user_sessions(uuid)', 'execute')
  and has_function_privilege('service_role', 'public.end_user_sessions(uuid)', 'execute'),
  'end_user_sessions is for the service role only'
);
select ok(has_function_privilege('authenticated', 'public.search_users(text)', 'execute'), 'signed-in users may call search_users (it answers admins only)');
select ok(not has_schema_privilege('anon', 'private', 'usage'), 'anon cannot even resolve names in private');
select is_definer('private', 'admin_organization_id', array[]::name[], 'admin helper reads users as its owner');
select is_definer('private', 'keep_one_active_admin', array[]::name[], 'last-admin guard sees every admin of the organization');

select triggers_are('public', 'users', array[
  'forbid_own_role_or_status_change', 'keep_one_active_admin', 'touch_updated_at',
  'forbid_user_deletion', 'forbid_user_truncation', 'count_inserted_users', 'count_updated_users',
  'keep_last_sign_in_at', 'record_user_change', 'count_inserted_users_search_terms',
  'count_updated_users_search_terms'
], 'users has exactly the guard triggers');
select policies_are('public', 'activity_log', array['active admins read their organization''s activity'],
  'activity_log has exactly the reviewed policy');
select triggers_are('public', 'activity_log', array['refuse_activity_change', 'refuse_activity_truncate'],
  'activity_log has exactly its append-only triggers');
select has_trigger('auth', 'users', 'copy_last_sign_in_at', 'auth.users copies sign-in times into public.users');

-- The policies filter on these; without them every policy check scans the table.
select has_index('public', 'users', 'users_organization_id_last_name_idx', array['organization_id', 'last_name', 'first_name', 'id'], 'users are indexed by organization then name');
select has_index('public', 'users', 'users_email_key', array['email'], 'emails are unique');
select col_is_pk('public', 'users', 'id', 'users are keyed by the Auth user id');
select fk_ok('public', 'users', 'id', 'auth', 'users', 'id', 'every users row belongs to an Auth user');
select enum_has_labels('public', 'user_role', array['admin', 'manager', 'member', 'external'], 'the four roles of the help centre');
select enum_has_labels('public', 'user_status', array['active', 'inactive'], 'users are active or inactive');

-- Comments are what the Supabase dashboard shows operators.
select is(
  (select array_agg(format('%s.%s', c.relname, a.attname) order by c.relname, a.attnum)
   from pg_class as c
   join pg_namespace as n on n.oid = c.relnamespace
   join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
   where n.nspname = 'public' and c.relkind = 'r' and col_description(c.oid, a.attnum) is null),
  null,
  'every column in public has a comment'
);
select is(
  (select array_agg(c.relname::text)
   from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind = 'r' and obj_description(c.oid, 'pg_class') is null),
  null,
  'every table in public has a comment'
);

select * from finish();
rollback;
