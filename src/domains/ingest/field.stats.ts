// Counts of records of one type by the value of one content field (issue 15 §5: commitments made by type).
// Read-only; the commitments domain reaches it through index.ts so it never names `records`.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';

/**
 * Records of `recordType` decided in [from, before) (days), counted by the value of `field` in their current
 * version (withdrawn ones included, as `recordsOfTypeIn` counts them); a missing value is counted under ''.
 */
export async function recordCountsByField(db: DbOrTx, recordType: string, field: string, from: string, before: string): Promise<{ value: string; n: number }[]> {
  // The current version's content is on the record row (migration 20261208T0835w); a record without a version
  // is left out, as the join on the record_versions view left it out.
  const r = await sql<{ value: string | null; n: number }>`
    SELECT r.content ->> ${field} AS value, count(*)::int AS n
      FROM records r
     WHERE r.record_type = ${recordType} AND r.decision_date >= ${from}::date AND r.decision_date < ${before}::date
       AND r.content IS NOT NULL
     GROUP BY 1 ORDER BY 1`.execute(db);
  return r.rows.map((x) => ({ value: x.value ?? '', n: x.n }));
}
