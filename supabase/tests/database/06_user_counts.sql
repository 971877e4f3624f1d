-- public.organization_user_counts: exact after every kind of change, and readable by admins only.
begin;
\ir _personas.psql

create function tests.counts_match() returns boolean language sql as $$
  select not exists (
    (select organization_id, role, status, count(*)::int from public.users group by 1, 2, 3)
    except
    (select organization_id, role, status, users from public.organization_user_counts where users > 0)
  ) and not exists (
    (select organization_id, role, status, users from public.organization_user_counts where users > 0)
    except
    (select organization_id, role, status, count(*)::int from public.users group by 1, 2, 3)
  )
$$;

select plan(15);

select ok(tests.counts_match(), 'the fixture''s users are counted');
select results_eq(
  $$select role::text, status::text, users from public.organization_user_counts where organization_id = 'a0000000-0000-4000-8000-000000000000' and users > 0 order by 1, 2$$,
  $$values ('admin', 'active', 2), ('admin', 'inactive', 1), ('external', 'active', 1), ('manager', 'active', 1), ('member', 'active', 1)$$,
  'Acme: two active admins, one inactive, a manager, a member, an external user');

select tests.act_as('admin');
select is(tests.rows_affected(format($$update public.users set role = 'manager' where id = %L$$, tests.id('member'))), 1::bigint,
  'the admin''s role change happened (so the counters below have something to follow)');
select tests.act_as('service_role');
update public.users set status = 'inactive' where id = tests.id('external');
update public.users set organization_id = 'b0000000-0000-4000-8000-000000000000' where id = tests.id('manager');
update public.users set first_name = 'Renamed' where organization_id = 'a0000000-0000-4000-8000-000000000000';
select tests.act_as_claims('postgres', '{}');
select ok(tests.counts_match(), 'role, status and organization changes move users between counters; other changes do not');

insert into auth.users (id, aud, role, email)
select gen_random_uuid(), 'authenticated', 'authenticated', 'bulk' || g || '@acme.test' from generate_series(1, 50) as g;
insert into public.users (id, organization_id, email, first_name, last_name, role)
select id, 'a0000000-0000-4000-8000-000000000000', email, 'Bulk', 'User', case when email like 'bulk1%' then 'external'::public.user_role else 'member' end
from auth.users where email like 'bulk%@acme.test';
select ok(tests.counts_match(), 'a bulk insert of 50 users is counted');
select is((select users from public.organization_user_counts where organization_id = 'a0000000-0000-4000-8000-000000000000' and role = 'member' and status = 'active'),
  (select count(*)::int from public.users where organization_id = 'a0000000-0000-4000-8000-000000000000' and role = 'member' and status = 'active'),
  'Acme''s active members are counted exactly');

-- Readers: the organization's active admins only.
select tests.act_as('second_admin');
select is((select count(distinct organization_id)::int from public.organization_user_counts), 1, 'an admin reads one organization''s counts');
select is((select sum(users)::int from public.organization_user_counts), (select count(*)::int from public.users), 'and they add up to the users the admin can list');
select tests.act_as('stranger');
select is((select array_agg(distinct organization_id) from public.organization_user_counts), array['b0000000-0000-4000-8000-000000000000'::uuid], 'Globex''s admin reads Globex''s counts only');
select tests.act_as('member');
select is_empty($$select 1 from public.organization_user_counts$$, 'a member reads no counts');
select tests.act_as('inactive_admin');
select is_empty($$select 1 from public.organization_user_counts$$, 'an inactive admin reads no counts');
select tests.act_as('anon');
select throws_ok($$select 1 from public.organization_user_counts$$, '42501', 'permission denied for table organization_user_counts', 'anon cannot read counts');

-- Writers: nobody but the triggers.
select tests.act_as('admin');
select throws_ok($$update public.organization_user_counts set users = 0$$, '42501', 'permission denied for table organization_user_counts', 'an admin cannot change the counts');
select tests.act_as('service_role');
select throws_ok($$insert into public.organization_user_counts (organization_id, role, status, users) values ('a0000000-0000-4000-8000-000000000000', 'admin', 'active', 99)$$,
  '42501', 'permission denied for table organization_user_counts', 'the service role cannot write the counts');
select throws_ok($$delete from public.organization_user_counts$$, '42501', 'permission denied for table organization_user_counts', 'nor delete them');

select * from finish();
rollback;
