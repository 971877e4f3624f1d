-- Who writes what (invariants 2 and 4), persona by persona: insert, update of each column, delete.
begin;
\ir _personas.psql

-- Tries to change each column of one row as the current role, each attempt undone afterwards, and
-- returns the columns whose update touched the row without error. The new values are valid ones,
-- so only privileges, policies and triggers can refuse them.
create function tests.updatable_columns(target uuid)
returns text[]
language plpgsql
as $$
declare
  attempts constant text[][] := array[
    ['id',              quote_literal(tests.id('ghost'))],
    ['organization_id', 'case when organization_id = ''a0000000-0000-4000-8000-000000000000'' then ''b0000000-0000-4000-8000-000000000000''::uuid else ''a0000000-0000-4000-8000-000000000000''::uuid end'],
    ['email',           '''changed.'' || email'],
    ['first_name',      '''Changed'''],
    ['last_name',       '''Changed'''],
    ['role',            'case when role = ''member'' then ''external''::public.user_role else ''member''::public.user_role end'],
    ['status',          'case when status = ''active'' then ''inactive''::public.user_status else ''active''::public.user_status end'],
    ['created_at',      'created_at - interval ''1 day'''],
    ['updated_at',      'updated_at - interval ''1 day'''],
    ['created_by',      quote_literal(tests.id('second_admin'))]
  ];
  changed text[] := '{}';
  affected bigint;
begin
  for i in 1 .. array_length(attempts, 1) loop
    begin
      execute format('update public.users set %I = %s where id = %L', attempts[i][1], attempts[i][2], target);
      get diagnostics affected = row_count;
      if affected > 0 then
        changed := changed || attempts[i][1];
      end if;
      raise exception using errcode = 'TSTUN', message = 'undo this attempt';
    exception when others then
      null;
    end;
  end loop;
  return changed;
end;
$$;
grant execute on function tests.updatable_columns(uuid) to anon, authenticated, service_role;

create function tests.insert_user_sql(persona text)
returns text
language sql
as $$
  select format(
    'insert into public.users (id, organization_id, email, first_name, last_name, role) values (%L, %L, %L, ''New'', ''Person'', ''admin'')',
    tests.id('ghost'), 'a0000000-0000-4000-8000-000000000000', persona || '.made@acme.test')
$$;
grant execute on function tests.insert_user_sql(text) to anon, authenticated, service_role;

select plan(75);

-- admin --------------------------------------------------------------------------------------------
-- An update without a filter reads no column, so Postgres checks it against the update policies
-- alone (select policies do not apply): each persona's reach must hold there too.
select tests.act_as('admin');
select is(tests.rows_affected($$update public.users set last_name = 'Renamed'$$), 6::bigint, 'an unfiltered update by an admin reaches the six users of Acme only');
select tests.act_as('manager');
select is(tests.rows_affected($$update public.users set last_name = 'Renamed'$$), 1::bigint, 'an unfiltered update by a manager reaches their own row only');
select tests.act_as('member');
select is(tests.rows_affected($$update public.users set last_name = 'Renamed'$$), 0::bigint, 'an unfiltered update by a member reaches nothing');
select tests.act_as('inactive_admin');
select is(tests.rows_affected($$update public.users set last_name = 'Renamed'$$), 0::bigint, 'an unfiltered update by an inactive admin reaches nothing');
select tests.act_as('stranger');
select is(tests.rows_affected($$update public.users set last_name = 'Renamed'$$), 2::bigint, 'an unfiltered update by Globex''s admin reaches Globex only');
select tests.act_as('ghost');
select is(tests.rows_affected($$update public.users set last_name = 'Renamed'$$), 0::bigint, 'an unfiltered update with a token without a row reaches nothing');

select tests.act_as('admin');
select is(tests.updatable_columns(tests.id('member')), array['first_name', 'last_name', 'role'],
  'admin changes a member''s first name, last name and role, nothing else');
