// The audit log's words for the objects this domain owns (platform/auditTargets.ts): a credit event by its title
// and day, a classifier build by its number and day, an indicator tree by its name and latest version, a score
// import by its file and months, a checklist item by its name.
import { sql } from 'kysely';
import { bigintIds, type AuditTargetNamer } from '../../platform/auditTargets.ts';

/** Credit events, classifier builds, indicator trees, score imports and checklist items named for the audit log. */
export const monitoringAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'credit_event',
    sql: (ids) => sql`SELECT id, title || '（' || to_char(event_date, 'YYYY-MM-DD') || '）' AS name FROM credit_events WHERE id = ANY(${bigintIds(ids)}::bigint[])`,
  },
  {
    kind: 'event_classifier_build',
    sql: (ids) => sql`
      SELECT id, '第 ' || id || ' 次训练（' || to_char(built_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') || '）' AS name
      FROM event_classifier_builds WHERE id = ANY(${bigintIds(ids)}::bigint[])`,
  },
  {
    kind: 'indicator_tree',
    sql: (ids) => sql`
      SELECT DISTINCT ON (id) id, COALESCE(definition->>'name', id) || ' 第 ' || version || ' 版' AS name
      FROM indicator_trees WHERE id = ANY(${ids}::text[]) ORDER BY id, version DESC`,
  },
  {
    kind: 'score_import',
    sql: (ids) => sql`
      SELECT id, file_name || '（' || CASE WHEN cardinality(months) = 0 THEN '无月份'
               WHEN cardinality(months) = 1 THEN months[1]
               ELSE (SELECT min(m) || ' 至 ' || max(m) FROM unnest(months) m) END || '）' AS name
      FROM score_imports WHERE id = ANY(${bigintIds(ids)}::bigint[])`,
  },
  {
    kind: 'checklist_item',
    sql: (ids) => sql`SELECT id, name FROM checklist_items WHERE id = ANY(${ids}::text[])`,
  },
];
