-- An index for every order and filter of the User Management table, so that at a million users in
-- one organization each page is read in order from an index, never sorted or counted.
--
-- The table sorts by name, email, role, status, created and last sign-in, both ways, alone or with
-- a role and/or status filter; public.list_users (next migration) reads them. A filtered order
-- puts the filtered column first (`role = 'admin'` by email reads (organization_id, role, email));
-- with both filters the rarer one's index is walked. Role and status orders end with the name, so
-- with a role filter "by status" is (role, status, name…) and with a status filter "by role" is
-- (status, role, name…).
--
-- Names sort case-insensitively and emails as they are stored (lower case), both in byte order
-- ("C"): the same on every database whatever its collation, and a prefix of a name or email is
-- then a range of the same index, which is how a search for the start of a last name or an email
-- is found in those orders. Last sign-in is indexed as a time with "never" as -infinity: never
-- signed in sorts first ascending and last descending, and a page continues from any row with one
-- row comparison.
--
-- Each order's index also holds the columns a search or sign-in filter tests (include): a page
-- of a search reads the order's index alone until a page of matches is found, about 0.9 µs a row
-- on the benchmark's 2 cores, where reading each row from the table costs 2–5 µs.
--
-- The trigram indexes lose their organization column: for a big organization its posting list
-- (one entry per user) cost 20–30 ms of every fragment search; a small organization's search
-- walks its few rows instead. One- and two-letter searches use the name and email indexes and a
-- first-name prefix index.

drop index public.users_last_sign_in_idx;
drop index public.users_full_name_trgm_idx;
drop index public.users_email_trgm_idx;

create index users_full_name_trgm_idx on public.users
  using gin ((first_name || ' ' || last_name) extensions.gin_trgm_ops);
create index users_email_trgm_idx on public.users using gin (email extensions.gin_trgm_ops);

create index users_organization_name_idx on public.users
  (organization_id, (lower(last_name) collate "C"), (lower(first_name) collate "C"), id)
  include (first_name, last_name, email, last_sign_in_at);
create index users_organization_email_idx on public.users (organization_id, (email collate "C"))
  include (id, first_name, last_name, last_sign_in_at);
create index users_organization_created_idx on public.users (organization_id, created_at, id)
  include (first_name, last_name, email, last_sign_in_at);
create index users_organization_sign_in_idx
  on public.users (organization_id, (coalesce(last_sign_in_at, '-infinity')), id)
  include (first_name, last_name, email, last_sign_in_at);
create index users_organization_first_name_idx
  on public.users (organization_id, (lower(first_name) collate "C"));

create index users_organization_role_status_name_idx on public.users
  (organization_id, role, status, (lower(last_name) collate "C"), (lower(first_name) collate "C"), id)
  include (first_name, last_name, email, last_sign_in_at);
create index users_organization_status_role_name_idx on public.users
  (organization_id, status, role, (lower(last_name) collate "C"), (lower(first_name) collate "C"), id)
  include (first_name, last_name, email, last_sign_in_at);

-- With a role filter.
create index users_organization_role_name_idx on public.users
  (organization_id, role, (lower(last_name) collate "C"), (lower(first_name) collate "C"), id)
  include (first_name, last_name, email, last_sign_in_at);
create index users_organization_role_email_idx
  on public.users (organization_id, role, (email collate "C"))
  include (id, first_name, last_name, last_sign_in_at);
create index users_organization_role_created_idx
  on public.users (organization_id, role, created_at, id)
  include (first_name, last_name, email, last_sign_in_at);
create index users_organization_role_sign_in_idx
  on public.users (organization_id, role, (coalesce(last_sign_in_at, '-infinity')), id)
  include (first_name, last_name, email, last_sign_in_at);

-- With a status filter.
create index users_organization_status_name_idx on public.users
  (organization_id, status, (lower(last_name) collate "C"), (lower(first_name) collate "C"), id)
  include (first_name, last_name, email, last_sign_in_at);
create index users_organization_status_email_idx
  on public.users (organization_id, status, (email collate "C"))
  include (id, first_name, last_name, last_sign_in_at);
create index users_organization_status_created_idx
  on public.users (organization_id, status, created_at, id)
  include (first_name, last_name, email, last_sign_in_at);
create index users_organization_status_sign_in_idx
  on public.users (organization_id, status, (coalesce(last_sign_in_at, '-infinity')), id)
  include (first_name, last_name, email, last_sign_in_at);

-- The users whose email does not begin like their first name: in the email order, a search for the
-- start of a first name reads them apart from the emails that start the same way.
create index users_organization_first_name_unlike_email_idx
  on public.users (organization_id, (lower(first_name) collate "C"))
  where left(lower(first_name), 2) <> left(email, 2);
