// Who receives a department's deadline reminders (issue 15 §4): the department's active clerks and the credit
// office's active administrators, as 'user:<id>' recipients of the platform notifier.
import type { DbOrTx } from '../../db/index.ts';

/** The credit office's administrators and each department's clerks (reporters, reviewers), active ones only. */
export async function noticeRecipients(db: DbOrTx, departmentIds: readonly number[]): Promise<{ office: string[]; byDepartment: Map<number, string[]> }> {
  const ids = [...new Set(departmentIds)];
  let q = db.selectFrom('users').select(['id', 'role', 'department_id']).where('active', '=', true);
  q = ids.length
    ? q.where((eb) => eb.or([eb('role', '=', 'admin'), eb.and([eb('department_id', 'in', ids), eb('role', 'in', ['reporter', 'reviewer'])])]))
    : q.where('role', '=', 'admin');
  const rows = await q.orderBy('id').execute();
  const byDepartment = new Map<number, string[]>(ids.map((d) => [d, []]));
  const office: string[] = [];
  for (const r of rows) {
    if (r.role === 'admin') office.push(`user:${r.id}`);
    else if (r.department_id !== null) byDepartment.get(r.department_id)?.push(`user:${r.id}`);
  }
  return { office, byDepartment };
}
