// Deadline reminders of checks owing feedback (issue 15 §4; docs/domain/04-joint-measures.md §4.2 step 3): a
// check with hits is due for feedback `sanctions.feedbackWorkingDays` working days after the check (default 10,
// on the holiday calendar); the department's clerks and the credit office are reminded one working day before
// (即将到期) and when it is reached (已到期), once per check and deadline.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { loadCalendar } from '../../platform/calendar.service.ts';
import { sendDeadlineNotices } from '../../platform/deadlineNotices.ts';
import type { JobDefinition } from '../../platform/jobs.ts';
import { createNotifier, type Notifier } from '../../platform/notifier.ts';
import { chinaToday, isoOfEpochDay, parseIsoDay } from '../../platform/workCalendar.ts';
import { noticeRecipients } from '../auth/index.ts';
import type { TodoProvider } from '../../platform/todos.ts';
import { feedbackDays, openChecks } from './feedback.service.ts';

/** Sends the due reminders of checks still owing feedback on the day of `at`; returns how many notices went out. */
export async function feedbackDeadlineNotices(db: DbOrTx, notifier: Notifier, baseUrl: string, at: Date = new Date()): Promise<number> {
  const [cal, days] = await Promise.all([loadCalendar(db), feedbackDays(db)]);
  const today = chinaToday(at);
  const horizon = cal.addWorkingDays(today, 1).date;
  // A check day whose deadline can fall by the horizon is no later than N working days before it; the margin of
  // calendar days covers the weekend and holiday days just after that day, the exact test follows below.
  const latestDay = isoOfEpochDay(parseIsoDay(cal.addWorkingDays(horizon, -days).date) + 15);
  const rows = await db
    .selectFrom('sanction_checks')
    .select(['id', 'case_no', 'department_id', sql<string>`to_char(checked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`.as('day')])
    .where(sql<boolean>`feedback_given < feedback_due`)
    .where(sql<boolean>`(checked_at AT TIME ZONE 'Asia/Shanghai')::date <= ${latestDay}::date`)
    .orderBy('id')
    .execute();
  const due = rows.map((r) => ({ ...r, due: cal.addWorkingDays(r.day, days).date })).filter((r) => r.due <= horizon);
  if (!due.length) return 0;
  const who = await noticeRecipients(db, due.map((r) => r.department_id));
  const items = due.map((r) => ({
    ref: `sanction_check:${r.id}`,
    what: `联合奖惩核查（${r.case_no}）的措施实施情况反馈`,
    due: r.due,
    link: '/console/sanctions/check',
    recipients: [...(who.byDepartment.get(r.department_id) ?? []), ...who.office],
  }));
  return sendDeadlineNotices(db, notifier, items, { cal, today, topic: 'sanctions.feedback_deadline', baseUrl });
}

/** The feedback reminders as a periodic job. */
export const feedbackDeadlineJobs: JobDefinition[] = [
  {
    kind: 'periodic',
    name: 'sanctions.feedback-deadlines',
    description: '联合奖惩核查反馈即将到期（前一个工作日）和到期时提醒核查部门和信用办（每项每个时限一次）',
    everyMs: 60 * 60 * 1000,
    run: async (ctx) => `发送时限提醒 ${await feedbackDeadlineNotices(ctx.db, createNotifier(), ctx.config.publicBaseUrl)} 条`,
  },
];

/** The credit office's to-do: checks past their feedback deadline in any department (its overview page). */
export const overdueFeedbackForOffice: TodoProvider = async (db, user) => {
  if (user.role !== 'admin') return [];
  const overdue = (await openChecks(db)).reduce((s, g) => s + g.overdue, 0);
  return overdue ? [{ key: 'sanctions.feedback_overdue', label: '逾期未反馈的联合奖惩核查', count: overdue, overdue, link: '/console/sanctions/stats' }] : [];
};
