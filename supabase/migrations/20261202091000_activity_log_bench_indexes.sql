-- The Activity page's action filter, through the Data API: an index per action.
--
-- activity_log_action_idx (organization_id, action, occurred_at desc, id desc) cannot serve that
-- filter for anyone RLS applies to. The policy's condition comes first, and `action = $1` compares
-- enums with enum_eq, which PostgreSQL does not mark leakproof, so the planner may not use it in
-- an index scan ahead of the policy: the page walked the organization's log newest first through
-- activity_log_organization_idx and discarded the other actions, reading about a hundred entries
-- for each one it kept (npm run bench, 1,000,000 entries, role changes 1% of them: 4.6 ms for the
-- first page and 7.6 ms deep, against 0.9 and 1.1 ms without RLS), and for an action the
-- organization rarely has, its whole log. A partial index's condition is proved when the query is
-- planned, not run on rows, so RLS does not stand in its way: with the action known (the Data API
-- sends it as a parameter of a statement planned with its values), the planner takes that
-- action's index (1.1 and 1.5 ms). Sign-ins, most of any log, need none: the organization index
-- finds them among the few other entries.
--
-- An action added to public.activity_action needs its index here too; without one, its filter
-- still answers, as slowly as before.

create index activity_log_user_created_idx
  on public.activity_log (organization_id, occurred_at desc, id desc) where action = 'user_created';
create index activity_log_profile_changed_idx
  on public.activity_log (organization_id, occurred_at desc, id desc) where action = 'profile_changed';
create index activity_log_role_changed_idx
  on public.activity_log (organization_id, occurred_at desc, id desc) where action = 'role_changed';
create index activity_log_deactivated_idx
  on public.activity_log (organization_id, occurred_at desc, id desc) where action = 'deactivated';
create index activity_log_activated_idx
  on public.activity_log (organization_id, occurred_at desc, id desc) where action = 'activated';
create index activity_log_password_set_idx
  on public.activity_log (organization_id, occurred_at desc, id desc) where action = 'password_set';
create index activity_log_temporary_password_replaced_idx
  on public.activity_log (organization_id, occurred_at desc, id desc) where action = 'temporary_password_replaced';
create index activity_log_password_recovered_idx
  on public.activity_log (organization_id, occurred_at desc, id desc) where action = 'password_recovered';
create index activity_log_password_changed_idx
  on public.activity_log (organization_id, occurred_at desc, id desc) where action = 'password_changed';
create index activity_log_sessions_ended_idx
  on public.activity_log (organization_id, occurred_at desc, id desc) where action = 'sessions_ended';

-- Only a session without RLS (an operator's SQL) could use it, and every entry paid for it.
drop index public.activity_log_action_idx;
