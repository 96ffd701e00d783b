// Feedback (反馈, issue 14 §6; docs/domain/04-joint-measures.md §4.2 step 3): per check, subject and measure, what the
// department did. Checks still owing feedback after N working days are the department's to-do and the credit
// office's overview; notable cases become 联合奖惩案例 on the portal with lawful fields only.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { loadCalendar } from '../../platform/calendar.service.ts';
import { AppError, conflict, forbidden, notFound } from '../../platform/errors.ts';
import type { SessionUser } from '../../platform/http.ts';
import { getSetting } from '../../platform/settings.ts';
import type { TodoProvider } from '../../platform/todos.ts';
import { chinaToday } from '../../platform/workCalendar.ts';
import { departmentsByIds } from '../auth/index.ts';
import type { SubjectAnswer } from './check.service.ts';

/** Settings key: working days a department has to give feedback on a check with hits (default 10, [M]). */
export const FEEDBACK_DAYS_KEY = 'sanctions.feedbackWorkingDays';
export const DEFAULT_FEEDBACK_DAYS = 10;

/** One measure's feedback. */
export interface FeedbackItem {
  subjectId: string;
  measureId: string;
  applied: boolean;
  reason?: string | null;
  caseDescription: string;
  actedOn: string;
}

/**
 * Records feedback on a check for the officer's department. Another department's check is refused (403); a
 * measure the check did not answer for that subject, or "not applied" without a reason, is refused (400); the
 * same measure twice is a 409. All items or none: pass a transaction.
 */
