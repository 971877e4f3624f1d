-- The User Management table sorts by Last sign-in and filters users who never signed in or not in
-- the last 90 days: an index per organization in that order (nulls — never — first, as the table
-- shows them when sorted ascending), with id as the tiebreak the pages are keyed by.

create index users_last_sign_in_idx
  on public.users (organization_id, last_sign_in_at nulls first, id);
