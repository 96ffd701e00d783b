// The audit log's words for the objects this domain owns (platform/auditTargets.ts): a batch by its 批次号 with
// the file it came from, or the channel when it came without one; a record by its catalogue item, 文号 and
// subject (a natural person masked, subjects' subjectAuditNameSql; the item's name through catalog).
import { sql } from 'kysely';
import { bigintIds, type AuditTargetNamer } from '../../platform/auditTargets.ts';
import { catalogItemNameSql } from '../catalog/index.ts';
import { subjectAuditNameSql } from '../subjects/index.ts';

/** Batches and records named for the audit log; ids are matched as bigint so that the primary keys serve. */
export const ingestAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'batch',
    sql: (ids) => sql`
      SELECT id, id || '（' || COALESCE(file_name, CASE channel WHEN 'form' THEN '在线填报' WHEN 'api' THEN '接口报送' WHEN 'cli' THEN '命令行导入' ELSE '文件上传' END) || '）' AS name
      FROM ingest_batches WHERE id = ANY(${bigintIds(ids)}::bigint[])`,
  },
  {
    kind: 'record',
    sql: (ids) => sql`
      SELECT r.id, COALESCE(${catalogItemNameSql(sql`r.item_id`)}, r.item_id) || ' ' || r.doc_no || COALESCE('（' || ${subjectAuditNameSql(sql`r.subject_id`)} || '）', '') AS name
      FROM records r WHERE r.id = ANY(${bigintIds(ids)}::bigint[])`,
  },
];
