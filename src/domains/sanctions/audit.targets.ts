// The audit log's words for the objects this domain owns (platform/auditTargets.ts): a measure by its name, code
// and version; a check (事前核查 or 批量比对) by its 案号; a feedback by its check's 案号 and the measure applied;
// and the feedback deadline setting (`setting:sanctions.feedbackWorkingDays`).
import { sql } from 'kysely';
import { bigintIds, type AuditTargetNamer } from '../../platform/auditTargets.ts';
import { FEEDBACK_DAYS_KEY } from './feedback.service.ts';

/** Measures, checks, feedback and the feedback setting named for the audit log. */
export const sanctionsAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'measure',
    sql: (ids) => sql`SELECT id, name || '（' || code || ' 第 ' || version || ' 版）' AS name FROM sanction_measures WHERE id = ANY(${bigintIds(ids)}::bigint[])`,
  },
  {
    kind: 'sanction_check',
    sql: (ids) => sql`SELECT id, '案号 ' || case_no AS name FROM sanction_checks WHERE id = ANY(${bigintIds(ids)}::bigint[])`,
  },
  {
    kind: 'sanction_feedback',
    sql: (ids) => sql`
      SELECT f.id, '案号 ' || c.case_no || '，' || m.name AS name
      FROM sanction_feedback f JOIN sanction_checks c ON c.id = f.check_id JOIN sanction_measures m ON m.id = f.measure_id
      WHERE f.id = ANY(${bigintIds(ids)}::bigint[])`,
  },
  {
    kind: 'setting',
    sql: (ids) => sql`SELECT id, '联合奖惩反馈时限'::text AS name FROM unnest(${ids}::text[]) AS id WHERE id = ${FEEDBACK_DAYS_KEY}`,
  },
];
