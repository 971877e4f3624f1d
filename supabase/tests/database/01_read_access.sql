-- Who reads what (invariants 1 and 5), persona by persona, as PostgREST would run the request.
begin;
\ir _personas.psql
select plan(27);

-- admin: every row of Acme, including the inactive admin, nothing of Globex.
select tests.act_as('admin');
select results_eq(
  $$select id from public.users order by id$$,
  $$select id from tests.personas where organization_id = 'a0000000-0000-4000-8000-000000000000' order by id$$,
  'admin reads every user of their organization, inactive ones included'
);
select is_empty($$select 1 from public.users where organization_id = 'b0000000-0000-4000-8000-000000000000'$$,
  'admin reads nothing of another organization, even when asking for it');
select results_eq($$select name from public.organizations$$, array['Acme'], 'admin reads their own organization only');

-- second admin: the same view as the first.
select tests.act_as('second_admin');
select is((select count(*)::int from public.users), 6, 'second admin reads the six users of Acme');

-- manager, member, external: their own row and organization, nothing else.
select tests.act_as('manager');
select results_eq($$select id from public.users$$, array[tests.id('manager')], 'manager reads only their own row');
select results_eq($$select name from public.organizations$$, array['Acme'], 'manager reads their own organization');
select is((select count(*)::int from public.users where role = 'admin'), 0, 'manager cannot find admins by filtering');

select tests.act_as('member');
select results_eq($$select id from public.users$$, array[tests.id('member')], 'member reads only their own row');
select is((select count(*)::int from public.users where id = tests.id('admin')), 0, 'member cannot read the admin by id');
select results_eq($$select name from public.organizations$$, array['Acme'], 'member reads their own organization');

select tests.act_as('external');
select results_eq($$select id from public.users$$, array[tests.id('external')], 'external reads only their own row');
select results_eq($$select email from public.users$$, array['ext@partner.test'], 'external sees their own email');

-- inactive admin with a still-valid token: nothing at all, not even their own row.
select tests.act_as('inactive_admin');
select is_empty($$select 1 from public.users$$, 'inactive admin reads no user, own row included');
select is_empty($$select 1 from public.organizations$$, 'inactive admin reads no organization');

-- stranger (admin of Globex): Globex only.
select tests.act_as('stranger');
select results_eq(
  $$select id from public.users order by id$$,
  $$values (tests.id('stranger')), (tests.id('stranger_member'))$$,
  'stranger reads their own organization''s users only'
);
select is_empty($$select 1 from public.users where organization_id = 'a0000000-0000-4000-8000-000000000000'$$,
  'stranger reads nothing of Acme');
select results_eq($$select name from public.organizations$$, array['Globex'], 'stranger reads only Globex');

select tests.act_as('stranger_member');
select results_eq($$select id from public.users$$, array[tests.id('stranger_member')], 'member of Globex reads only their own row');

-- ghost: a valid token for a user without a row.
select tests.act_as('ghost');
select is_empty($$select 1 from public.users$$, 'a token without a users row reads no user');
select is_empty($$select 1 from public.organizations$$, 'a token without a users row reads no organization');

-- anon: refused outright by privileges, not just filtered.
select tests.act_as('anon');
select throws_ok($$select 1 from public.users$$, '42501', 'permission denied for table users', 'anon cannot select users');
select throws_ok($$select 1 from public.organizations$$, '42501', 'permission denied for table organizations', 'anon cannot select organizations');
select throws_ok($$select private.admin_organization_id()$$, '42501', 'permission denied for schema private', 'anon cannot call the private helpers');

-- service_role: everything (it bypasses RLS; Edge Functions use it after their own checks).
select tests.act_as('service_role');
select is((select count(*)::int from public.users), 8, 'service_role reads every user of every organization');
select is((select count(*)::int from public.organizations), 2, 'service_role reads every organization');

-- The helpers report the caller honestly.
select tests.act_as('admin');
select is(private.admin_organization_id(), 'a0000000-0000-4000-8000-000000000000'::uuid, 'admin helper names the admin''s organization');
select tests.act_as('manager');
select is(private.admin_organization_id(), null, 'admin helper is null for a manager');

select * from finish();
rollback;
