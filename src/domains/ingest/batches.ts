// 归集 batches: one upload is one batch. A batch is created 'processing' and committed on its own (so a crash
// leaves a visible batch), held by its importing process, and ends 'committed' (commit.ts), 'rejected' as a
// whole, or 'failed' when the sweep finds that its process died.
import type { Db } from '../../db/index.ts';
import type { Channel } from '../../db/types.ts';
import type { CatalogItem } from '../catalog/index.ts';

/** The receipt (回执) counts, named as the CLI's --json prints them. */
export interface ReceiptCounts {
  total: number;
  accepted: number;
  rejected: number;
  new: number;
  updated: number;
  duplicates: number;
  withdrawn: number;
  late: number;
}

export interface BatchStart {
  departmentId: number;
  item: CatalogItem;
  channel: Channel;
  fileName?: string | null;
  fileSha256?: string | null;
  fileBytes?: number | null;
  format?: string | null;
  createdBy?: number | null;
  apiKeyId?: number | null;
  /** 更正原因 of a credit-office correction (issue 11 §1). */
  correctionReason?: string | null;
}

// Advisory-lock namespaces: a batch being processed holds (BATCH_NS, id); merges of one item serialise on (MERGE_NS, hash).
export const BATCH_NS = 4201;
export const MERGE_NS = 4202;

/** Creates a batch in 'processing' state; committed on its own so a crash leaves a visible, failed batch. */
export async function startBatch(db: Db, b: BatchStart): Promise<string> {
  const r = await db
    .insertInto('ingest_batches')
    .values({
      department_id: b.departmentId,
      item_id: b.item.id,
      catalog_version: b.item.version,
      channel: b.channel,
      file_name: b.fileName ?? null,
      file_sha256: b.fileSha256 ?? null,
      file_bytes: b.fileBytes ?? null,
      format: b.format ?? null,
      status: 'processing',
      file_errors: '[]',
      created_by: b.createdBy ?? null,
      api_key_id: b.apiKeyId ?? null,
      correction_reason: b.correctionReason ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Marks a batch rejected as a whole (e.g. missing columns), with its file-level errors. */
export async function rejectBatch(db: Db, batchId: string, errors: unknown[], counts: Partial<ReceiptCounts> = {}): Promise<void> {
  await db
    .updateTable('ingest_batches')
    .set({ status: 'rejected', file_errors: JSON.stringify(errors), total: counts.total ?? 0, rejected: counts.rejected ?? 0, finished_at: new Date() })
    .where('id', '=', batchId)
    .execute();
}

// Batches this process is importing in the background. From startBatch until commitBatch takes the batch's
// advisory lock a live batch holds no lock yet, so the sweep must not take those for abandoned.
const ownBatches = new Set<string>();

/** Marks a batch as being imported by this process (the sweep leaves it alone); returns the release. */
export function holdBatch(id: string): () => void {
  ownBatches.add(id);
  return () => void ownBatches.delete(id);
}

const INTERRUPTED = { code: 'import_interrupted', message: '导入中断（导入进程意外终止），本批次未写入任何数据，请重新上传' };

/**
 * Batches left 'processing' by a crashed process become 'failed' at once: the importing process holds the
 * batch's advisory lock while it works (commitBatch), so a free lock on a batch this process is not importing
 * means nobody is. Runs at start-up (jobs) and whenever batches are listed or polled; `ids` limits it to those.
 */
export async function sweepAbandonedBatches(db: Db, opts: { ids?: readonly string[] } = {}): Promise<number> {
  let q = db.selectFrom('ingest_batches').select('id').where('status', '=', 'processing');
  if (opts.ids) {
    if (!opts.ids.length) return 0;
    q = q.where('id', 'in', opts.ids);
  }
  const rows = (await q.execute()).filter((r) => !ownBatches.has(r.id));
  let n = 0;
  for (const { id } of rows) {
    const done = await db.transaction().execute(async (trx) => {
      const got = await trx
        .selectNoFrom((eb) => eb.fn<boolean>('pg_try_advisory_xact_lock', [eb.val(BATCH_NS), eb.cast(eb.val(id), 'integer')]).as('ok'))
        .executeTakeFirstOrThrow();
      if (!got.ok) return false;
      // An approved batch whose commit died still has its held rows (review.ts): back to the review queue.
      const reopened = await trx
        .updateTable('ingest_batches')
        .set({ status: 'pending_review', reviewed_by: null, reviewed_at: null })
        .where('id', '=', id)
        .where('status', '=', 'processing')
        .where((eb) => eb.exists(eb.selectFrom('ingest_review_rows').select('row_number').where('batch_id', '=', id)))
        .executeTakeFirst();
      if (reopened.numUpdatedRows > 0n) return true;
      const r = await trx
        .updateTable('ingest_batches')
        .set({ status: 'failed', file_errors: JSON.stringify([INTERRUPTED]), finished_at: new Date() })
        .where('id', '=', id)
        .where('status', '=', 'processing')
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    });
    if (done) n++;
  }
  return n;
}
