// Background imports as a durable queued job, `ingest.import` (issue 12 §4). The upload handler saves the file
// under DATA_DIR/uploads and submits a job whose payload names the file and the options; the job runs
// importFile (or importRows for a large signed-API batch, whose rows are saved as a JSON file the same way).
// Its progress (rows, bytes) lives in the job row, written at most once a second, so the console's poll reads
// it from the database, from any process. A batch commits atomically, so an import interrupted by a stop or
// crash is simply run again by the next runner: the new attempt makes a new batch, and the interrupted one is
// marked failed with a pointer to it. Before it merges, an attempt checks that it still owns the job, so a
// runner presumed dead that wakes up again cannot commit the same file a second time.
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Db } from '../../db/index.ts';
import type { Channel } from '../../db/types.ts';
import type { AuditContext } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/http.ts';
import { jobProgressByRef, PermanentJobError, unfinishedJobRefs, type JobRunner, type QueuedJob, type RunningJob } from '../../platform/jobs.ts';
import type { CatalogItem } from '../catalog/index.ts';
import { appImportOptions, importFile, importRows, replayReviewedBatch, type ImportProgress, type Receipt } from './import.service.ts';
import { reopenReview } from './review.ts';
import { holdBatch, sweepAbandonedBatches } from './ingest.service.ts';
import { removeUpload, saveUpload } from './uploads.ts';

export const IMPORT_JOB = 'ingest.import';

/** What an import job needs to run (and run again after a restart): JSON, stored in the job row. */
export interface ImportPayload {
  /**
   * A saved upload (file), the rows of a signed-API batch saved as JSON (rows), or an approved batch whose held rows
   * are committed (review: `batchId`; path, item and the rest are the batch's own and unused).
   */
  source: 'file' | 'rows' | 'review';
  batchId?: string;
  path: string;
  fileName: string | null;
  /** The catalogue item as it was when the upload arrived: a rerun validates against the same version. */
  item: CatalogItem;
  departmentId: number;
  channel: Channel;
  createdBy?: number | null;
  apiKeyId?: number | null;
  correction?: { reason: string; ctx: AuditContext } | null;
  correctionHint?: boolean;
}

/** The progress an import job stores: its batch and how far it has read. */
type StoredProgress = ImportProgress & { batchId: string };

interface Deferred {
  promise: Promise<string>;
  resolve(batchId: string): void;
  reject(e: unknown): void;
}

// Submitted jobs whose batch id a handler is waiting for (this process only; the answer, not the state).
const batchWaiters = new Map<string, Deferred>();

function waiterFor(jobId: string): Deferred {
  let d = batchWaiters.get(jobId);
  if (!d) {
    let resolve!: (id: string) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<string>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined);
    d = { promise, resolve, reject };
    batchWaiters.set(jobId, d);
  }
  return d;
}

const batchRef = (id: string) => `batch:${id}`;

const FAILED = { code: 'import_failed', message: '导入失败，本批次未写入任何数据，请重新上传或联系信用办' };

/** Marks a batch that is still processing as failed (nothing of it was written). */
async function failBatch(db: Db, batchId: string): Promise<void> {
  await db
    .updateTable('ingest_batches')
    .set({ status: 'failed', file_errors: JSON.stringify([FAILED]), finished_at: new Date() })
    .where('id', '=', batchId)
    .where('status', '=', 'processing')
    .execute();
}

/** The batch of an interrupted attempt, once its rerun has a batch of its own: failed, pointing to the new one. */
async function supersedeBatch(db: Db, oldId: string, newId: string): Promise<void> {
  await db
    .updateTable('ingest_batches')
    .set({
      status: 'failed',
      file_errors: JSON.stringify([{ code: 'import_restarted', message: `导入进程中断，已自动重新导入为批次 ${newId}；本批次未写入任何数据`, details: { batchId: newId } }]),
      finished_at: new Date(),
    })
    .where('id', '=', oldId)
    .where((eb) => eb.or([eb('status', '=', 'processing'), eb.and([eb('status', '=', 'failed'), eb('file_errors', '@>', JSON.stringify([{ code: 'import_interrupted' }]))])]))
    .execute();
}

/**
 * The `ingest.import` job. `hooks.beforeMerge` runs before an attempt merges its rows (tests hold an attempt
 * there to stand for a process that stopped mid-import).
 */
