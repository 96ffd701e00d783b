// Reads for the console: batches and their receipts, rejected rows, records with versions, statistics.
// Every list takes the caller's department scope (null = all departments).
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import type { BatchStatus, Channel } from '../../db/types.ts';
import { departmentsByIds } from '../auth/index.ts';
import { itemVersionNames, latestItemName } from '../catalog/index.ts';
import type { ReceiptCounts } from './batches.ts';

/** A batch with its receipt (回执): the receipt counts the commit stored, plus what the console shows. */
export interface BatchDto extends ReceiptCounts {
  batchId: string;
  status: BatchStatus;
  item: { id: string; name: string; version: number };
  department: { id: number; name: string };
  channel: Channel;
  fileName: string | null;
  format: string | null;
  encoding: string | null;
  errors: Array<{ code: string; message: string }>;
  /** Rows accepted with a personal-data warning of the public-field screen, per code. */
  warnings: Array<{ code: string; message: string; rows: number; rowNumbers: number[] }>;
  sameAsBatch: string | null;
  correctionReason: string | null;
  /** The console user who uploaded the batch (null for the signed API and the CLI). */
  createdBy: number | null;
  createdAt: string;
  finishedAt: string | null;
  /** The review step (review.ts): the reviewer, when, and the note of a return. */
  reviewedBy: number | null;
  reviewedAt: string | null;
  reviewNote: string | null;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

function batchQuery(db: DbOrTx) {
  return db
    .selectFrom('ingest_batches as b')
    .select([
      'b.id',
      'b.status',
      'b.item_id',
      'b.catalog_version',
      'b.department_id',
      'b.channel',
      'b.file_name',
      'b.format',
      'b.encoding',
      'b.total',
      'b.accepted',
      'b.rejected',
      'b.new_records',
      'b.updated',
      'b.duplicates',
      'b.withdrawn',
      'b.late',
      'b.file_errors',
      'b.row_warnings',
      'b.created_at',
      'b.finished_at',
      'b.correction_reason',
      'b.created_by',
      'b.reviewed_by',
      'b.reviewed_at',
      'b.review_note',
      // An earlier committed batch of the same department with byte-identical content.
      sql<string | null>`(SELECT max(p.id)::text FROM ingest_batches p WHERE p.file_sha256 = b.file_sha256 AND p.department_id = b.department_id
        AND p.status = 'committed' AND p.id < b.id)`.as('same_as'),
    ]);
}

type BatchRow = Awaited<ReturnType<ReturnType<typeof batchQuery>['executeTakeFirstOrThrow']>>;

/** The names a receipt shows, read from their owners (auth's departments, catalog's versions) for a page of batches. */
async function batchNames(db: DbOrTx, rows: readonly BatchRow[]) {
  const [departments, items] = await Promise.all([departmentsByIds(db, rows.map((r) => r.department_id)), itemVersionNames(db, rows.map((r) => r.item_id))]);
  return {
    department: (id: number) => departments.get(id)?.name ?? `部门 ${id}`,
    item: (id: string, version: number) => items.get(id)?.get(version) ?? id,
  };
}

function toBatchDto(r: BatchRow, names: Awaited<ReturnType<typeof batchNames>>): BatchDto {
  return {
    batchId: r.id,
    status: r.status,
    item: { id: r.item_id, name: names.item(r.item_id, r.catalog_version), version: r.catalog_version },
    department: { id: r.department_id, name: names.department(r.department_id) },
    channel: r.channel,
    fileName: r.file_name,
    format: r.format,
    encoding: r.encoding,
    total: r.total,
    accepted: r.accepted,
    rejected: r.rejected,
    new: r.new_records,
    updated: r.updated,
    duplicates: r.duplicates,
    withdrawn: r.withdrawn,
    late: r.late,
    errors: ((r.file_errors as Array<{ code: string; message: string }>) ?? []).map((e) => ({ code: e.code, message: e.message })),
    warnings: (r.row_warnings as BatchDto['warnings']) ?? [],
    sameAsBatch: r.same_as,
    correctionReason: r.correction_reason,
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    finishedAt: iso(r.finished_at),
    reviewedBy: r.reviewed_by,
    reviewedAt: iso(r.reviewed_at),
    reviewNote: r.review_note,
  };
}

/** One batch with its receipt. */
export async function getBatch(db: DbOrTx, id: string): Promise<BatchDto | undefined> {
  const r = await batchQuery(db).where('b.id', '=', id).executeTakeFirst();
  return r ? toBatchDto(r, await batchNames(db, [r])) : undefined;
}

/** Batches newest first (cursor = last id seen). */
export async function listBatches(
  db: DbOrTx,
  scope: number[] | null,
  q: { departmentId?: number; cursor?: string; limit?: number; warning?: string; status?: BatchStatus; lateFrom?: string },
): Promise<{ items: BatchDto[]; nextCursor: string | null }> {
  const limit = Math.min(q.limit ?? 50, 200);
  let query = batchQuery(db);
  // The desk's 近 30 日超期上报 for department users (todos.ts lateReports): committed batches with late rows
  // submitted since that day in Beijing time, the batches whose late rows the to-do counts.
  if (q.lateFrom) {
    query = query
      .where('b.status', '=', 'committed')
      .where('b.late', '>', 0)
      .where('b.created_at', '>=', new Date(`${q.lateFrom}T00:00:00+08:00`));
  }
  // Batches whose receipt lists rows with this warning code (e.g. fine_unit_suspect, issue 13).
  if (q.warning) query = query.where(sql<boolean>`b.row_warnings @> ${JSON.stringify([{ code: q.warning }])}::jsonb`);
  if (scope !== null) query = query.where('b.department_id', 'in', scope.length ? scope : [-1]);
  if (q.departmentId) query = query.where('b.department_id', '=', q.departmentId);
  // The review queue is ?status=pending_review (issue 17 §3).
  if (q.status) query = query.where('b.status', '=', q.status);
  if (q.cursor) query = query.where('b.id', '<', q.cursor);
  const rows = await query.orderBy('b.id', 'desc').limit(limit + 1).execute();
  const names = await batchNames(db, rows);
  const page = rows.slice(0, limit).map((r) => toBatchDto(r, names));
  return { items: page, nextCursor: rows.length > limit ? page[page.length - 1].batchId : null };
}

/** What the error file needs of a batch's upload: its header row as uploaded and the uploading user. */
export async function batchUpload(db: DbOrTx, id: string): Promise<{ header: string[]; createdBy: number | null }> {
  const r = await db.selectFrom('ingest_batches').select(['header', 'created_by']).where('id', '=', id).executeTakeFirstOrThrow();
  return { header: (r.header as string[] | null) ?? [], createdBy: r.created_by };
}

export interface RejectDto {
  rowNumber: number;
  errors: Array<{ field: string; header: string; code: string; message: string }>;
}

/** Rejected rows of a batch in row order (cursor = last row number seen). */
export async function listRejects(db: DbOrTx, batchId: string, cursor = 0, limit = 100): Promise<{ items: RejectDto[]; nextCursor: string | null }> {
  const rows = await db
    .selectFrom('ingest_rejects')
    .select(['row_number', 'errors'])
    .where('batch_id', '=', batchId)
    .where('row_number', '>', cursor)
    .orderBy('row_number')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map((r) => ({ rowNumber: r.row_number, errors: r.errors as RejectDto['errors'] }));
  return { items: page, nextCursor: rows.length > limit ? String(page[page.length - 1].rowNumber) : null };
}

/** Every rejected row with its stored cells (personal cells masked unless cellsMasked is false) and sealed originals, for the error file. */
export async function allRejects(
  db: DbOrTx,
  batchId: string,
): Promise<Array<{ rowNumber: number; cells: string[]; errors: RejectDto['errors']; piiEnc: string | null; cellsMasked: boolean }>> {
  const rows = await db
    .selectFrom('ingest_rejects')
    .select(['row_number', 'cells', 'errors', 'pii_enc', 'cells_masked'])
    .where('batch_id', '=', batchId)
    .orderBy('row_number')
    .execute();
  return rows.map((r) => ({ rowNumber: r.row_number, cells: r.cells as string[], errors: r.errors as RejectDto['errors'], piiEnc: r.pii_enc, cellsMasked: r.cells_masked }));
}

export interface RecordDto {
  id: string;
  itemId: string;
  itemName: string;
  docNo: string;
  authorityUscc: string;
  /** The 处罚机关/许可机关 name from the current version's content; the USCC when the version has none. */
  authorityName: string;
  subjectName: string | null;
  status: 'active' | 'withdrawn';
  version: number;
  decisionDate: string | null;
  late: boolean;
  updatedAt: string;
  departmentId: number;
  /** What the publicity engine stored on the record, so the clerk sees what the public sees (issue 17 §2). */
  publicity: RecordPublicityView;
}

/** The engine's stored decision in words: a short label for the list and the full explanation. */
export interface RecordPublicityView {
  audience: 'public' | 'government' | 'none';
  publicFrom: string | null;
  publicUntil: string | null;
  /** 公示至 YYYY-MM-DD, 公示中, or 不予公示（reason） / 已停止公示（reason）. */
  label: string;
  explanation: string | null;
  reasons: string[];
}

// The first blocking reason the engine recorded, in the words a clerk uses (decide.ts BLOCKING order).
const BLOCK_WORDS: Record<string, string> = {
  invalid_decision_date: '决定日期无效',
  minor_subject: '未成年人',
  withdrawn: '撤销',
  repaired: '修复',
  ended: '注销或失效，仅政务共享',
  removed_from_list: '已移出名单',
  not_published_by_setting: '本平台设置不公示',
  minor_offence_not_published: '轻微',
  not_yet_public: '尚未到公示日期',
  expired: '超过公示期',
  age_unconfirmed: '年龄待部门确认',
};

/** The short publicity label of a record from its stored audience, dates and reasons. */
export function publicityLabel(audience: string, publicUntil: string | null, reasons: readonly string[]): string {
  if (audience === 'public') return publicUntil ? `公示至 ${publicUntil}` : '公示中';
  const first = reasons.find((r) => r in BLOCK_WORDS);
  // A penalty decided by 简易程序 is 轻微 for a different reason than its size; say which.
  let why = first ? BLOCK_WORDS[first] : '未判定';
  if (first === 'minor_offence_not_published' && reasons.includes('simple_procedure')) why = '轻微，简易程序';
  return `不予公示（${why}）`;
}

function recordQuery(db: DbOrTx) {
  return db
    .selectFrom('records as r')
    .leftJoin('subjects as s', 's.id', 'r.subject_id')
    // The current version is on the record row (migration 20261208T0835w); a record without one (content null)
    // is left out, as the join on the record_versions view left it out. That join on current_version made the
    // planner scan every record (npm run bench -- readers).
    .where('r.content', 'is not', null)
    .select([
      'r.id',
      'r.item_id',
      'r.doc_no',
      'r.authority_uscc',
      's.name as subject_name',
      'r.status',
      'r.current_version',
      'r.decision_date',
      'r.late',
      'r.updated_at',
      'r.department_id',
      'r.audience',
      'r.public_from',
      'r.public_until',
      'r.publicity',
      sql<string | null>`coalesce(nullif(r.content->>'CF_CFJG', ''), nullif(r.content->>'XK_XKJG', ''))`.as('authority_name'),
    ]);
}

type RecordRow = Awaited<ReturnType<ReturnType<typeof recordQuery>['executeTakeFirstOrThrow']>>;

/** Item names (the newest version's, from the catalog domain) for a page of records. */
async function recordItemNames(db: DbOrTx, rows: readonly RecordRow[]): Promise<(itemId: string) => string> {
  const names = await itemVersionNames(db, rows.map((r) => r.item_id));
  return (itemId) => latestItemName(names, itemId) ?? itemId;
}

function toRecordDto(r: RecordRow, itemName: (itemId: string) => string): RecordDto {
  return {
    id: r.id,
    itemId: r.item_id,
    itemName: itemName(r.item_id),
    docNo: r.doc_no,
    authorityUscc: r.authority_uscc,
    authorityName: r.authority_name ?? r.authority_uscc,
    subjectName: r.subject_name,
    status: r.status,
    version: r.current_version,
    decisionDate: r.decision_date,
    late: r.late,
    updatedAt: iso(r.updated_at)!,
    departmentId: r.department_id,
    publicity: publicityView(r),
  };
}

function publicityView(r: RecordRow): RecordPublicityView {
  const p = (typeof r.publicity === 'string' ? JSON.parse(r.publicity) : r.publicity) as { explanation?: string; reasons?: string[] } | null;
  const reasons = p?.reasons ?? [];
  const day = (d: string | Date | null) => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));
  return {
    audience: r.audience,
    publicFrom: day(r.public_from),
    publicUntil: day(r.public_until),
    label: r.publicity === null ? '尚未判定' : publicityLabel(r.audience, day(r.public_until), reasons),
    explanation: p?.explanation ?? null,
    reasons,
  };
}

