// Deadline reminders (issue 15 §4): when an item with a working-day deadline (a repair application, an
// objection, a check owing feedback) comes within one working day of its deadline (即将到期) and when it reaches
// it (已到期), its handlers get a notice. The domains find their items and recipients; this file decides the
// stage on the holiday calendar and sends each notice once per item, deadline, stage and recipient (the
// notifier's once-key), so the periodic jobs may run any number of times, in any number of processes.
import type { DbOrTx } from '../db/index.ts';
import type { Notifier } from './notifier.ts';
import type { WorkCalendar } from './workCalendar.ts';

export type DeadlineStage = 'due_soon' | 'due';

/** One item that runs against a deadline. */
export interface DeadlineItem {
  /** The notifier's ref, e.g. 'repair:12'. */
  ref: string;
  /** The item in words, e.g. '信用修复申请（编号 12，某某公司）'. */
  what: string;
  /** The last day allowed (YYYY-MM-DD). */
  due: string;
  /** The console page that handles it, e.g. '/console/repair?id=12'. */
  link: string;
  /** Who gets the notice: 'user:<id>' recipients (the handling department's users, the credit office). */
  recipients: readonly string[];
}

/**
 * The stage of a deadline on `today`: 'due' from the deadline day on, 'due_soon' when exactly one working day
 * remains (counted on the holiday calendar, so a 调休 Saturday counts and National Day does not), else null.
 */
export function deadlineStage(cal: WorkCalendar, today: string, due: string): DeadlineStage | null {
  if (today >= due) return 'due';
  return cal.workingDaysBetween(today, due).days <= 1 ? 'due_soon' : null;
}

const STAGE_TITLE: Record<DeadlineStage, string> = { due_soon: '即将到期', due: '已到期' };

/**
 * Sends the reminders of the items whose stage on `today` calls for one; each (item, deadline, stage, recipient)
 * at most once. Returns how many notices were sent by this run.
 */
export async function sendDeadlineNotices(
  db: DbOrTx,
  notifier: Notifier,
  items: readonly DeadlineItem[],
  opts: { cal: WorkCalendar; today: string; topic: string; baseUrl: string },
): Promise<number> {
  let sent = 0;
  for (const it of items) {
    const stage = deadlineStage(opts.cal, opts.today, it.due);
    if (!stage) continue;
    const late = stage === 'due' && opts.today > it.due;
    const subject = `【${STAGE_TITLE[stage]}】${it.what}`;
    const when = stage === 'due_soon' ? `将于 ${it.due} 到期（还剩 1 个工作日）` : late ? `已于 ${it.due} 到期，现已逾期` : `今日（${it.due}）到期`;
    const body = `${it.what}${when}，请及时办理。办理入口：${opts.baseUrl.replace(/\/+$/, '')}${it.link}`;
    for (const recipient of it.recipients) {
      const id = await notifier.notifyOnce(db, `deadline:${it.ref}:${it.due}:${stage}:${recipient}`, { recipient, topic: `${opts.topic}.${stage}`, ref: it.ref, subject, body });
      if (id) sent++;
    }
  }
  return sent;
}
