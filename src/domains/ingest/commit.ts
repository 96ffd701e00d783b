// 归集 commit: a batch's rows staged and merged chunk by chunk in one transaction, under the batch's and the
// item's advisory locks, then its rejected rows, counts and receipt, and (for a credit-office correction) its
// audit entry; a crash or SIGKILL leaves nothing of it (README.md, "How a batch is written").
import { auditOnClient } from '../../platform/audit.ts';
import type pg from 'pg';
import type { RowIssueOut, RowResult } from './validate.ts';
import { rejectCopyLines, type PendingReject } from './rejects.ts';
import { BATCH_NS, MERGE_NS, type ReceiptCounts } from './batches.ts';
import { copyText, esc } from './copytext.ts';
import { mergeChunk, type CommitOptions, type MergeContext } from './merge.ts';
import { chunksOf, readAhead, stageContext } from './staging.ts';
import { lowerBackendPriority } from './priority.ts';

/**
 * Rows merged per chunk (see commitBatch). The merge looks rows up by index probe, so a chunk's size barely
 * changes PostgreSQL's work; it bounds Node's memory (up to three chunks are alive: merging, read ahead and
 * being read). Measured on 200,000 rows: peak RSS 665 MiB at 25,000, about 600 at 10,000, 469 at 5,000, with
 * no difference in speed beyond this machine's run-to-run spread.
 */
export const MERGE_CHUNK_ROWS = 10_000;

/** Rejected rows protected together (rejects.ts rejectCopyLines, in slices) while a chunk is read. */
const PROTECT_BATCH = 500;

/**
 * The channel a committed batch is announced on (NOTIFY inside the commit, so listeners hear of it only once it is
 * committed; payload JSON `{ batchId, recordType }`). Other domains listen instead of hooking into this path.
 */
export const BATCH_COMMITTED_CHANNEL = 'ingest_batch_committed';

/**
 * Stages and merges the batch atomically, in one transaction; returns the receipt counts.
 *
 * Accepted rows are merged in chunks of `chunkRows`, with the next chunk read ahead, so that a big file
 * keeps Node (decode, parse, validate, serialise) and PostgreSQL (look-ups, COPY) busy at the same time.
 * Each chunk's merge sees the records that earlier chunks wrote in the same transaction, so the counts and
 * versions are those of a single merge: a key repeated in a later chunk is an unchanged duplicate or a new
 * version exactly as if both rows were in one chunk (tested).
 * Merges of one catalogue item are serialised (advisory lock from the first merge to the commit); a file
 * of up to one chunk is staged in full before it waits for that lock.
 */