export async function recordFeedback(db: DbOrTx, checkId: string, officer: { id: number; departmentId: number }, items: readonly FeedbackItem[], ctx: AuditContext): Promise<{ given: number; due: number }> {
  const check = await db.selectFrom('sanction_checks').select(['id', 'department_id', 'answer', 'feedback_due']).where('id', '=', checkId).forUpdate().executeTakeFirst();
  if (!check) throw notFound('sanction_check_not_found');
  if (check.department_id !== officer.departmentId) throw forbidden('sanction_check_other_department');
  const answers = ((check.answer as { subjects?: SubjectAnswer[] }).subjects ?? []).filter((a) => a.subject);
  const today = chinaToday();
  for (const it of items) {
    const a = answers.find((x) => x.subject!.id === it.subjectId);
    const m = a && [...a.measures, ...a.incentives].find((x) => x.id === it.measureId);
    if (!a || !m) throw new AppError('sanction_feedback_invalid', `核查 ${checkId} 未对该主体答复此措施，不能反馈`, 400);
    if (!it.applied && !it.reason?.trim()) throw new AppError('sanction_feedback_invalid', '未实施措施时须填写原因', 400);
    if (!it.caseDescription.trim()) throw new AppError('sanction_feedback_invalid', '须填写案例描述', 400);
    if (it.actedOn > today) throw new AppError('sanction_feedback_invalid', '实施日期不能晚于今天', 400);
    const inserted = await db
      .insertInto('sanction_feedback')
      .values({
        check_id: checkId,
        subject_id: it.subjectId,
        measure_id: it.measureId,
        list_types: m.listTypes,
        applied: it.applied,
        reason: it.reason?.trim() || null,
        case_description: it.caseDescription.trim(),
        acted_on: it.actedOn,
        officer_id: officer.id,
        department_id: officer.departmentId,
      })
      .onConflict((oc) => oc.columns(['check_id', 'subject_id', 'measure_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw conflict('sanction_feedback_exists');
  }
  const updated = await db
    .updateTable('sanction_checks')
    .set({ feedback_given: sql`feedback_given + ${items.length}` })
    .where('id', '=', checkId)
    .returning(['feedback_given', 'feedback_due'])
    .executeTakeFirstOrThrow();
  await audit(db, ctx, { action: 'sanctions.feedback', target: `sanction_check:${checkId}`, detail: { items: items.length, applied: items.filter((i) => i.applied).length } });
  return { given: updated.feedback_given, due: updated.feedback_due };
}

/** Working days a department has to give feedback on a check with hits (the setting, else the default 10). */
export async function feedbackDays(db: DbOrTx): Promise<number> {
  const v = await getSetting(db, FEEDBACK_DAYS_KEY);
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : DEFAULT_FEEDBACK_DAYS;
}

/** Checks still owing feedback, per department: how many, and how many are past the deadline (working days). */
export async function openChecks(db: DbOrTx, departmentId?: number): Promise<Array<{ departmentId: number; departmentName: string; open: number; overdue: number }>> {
  let q = db
    .selectFrom('sanction_checks')
    .select(['department_id', sql<string>`to_char(checked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`.as('day'), (eb) => eb.fn.countAll<string>().as('n')])
    .where(sql<boolean>`feedback_given < feedback_due`)
    .groupBy(['department_id', sql`2`]);
  if (departmentId !== undefined) q = q.where('department_id', '=', departmentId);
  const rows = await q.execute();
  if (!rows.length) return [];
  const [calendar, days] = await Promise.all([loadCalendar(db), feedbackDays(db)]);
  const today = chinaToday();
  const by = new Map<number, { open: number; overdue: number }>();
  for (const r of rows) {
    const g = by.get(r.department_id) ?? { open: 0, overdue: 0 };
    by.set(r.department_id, g);
    const n = Number(r.n);
    g.open += n;
    // Working days after the check day (holidays and 调休 on the platform calendar, docs/domain/01-sgs.md §1.1).
    if (calendar.workingDaysBetween(r.day, today).days > days) g.overdue += n;
  }
  const names = await departmentsByIds(db, [...by.keys()]);
  return [...by].map(([id, g]) => ({ departmentId: id, departmentName: names.get(id)?.name ?? String(id), ...g })).sort((a, b) => b.overdue - a.overdue || a.departmentId - b.departmentId);
}

/** The department's to-do: checks with hits still owing feedback (overdue after the configured working days). */
export const checksWithoutFeedback: TodoProvider = async (db, user: SessionUser) => {
  if (user.departmentId === null || !['reporter', 'reviewer'].includes(user.role)) return [];
  const [g] = await openChecks(db, user.departmentId);
  if (!g) return [];
  return [{ key: 'sanctions.checks_without_feedback', label: '待反馈的联合奖惩核查', count: g.open, overdue: g.overdue, link: '/console/sanctions/check' }];
};

/** Marks a feedback row as a notable case (联合奖惩案例) with the title and summary the portal shows; audited. */
export async function markNotable(db: DbOrTx, feedbackId: string, userId: number, text: { title: string; summary: string }, ctx: AuditContext): Promise<void> {
  const r = await db
    .updateTable('sanction_feedback')
    .set({ notable_at: sql`now()`, notable_by: userId, public_title: text.title.trim(), public_summary: text.summary.trim() })
    .where('id', '=', feedbackId)
    .where('applied', '=', true)
    .returning('id')
    .executeTakeFirst();
  if (!r) throw notFound('not_found', '反馈不存在，或措施未实施（只有已实施的措施可作为案例）');
  await audit(db, ctx, { action: 'sanctions.case.publish', target: `sanction_feedback:${feedbackId}` });
}

/**
 * The published 联合奖惩案例, lawful fields only: the credit office's title and summary, the measure with its
 * basis, the department, the date and the list types. No subject column is published: the credit office names a
 * legal person in the summary where lawful, and never a natural person's number (docs/domain/03-publicity.md §3.5).
 */
export async function publishedCases(db: DbOrTx, limit = 50) {
  const rows = await db
    .selectFrom('sanction_feedback as f')
    .innerJoin('sanction_measures as m', 'm.id', 'f.measure_id')
    .select([
      'f.id',
      'f.public_title',
      'f.public_summary',
      'f.list_types',
      'f.department_id',
      'm.name as measure_name',
      'm.kind',
      'm.legal_basis',
      'm.basis_doc_no',
      sql<string>`to_char(f.acted_on, 'YYYY-MM-DD')`.as('acted_on'),
    ])
    .where('f.notable_at', 'is not', null)
    .orderBy('f.notable_at', 'desc')
    .limit(limit)
    .execute();
  const names = await departmentsByIds(db, [...new Set(rows.map((r) => r.department_id))]);
  return rows.map((r) => ({
    id: String(r.id),
    title: r.public_title ?? '',
    summary: r.public_summary ?? '',
    kind: r.kind,
    measure: r.measure_name,
    legalBasis: r.legal_basis ?? '',
    basisDocNo: r.basis_doc_no,
    listTypes: r.list_types,
    department: names.get(r.department_id)?.name ?? '',
    actedOn: r.acted_on,
  }));
}
