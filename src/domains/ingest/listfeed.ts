// What the lists domain reads of committed list records (红名单/黑名单 catalogue items, issue 14 §2): the
// batches of given items after a watermark, and the records a batch wrote. Read-only; lists keeps its own
// cursor, so ingest's commit path is unchanged (lists/README.md, "The hand-over from ingest").
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import type { Channel } from '../../db/types.ts';

/** The batches of these catalogue items with an id above `afterId`, oldest first, with their status. */
export async function batchesOfItems(db: DbOrTx, itemIds: readonly string[], afterId: string, limit = 500): Promise<Array<{ id: string; status: string }>> {
  if (itemIds.length === 0) return [];
  return db
    .selectFrom('ingest_batches')
    .select(['id', 'status'])
    .where('item_id', 'in', itemIds)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** A list record as the lists domain reads it: id, catalogue item and type, document, subject, owner and status. */
export interface ListRecord {
  id: string;
  itemId: string;
  recordType: string;
  docNo: string;
  subjectId: string | null;
  departmentId: number;
  status: 'active' | 'withdrawn';
}

/** The ListRecord of a records row. */
function listRecordOf(r: { id: string; item_id: string; record_type: string; doc_no: string; subject_id: string | null; department_id: number; status: ListRecord['status'] }): ListRecord {
  return { id: r.id, itemId: r.item_id, recordType: r.record_type, docNo: r.doc_no, subjectId: r.subject_id, departmentId: r.department_id, status: r.status };
}

/** A record a batch wrote, with its current content (masked fields stay masked: only public fields are read). */
export interface BatchRecord extends ListRecord {
  decisionDate: string | null;
  content: Record<string, unknown>;
}

/** A record with where its current version came from: batch, row, channel and file. */
export interface SourcedRecord extends ListRecord {
  batchId: string | null;
  rowNumber: number | null;
  channel: Channel | null;
  fileName: string | null;
}

/** The records that have a version in this batch, each with its record's current version's content. */
export async function batchRecords(db: DbOrTx, batchId: string): Promise<BatchRecord[]> {
  // The records whose current version this batch wrote (records by batch, index records_batch_id_idx, in id
  // order), then those with only a superseded version from it (record_history by batch): the current content is
  // on the record row (migration 20261208T0835w). Joining the record_versions view twice, once on
  // current_version, made the planner scan every record (npm run bench -- readers). A record without content
  // has no version and is never found by batch.
  const columns = [
    'r.id',
    'r.item_id',
    'r.record_type',
    'r.doc_no',
    'r.subject_id',
    'r.department_id',
    'r.status',
    sql<string | null>`to_char(r.decision_date, 'YYYY-MM-DD')`.as('decision_date'),
    'r.content',
  ] as const;
  const rows = await db
    .selectFrom('records as r')
    .select(columns)
    .where('r.batch_id', '=', batchId)
    .unionAll(
      db
        .selectFrom('record_history as h')
        .innerJoin('records as r', 'r.id', 'h.record_id')
        .select(columns)
        .where('h.batch_id', '=', batchId)
        .where(sql<boolean>`r.batch_id IS DISTINCT FROM ${batchId}`),
    )
    .orderBy('id')
    .execute();
  const seen = new Set<string>();
  const out: BatchRecord[] = [];
  for (const r of rows) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    out.push({
      ...listRecordOf(r),
      decisionDate: r.decision_date,
      content: (r.content ?? {}) as Record<string, unknown>,
    });
  }
  return out;
}

/**
 * Basis records for a list proposal, or the record a collected entry came in with: id, owner, subject and type,
 * and where it came from (the batch of its current version, its row, the channel and the file), or nothing for an
 * unknown id.
 */
export async function recordsByIds(db: DbOrTx, ids: readonly string[]): Promise<SourcedRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('records as r')
    .leftJoin('ingest_batches as b', 'b.id', 'r.batch_id')
    .select(['r.id', 'r.item_id', 'r.record_type', 'r.doc_no', 'r.subject_id', 'r.department_id', 'r.status', 'r.batch_id', 'r.row_number', 'r.channel', 'b.file_name'])
    .where('r.id', 'in', ids)
    .execute();
  return rows.map((r) => ({
    ...listRecordOf(r),
    batchId: r.batch_id,
    rowNumber: r.row_number,
    channel: r.channel,
    fileName: r.file_name,
  }));
}
