// The demo city's review step (审核, issue 17 §3): the credit office turned 报送需审核 on for the market regulator
// (the department with the demo's 审核员, scjg_reviewer) for its last two months of 双公示. Everything the regulator
// sent before stays as it was (committed and published without review). Of the reviewed uploads, those of the
// previous month were approved a working day after they came in (one was first returned with a note, then sent
// again corrected); those of the current month wait in the reviewer's queue, held, with nothing of them public.
// All through ingest's own paths: the setting through auth's updateDepartment, the upload held by importRows, the
// decision through approveBatch / returnBatch and the commit through replayReviewedBatch (what the import job runs).
import type pg from 'pg';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/index.ts';
import type { AuditContext } from '../../platform/audit.ts';
import type { SessionUser } from '../../platform/http.ts';
import { actorOf, updateDepartment } from '../../domains/auth/index.ts';
import type { CatalogItem } from '../../domains/catalog/index.ts';
import { approveBatch, importRows, replayReviewedBatch, returnBatch } from '../../domains/ingest/index.ts';
import type { DemoRow } from './records.ts';

const MS_DAY = 86_400_000;

/** One of the regulator's monthly uploads under review: the rows as its clerk sent them, and when. */
export interface ReviewUpload {
  item: CatalogItem;
  rows: DemoRow[];
  reportDate: Date;
  /** Months back from the demo's last day (0: the current month, still waiting). */
  month: number;
}

export interface DemoReviewSummary {
  pending: number;
  approved: number;
  returned: number;
  /** Records the approved batches wrote. */
  accepted: number;
  rejected: number;
  late: number;
}

/**
 * Turns review on for `departmentId` and sends `uploads` (oldest first) through it as `clerk`: month 1 approved by
 * `reviewer` (its first penalty upload returned once before), month 0 left waiting. Dates are those of the uploads.
 */
export async function seedDemoReview(
  db: Db,
  pool: pg.Pool,
  config: Config & { secret: string },
  opts: { departmentId: number; admin: SessionUser; clerk: SessionUser; reviewer: SessionUser; uploads: readonly ReviewUpload[] },
  ctx: AuditContext,
): Promise<DemoReviewSummary> {
  const summary: DemoReviewSummary = { pending: 0, approved: 0, returned: 0, accepted: 0, rejected: 0, late: 0 };
  if (!opts.uploads.length) return summary;
  // The step began two days before the previous month's report (when its first upload was returned). What the
  // regulator sent at load time without review (withdrawals, list decisions, commitments) is dated before that.
  const since = new Date(opts.uploads[0].reportDate.getTime() - 2 * MS_DAY);
  await db
    .updateTable('ingest_batches')
    .set({ created_at: new Date(since.getTime() - MS_DAY), finished_at: new Date(since.getTime() - MS_DAY + 40_000) })
    .where('department_id', '=', opts.departmentId)
    .where('created_at', '>=', since)
    .execute();
  await updateDepartment(db, opts.departmentId, { reviewRequired: true }, { ...ctx, actor: actorOf(opts.admin) });
  const asReviewer: AuditContext = { ...ctx, actor: actorOf(opts.reviewer) };
  const common = { db, pool, secret: config.secret, keyWithSubject: config.ingestKeyWithSubject, piiScreen: config.ingestPiiScreen, decisionDateWarnBefore: config.ingestDecisionDateWarnBefore };
  const hold = async (u: ReviewUpload, rows: DemoRow[], at: Date) => {
    const receipt = await importRows({ ...common, item: u.item, departmentId: opts.departmentId, channel: 'file', rows, reportDate: at, createdBy: opts.clerk.id });
    if (receipt.status !== 'pending_review') throw new Error(`the demo's reviewed upload was not held (${receipt.status})`);
    // Demo only: the upload came in on its report day (the approval counts timeliness as of then).
    await db.updateTable('ingest_batches').set({ created_at: at, file_name: `SCJGJ-${u.item.name}-${at.toISOString().slice(0, 10)}.xlsx` }).where('id', '=', receipt.batchId).execute();
    return receipt;
  };
  // The reviewer decides on the next working morning (a day later, at 9:30 China time).
  const nextMorning = (at: Date) => new Date(Math.floor((at.getTime() + 8 * 3_600_000) / MS_DAY + 1) * MS_DAY - 8 * 3_600_000 + 9.5 * 3_600_000);
  const decided = async (batchId: string, at: Date, finished: boolean) => {
    await db.updateTable('ingest_batches').set({ reviewed_at: at, ...(finished ? { finished_at: new Date(at.getTime() + 40_000) } : {}) }).where('id', '=', batchId).execute();
  };
  let returnedOnce = false;
  for (const u of opts.uploads) {
    if (u.month > 0 && !returnedOnce && u.rows.some((r) => r.CF_NR_FK)) {
      // First sent two days earlier with one fine keyed with an extra digit: the reviewer returned it with a note.
      returnedOnce = true;
      const i = u.rows.findIndex((r) => r.CF_NR_FK);
      const wrong = u.rows.map((r, k) => (k === i ? { ...r, CF_NR_FK: String(Number(r.CF_NR_FK) * 10) } : r));
      const firstAt = new Date(u.reportDate.getTime() - 2 * MS_DAY);
      const first = await hold(u, wrong, firstAt);
      await returnBatch(db, opts.reviewer, first.batchId, `处罚决定书${u.rows[i].CF_WSH}的罚款金额与决定书不一致（多录了一位），请核对后重新报送`, asReviewer);
      await decided(first.batchId, nextMorning(firstAt), true);
      summary.returned++;
    }
    const held = await hold(u, u.rows, u.reportDate);
    if (u.month === 0) {
      summary.pending++;
      continue;
    }
    await approveBatch(db, opts.reviewer, held.batchId, asReviewer);
    const receipt = await replayReviewedBatch({ ...common, batchId: held.batchId });
    await decided(held.batchId, nextMorning(u.reportDate), true);
    summary.approved++;
    summary.accepted += receipt.accepted;
    summary.rejected += receipt.rejected;
    summary.late += receipt.late;
  }
  return summary;
}