/**
 * Row warnings the records list can filter on (issue 13: the credit office's lists of 元/万元 suspects, fines above
 * the ceiling, natural persons of unknown age), each a publicity reason stored with the record.
 */
export const RECORD_WARNINGS = ['fine_unit_suspect', 'fine_implausible', 'age_unconfirmed'] as const;
export type RecordWarning = (typeof RECORD_WARNINGS)[number];

/** Records newest first, filtered by department scope, item and a document-number or subject-name fragment. */
export async function listRecords(
  db: DbOrTx,
  scope: number[] | null,
  q: { departmentId?: number; item?: string; q?: string; cursor?: string; limit?: number; warning?: RecordWarning },
): Promise<{ items: RecordDto[]; nextCursor: string | null }> {
  const limit = Math.min(q.limit ?? 50, 200);
  let query = recordQuery(db);
  // The receipt keeps only the first row numbers of a warning; the engine's stored reasons carry it for every
  // record, read from the current version with the same test as the receipt's (publicity fineUnitSuspectIn).
  if (q.warning) query = query.where(sql<boolean>`r.publicity->'reasons' @> ${JSON.stringify([q.warning])}::jsonb`);
  if (scope !== null) query = query.where('r.department_id', 'in', scope.length ? scope : [-1]);
  if (q.departmentId) query = query.where('r.department_id', '=', q.departmentId);
  if (q.item) query = query.where('r.item_id', '=', q.item);
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where((eb) => eb.or([eb('r.doc_no', 'like', like), eb('s.name', 'like', like)]));
  }
  if (q.cursor) query = query.where('r.id', '<', q.cursor);
  const rows = await query.orderBy('r.id', 'desc').limit(limit + 1).execute();
  const itemName = await recordItemNames(db, rows);
  const page = rows.slice(0, limit).map((r) => toRecordDto(r, itemName));
  return { items: page, nextCursor: rows.length > limit ? page[page.length - 1].id : null };
}

