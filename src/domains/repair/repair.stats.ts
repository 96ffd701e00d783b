// Repair decisions against the department's deadline, for the department scorecards (issue 15 §1 "Overdue items
// … count in the scorecards", §5). The deadline is `decide_due`, set on forwarding from the repair settings
// (docs/domain/03-publicity.md §3.3: the regulator decides within 3 working days of receiving the application).
import type { DbOrTx } from '../../db/index.ts';
import { chinaDay } from './repair.service.ts';

/** Decisions a department owed in a period and how many it made by the deadline. */
export interface HandlingCount {
  departmentId: number;
  owed: number;
  onTime: number;
}

/**
 * Per department, the forwarded applications whose decision deadline falls within [from, to] (days, inclusive):
 * on time when decided on or before it; late when decided after it or still undecided after it on `at`'s day.
 * An undecided application not yet past its deadline is not owed yet and is left out.
 */
export async function repairHandlingByDepartment(db: DbOrTx, range: { from: string; to: string }, at: Date = new Date()): Promise<HandlingCount[]> {
  const rows = await db
    .selectFrom('repair_applications')
    .select(['department_id', 'decide_due', 'decided_on'])
    .where('decide_due', 'is not', null)
    .where('decide_due', '>=', range.from)
    .where('decide_due', '<=', range.to)
    .execute();
  const today = chinaDay(at);
  const by = new Map<number, HandlingCount>();
  for (const r of rows) {
    const due = r.decide_due!;
    if (r.decided_on === null && today <= due) continue;
    const c = by.get(r.department_id) ?? { departmentId: r.department_id, owed: 0, onTime: 0 };
    by.set(r.department_id, c);
    c.owed++;
    if (r.decided_on !== null && r.decided_on <= due) c.onTime++;
  }
  return [...by.values()].sort((a, b) => a.departmentId - b.departmentId);
}
