// Objection verifications against the source department's deadline, for the department scorecards (issue 15
// §1, §5). Once sent, `due_on` is the department's deadline (`departmentDays` working days, default 5:
// docs/domain/03-publicity.md §3.4) and the decision leaves it in place.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { beijingDay } from './objections.settings.ts';

/**
 * Per department, the objections sent to it whose deadline falls within [from, to] (days, inclusive): on time
 * when decided on or before the deadline (China time), late when decided after it or still open after it on
 * `at`'s day. An open objection not yet past its deadline is not owed yet and is left out.
 */
export async function objectionHandlingByDepartment(
  db: DbOrTx,
  range: { from: string; to: string },
  at: Date = new Date(),
): Promise<{ departmentId: number; owed: number; onTime: number }[]> {
  const today = beijingDay(at);
  const r = await sql<{ department_id: number; owed: number; on_time: number }>`
    SELECT department_id,
           count(*) FILTER (WHERE status = 'decided' OR due_on < ${today}::date)::int AS owed,
           count(*) FILTER (WHERE status = 'decided' AND (decided_at AT TIME ZONE 'Asia/Shanghai')::date <= due_on)::int AS on_time
      FROM objections
     WHERE sent_at IS NOT NULL AND due_on >= ${range.from}::date AND due_on <= ${range.to}::date
     GROUP BY department_id ORDER BY department_id`.execute(db);
  return r.rows.filter((x) => x.owed > 0).map((x) => ({ departmentId: x.department_id, owed: x.owed, onTime: x.on_time }));
}