export function importJob(hooks: { beforeMerge?: () => Promise<void> } = {}): QueuedJob<ImportPayload> {
  return {
    kind: 'queued',
    name: IMPORT_JOB,
    description: '后台导入：上传文件（或大批量接口数据）的校验入库；进程重启后自动重新导入中断的批次',
    // Two more attempts for an import whose process died; an import that fails by itself is not retried.
    retries: 2,
    async run(ctx: AppContext, job: RunningJob<ImportPayload>): Promise<string> {
      const p = job.payload;
      const previous = (job.previousProgress as StoredProgress | null)?.batchId ?? null;
      const releases: Array<() => void> = [];
      // The interrupted attempt's batch is not abandoned while this attempt runs (the sweep leaves it alone).
      if (previous) releases.push(holdBatch(previous));
      let batchId: string | null = null;
      let lastProgress: StoredProgress | null = null;
      const options = {
        ...appImportOptions(ctx),
        item: p.item,
        departmentId: p.departmentId,
        channel: p.channel,
        createdBy: p.createdBy ?? null,
        apiKeyId: p.apiKeyId ?? null,
        correction: p.correction ?? null,
        correctionHint: p.correctionHint ?? false,
        onBatch: (id: string) => {
          batchId = id;
          releases.push(holdBatch(id));
          waiterFor(job.id).resolve(id);
          const empty: StoredProgress = { batchId: id, rows: 0, bytesRead: 0, totalBytes: 0 };
          // A replayed approval keeps its batch: nothing to supersede.
          void Promise.all([job.setRef(batchRef(id)), job.report(empty, { force: true }), previous && previous !== id ? supersedeBatch(ctx.db, previous, id) : null]).catch(() => undefined);
        },
        onProgress: (pr: ImportProgress) => {
          if (!batchId) return;
          lastProgress = { batchId, ...pr };
          void job.report(lastProgress).catch(() => undefined);
        },
        beforeMerge: async () => {
          // Every row has been read: the console shows the full count while the merge runs.
          if (lastProgress) await job.report(lastProgress, { force: true });
          await hooks.beforeMerge?.();
          if (!(await job.stillOwned())) throw new JobTakenOver();
        },
      };
      try {
        const receipt: Receipt =
          p.source === 'review'
            ? await replayReviewedBatch({ ...options, batchId: p.batchId! })
            : p.source === 'file'
              ? await importFile({ ...options, path: p.path, fileName: p.fileName ?? undefined })
              : await importRows({ ...options, rows: JSON.parse(await readFile(p.path, 'utf8')) as Array<Record<string, string>> });
        const outcome = receipt.status === 'committed' ? '已入库' : receipt.status === 'pending_review' ? '待审核' : '已退回';
        return `批次 ${receipt.batchId}：${outcome}，共 ${receipt.total} 行，接收 ${receipt.accepted} 行，退回 ${receipt.rejected} 行`;
      } catch (e) {
        // Another runner took the job over: its attempt owns the batch now; leave everything as it is.
        if (e instanceof JobTakenOver) throw new PermanentJobError(e.message);
        // An approved batch that could not be committed goes back to the review queue, its held rows intact.
        if (batchId) await (p.source === 'review' ? reopenReview(ctx.db, batchId) : failBatch(ctx.db, batchId)).catch(() => undefined);
        // A failing import fails the same way again: no retry (retries are for interrupted attempts).
        throw new PermanentJobError(`导入失败：${(e as Error).message}`, { cause: e });
      } finally {
        releases.forEach((r) => r());
      }
    },
    async settle(ctx, job, outcome) {
      // Finished for good: the saved file goes, and a batch left processing (last attempt interrupted) fails.
      if (job.payload.source !== 'review') await removeUpload(job.payload.path);
      const batchId = (job.progress as StoredProgress | null)?.batchId;
      if (!outcome.ok && batchId) await (job.payload.source === 'review' ? reopenReview(ctx.db, batchId) : failBatch(ctx.db, batchId));
    },
  };
}

class JobTakenOver extends Error {
  constructor() {
    super('导入任务已由其他进程接手，本次运行不写入数据');
  }
}

/**
 * Submits an import job, run at once by this process's runner; resolves with the batch id as soon as the
 * batch exists (the console polls it), or rejects if the import failed before making one.
 */
export async function startImport(jobs: JobRunner, payload: ImportPayload): Promise<string> {
  const { id, done } = await jobs.submit(IMPORT_JOB, payload);
  const waiter = waiterFor(id);
  void done.then((o) => {
    // Resolved already when the batch was made; otherwise the import ended (or failed) without one.
    waiter.reject(o.error ?? new Error('导入任务未创建批次'));
    batchWaiters.delete(id);
  });
  return waiter.promise;
}

/** Saves the rows of a large signed-API batch next to the uploads, so that its job can run (again) from disk. */
export async function saveRowsForImport(uploadDir: string, rows: readonly unknown[]): Promise<string> {
  return saveUpload(uploadDir, Readable.from([JSON.stringify(rows)]));
}

/** The stored progress of the import jobs still running for these batches, by batch id. */
export async function importProgress(db: Db, batchIds: readonly string[]): Promise<Map<string, ImportProgress>> {
  const byRef = await jobProgressByRef(db, IMPORT_JOB, batchIds.map(batchRef));
  const out = new Map<string, ImportProgress>();
  for (const [ref, progress] of byRef) {
    const p = progress as StoredProgress | null;
    if (p) out.set(ref.slice('batch:'.length), { rows: p.rows, bytesRead: p.bytesRead, totalBytes: p.totalBytes });
  }
  return out;
}

/** Saved files of import jobs not yet finished: a start-up sweep of the uploads folder must keep them. */
export async function pendingImportFiles(db: Db): Promise<Set<string>> {
  return new Set((await unfinishedJobRefs(db, IMPORT_JOB)).map((j) => (j.payload as ImportPayload).path));
}

/**
 * Marks batches of crashed imports failed, except those whose import job is still queued or being retried (the
 * rerun will supersede them). The `abandoned-batches` job and the receipt reads (receipts.service.ts) run this;
 * `only` limits it to the given batches (a poll of one receipt).
 */
export async function sweepAbandonedImports(db: Db, only?: readonly string[]): Promise<number> {
  if (only && !only.length) return 0;
  const pending = new Set((await unfinishedJobRefs(db, IMPORT_JOB)).map((j) => j.ref).filter((r): r is string => r !== null));
  let q = db.selectFrom('ingest_batches').select('id').where('status', '=', 'processing');
  if (only) q = q.where('id', 'in', [...only]);
  const processing = await q.execute();
  return sweepAbandonedBatches(db, { ids: processing.map((b) => b.id).filter((id) => !pending.has(batchRef(id))) });
}
