// The review step (审核, issue 17 §3): a department the credit office marks 报送需审核 has its batches validated at
// upload and held, not written: every data row goes to ingest_review_rows (cells shown masked, the row as read
// sealed) and the batch waits as 'pending_review'. The department's 审核员 (or the credit office) approves it, and
// the ordinary commit replays the held rows (import.service.ts replayReviewedBatch, run as the import job), or
// returns it with a note ('returned', rows dropped) for the reporter to correct and upload again. Nothing of a
// held batch is in records, so nothing of it is public, shared or counted before approval.
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { decrypt, sealer } from '../../platform/crypto.ts';
import { conflict, forbidden, notFound } from '../../platform/errors.ts';
import { departmentScope, type SessionUser } from '../auth/index.ts';
import { compileItem, definitionKey, headerKey, itemDefinitions, type CatalogItem } from '../catalog/index.ts';
import { BATCH_NS, type ReceiptCounts } from './batches.ts';
import { protectRejectCells } from './rejects.ts';
import { Slicer } from './turns.ts';
import type { SheetRow } from './rows.ts';
import type { TextEncodingName } from './decode.ts';
import type { StagedRow } from './staging.ts';

/** Held rows written per statement. */
const HOLD_CHUNK = 500;

export interface HoldOptions {
  db: Db;
  secret: string;
  batchId: string;
  rows: AsyncIterable<StagedRow>;
  /** The row as read (cells and source facts) for a row number, taken once: what approval replays. */
  source: (rowNumber: number) => SheetRow | undefined;
  /** Columns feeding personal (masked) fields. */
  personalColumns: readonly number[];
  rowWarnings: () => unknown[];
}

/**
 * Validates and holds a batch for review, in one transaction under the batch's lock (so the abandoned-batches
 * sweep leaves it alone): rejected rows go to ingest_rejects as in a commit, every row to ingest_review_rows, and
 * the batch becomes 'pending_review' with its receipt counts (new/updated/duplicates are known only at approval).
 */
