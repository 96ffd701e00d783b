// 归集 storage, the write path's entry points: one batch = one upload, written in one transaction (a crash
// leaves no partial batch). Callers (import.service.ts, the routes, the jobs) import from here; the work is
// split along its seams (README.md here, "How a batch is written"):
//   batches.ts   start, reject, hold and sweep batches
//   staging.ts   an accepted row as a staged version, chunks, and what is prepared before a chunk's merge
//   copytext.ts  COPY text escaping, the line arena and the COPY writer
//   merge.ts     one chunk into records and record_versions (subjects through the subjects domain)
//   commit.ts    the batch's transaction: chunks, rejects, counts, receipt, correction audit
// Record key (issue: 归集 §6): catalogue item + deciding authority USCC + decision document number (文书号),
// plus the subject's code unless INGEST_KEY_WITH_SUBJECT=false (docs/domain/01-sgs.md §1.4 rule 7; joint decisions).
// Same key + same content = unchanged duplicate; changed content = a new version; 当前状态 = 撤销/无效
// withdraws the record (docs/domain/01-sgs.md §1.4 rule 7). Nothing is overwritten: versions keep batch, row, channel,
// department and catalogue version.
export { holdBatch, rejectBatch, startBatch, sweepAbandonedBatches, type BatchStart, type ReceiptCounts } from './batches.ts';
export { commitBatch, MERGE_CHUNK_ROWS } from './commit.ts';
export type { CommitOptions } from './merge.ts';
export type { StagedRow } from './staging.ts';
