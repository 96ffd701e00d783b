// The 工作台 to-dos of collection (issue 17 §3, the TodoProvider contract of src/platform/todos.ts): batches to
// review, returned batches to upload again, rejected rows to correct, and late reports, each within the user's
// department scope (the credit office: every department). The shell lists them in src/shell/todos.ts.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import type { Role } from '../../db/types.ts';
import type { SessionUser } from '../../platform/http.ts';
import type { TodoItem, TodoProvider } from '../../platform/todos.ts';
import { chinaEpochDay, isoOfEpochDay } from '../../platform/workCalendar.ts';
import { departmentScope } from '../auth/index.ts';

/** Window of the late-report count: the last 30 calendar days in Beijing time, today included. */
const LATE_WINDOW_DAYS = 30;

const DEPARTMENT_CLERKS: readonly Role[] = ['reporter', 'reviewer', 'district_admin'];

/** The departments whose batches count for the user (null = all); an empty list when the role has none. */
async function scopeFor(db: DbOrTx, user: SessionUser): Promise<number[] | null> {
  if (user.role === 'auditor') return [];
  return departmentScope(db, user);
}

const inScope = (scope: number[] | null) => (scope === null ? sql<boolean>`true` : sql<boolean>`b.department_id = ANY(${scope.length ? scope : [-1]}::int[])`);

/** 待审核的批次: held batches the user may decide (the department's 审核员, the credit office; not one's own uploads). */
async function batchesToReview(db: DbOrTx, user: SessionUser): Promise<TodoItem[]> {
  if (user.role !== 'reviewer' && user.role !== 'admin') return [];
  const scope = user.role === 'admin' ? null : [user.departmentId ?? -1];
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ingest_batches b
    WHERE b.status = 'pending_review' AND ${inScope(scope)} AND b.created_by IS DISTINCT FROM ${user.id}`.execute(db);
  return [{ key: 'ingest.batches_to_review', label: '待审核的批次', count: r.rows[0].n, link: '/console/batches?status=pending_review' }];
}

/** 被退回待重新报送的批次: returned by a reviewer, and no batch of the same item uploaded since. */
async function returnedBatches(db: DbOrTx, user: SessionUser): Promise<TodoItem[]> {
  if (!DEPARTMENT_CLERKS.includes(user.role)) return [];
  const scope = await scopeFor(db, user);
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ingest_batches b
    WHERE b.status = 'returned' AND ${inScope(scope)}
      AND NOT EXISTS (SELECT 1 FROM ingest_batches l WHERE l.department_id = b.department_id AND l.item_id = b.item_id AND l.id > b.id
                        AND l.status IN ('processing', 'pending_review', 'committed'))`.execute(db);
  return [{ key: 'ingest.batches_returned', label: '审核退回待重新报送的批次', count: r.rows[0].n, link: '/console/batches?status=returned' }];
}

/**
 * 待更正的退回行: rows rejected in the latest batch of each item (a later batch of the item is taken as the
 * department's correction, docs/domain/01-sgs.md §1.4 — the 问题数据 loop).
 */
async function rowsToCorrect(db: DbOrTx, user: SessionUser): Promise<TodoItem[]> {
  if (!DEPARTMENT_CLERKS.includes(user.role)) return [];
  const scope = await scopeFor(db, user);
  const r = await sql<{ n: number }>`SELECT coalesce(sum(b.rejected), 0)::int AS n FROM ingest_batches b
    WHERE b.status IN ('committed', 'pending_review') AND b.rejected > 0 AND ${inScope(scope)}
      AND NOT EXISTS (SELECT 1 FROM ingest_batches l WHERE l.department_id = b.department_id AND l.item_id = b.item_id AND l.id > b.id
                        AND l.status IN ('processing', 'pending_review', 'committed'))`.execute(db);
  return [{ key: 'ingest.rows_to_correct', label: '待更正的退回数据行', count: r.rows[0].n, link: '/console/batches' }];
}

/**
 * 近 30 日超期上报: records reported after the 7-working-day deadline (docs/domain/01-sgs.md §1.1), in committed
 * batches of the last 30 days. The days are calendar days in Beijing time, counted as 归集统计 counts its period
 * (departmentStats), so the credit office's link opens that page on the same period and it shows the same sum.
 */
async function lateReports(db: DbOrTx, user: SessionUser): Promise<TodoItem[]> {
  if (user.role === 'auditor') return [];
  const scope = await scopeFor(db, user);
  const today = chinaEpochDay(new Date());
  const from = isoOfEpochDay(today - (LATE_WINDOW_DAYS - 1));
  const to = isoOfEpochDay(today);
  const r = await sql<{ n: number }>`SELECT coalesce(sum(b.late), 0)::int AS n FROM ingest_batches b
    WHERE b.status = 'committed' AND b.created_at >= ${new Date(`${from}T00:00:00+08:00`)} AND ${inScope(scope)}`.execute(db);
  const link =
    user.role === 'admin' || user.role === 'district_admin'
      ? `/console/ingest-stats?${new URLSearchParams({ from, to })}`
      : `/console/batches?${new URLSearchParams({ lateFrom: from })}`;
  return [{ key: 'ingest.late_reports', label: `近 ${LATE_WINDOW_DAYS} 日超期上报的记录`, count: r.rows[0].n, link }];
}

/** Collection's to-dos for the desk, in the order the desk shows them when equally urgent. */
export const ingestTodos: TodoProvider[] = [batchesToReview, returnedBatches, rowsToCorrect, lateReports];
