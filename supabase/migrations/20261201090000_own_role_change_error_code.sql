-- The own role/status guard answers with an SQLSTATE of its own.
--
-- It raised 42501 (insufficient_privilege), which every missing grant raises too, so callers
-- could only tell this rule apart by its wording. PT403 is this rule alone (PostgREST answers HTTP
-- 403 for it); the Edge Functions and the SPA map it to `cannot_change_self`
-- (supabase/functions/_shared/error-codes.ts), as PT409 maps to `last_admin`.

create or replace function private.forbid_own_role_or_status_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.id = (select auth.uid())
     and (new.role is distinct from old.role or new.status is distinct from old.status) then
    raise exception 'you cannot change your own role or status'
      using errcode = 'PT403',
            hint = 'Ask another admin of your organization to make this change.';
  end if;
  return new;
end;
$$;
