// Deadline reminders of repair applications (issue 15 §4): the running deadline of each open application — the
// answer to the applicant while the credit office has it, the department's decision once forwarded
// (docs/domain/03-publicity.md §3.3) — one working day before it (即将到期) and on reaching it (已到期).
import type { DbOrTx } from '../../db/index.ts';
import { loadCalendar } from '../../platform/calendar.service.ts';
import { sendDeadlineNotices } from '../../platform/deadlineNotices.ts';
import type { JobDefinition } from '../../platform/jobs.ts';
import { createNotifier, type Notifier } from '../../platform/notifier.ts';
import { noticeRecipients } from '../auth/index.ts';
import { chinaDay } from './repair.service.ts';

/** Sends the due reminders of open applications on the day of `at`; returns how many notices went out. */
export async function repairDeadlineNotices(db: DbOrTx, notifier: Notifier, baseUrl: string, at: Date = new Date()): Promise<number> {
  const cal = await loadCalendar(db);
  const today = chinaDay(at);
  // Only what is due by the next working day can call for a reminder today.
  const horizon = cal.addWorkingDays(today, 1).date;
  const rows = await db
    .selectFrom('repair_applications')
    .select(['id', 'subject_name', 'status', 'department_id', 'answer_due', 'decide_due'])
    .where((eb) => eb.or([eb.and([eb('status', '=', 'submitted'), eb('answer_due', '<=', horizon)]), eb.and([eb('status', '=', 'forwarded'), eb('decide_due', '<=', horizon)])]))
    .orderBy('id')
    .execute();
  if (!rows.length) return 0;
  const who = await noticeRecipients(db, rows.map((r) => r.department_id));
  const items = rows.map((r) => {
    const forwarded = r.status === 'forwarded';
    return {
      ref: `repair:${r.id}`,
      what: `信用修复申请（编号 ${r.id}，${r.subject_name}）${forwarded ? '的部门决定' : '的受理答复'}`,
      due: forwarded ? r.decide_due! : r.answer_due,
      link: `/console/repair?id=${r.id}`,
      // Before forwarding the application is the credit office's; after, the deciding department's too.
      recipients: forwarded ? [...(who.byDepartment.get(r.department_id) ?? []), ...who.office] : who.office,
    };
  });
  return sendDeadlineNotices(db, notifier, items, { cal, today, topic: 'repair.deadline', baseUrl });
}

/** The repair domain's jobs: the hourly deadline reminders. */
export const repairJobs: JobDefinition[] = [
  {
    kind: 'periodic',
    name: 'repair.deadlines',
    description: '信用修复申请即将到期（前一个工作日）和到期时提醒认定部门和信用办（每项每个时限一次）',
    everyMs: 60 * 60 * 1000,
    run: async (ctx) => `发送时限提醒 ${await repairDeadlineNotices(ctx.db, createNotifier(), ctx.config.publicBaseUrl)} 条`,
  },
];