export async function holdForReview(o: HoldOptions): Promise<ReceiptCounts> {
  const counts: ReceiptCounts = { total: 0, accepted: 0, rejected: 0, new: 0, updated: 0, duplicates: 0, withdrawn: 0, late: 0 };
  const seal = sealer(o.secret, 'pii');
  const personal = new Set(o.personalColumns);
  const now = new Date();
  // Every row is masked and sealed here (about 0.1 ms a row, on the thread that serves HTTP): in slices (issue 18).
  const slicer = new Slicer();
  await o.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${BATCH_NS}, ${Number(o.batchId)}::int)`.execute(trx);
    let held: Array<{ batch_id: string; row_number: number; accepted: boolean; cells: string; source_enc: string }> = [];
    let rejects: Array<{ batch_id: string; row_number: number; cells: string; errors: string; pii_enc: string | null; cells_masked: boolean }> = [];
    const flush = async () => {
      if (held.length) await trx.insertInto('ingest_review_rows').values(held).execute();
      if (rejects.length) await trx.insertInto('ingest_rejects').values(rejects).execute();
      held = [];
      rejects = [];
    };
    for await (const row of o.rows) {
      counts.total++;
      const raw = o.source(row.rowNumber);
      const p = protectRejectCells(row.cells, personal, now, seal);
      if (row.kind === 'rejected') {
        counts.rejected++;
        rejects.push({ batch_id: o.batchId, row_number: row.rowNumber, cells: JSON.stringify(p.cells), errors: JSON.stringify(row.errors), pii_enc: p.piiEnc, cells_masked: true });
      } else {
        counts.accepted++;
        if (row.result.late) counts.late++;
      }
      const source = { cells: raw?.cells ?? row.cells, numericCols: raw?.numericCols, formulaCols: raw?.formulaCols, issues: raw?.issues };
      held.push({ batch_id: o.batchId, row_number: row.rowNumber, accepted: row.kind === 'accepted', cells: JSON.stringify(p.cells), source_enc: seal(JSON.stringify(source)) });
      if (held.length >= HOLD_CHUNK) await flush();
      await slicer.turn();
    }
    await flush();
    await trx
      .updateTable('ingest_batches')
      .set({ status: 'pending_review', total: counts.total, accepted: counts.accepted, rejected: counts.rejected, late: counts.late, row_warnings: JSON.stringify(o.rowWarnings()) })
      .where('id', '=', o.batchId)
      .execute();
  });
  return counts;
}

/** What approval replays: the batch's upload facts and its held rows as read, in file order. */
export interface HeldBatch {
  batchId: string;
  departmentId: number;
  item: CatalogItem;
  channel: 'file' | 'api' | 'form' | 'cli';
  fileName: string | null;
  format: string | null;
  encoding: TextEncodingName | null;
  header: string[];
  createdBy: number | null;
  apiKeyId: number | null;
  createdAt: Date;
}

/** A held batch's facts and catalogue version (undefined when the batch is unknown). */
export async function heldBatch(db: DbOrTx, batchId: string): Promise<HeldBatch | undefined> {
  const b = await db
    .selectFrom('ingest_batches')
    .select(['id', 'department_id', 'item_id', 'catalog_version', 'channel', 'file_name', 'format', 'encoding', 'header', 'created_by', 'api_key_id', 'created_at'])
    .where('id', '=', batchId)
    .executeTakeFirst();
  if (!b) return undefined;
  const item = (await itemDefinitions(db, [{ itemId: b.item_id, version: b.catalog_version }])).get(definitionKey(b.item_id, b.catalog_version));
  if (!item) return undefined;
  return {
    batchId: b.id,
    departmentId: b.department_id,
    item,
    channel: b.channel,
    fileName: b.file_name,
    format: b.format,
    encoding: b.encoding as TextEncodingName | null,
    header: (b.header as string[] | null) ?? [],
    createdBy: b.created_by,
    apiKeyId: b.api_key_id,
    createdAt: new Date(b.created_at),
  };
}

/** The held rows of a batch as read (unsealed), in row order, a page at a time. */
export async function* heldRows(db: DbOrTx, secret: string, batchId: string): AsyncGenerator<SheetRow> {
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom('ingest_review_rows')
      .select(['row_number', 'source_enc'])
      .where('batch_id', '=', batchId)
      .where('row_number', '>', after)
      .orderBy('row_number')
      .limit(HOLD_CHUNK)
      .execute();
    if (!page.length) return;
    for (const r of page) {
      const s = JSON.parse(decrypt(secret, r.source_enc, 'pii')) as Omit<SheetRow, 'kind' | 'rowNumber'>;
      yield { kind: 'row', rowNumber: r.row_number, cells: s.cells, numericCols: s.numericCols, formulaCols: s.formulaCols, issues: s.issues };
    }
    after = page[page.length - 1].row_number;
  }
}

/**
 * Who may decide a held batch: the credit office, or a 审核员 of the batch's department; never its uploader
 * (four eyes). A refusal is audited.
 */
async function assertReviewer(db: DbOrTx, user: SessionUser, batch: { id: string; department_id: number; created_by: number | null }, ctx: AuditContext): Promise<void> {
  const deny = async (reason: string, code: 'review_forbidden' | 'review_own_batch') => {
    await audit(db, ctx, { action: 'ingest.review', target: `batch:${batch.id}`, outcome: 'denied', detail: { reason } });
    throw forbidden(code);
  };
  if (user.role !== 'admin' && !(user.role === 'reviewer' && user.departmentId === batch.department_id)) await deny('not_reviewer', 'review_forbidden');
  if (batch.created_by !== null && batch.created_by === user.id) await deny('own_batch', 'review_own_batch');
}

async function lockedPending(trx: DbOrTx, id: string) {
  const b = await trx.selectFrom('ingest_batches').select(['id', 'department_id', 'created_by', 'status']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!b) throw notFound('batch_not_found');
  return b;
}

/**
 * Approves a held batch: in one transaction (the row lock makes a second reviewer wait, then see it taken: 409),
 * the batch moves to 'processing' with the reviewer, audited. The caller then runs the commit (the import job),
 * which ends it 'committed'; an interrupted commit puts it back to 'pending_review' (batches.ts sweep).
 */
export async function approveBatch(db: Db, user: SessionUser, id: string, ctx: AuditContext): Promise<HeldBatch> {
  await db.transaction().execute(async (trx) => {
    const b = await lockedPending(trx, id);
    await assertReviewer(db, user, b, ctx);
    if (b.status !== 'pending_review') throw conflict('batch_not_pending_review');
    await trx.updateTable('ingest_batches').set({ status: 'processing', reviewed_by: user.id, reviewed_at: new Date(), review_note: null }).where('id', '=', id).execute();
    await audit(trx, ctx, { action: 'ingest.review.approve', target: `batch:${id}`, detail: { departmentId: b.department_id } });
  });
  return (await heldBatch(db, id))!;
}

/** Returns a held batch to its department with the reviewer's note: 'returned', its held rows dropped, audited. */
export async function returnBatch(db: Db, user: SessionUser, id: string, note: string, ctx: AuditContext): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const b = await lockedPending(trx, id);
    await assertReviewer(db, user, b, ctx);
    if (b.status !== 'pending_review') throw conflict('batch_not_pending_review');
    await trx
      .updateTable('ingest_batches')
      .set({ status: 'returned', reviewed_by: user.id, reviewed_at: new Date(), review_note: note, finished_at: new Date() })
      .where('id', '=', id)
      .execute();
    await trx.deleteFrom('ingest_review_rows').where('batch_id', '=', id).execute();
    await audit(trx, ctx, { action: 'ingest.review.return', target: `batch:${id}`, detail: { departmentId: b.department_id, note } });
  });
}

/** A batch whose approved commit did not finish goes back to the review queue (its held rows are intact). */
export async function reopenReview(db: DbOrTx, batchId: string): Promise<void> {
  await db
    .updateTable('ingest_batches')
    .set({ status: 'pending_review', reviewed_by: null, reviewed_at: null })
    .where('id', '=', batchId)
    .where('status', '=', 'processing')
    .where((eb) => eb.exists(eb.selectFrom('ingest_review_rows').select('row_number').where('batch_id', '=', batchId)))
    .execute();
}

export interface HeldRowDto {
  rowNumber: number;
  accepted: boolean;
  /** As uploaded, personal cells masked. */
  cells: string[];
}

/**
 * The names a reviewer reads above the columns: each header cell that names a data item (by name, alias or code, as
 * the import matched it) becomes the item's name, so a file headed with codes (XK_XDR_MC …) reads 行政相对人名称 …
 * (issue 17 §4); a legacy format's column its own header; anything else stays as uploaded.
 */
export function columnNames(item: CatalogItem, header: readonly string[]): string[] {
  const c = compileItem(item);
  return header.map((h) => {
    const k = headerKey(h ?? '');
    const code = c.byHeader.get(k);
    if (code) return c.byCode.get(code)?.name ?? h;
    for (const l of c.legacy) {
      const i = l.byHeader.get(k);
      if (i !== undefined) return l.format.columns[i].header;
    }
    return h;
  });
}

/** A page of a held batch's rows (masked) with its header, for the reviewer; within the reader's department scope. */
export async function heldRowsPage(db: DbOrTx, user: SessionUser, batchId: string, cursor: number, ctx: AuditContext): Promise<{ header: string[]; columns: string[]; items: HeldRowDto[]; nextCursor: string | null }> {
  const b = await db.selectFrom('ingest_batches').select(['department_id', 'header', 'item_id', 'catalog_version']).where('id', '=', batchId).executeTakeFirst();
  if (!b) throw notFound('batch_not_found');
  const scope = await departmentScope(db, user);
  if (scope !== null && !scope.includes(b.department_id)) {
    await audit(db, ctx, { action: 'ingest.batch.read', target: `batch:${batchId}`, outcome: 'denied', detail: { reason: 'other_department' } });
    throw forbidden('department_forbidden', '无权查看其他部门的批次');
  }
  const limit = 100;
  const rows = await db
    .selectFrom('ingest_review_rows')
    .select(['row_number', 'accepted', 'cells'])
    .where('batch_id', '=', batchId)
    .where('row_number', '>', cursor)
    .orderBy('row_number')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map((r) => ({ rowNumber: r.row_number, accepted: r.accepted, cells: r.cells as string[] }));
  const header = (b.header as string[] | null) ?? [];
  const item = (await itemDefinitions(db, [{ itemId: b.item_id, version: b.catalog_version }])).get(definitionKey(b.item_id, b.catalog_version));
  const columns = item ? columnNames(item, header) : header;
  return { header, columns, items, nextCursor: rows.length > limit ? String(items[items.length - 1].rowNumber) : null };
}
