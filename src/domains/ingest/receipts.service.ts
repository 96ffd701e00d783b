// Reading batches (回执) for the console and the signed API: one receipt, the list, rejected rows and the
// per-department statistics, each within the reader's department scope. A batch whose importing process died
// is shown failed before it is read (import.job.ts sweepAbandonedImports: never one whose import job is
// still queued or being retried after a restart); a refused read is audited.
import type { Db } from '../../db/index.ts';
import type { BatchStatus } from '../../db/types.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { departmentScope, memberDepartments, type SessionUser } from '../auth/index.ts';
import { sweepAbandonedImports } from './import.job.ts';
import { departmentStats, getBatch, listBatches, listRejects, type BatchDto, type RejectDto, type StatsRow } from './ingest.repository.ts';

/** Who reads a batch: a console user (within their department scope) or a department system (its own department). */
export type BatchReader = { user: SessionUser } | { departmentId: number };

/** One batch's receipt, if the reader may see it (404 unknown, 403 other department, audited). */
export async function receiptInScope(db: Db, reader: BatchReader, id: string, ctx: AuditContext): Promise<BatchDto> {
  let b = await getBatch(db, id);
  if (!b) throw notFound('batch_not_found', '批次不存在');
  // A poll shows a batch whose importing process died as failed at once, not after the next sweep.
  if (b.status === 'processing' && (await sweepAbandonedImports(db, [id]))) b = (await getBatch(db, id))!;
  const scope = 'user' in reader ? await departmentScope(db, reader.user) : [reader.departmentId];
  if (scope !== null && !scope.includes(b.department.id)) {
    await audit(db, ctx, { action: 'ingest.batch.read', target: `batch:${id}`, outcome: 'denied', detail: { reason: 'other_department' } });
    throw forbidden('department_forbidden', '无权查看其他部门的批次');
  }
  return b;
}

/** The batches in the user's scope, newest first (abandoned ones shown failed first). */
export async function listReceipts(
  db: Db,
  user: SessionUser,
  q: { departmentId?: number; cursor?: string; warning?: string; status?: BatchStatus; lateFrom?: string },
): Promise<{ items: BatchDto[]; nextCursor: string | null }> {
  await sweepAbandonedImports(db);
  return listBatches(db, await departmentScope(db, user), q);
}

/** A page of a batch's rejected rows with their reasons, if the user may see the batch. */
export async function rejectsInScope(
  db: Db,
  user: SessionUser,
  batchId: string,
  cursor: number,
  ctx: AuditContext,
): Promise<{ items: RejectDto[]; nextCursor: string | null }> {
  await receiptInScope(db, { user }, batchId, ctx);
  return listRejects(db, batchId, cursor);
}

/**
 * Per-department volume, rejection rate and late share (超期上报) within the user's scope. Every active
 * member department in scope is listed, those that sent nothing in the range with zeros after the others:
 * a department that never reports is exactly what the credit office looks for here.
 */
export async function collectionStats(db: Db, user: SessionUser, q: { from?: string; to?: string }): Promise<StatsRow[]> {
  const scope = await departmentScope(db, user);
  const rows = await departmentStats(db, scope, q);
  const seen = new Set(rows.map((r) => r.departmentId));
  const silent = (await memberDepartments(db)).filter((d) => !seen.has(d.id) && (scope === null || scope.includes(d.id)));
  return [
    ...rows,
    ...silent.map((d) => ({ departmentId: d.id, departmentName: d.name, batches: 0, rows: 0, accepted: 0, rejected: 0, rejectionRate: null, late: 0, lateShare: null, records: 0 })),
  ];
}
