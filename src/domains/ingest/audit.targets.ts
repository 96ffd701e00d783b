// The audit log's words for a batch (platform/auditTargets.ts): its 批次号 with the file it came from, or the
// channel when it came without one.
import { sql } from 'kysely';
import type { AuditTargetNamer } from '../../platform/auditTargets.ts';

/** Batches named for the audit log; the id is matched as bigint so that the primary key serves. */
export const ingestAuditTargets: AuditTargetNamer[] = [
  {
    kind: 'batch',
    sql: (ids) => sql`
      SELECT id, id || '（' || COALESCE(file_name, CASE channel WHEN 'form' THEN '在线填报' WHEN 'api' THEN '接口报送' WHEN 'cli' THEN '命令行导入' ELSE '文件上传' END) || '）' AS name
      FROM ingest_batches WHERE id = ANY(${ids.filter((id) => /^\d{1,18}$/.test(id))}::bigint[])`,
  },
];