export async function commitBatch(o: CommitOptions): Promise<ReceiptCounts> {
  const client = await o.pool.connect();
  const counts: ReceiptCounts = { total: 0, accepted: 0, rejected: 0, new: 0, updated: 0, duplicates: 0, withdrawn: 0, late: 0 };
  const stage = stageContext(o.item, o.secret, o.keyWithSubject, o.publicitySettings);
  // Rejected rows waiting for their cells to be protected, and their COPY lines once they are.
  const rejects: PendingReject[] = [];
  const rejectLines: string[] = [];
  const personal = new Set(o.rejectPersonalColumns ?? []);
  let restorePriority: (() => boolean) | null = null;
  try {
    restorePriority = await lowerBackendPriority(client, o.backendNice ?? 0);
    await client.query('SELECT pg_advisory_lock($1, $2::int)', [BATCH_NS, o.batchId]);
    await client.query('BEGIN');
    // An approved batch's held rows and the upload's rejects are replaced by this commit's (in its transaction).
    if (o.replacesHeld) {
      await client.query('DELETE FROM ingest_rejects WHERE batch_id = $1', [o.batchId]);
      await client.query('DELETE FROM ingest_review_rows WHERE batch_id = $1', [o.batchId]);
    }
    // Rejected rows are written after each chunk's merge, in the batch's transaction, rather than kept for the
    // whole file: nothing in Node grows with the number of rows read (issue 18).
    // Personal cells masked, their originals sealed like a version's (rejects.ts), in slices with turns of the event
    // loop: a file of mostly refused rows would otherwise hold the thread for every row of a worker's batch.
    const protectRejects = async () => {
      if (rejects.length) rejectLines.push(...(await rejectCopyLines(o.batchId, rejects.splice(0), personal, stage.at, stage.seal)));
    };
    const flushRejects = async () => {
      await protectRejects();
      if (rejectLines.length) await copyText(client, 'COPY ingest_rejects (batch_id, row_number, cells, errors, pii_enc, cells_masked) FROM STDIN', rejectLines.splice(0));
    };
    // Rows refused by validation and rows the merge refuses (another department's record) go to the same list.
    const reject = (rowNumber: number, cells: readonly string[], errors: readonly RowIssueOut[]) => {
      counts.rejected++;
      rejects.push({ rowNumber, cells, errors });
    };
    async function* accepted(): AsyncGenerator<{ rowNumber: number; result: RowResult; cells: readonly string[] }> {
      for await (const row of o.rows) {
        counts.total++;
        if (counts.total % 10_000 === 0) o.onProgress?.(counts.total);
        if (row.kind === 'rejected') {
          reject(row.rowNumber, row.cells, row.errors);
          // Kept as lines, not as rows, while the chunk fills: a row's cells are larger than its line.
          if (rejects.length >= PROTECT_BATCH) await protectRejects();
          continue;
        }
        counts.accepted++;
        if (row.result.late) counts.late++;
        yield row;
      }
    }
    const m: MergeContext = {
      client,
      o,
      stage,
      // Columns every version of the batch shares, after a staged line's own.
      versionSuffix: `\t${o.batchId}\t${esc(o.channel)}\t${o.departmentId}\t${o.item.version}`,
      recordSequence: '',
      versionAt: '',
      checkedAt: stage.at.toISOString(),
      reject,
      touched: o.correction ? new Map() : null,
    };
    let n = 0;
    for await (const chunk of readAhead(chunksOf(accepted(), o.chunkRows ?? MERGE_CHUNK_ROWS, stage, o.pool), 1)) {
      n++;
      if (n === 1) {
        await o.beforeMerge?.();
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MERGE_NS, o.item.id]);
        const first = await client.query<{ s: string; at: string }>(`SELECT pg_get_serial_sequence('records', 'id') AS s, now()::text AS at`);
        m.recordSequence = first.rows[0].s;
        m.versionAt = first.rows[0].at;
      }
      if (chunk.length > 0) await mergeChunk(m, chunk, counts);
      await flushRejects();
      await o.afterChunkMerge?.(n);
    }
    o.onProgress?.(counts.total);
    counts.duplicates = counts.accepted - counts.new - counts.updated;
    if (o.correction) await auditCorrection(client, o, m.touched!);
    await flushRejects();
    await client.query(
      `UPDATE ingest_batches SET status = 'committed', total = $2, accepted = $3, rejected = $4, new_records = $5, updated = $6,
         duplicates = $7, withdrawn = $8, late = $9, row_warnings = $10, finished_at = now() WHERE id = $1`,
      [o.batchId, counts.total, counts.accepted, counts.rejected, counts.new, counts.updated, counts.duplicates, counts.withdrawn, counts.late, JSON.stringify(o.rowWarnings?.() ?? [])],
    );
    // Delivered by PostgreSQL at COMMIT and never on rollback: e.g. the lists domain registers list entries at once.
    await client.query('SELECT pg_notify($1, $2)', [BATCH_COMMITTED_CHANNEL, JSON.stringify({ batchId: o.batchId, recordType: o.item.recordType })]);
    const t0 = performance.now();
    await client.query('COMMIT');
    o.onStep?.('COMMIT (deferred checks)', performance.now() - t0);
    return counts;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2::int)', [BATCH_NS, o.batchId]).catch(() => undefined);
    // A backend left at the import's priority would slow whatever the pool lends it to next: set back, or discarded.
    client.release(restorePriority && !restorePriority() ? true : undefined);
  }
}

/** Records named in a correction's audit entry at most (the count is always complete). */
const AUDIT_RECORDS_MAX = 1000;

/**
 * Audits a credit-office correction with its reason and the records it touched, in the batch's transaction
 * (the merge runs on a pg client, not Kysely: platform/audit.ts auditOnClient writes the same row there).
 */
async function auditCorrection(client: pg.PoolClient, o: CommitOptions, touched: ReadonlyMap<string, number>): Promise<void> {
  const { reason, ctx } = o.correction!;
  const records = [...touched].slice(0, AUDIT_RECORDS_MAX).map(([id, owner]) => ({ id, departmentId: owner, otherDepartment: owner !== o.departmentId }));
  const otherDepartments = [...touched.values()].filter((d) => d !== o.departmentId).length;
  await auditOnClient(client, ctx, {
    action: 'ingest.correction',
    target: `batch:${o.batchId}`,
    detail: { reason, departmentId: o.departmentId, item: o.item.id, recordCount: touched.size, otherDepartments, records },
  });
}
