// Counts of records of one type by the value of one content field (issue 15 §5: commitments made by type).
// Read-only; the commitments domain reaches it through index.ts so it never names `records`.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';

/**
 * Records of `recordType` decided in [from, before) (days), counted by the value of `field` in their current
 * version (withdrawn ones included, as `recordsOfTypeIn` counts them); a missing value is counted under ''.
 */
export async function recordCountsByField(db: DbOrTx, recordType: string, field: string, from: string, before: string): Promise<{ value: string; n: number }[]> {
  const r = await sql<{ value: string | null; n: number }>`
    SELECT v.content ->> ${field} AS value, count(*)::int AS n
      FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.current_version
     WHERE r.record_type = ${recordType} AND r.decision_date >= ${from}::date AND r.decision_date < ${before}::date
     GROUP BY 1 ORDER BY 1`.execute(db);
  return r.rows.map((x) => ({ value: x.value ?? '', n: x.n }));
}
