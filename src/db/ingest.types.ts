// Tables of the ingest domain's review step (issue 17 §3, migration 20261207T1700a_ingest_review); merged into DB
// in src/db/types.ts. The review columns of ingest_batches are in IngestBatchesTable there.
import type { ColumnType } from 'kysely';

/** A row of a batch awaiting review: cells with personal cells masked, and the row as read sealed ('pii'). */
export interface IngestReviewRowsTable {
  batch_id: string;
  row_number: number;
  /** Accepted by validation at upload (the others are also in ingest_rejects with their reasons). */
  accepted: boolean;
  cells: ColumnType<unknown, string, string>;
  /** The SheetRow as read (cells and source facts), AES-GCM under the 'pii' key: what approval replays. */
  source_enc: string;
}

export interface IngestReviewTables {
  ingest_review_rows: IngestReviewRowsTable;
}
