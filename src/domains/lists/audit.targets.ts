// The audit log's words for the objects this domain owns (platform/auditTargets.ts): a list type by its name in
// its latest version; a list entry by its subject (a natural person masked, subjects' subjectAuditNameSql) and
// the list it is on.
import { sql } from 'kysely';
import { bigintIds, type AuditTargetNamer } from '../../platform/auditTargets.ts';
import { subjectAuditNameSql } from '../subjects/index.ts';

/** List types and list entries named for the audit log. */
export const listsAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'list_type',
    sql: (ids) => sql`SELECT DISTINCT ON (code) code AS id, name FROM list_types WHERE code = ANY(${ids}::text[]) ORDER BY code, version DESC`,
  },
  {
    kind: 'list_entry',
    sql: (ids) => sql`
      SELECT e.id, COALESCE(${subjectAuditNameSql(sql`e.subject_id`)}, '主体 ' || e.subject_id) || '（' || COALESCE(t.name, e.list_type) || '）' AS name
      FROM list_entries e
      LEFT JOIN LATERAL (SELECT name FROM list_types WHERE code = e.list_type ORDER BY version DESC LIMIT 1) t ON true
      WHERE e.id = ANY(${bigintIds(ids)}::bigint[])`,
  },
];
