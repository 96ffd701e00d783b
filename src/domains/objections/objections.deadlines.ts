// Deadline reminders of objections (issue 15 §4): the 初审 deadline (the credit office) and the source
// department's verification deadline (docs/domain/03-publicity.md §3.4: 5 working days), one working day before
// (即将到期) and on reaching it (已到期). Waiting for the applicant's material is not staff time: no reminder.
import type { DbOrTx } from '../../db/index.ts';
import { sendDeadlineNotices } from '../../platform/deadlineNotices.ts';
import type { JobDefinition } from '../../platform/jobs.ts';
import { createNotifier, type Notifier } from '../../platform/notifier.ts';
import { noticeRecipients } from '../auth/index.ts';
import { objectionNo } from './objections.service.ts';
import { beijingDay, calendarOf } from './objections.settings.ts';

/** Sends the due reminders of open objections on the day of `at`; returns how many notices went out. */
export async function objectionDeadlineNotices(db: DbOrTx, notifier: Notifier, baseUrl: string, at: Date = new Date()): Promise<number> {
  const cal = await calendarOf(db);
  const today = beijingDay(at);
  const horizon = cal.addWorkingDays(today, 1).date;
  const rows = await db
    .selectFrom('objections')
    .select(['id', 'filed_at', 'status', 'department_id', 'due_on'])
    .where('status', 'in', ['precheck', 'at_department'])
    .where('due_on', '<=', horizon)
    .orderBy('id')
    .execute();
  if (!rows.length) return 0;
  const who = await noticeRecipients(db, rows.map((r) => r.department_id));
  const items = rows.map((r) => {
    const atDepartment = r.status === 'at_department';
    return {
      ref: `objection:${r.id}`,
      what: `异议申诉（受理编号 ${objectionNo(r.id, r.filed_at)}）的${atDepartment ? '部门核实' : '初审'}`,
      due: r.due_on,
      link: `/console/objections?id=${r.id}`,
      recipients: atDepartment ? [...(who.byDepartment.get(r.department_id) ?? []), ...who.office] : who.office,
    };
  });
  return sendDeadlineNotices(db, notifier, items, { cal, today, topic: 'objection.deadline', baseUrl });
}

/** The objections domain's jobs: the hourly deadline reminders. */
export const objectionsJobs: JobDefinition[] = [
  {
    kind: 'periodic',
    name: 'objections.deadlines',
    description: '异议申诉初审、部门核实即将到期（前一个工作日）和到期时提醒经办部门和信用办（每项每个时限一次）',
    everyMs: 60 * 60 * 1000,
    run: async (ctx) => `发送时限提醒 ${await objectionDeadlineNotices(ctx.db, createNotifier(), ctx.config.publicBaseUrl)} 条`,
  },
];
