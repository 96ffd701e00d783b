// The audit log's words for the objects this domain owns (platform/auditTargets.ts): a user by name and login,
// a department by name, an API key by its name and app key.
import { sql } from 'kysely';
import type { AuditTargetNamer } from '../../platform/auditTargets.ts';

// Ids come from stored targets; only whole numbers can be keys of these tables (a failed login names a typed username).
const numeric = (ids: string[]) => ids.filter((id) => /^\d{1,9}$/.test(id)).map(Number);

/** Users, departments and API keys named for the audit log. */
export const authAuditTargets: AuditTargetNamer[] = [
  { kind: 'user', sql: (ids) => sql`SELECT id, display_name || '（' || username || '）' AS name FROM users WHERE id = ANY(${numeric(ids)}::int[])` },
  { kind: 'department', sql: (ids) => sql`SELECT id, name FROM departments WHERE id = ANY(${numeric(ids)}::int[])` },
  { kind: 'apikey', sql: (ids) => sql`SELECT id, name || '（' || app_key || '）' AS name FROM api_keys WHERE id = ANY(${numeric(ids)}::int[])` },
];
