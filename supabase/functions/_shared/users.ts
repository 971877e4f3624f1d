// The users row as the console shows it, selected the same way by every function.
import type { Database } from '../../../src/lib/database.types.ts';

export const USER_COLUMNS = 'id, organization_id, email, first_name, last_name, role, status, created_at, updated_at, created_by';
export type UserRow = Database['public']['Tables']['users']['Row'];
