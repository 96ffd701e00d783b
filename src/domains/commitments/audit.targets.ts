// The audit log's words for an online commitment (platform/auditTargets.ts): the subject that made it (a natural
// person masked, subjects' subjectAuditNameSql; the applicant is never named), the matter and the day.
import { sql } from 'kysely';
import { bigintIds, type AuditTargetNamer } from '../../platform/auditTargets.ts';
import { subjectAuditNameSql } from '../subjects/index.ts';

/** Commitments named for the audit log. */
export const commitmentsAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'commitment',
    sql: (ids) => sql`
      SELECT c.id, COALESCE(${subjectAuditNameSql(sql`c.subject_id`)}, '主体 ' || c.subject_id) || '：' || c.matter || '（' || to_char(c.made_on, 'YYYY-MM-DD') || '）' AS name
      FROM commitments c WHERE c.id = ANY(${bigintIds(ids)}::bigint[])`,
  },
];
