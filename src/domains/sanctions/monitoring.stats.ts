// 联合奖惩案例 published in a period (issue 14 §7): the evidence of "cases published" for the 2020 tree's
// 事后信用监管 (docs/domain/05-monitoring.md §5.2), counted by the day the credit office published them.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import type { Period } from './stats.service.ts';

/** Notable cases (联合奖惩案例) published within [from, to] (China-time days), by kind of measure. */
export async function publishedCaseCounts(db: DbOrTx, p: Period): Promise<{ punishment: number; incentive: number }> {
  const r = await sql<{ kind: string; n: number }>`
    SELECT m.kind, count(*)::int AS n FROM sanction_feedback f JOIN sanction_measures m ON m.id = f.measure_id
     WHERE f.notable_at >= (${p.from}::date::timestamp AT TIME ZONE 'Asia/Shanghai')
       AND f.notable_at < ((${p.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
     GROUP BY m.kind`.execute(db);
  const n = (k: string) => r.rows.find((x) => x.kind === k)?.n ?? 0;
  return { punishment: n('punishment'), incentive: n('incentive') };
}