export interface VersionDto {
  version: number;
  content: Record<string, string | number | null>;
  batchId: string;
  rowNumber: number | null;
  channel: Channel;
  late: boolean;
  withdrawn: boolean;
  createdAt: string;
  piiEnc: string | null;
}

/** One record with all its versions, oldest first. Content is as stored: personal fields masked. */
export async function getRecord(db: DbOrTx, id: string): Promise<{ record: RecordDto; versions: VersionDto[] } | undefined> {
  const r = await recordQuery(db).where('r.id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  const vs = await db.selectFrom('record_versions').selectAll().where('record_id', '=', id).orderBy('version').execute();
  return {
    record: toRecordDto(r, await recordItemNames(db, [r])),
    versions: vs.map((v) => ({
      version: v.version,
      content: v.content as VersionDto['content'],
      batchId: v.batch_id,
      rowNumber: v.row_number,
      channel: v.channel,
      late: v.late,
      withdrawn: v.withdrawn,
      createdAt: iso(v.created_at)!,
      piiEnc: v.pii_enc,
    })),
  };
}

export interface StatsRow {
  departmentId: number;
  departmentName: string;
  batches: number;
  rows: number;
  accepted: number;
  rejected: number;
  rejectionRate: number | null;
  late: number;
  lateShare: number | null;
  records: number;
}

/** Per-department volume, rejection rate and late share (超期上报) of committed batches in a period. */
export async function departmentStats(db: DbOrTx, scope: number[] | null, q: { from?: string; to?: string }): Promise<StatsRow[]> {
  let query = db
    .selectFrom('ingest_batches as b')
    .select([
      'b.department_id',
      sql<number>`count(*)::int`.as('batches'),
      sql<number>`coalesce(sum(b.total), 0)::int`.as('rows'),
      sql<number>`coalesce(sum(b.accepted), 0)::int`.as('accepted'),
      sql<number>`coalesce(sum(b.rejected), 0)::int`.as('rejected'),
      sql<number>`coalesce(sum(b.late), 0)::int`.as('late'),
      sql<number>`coalesce(sum(b.new_records), 0)::int`.as('records'),
    ])
    .where('b.status', '=', 'committed')
    .groupBy('b.department_id');
  if (scope !== null) query = query.where('b.department_id', 'in', scope.length ? scope : [-1]);
  // Both ends are calendar days in Beijing time, and `to` includes its day (the console's date range picker).
  if (q.from) query = query.where('b.created_at', '>=', new Date(`${q.from}T00:00:00+08:00`));
  if (q.to) query = query.where('b.created_at', '<', new Date(Date.parse(`${q.to}T00:00:00+08:00`) + 86_400_000));
  const rows = await query.orderBy('rows', 'desc').execute();
  const departments = await departmentsByIds(db, rows.map((r) => r.department_id));
  return rows.map((r) => ({
    departmentId: r.department_id,
    departmentName: departments.get(r.department_id)?.name ?? `部门 ${r.department_id}`,
    batches: r.batches,
    rows: r.rows,
    accepted: r.accepted,
    rejected: r.rejected,
    rejectionRate: r.rows ? r.rejected / r.rows : null,
    late: r.late,
    lateShare: r.accepted ? r.late / r.accepted : null,
    records: r.records,
  }));
}

/** A record a batch wrote (new or changed; an unchanged duplicate writes none), with the publicity it now has. */
export interface BatchRecordDto {
  rowNumber: number | null;
  /** The version this batch wrote (the record may have newer ones since). */
  batchVersion: number;
  record: RecordDto;
}

/**
 * The records a batch wrote, by row number, each with the engine's decision now stored on it: what the receipt
 * shows per record (issue 17 §2: 公示至 a date, or 不予公示 with the reason in words).
 */
export async function batchRecords(db: DbOrTx, batchId: string, after = 0, limit = 100): Promise<{ items: BatchRecordDto[]; nextCursor: string | null }> {
  const rows = await recordQuery(db)
    .innerJoin('record_versions as bv', 'bv.record_id', 'r.id')
    .select([sql<number>`coalesce(bv.row_number, 0)`.as('row_no'), 'bv.version as batch_version'])
    .where('bv.batch_id', '=', batchId)
    .where(sql<boolean>`coalesce(bv.row_number, 0) > ${after}`)
    .orderBy(sql`coalesce(bv.row_number, 0)`)
    .orderBy('r.id')
    .limit(limit + 1)
    .execute();
  const itemName = await recordItemNames(db, rows);
  const items = rows.slice(0, limit).map((r) => ({ rowNumber: r.row_no || null, batchVersion: r.batch_version, record: toRecordDto(r, itemName) }));
  return { items, nextCursor: rows.length > limit ? String(rows[limit - 1].row_no) : null };
}
