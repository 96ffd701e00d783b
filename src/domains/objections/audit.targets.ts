// The audit log's words for an objection (platform/auditTargets.ts): its 受理编号 as the applicant and the
// deadline notices see it (objectionNo: YS + the Beijing day filed + the id to six digits) and the subject it
// concerns (a natural person masked, subjects' subjectAuditNameSql; the applicant is never named); and the
// domain's settings (`setting:objections`).
import { sql } from 'kysely';
import { bigintIds, type AuditTargetNamer } from '../../platform/auditTargets.ts';
import { subjectAuditNameSql } from '../subjects/index.ts';

/** Objections and the objection settings named for the audit log. */
export const objectionsAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'objection',
    sql: (ids) => sql`
      SELECT o.id, 'YS' || to_char(o.filed_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || repeat('0', greatest(0, 6 - length(o.id::text))) || o.id
             || COALESCE('（' || ${subjectAuditNameSql(sql`o.subject_id`)} || '）', '') AS name
      FROM objections o WHERE o.id = ANY(${bigintIds(ids)}::bigint[])`,
  },
  {
    kind: 'setting',
    sql: (ids) => sql`SELECT id, '异议申诉办理设置'::text AS name FROM unnest(${ids}::text[]) AS id WHERE id = 'objections'`,
  },
];
