// The audit log's words for a credit report (platform/auditTargets.ts): its number and the subject it is about
// (a natural person masked, subjects' subjectAuditNameSql, over the name printed on the report).
import { sql } from 'kysely';
import type { AuditTargetNamer } from '../../platform/auditTargets.ts';
import { subjectAuditNameSql } from '../subjects/index.ts';

/** Credit reports named for the audit log (`report:<number>`). */
export const reportsAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'report',
    sql: (ids) => sql`
      SELECT r.number AS id, r.number || '（' || COALESCE(${subjectAuditNameSql(sql`r.subject_id`)}, r.subject_name) || '）' AS name
      FROM credit_reports r WHERE r.number = ANY(${ids}::text[])`,
  },
];