select is(tests.updatable_columns(tests.id('inactive_admin')), array['first_name', 'last_name', 'role'],
  'admin edits an inactive user of their organization too');
select is(tests.updatable_columns(tests.id('second_admin')), array['first_name', 'last_name', 'role'],
  'admin may demote another admin while one stays');
select is(tests.updatable_columns(tests.id('admin')), array['first_name', 'last_name'],
  'admin edits their own name but not their own role');
select is(tests.updatable_columns(tests.id('stranger_member')), array[]::text[],
  'admin changes nothing of another organization');
select throws_ok(format($$update public.users set status = 'inactive' where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'admin cannot set status through the Data API');
select throws_ok(format($$update public.users set email = 'x@acme.test' where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'admin cannot set email through the Data API');
select throws_ok(format($$update public.users set organization_id = 'b0000000-0000-4000-8000-000000000000' where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'admin cannot move a user to another organization');
select throws_ok(format($$update public.users set role = 'member' where id = %L$$, tests.id('admin')),
  'PT403', 'you cannot change your own role or status', 'admin is told they cannot change their own role');
select is(tests.rows_affected(format($$update public.users set role = 'admin' where id = %L$$, tests.id('stranger_member'))), 0::bigint,
  'admin cannot promote a user of another organization');
select throws_ok(tests.insert_user_sql('admin'), '42501', 'permission denied for table users', 'admin cannot insert users directly');
select throws_ok(format($$delete from public.users where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'admin cannot delete users');
select throws_ok($$update public.organizations set name = 'Mine'$$, '42501', 'permission denied for table organizations',
  'admin cannot rename organizations');

-- values that break the shape of a name are refused, not stored
select throws_ok(format($$update public.users set first_name = '' where id = %L$$, tests.id('member')),
  '23514', 'new row for relation "users" violates check constraint "users_first_name_length"', 'empty first name is refused');
select throws_ok(format($$update public.users set last_name = repeat('x', 101) where id = %L$$, tests.id('member')),
  '23514', 'new row for relation "users" violates check constraint "users_last_name_length"', 'a 101-character last name is refused');
select throws_ok(format($$update public.users set first_name = E'Bob\u0007' where id = %L$$, tests.id('member')),
  '23514', 'new row for relation "users" violates check constraint "users_first_name_clean"', 'control characters in a name are refused');
select throws_ok(format($$update public.users set last_name = ' Padded ' where id = %L$$, tests.id('member')),
  '23514', 'new row for relation "users" violates check constraint "users_last_name_clean"', 'untrimmed names are refused');
select is(tests.rows_affected(format($$update public.users set first_name = 'Zoë 李' where id = %L$$, tests.id('member'))), 1::bigint,
  'unicode names are stored');
select throws_ok(format($$update public.users set first_name = E'\u200B' where id = %L$$, tests.id('member')),
  '23514', 'new row for relation "users" violates check constraint "users_first_name_clean"', 'a zero-width space (a blank-looking name) is refused');
select throws_ok(format($$update public.users set last_name = E'\u202Enimda' where id = %L$$, tests.id('member')),
  '23514', 'new row for relation "users" violates check constraint "users_last_name_clean"', 'a right-to-left override (a reversed name) is refused');
select throws_ok(format($$update public.users set first_name = E'Ada\U000E0001' where id = %L$$, tests.id('member')),
  '23514', 'new row for relation "users" violates check constraint "users_first_name_clean"', 'invisible tag characters beyond the BMP are refused');
select throws_ok(format($$update public.users set first_name = E'\u00A0' where id = %L$$, tests.id('member')),
  '23514', 'new row for relation "users" violates check constraint "users_first_name_clean"', 'a name of one no-break space is refused');
select is(tests.rows_affected(format($$update public.users set last_name = E'Mo\u200Cmeni' where id = %L$$, tests.id('member'))), 1::bigint,
  'a zero-width non-joiner, which Persian names need, is stored');

-- second admin ---------------------------------------------------------------------------------------
select tests.act_as('second_admin');
select is(tests.updatable_columns(tests.id('admin')), array['first_name', 'last_name', 'role'],
  'second admin edits the first admin like any user');
select throws_ok(tests.insert_user_sql('second_admin'), '42501', 'permission denied for table users', 'second admin cannot insert users');
select throws_ok(format($$delete from public.users where id = %L$$, tests.id('admin')),
  '42501', 'permission denied for table users', 'second admin cannot delete users');

-- manager ----------------------------------------------------------------------------------------------
select tests.act_as('manager');
select is(tests.updatable_columns(tests.id('manager')), array['first_name', 'last_name'],
  'manager edits their own first and last name only');
select is(tests.updatable_columns(tests.id('member')), array[]::text[], 'manager changes nothing of another user');
select throws_ok(format($$update public.users set role = 'admin' where id = %L$$, tests.id('manager')),
  'PT403', 'you cannot change your own role or status', 'manager cannot promote themselves');
select throws_ok(tests.insert_user_sql('manager'), '42501', 'permission denied for table users', 'manager cannot insert users');
select throws_ok(format($$delete from public.users where id = %L$$, tests.id('manager')),
  '42501', 'permission denied for table users', 'manager cannot delete users');

-- member -----------------------------------------------------------------------------------------------
select tests.act_as('member');
select is(tests.updatable_columns(tests.id('member')), array[]::text[], 'member cannot edit their own row: an admin does');
select is(tests.updatable_columns(tests.id('admin')), array[]::text[], 'member changes nothing of an admin');
select throws_ok(tests.insert_user_sql('member'), '42501', 'permission denied for table users', 'member cannot insert users');
select throws_ok(format($$delete from public.users where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'member cannot delete users');

-- external ---------------------------------------------------------------------------------------------
select tests.act_as('external');
select is(tests.updatable_columns(tests.id('external')), array[]::text[], 'external cannot edit their own row');
select is(tests.updatable_columns(tests.id('member')), array[]::text[], 'external changes nothing of another user');
select throws_ok(tests.insert_user_sql('external'), '42501', 'permission denied for table users', 'external cannot insert users');
select throws_ok(format($$delete from public.users where id = %L$$, tests.id('external')),
  '42501', 'permission denied for table users', 'external cannot delete users');

-- inactive admin, still holding a valid token -------------------------------------------------------
select tests.act_as('inactive_admin');
select is(tests.updatable_columns(tests.id('member')), array[]::text[], 'inactive admin changes nothing of their former organization');
select is(tests.updatable_columns(tests.id('inactive_admin')), array[]::text[], 'inactive admin cannot edit their own row');
select throws_ok(tests.insert_user_sql('inactive_admin'), '42501', 'permission denied for table users', 'inactive admin cannot insert users');
select throws_ok(format($$delete from public.users where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'inactive admin cannot delete users');

-- stranger: admin of Globex ------------------------------------------------------------------------------
select tests.act_as('stranger');
select is(tests.updatable_columns(tests.id('member')), array[]::text[], 'stranger changes nothing of Acme');
select is(tests.updatable_columns(tests.id('admin')), array[]::text[], 'stranger cannot demote Acme''s admin');
select is(tests.updatable_columns(tests.id('stranger_member')), array['first_name', 'last_name', 'role'],
  'stranger administers their own organization normally');
select throws_ok(tests.insert_user_sql('stranger'), '42501', 'permission denied for table users', 'stranger cannot insert users into Acme');
select throws_ok(format($$delete from public.users where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'stranger cannot delete users');

-- ghost: valid token, no row ------------------------------------------------------------------------------
select tests.act_as('ghost');
select is(tests.updatable_columns(tests.id('member')), array[]::text[], 'a token without a row changes nothing');
select throws_ok(tests.insert_user_sql('ghost'), '42501', 'permission denied for table users', 'a token without a row cannot create its own row');
select throws_ok(format($$delete from public.users where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'a token without a row cannot delete users');

-- anon ----------------------------------------------------------------------------------------------------
select tests.act_as('anon');
select throws_ok(format($$update public.users set first_name = 'Anon' where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'anon cannot update users');
select throws_ok(tests.insert_user_sql('anon'), '42501', 'permission denied for table users', 'anon cannot insert users');
select throws_ok(format($$delete from public.users where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'anon cannot delete users');
select throws_ok($$insert into public.organizations (name) values ('Evil')$$, '42501', 'permission denied for table organizations',
  'anon cannot create organizations');

-- service_role: the Edge Functions' role, after their own checks --------------------------------------------
select tests.act_as('service_role');
select is(tests.updatable_columns(tests.id('member')),
  array['id', 'organization_id', 'email', 'first_name', 'last_name', 'role', 'status', 'created_at', 'updated_at', 'created_by'],
  'service_role may change every column');
select lives_ok(tests.insert_user_sql('service_role'), 'service_role inserts users');
select throws_ok(format($$delete from public.users where id = %L$$, tests.id('member')),
  '42501', 'permission denied for table users', 'service_role cannot delete users');
select throws_ok($$truncate public.users$$, '42501', 'permission denied for table users', 'service_role cannot truncate users');
select throws_ok(format($$insert into public.users (id, organization_id, email, first_name, last_name) values (%L, 'a0000000-0000-4000-8000-000000000000', 'nobody@acme.test', 'A', 'B')$$, gen_random_uuid()),
  '23503', null, 'a users row needs an Auth user');
select throws_ok(format($$insert into public.users (id, organization_id, email, first_name, last_name) values (%L, 'a0000000-0000-4000-8000-000000000000', 'twice@acme.test', 'A', 'B')$$, tests.id('ghost')),
  '23505', null, 'one users row per Auth user');
select throws_ok(format($$update public.users set email = 'Mixed@Case.test' where id = %L$$, tests.id('member')),
  '23514', 'new row for relation "users" violates check constraint "users_email_normalized"', 'emails are stored trimmed and lower-cased');
select throws_ok(format($$update public.users set email = 'ada@acme.test' where id = %L$$, tests.id('member')),
  '23505', 'duplicate key value violates unique constraint "users_email_key"', 'two users never share an email');

-- even the table owner: users are deactivated, never deleted ------------------------------------------------
select tests.act_as_claims('postgres', '{}');
select throws_ok(format($$delete from public.users where id = %L$$, tests.id('member')),
  '42501', 'users are never deleted', 'not even the owner deletes a user');
select throws_ok($$truncate public.users cascade$$, '42501', 'users are never deleted', 'not even the owner truncates users');
select throws_ok(format($$delete from auth.users where id = %L$$, tests.id('member')),
  '23503', null, 'deleting the Auth user of a users row is refused');

-- updated_at follows every change
select lives_ok(format($$update public.users set created_at = now() - interval '1 hour', updated_at = now() - interval '1 hour' where id = %L$$, tests.id('member')),
  'owner backdates a row');
select ok(
  (select updated_at = now() from public.users where id = tests.id('member')),
  'updated_at is reset to the transaction time by any update');

-- Defense in depth: were organization_id ever granted, the admin policy still keeps rows inside
-- the admin's organization.
select tests.act_as_claims('postgres', '{}');
grant update (organization_id) on public.users to authenticated;
select tests.act_as('admin');
select throws_ok(format($$update public.users set organization_id = 'b0000000-0000-4000-8000-000000000000' where id = %L$$, tests.id('member')),
  '42501', 'new row violates row-level security policy for table "users"', 'the admin policy refuses moving a user out of the organization');

select * from finish();
rollback;
