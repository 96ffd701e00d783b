// The audit log's words for a list type (platform/auditTargets.ts): its name in its latest version.
import { sql } from 'kysely';
import type { AuditTargetNamer } from '../../platform/auditTargets.ts';

/** List types named for the audit log. */
export const listsAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'list_type',
    sql: (ids) => sql`SELECT DISTINCT ON (code) code AS id, name FROM list_types WHERE code = ANY(${ids}::text[]) ORDER BY code, version DESC`,
  },
];
