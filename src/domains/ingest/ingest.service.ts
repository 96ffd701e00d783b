// 归集 storage: one batch = one upload, written in one transaction (a crash leaves no partial batch). Accepted
// rows are merged in chunks: index probes for the chunk's subjects and record keys, then records and versions
// COPYed straight into their tables (ARCHITECTURE.md "Bulk loads", README.md here).
// Record key (issue: 归集 §6): catalogue item + deciding authority USCC + decision document number (文书号),
// plus the subject's code unless INGEST_KEY_WITH_SUBJECT=false (DOMAIN §1.4 rule 7; joint decisions).
// Same key + same content = unchanged duplicate; changed content = a new version; 当前状态 = 撤销/无效
// withdraws the record (DOMAIN §1.4 rule 7). Nothing is overwritten: versions keep batch, row, channel,
// department and catalogue version.
import pg from 'pg';
import { setImmediate } from 'node:timers/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../../db/index.ts';
import type { Channel } from '../../db/types.ts';
import type { AuditContext } from '../../platform/audit.ts';
import { hmacSha256With, sealer, sha256 } from '../../platform/crypto.ts';
import { maskIdNumber } from '../codes/index.ts';
import { bigramsTsvector, searchColumns } from '../subjects/index.ts';
import { decideInput, recordInput, type RecordPublicity } from '../publicity/index.ts';
import type { PublicityInput } from '../publicity/index.ts';
import type { CatalogItem } from '../catalog/index.ts';
import type { RowIssueOut, RowResult } from './validate.ts';
import { maskPersonalValue, protectRejectCells } from './rejects.ts';
import { ownedByOtherIssue } from './ownership.ts';

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

/**
 * One row as the staging step sees it: accepted with its validation result, or rejected with its errors. An
 * accepted row keeps its cells too: the merge may still refuse it (another department's record) and the
 * error file shows the row as uploaded.
 */
export type StagedRow =
  | { kind: 'accepted'; rowNumber: number; result: RowResult; cells: readonly string[] }
  | { kind: 'rejected'; rowNumber: number; cells: readonly string[]; errors: readonly RowIssueOut[] };

// Advisory-lock namespaces: a batch being processed holds (BATCH_NS, id); merges of one item serialise on (MERGE_NS, hash).
const BATCH_NS = 4201;
const MERGE_NS = 4202;

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

const COPY_SPECIAL = /[\\\t\n\r]/;

/** COPY text-format escaping (backslash, tab, newline, carriage return). */
function esc(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v !== 'string') return String(v);
  // Most values need nothing: one native scan instead of a per-character loop.
  if (!COPY_SPECIAL.test(v)) return v;
  let out = '';
  let last = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) {
      out += v.slice(last, i) + (c === 92 ? '\\\\' : c === 9 ? '\\t' : c === 10 ? '\\n' : '\\r');
      last = i + 1;
    }
  }
  return out + v.slice(last);
}

function subjectKind(category: string | null): string {
  if (category === '自然人') return 'natural_person';
  if (category === '个体工商户') return 'individual_business';
  return 'legal';
}

/** Per-item facts stageRow needs, computed once per batch rather than per row. */
interface StageContext {
  item: CatalogItem;
  maskedFields: readonly string[];
  decisionField: string | undefined;
  /** AES-GCM under the 'pii' key, derived once per batch. */
  seal: (plaintext: string) => string;
  /** Keyed hash of an ID number (the natural person's registry key). */
  idHash: (data: string) => string;
  keyWithSubject: boolean;
  /** The moment publicity is decided for, the same for the whole batch. */
  at: Date;
}

function stageContext(item: CatalogItem, secret: string, keyWithSubject: boolean): StageContext {
  return {
    at: new Date(),
    item,
    maskedFields: item.items.filter((f) => f.masked).map((f) => f.code),
    decisionField: item.items.find((f) => f.role === 'decision_date')?.code,
    seal: sealer(secret, 'pii'),
    idHash: hmacSha256With(secret),
    keyWithSubject,
  };
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * One accepted row as the merge needs it: its record key, content hash and subject in fields, and the
 * columns of its version (content, hash, encrypted originals, flags, row number) as COPY text in a
 * shared buffer. The record id, version number and subject id are added when the chunk is merged.
 */
interface StagedVersion {
  rowNumber: number;
  key: string;
  authority: string;
  docNo: string;
  hash: string;
  withdrawn: boolean;
  /** Counted as 超期上报 in the receipt (taken back if the merge refuses the row). */
  late: boolean;
  decision: string | null;
  kind: string;
  name: string | null;
  uscc: string | null;
  /** Natural persons without a USCC: the keyed hash of the ID number, and the number itself for a new subject. */
  idHash: string | null;
  idNumber: string | null;
  orgCode: string | null;
  regNo: string | null;
  /** The version's own COPY columns (the first eight of VERSION_COLUMNS), UTF-8. */
  line: Buffer;
  /** The row's cells as uploaded (JSON, UTF-8, in the chunk's arena): for the error file if the merge refuses the row. */
  cells: Buffer;
  /** Prepared while the previous chunk merges: the columns of this row's subject, if the subject looks new. */
  newSubject?: NewSubject;
  /**
   * What the publicity engine needs of the row (not its whole values: a chunk is held for a while, and
   * keeping every row's values alive doubled the garbage collector's work); null if unreadable.
   */
  input: PublicityInput | null;
  /** Prepared likewise: the publicity of the record this row would create (公示, DOMAIN §3). */
  publicity?: RecordPublicity;
}

/** The version columns in the order a staged line carries them, then the ones the merge appends. */
const VERSION_COLUMNS =
  'content, content_hash, pii_enc, withdrawn, late, working_days, provisional, row_number, batch_id, channel, department_id, catalog_version, record_id, version, subject_id';

/** Builds the staged form of an accepted row; personal fields are stored masked, the originals encrypted. */
function stageRow(rowNumber: number, r: RowResult, cells: readonly string[], c: StageContext, arena: LineArena): StagedVersion {
  // One serialisation serves the content hash and, when nothing is masked, the stored content.
  const valuesJson = JSON.stringify(r.values);
  const hash = sha256(valuesJson);
  let contentJson = valuesJson;
  let pii: string | null = null;
  if (c.maskedFields.length) {
    let originals: Record<string, string | number | null> | null = null;
    for (const f of c.maskedFields) {
      const v = r.values[f];
      if (v === null || v === undefined || v === '') continue;
      (originals ??= {})[f] = v;
      // The stored content is the same JSON with this member's value masked. `"code":value` with an
      // unescaped quote before the colon occurs only as the member itself (inside a JSON string the quote
      // would be escaped), so replacing that one occurrence equals re-serialising a masked copy.
      const masked = JSON.stringify(maskPersonalValue(v));
      const member = `"${f}":`;
      const value = JSON.stringify(v);
      const at = contentJson.indexOf(member + value);
      if (at < 0) throw new Error(`staging: member ${f} not found in the serialised row`);
      contentJson = contentJson.slice(0, at + member.length) + masked + contentJson.slice(at + member.length + value.length);
    }
    if (originals) pii = c.seal(JSON.stringify(originals));
  }
  const s = r.subject;
  const id = s.uscc ? null : (s.idNumber ?? null);
  const decision = c.decisionField ? r.values[c.decisionField] : null;
  const k = r.key!;
  return {
    rowNumber,
    key: c.keyWithSubject ? `${k.authorityUscc}\u001f${k.docNo}\u001f${k.subjectCode ?? ''}` : `${k.authorityUscc}\u001f${k.docNo}`,
    authority: k.authorityUscc,
    docNo: k.docNo,
    hash,
    withdrawn: r.withdrawn,
    late: r.late,
    decision: typeof decision === 'string' && ISO_DAY.test(decision) ? decision : null,
    kind: subjectKind(s.category),
    name: s.name,
    uscc: s.uscc ?? null,
    idHash: id ? c.idHash(`id:${id}`) : null,
    idNumber: id,
    orgCode: s.orgCode ?? null,
    regNo: s.regNo ?? null,
    input: recordInput(c.item.recordType, typeof decision === 'string' && ISO_DAY.test(decision) ? decision : null, r.values),
    // A buffer rather than the array: kept for the chunk's life without objects for the garbage collector to trace.
    cells: arena.add(JSON.stringify(cells)),
    line: arena.add(
      esc(contentJson) +
        '\t' + hash +
        '\t' + (pii ?? '\\N') +
        '\t' + (r.withdrawn ? 't' : 'f') +
        '\t' + (r.late ? 't' : 'f') +
        '\t' + esc(r.workingDays) +
        '\t' + (r.provisional ? 't' : 'f') +
        '\t' + rowNumber,
    ),
  };
}

const ARENA_BYTES = 1 << 20;

/**
 * Staged lines as UTF-8 in shared 1 MiB buffers (half the memory of JS strings, one allocation per
 * megabyte); each line is a view. A chunk has an arena of its own, freed with it.
 */
class LineArena {
  private buf = Buffer.allocUnsafe(0);
  private off = 0;
  add(text: string): Buffer {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    if (this.off + text.length * 3 > this.buf.length) {
      this.buf = Buffer.allocUnsafe(Math.max(ARENA_BYTES, text.length * 3));
      this.off = 0;
    }
    const n = this.buf.write(text, this.off);
    const line = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return line;
  }
}

/** Writes text pieces to a COPY stream with back-pressure. */
async function copyText(client: pg.PoolClient, statement: string, pieces: Iterable<string | Buffer>): Promise<void> {
  const stream = client.query(copyFrom(statement));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  for (const piece of pieces) {
    if (!stream.write(piece)) await new Promise((r) => stream.once('drain', r));
  }
  stream.end();
  await done;
}

/** Groups accepted rows into staged chunks of `size`; yields at least one (possibly empty) chunk. */
async function* chunksOf(
  rows: AsyncIterable<{ rowNumber: number; result: RowResult; cells: readonly string[] }>,
  size: number,
  stage: StageContext,
  pool: pg.Pool,
): AsyncGenerator<StagedVersion[]> {
  let chunk: StagedVersion[] = [];
  let arena = new LineArena();
  let yielded = false;
  const seen = new Set<number>();
  for await (const row of rows) {
    chunk.push(stageRow(row.rowNumber, row.result, row.cells, stage, arena));
    // Rows already in memory (an inflated .xlsx part) come through microtasks only, which would hold back the
    // merge's query results until the reader next waits for the file; give the event loop a turn regularly.
    if (chunk.length % 64 === 0) await setImmediate();
    if (chunk.length >= size) {
      await prepareChunk(pool, chunk, seen, stage);
      yield chunk;
      yielded = true;
      chunk = [];
      arena = new LineArena();
    }
  }
  if (chunk.length > 0) await prepareChunk(pool, chunk, seen, stage);
  if (chunk.length > 0 || !yielded) yield chunk;
}

/**
 * 31-bit FNV-1a of a string. The codes a batch has met are kept as these small integers (no heap object per
 * entry for the garbage collector to trace); a collision only means a subject's columns are not prepared
 * ahead, and the merge computes them itself.
 */
function smallHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

/** A row's registry code: its USCC, else (natural persons) the keyed hash of the ID number. */
const subjectCode = (r: StagedVersion): string | null => r.uscc ?? r.idHash;

/** Each code's last row (rows come in file order): the row a new subject or record is made from. Null codes are skipped. */
function latestBy(rows: Iterable<StagedVersion>, codeOf: (r: StagedVersion) => string | null): Map<string, StagedVersion> {
  const latest = new Map<string, StagedVersion>();
  for (const r of rows) {
    const c = codeOf(r);
    if (c !== null) latest.set(c, r);
  }
  return latest;
}

/** Runs `fn` on each item, giving the event loop a turn every 64 items, as chunksOf does while reading. */
async function eachWithTurns<T>(items: Iterable<T>, fn: (item: T) => void): Promise<void> {
  let n = 0;
  for (const item of items) {
    fn(item);
    if (++n % 64 === 0) await setImmediate();
  }
}

/**
 * Work for a chunk that can be done before its merge, while the previous chunk merges: the columns of the
 * subjects it will create and the publicity of the records it will create. Guesses only, from what is
 * committed now; the merge decides, and computes whatever it needs that was not prepared.
 */
async function prepareChunk(pool: pg.Pool, chunk: readonly StagedVersion[], seen: Set<number>, stage: StageContext): Promise<void> {
  await prepareNewSubjects(pool, chunk, seen, stage);
  await prepareNewRecords(pool, chunk, stage);
}

/**
 * The publicity of each record the chunk would create (keys not in records now), decided from the key's
 * latest row in the chunk, with no repair date (a new record has none).
 */
async function prepareNewRecords(pool: pg.Pool, chunk: readonly StagedVersion[], stage: StageContext): Promise<void> {
  const latest = latestBy(chunk, (r) => r.key);
  const unknown = await pool.query<{ key: string }>(
    'SELECT c AS key FROM unnest($2::text[]) c WHERE (SELECT r.id FROM records r WHERE r.item_id = $1 AND r.record_key = c) IS NULL',
    [stage.item.id, [...latest.keys()]],
  );
  await eachWithTurns(unknown.rows, ({ key }) => {
    const r = latest.get(key)!;
    r.publicity = publicityOf(r, null, stage);
  });
}

/** 公示: the publicity of the record whose current version this row becomes (publicity.service.ts decideInput). */
function publicityOf(r: StagedVersion, repairedAt: string | null, stage: StageContext, storedDecisionDate: string | null = null): RecordPublicity {
  // A record of a generic item takes its decision date from the record when the new version has none, as the job does.
  const input = r.input?.recordType === 'other' && r.decision === null && storedDecisionDate ? { ...r.input, decisionDate: storedDecisionDate } : r.input;
  return decideInput(input, repairedAt, stage.at);
}

/**
 * Computes, ahead of the merge, the columns of the subjects a chunk will create: those whose code the batch
 * meets for the first time (`seen`) and that are not in the registry (committed) yet, from their latest row, as
 * the merge picks it. Their search columns (pinyin above all) are the costliest part of a new subject in Node.
 */
async function prepareNewSubjects(pool: pg.Pool, chunk: readonly StagedVersion[], seen: Set<number>, stage: StageContext): Promise<void> {
  const latest = latestBy(chunk, (r) => {
    const c = subjectCode(r);
    return c !== null && !seen.has(smallHash(c)) ? c : null;
  });
  if (!latest.size) return;
  for (const c of latest.keys()) seen.add(smallHash(c));
  const rows = [...latest.values()];
  // Only the codes not in the registry come back (on a re-import, none), each by one index probe: a scalar
  // subquery, which the planner cannot turn into a join that reads the whole table.
  const unknown = await pool.query<{ code: string }>(
    `SELECT c AS code FROM unnest($1::text[]) c WHERE (SELECT s.id FROM subjects s WHERE s.uscc = c) IS NULL
     UNION ALL SELECT c FROM unnest($2::text[]) c WHERE (SELECT s.id FROM subjects s WHERE s.id_hash = c) IS NULL`,
    [rows.filter((r) => r.uscc !== null).map((r) => r.uscc), rows.filter((r) => r.uscc === null).map((r) => r.idHash)],
  );
  await eachWithTurns(unknown.rows, ({ code }) => {
    const r = latest.get(code)!;
    r.newSubject = newSubjectColumns(r, stage);
  });
}

/**
 * Pulls from `src` up to `ahead` items before the consumer asks for them. A chunk is then read,
 * validated and serialised in Node while PostgreSQL merges the previous one: the two cores work at once.
 */
async function* readAhead<T>(src: AsyncIterable<T>, ahead: number): AsyncGenerator<T> {
  const it = src[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  const request = () => {
    const p = it.next();
    // A request the consumer never awaits (it stopped on an error) must not become an unhandled rejection.
    p.catch(() => undefined);
    queue.push(p);
  };
  try {
    for (;;) {
      while (queue.length <= ahead) request();
      const r = await queue.shift()!;
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await it.return?.(undefined).catch(() => undefined);
  }
}

/**
 * Rows merged per chunk (see commitBatch). The merge looks rows up by index probe, so a chunk's size barely
 * changes PostgreSQL's work; it bounds Node's memory (up to three chunks are alive: merging, read ahead and
 * being read). Measured on 200,000 rows: peak RSS 665 MiB at 25,000, about 600 at 10,000, 469 at 5,000, with
 * no difference in speed beyond this machine's run-to-run spread.
 */
export const MERGE_CHUNK_ROWS = 10_000;

export interface CommitOptions {
  pool: pg.Pool;
  secret: string;
  batchId: string;
  /** Include the subject's code in the record key (see the file comment). */
  keyWithSubject: boolean;
  item: CatalogItem;
  departmentId: number;
  channel: Channel;
  rows: AsyncIterable<StagedRow>;
  /** Columns of the upload that feed personal (masked) fields: stored masked in rejected rows, originals encrypted. */
  rejectPersonalColumns?: readonly number[];
  /** The receipt's screen warnings once every row is read (stored with the counts). */
  rowWarnings?: () => unknown[];
  /** Accepted rows staged and merged per chunk (default MERGE_CHUNK_ROWS). */
  chunkRows?: number;
  /** Called every 10,000 rows staged. */
  onProgress?: (rowsSeen: number) => void;
  /** Test hook: runs inside the transaction after the first chunk is staged, before the first merge. */
  beforeMerge?: () => Promise<void>;
  /** Test hook: runs inside the transaction after each chunk's merge (1, 2, …). */
  afterChunkMerge?: (chunk: number) => Promise<void>;
  /** Benchmark hook: each merge statement's duration, labelled by its first words. */
  onStep?: (step: string, ms: number) => void;
  /**
   * A credit-office correction (issue 11 §1): rows may change other departments' records, which keep their
   * owner; the reason and the records touched are audited with the batch, in its transaction.
   */
  correction?: { reason: string; ctx: AuditContext } | null;
  /** The uploader is the credit office: a refused row says how to correct it. */
  correctionHint?: boolean;
}

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
  const stage = stageContext(o.item, o.secret, o.keyWithSubject);
  const rejects: string[] = [];
  const personal = new Set(o.rejectPersonalColumns ?? []);
  try {
    await client.query('SELECT pg_advisory_lock($1, $2::int)', [BATCH_NS, o.batchId]);
    await client.query('BEGIN');
    // Rows refused by validation and rows the merge refuses (another department's record) go to the same list.
    const reject = (rowNumber: number, cells: readonly string[], errors: readonly RowIssueOut[]) => {
      counts.rejected++;
      // Personal cells masked, their originals sealed like a version's (rejects.ts).
      const p = protectRejectCells(cells, personal, stage.at, stage.seal);
      rejects.push(`${o.batchId}\t${rowNumber}\t${esc(JSON.stringify(p.cells))}\t${esc(JSON.stringify(errors))}\t${p.piiEnc ?? '\\N'}\tt\n`);
    };
    async function* accepted(): AsyncGenerator<{ rowNumber: number; result: RowResult; cells: readonly string[] }> {
      for await (const row of o.rows) {
        counts.total++;
        if (counts.total % 10_000 === 0) o.onProgress?.(counts.total);
        if (row.kind === 'rejected') {
          reject(row.rowNumber, row.cells, row.errors);
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
        m.recordSequence = (await client.query<{ s: string }>(`SELECT pg_get_serial_sequence('records', 'id') AS s`)).rows[0].s;
      }
      if (chunk.length > 0) await mergeChunk(m, chunk, counts);
      await o.afterChunkMerge?.(n);
    }
    o.onProgress?.(counts.total);
    counts.duplicates = counts.accepted - counts.new - counts.updated;
    if (o.correction) await auditCorrection(client, o, m.touched!);
    if (rejects.length) await copyText(client, 'COPY ingest_rejects (batch_id, row_number, cells, errors, pii_enc, cells_masked) FROM STDIN', rejects);
    await client.query(
      `UPDATE ingest_batches SET status = 'committed', total = $2, accepted = $3, rejected = $4, new_records = $5, updated = $6,
         duplicates = $7, withdrawn = $8, late = $9, row_warnings = $10, finished_at = now() WHERE id = $1`,
      [o.batchId, counts.total, counts.accepted, counts.rejected, counts.new, counts.updated, counts.duplicates, counts.withdrawn, counts.late, JSON.stringify(o.rowWarnings?.() ?? [])],
    );
    const t0 = performance.now();
    await client.query('COMMIT');
    o.onStep?.('COMMIT (deferred checks)', performance.now() - t0);
    return counts;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2::int)', [BATCH_NS, o.batchId]).catch(() => undefined);
    client.release();
  }
}

interface MergeContext {
  client: pg.PoolClient;
  o: CommitOptions;
  stage: StageContext;
  versionSuffix: string;
  /** records.id's sequence, for ids handed out before the records are written. */
  recordSequence: string;
  /** publicity_checked_at of the records the batch writes (the decision moment, as a timestamptz literal). */
  checkedAt: string;
  /** Counts a row as rejected and keeps it for ingest_rejects (the error file). */
  reject: (rowNumber: number, cells: readonly string[], errors: readonly RowIssueOut[]) => void;
  /** A correction batch: every record it writes a version of → the record's owning department. */
  touched: Map<string, number> | null;
}

/** Records named in a correction's audit entry at most (the count is always complete). */
const AUDIT_RECORDS_MAX = 1000;

/**
 * Audits a credit-office correction with its reason and the records it touched, in the batch's transaction
 * (the merge runs on a pg client, not Kysely, so this writes the row platform/audit.ts audit() writes).
 */
async function auditCorrection(client: pg.PoolClient, o: CommitOptions, touched: ReadonlyMap<string, number>): Promise<void> {
  const { reason, ctx } = o.correction!;
  const a = ctx.actor ?? {};
  const records = [...touched].slice(0, AUDIT_RECORDS_MAX).map(([id, owner]) => ({ id, departmentId: owner, otherDepartment: owner !== o.departmentId }));
  const otherDepartments = [...touched.values()].filter((d) => d !== o.departmentId).length;
  await client.query(
    `INSERT INTO audit_log (actor_user_id, actor_username, actor_role, actor_department_id, actor_app_key, action, target, outcome, detail, ip, request_id)
     VALUES ($1, $2, $3, $4, $5, 'ingest.correction', $6, 'ok', $7, $8, $9)`,
    [
      a.userId ?? null,
      a.username ?? null,
      a.role ?? null,
      a.departmentId ?? null,
      a.appKey ?? null,
      `batch:${o.batchId}`,
      JSON.stringify({ reason, departmentId: o.departmentId, item: o.item.id, recordCount: touched.size, otherDepartments, records }),
      ctx.ip ?? null,
      ctx.requestId ?? null,
    ],
  );
}

/** Times a statement for the benchmark hook, labelled by its first words. */
async function timed<T>(o: CommitOptions, label: string, run: () => Promise<T>): Promise<T> {
  if (!o.onStep) return run();
  const t0 = performance.now();
  const r = await run();
  o.onStep(label.replace(/\s+/g, ' ').slice(0, 70), performance.now() - t0);
  return r;
}

/** Runs one merge statement (see timed). */
async function step<R extends pg.QueryResultRow = pg.QueryResultRow>(m: MergeContext, text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
  return timed(m.o, text, () => m.client.query<R>(text, values));
}

const unique = <T>(values: Iterable<T | null>): T[] => [...new Set(values)].filter((v): v is T => v !== null);

/** A registry entry as the merge sees it: its id and its registered name (for name variants). */
interface KnownSubject {
  id: string;
  name: string;
}

/**
 * Links each row of the chunk to its subject (主体库, issue 归集 §7), creating the subjects that are new;
 * returns the subject id of each row (null when the row names no identifier at all).
 */
async function linkSubjects(m: MergeContext, rows: readonly StagedVersion[]): Promise<(string | null)[]> {
  const names = new Map<string, string>();
  const remember = (list: readonly KnownSubject[]) => {
    for (const s of list) names.set(s.id, s.name);
  };
  // By USCC, then (natural persons) by the keyed ID hash: look up the known ones with one index probe each,
  // create the rest from the chunk's latest row for each code. ON CONFLICT skips a subject that a concurrent
  // import created meanwhile; it is read again below.
  const byUscc = await subjectsBy(m, 'uscc', latestBy(rows, (r) => r.uscc));
  const byId = await subjectsBy(m, 'id_hash', latestBy(rows, (r) => (r.uscc === null ? r.idHash : null)));
  remember([...byUscc.values(), ...byId.values()]);
  const ids: (string | null)[] = rows.map((r) => (r.uscc !== null ? byUscc.get(r.uscc)!.id : r.idHash !== null ? byId.get(r.idHash)!.id : null));

  // Legacy codes: a known link, else the USCC that embeds the organisation code (GB 32100 positions 9–17).
  const legacy = rows.map((_, i) => i).filter((i) => ids[i] === null && (rows[i].orgCode !== null || rows[i].regNo !== null));
  if (legacy.length) {
    const orgs = unique(legacy.map((i) => rows[i].orgCode));
    const regs = unique(legacy.map((i) => rows[i].regNo));
    const lookup = async (text: string, values: readonly string[]) => {
      const map = new Map<string, KnownSubject>();
      if (!values.length) return map;
      for (const x of (await step<KnownSubject & { code: string }>(m, text, [values])).rows) map.set(x.code, x);
      remember([...map.values()]);
      return map;
    };
    const org = await lookup(`SELECT si.value AS code, s.id, s.name FROM subject_identifiers si JOIN subjects s ON s.id = si.subject_id
      WHERE si.kind = 'org' AND si.value = ANY($1::text[])`, orgs);
    const reg = await lookup(`SELECT si.value AS code, s.id, s.name FROM subject_identifiers si JOIN subjects s ON s.id = si.subject_id
      WHERE si.kind = 'regno' AND si.value = ANY($1::text[])`, regs);
    const embedded = await lookup(`SELECT DISTINCT ON (substr(uscc, 9, 9)) substr(uscc, 9, 9) AS code, id, name FROM subjects
      WHERE substr(uscc, 9, 9) = ANY($1::text[]) AND uscc IS NOT NULL ORDER BY substr(uscc, 9, 9), id`, orgs);
    for (const i of legacy) {
      const { orgCode, regNo } = rows[i];
      ids[i] = (orgCode !== null ? org.get(orgCode) : undefined)?.id ?? (regNo !== null ? reg.get(regNo) : undefined)?.id ?? (orgCode !== null ? embedded.get(orgCode) : undefined)?.id ?? null;
    }
    // Still unknown legacy-only subjects: one new subject per code (from its latest row), linked for next time.
    const unknown = latestBy(
      legacy.filter((i) => ids[i] === null).map((i) => rows[i]),
      (r) => r.orgCode ?? r.regNo,
    );
    const byCode = (code: (r: StagedVersion) => string | null) => {
      const map = new Map<string, number[]>();
      for (const i of legacy) {
        const c = code(rows[i]);
        if (c === null) continue;
        const list = map.get(c);
        if (list) list.push(i);
        else map.set(c, [i]);
      }
      return map;
    };
    const rowsByOrg = byCode((r) => r.orgCode);
    const rowsByReg = byCode((r) => r.regNo);
    for (const code of [...unknown.keys()].sort()) {
      const u = unknown.get(code)!;
      const s = await step<KnownSubject>(m, 'INSERT INTO subjects (kind, name) VALUES ($1, $2) RETURNING id, name', [u.kind, u.name ?? code]);
      const created = s.rows[0];
      remember([created]);
      if (u.orgCode) await step(m, `INSERT INTO subject_identifiers (kind, value, subject_id) VALUES ('org', $1, $2) ON CONFLICT DO NOTHING`, [u.orgCode, created.id]);
      if (u.regNo) await step(m, `INSERT INTO subject_identifiers (kind, value, subject_id) VALUES ('regno', $1, $2) ON CONFLICT DO NOTHING`, [u.regNo, created.id]);
      // Every still unlinked row that reports either code.
      for (const i of [...(u.orgCode !== null ? rowsByOrg.get(u.orgCode)! : []), ...(u.regNo !== null ? rowsByReg.get(u.regNo)! : [])]) ids[i] ??= created.id;
    }
  }

  // Every reported legacy code is linked to its row's subject (the first row of each code decides).
  for (const [kind, code] of [['org', (r: StagedVersion) => r.orgCode], ['regno', (r: StagedVersion) => r.regNo]] as const) {
    const links = new Map<string, string>();
    rows.forEach((r, i) => {
      const c = code(r);
      if (c !== null && ids[i] !== null && !links.has(c)) links.set(c, ids[i]!);
    });
    if (links.size) {
      await step(m, `INSERT INTO subject_identifiers (kind, value, subject_id) SELECT $1, v, s FROM unnest($2::text[], $3::bigint[]) AS t(v, s) ON CONFLICT DO NOTHING`,
        [kind, [...links.keys()], [...links.values()]]);
    }
  }
  // 曾用名 / name variants: names reported that differ from the registry's name (the registry's own name is on subjects).
  const variants = new Map<string, [string, string]>();
  rows.forEach((r, i) => {
    const id = ids[i];
    if (id !== null && r.name !== null && r.name !== names.get(id)) variants.set(`${id}\u001f${r.name}`, [id, r.name]);
  });
  if (variants.size) {
    const v = [...variants.values()];
    await step(m, `INSERT INTO subject_names (subject_id, name) SELECT * FROM unnest($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING`,
      [v.map((x) => x[0]), v.map((x) => x[1])]);
  }
  return ids;
}

/**
 * 主体检索 columns of a new subject, complete: name_norm and pinyin_initials as the JS backfill writes them
 * (search.ts searchColumns) and the bigram tsvector of that name_norm, as the row trigger derives it. The
 * subjects INSERT then skips its row trigger (migration 20261128T1900), and the subject is not pending: the
 * backfill would otherwise rewrite every new subject right after the import (an UPDATE that touches all ten
 * indexes again; 125 s per million subjects in the public-service benchmark).
 */
function newSubjectSearch(name: string): [norm: string, bigrams: string, pinyin: string] {
  const c = searchColumns(name);
  return [c.nameNorm, bigramsTsvector(c.nameNorm), c.pinyinInitials];
}

/** The columns of a new subject, from the row that reports it: by USCC, else a natural person by ID number. */
function newSubjectColumns(r: StagedVersion, stage: StageContext): NewSubject {
  if (r.uscc !== null) {
    const name = r.name ?? r.uscc;
    return [r.kind, name, r.uscc, r.uscc.slice(2, 8), null, null, null, ...newSubjectSearch(name)];
  }
  const masked = maskIdNumber(r.idNumber!);
  const name = r.name ?? masked;
  return ['natural_person', name, null, null, r.idHash, masked, stage.seal(r.idNumber!), ...newSubjectSearch(name)];
}

/** A new subject's columns, in the order subjectsBy inserts them. */
type NewSubject = [kind: string, name: string, uscc: string | null, region: string | null, idHash: string | null, idMasked: string | null, idEnc: string | null, norm: string, bigrams: string, pinyin: string];

/**
 * The subjects of the chunk's rows by one unique code (USCC or ID hash), given each code's latest row: the
 * known ones by index probe, the rest created from that row (with the columns prepared ahead, if any).
 * Returns code → subject.
 */
async function subjectsBy(m: MergeContext, column: 'uscc' | 'id_hash', latest: ReadonlyMap<string, StagedVersion>): Promise<Map<string, KnownSubject>> {
  const found = new Map<string, KnownSubject>();
  if (!latest.size) return found;
  const read = async (list: string[]) => {
    const r = await step<KnownSubject & { code: string }>(m, `SELECT ${column} AS code, id, name FROM subjects WHERE ${column} = ANY($1::text[])`, [list]);
    for (const x of r.rows) found.set(x.code, x);
  };
  await read([...latest.keys()]);
  const fresh = [...latest.keys()].filter((c) => !found.has(c)).sort();
  if (fresh.length) {
    const cols: (string | null)[][] = Array.from({ length: 10 }, () => []);
    for (const c of fresh) {
      const r = latest.get(c)!;
      (r.newSubject ?? newSubjectColumns(r, m.stage)).forEach((v, i) => cols[i].push(v));
    }
    const r = await step<KnownSubject & { code: string }>(
      m,
      `INSERT INTO subjects (kind, name, uscc, region_code, id_hash, id_masked, id_enc, name_norm, name_bigrams, pinyin_initials)
       SELECT k, n, u, r, h, im, ie, nn, nb::tsvector, py
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
         AS t(k, n, u, r, h, im, ie, nn, nb, py)
       ON CONFLICT (${column}) DO NOTHING RETURNING ${column} AS code, id, name`,
      cols,
    );
    for (const x of r.rows) found.set(x.code, x);
    // Created by a concurrent import meanwhile (ON CONFLICT skipped them): read them now.
    const missing = fresh.filter((c) => !found.has(c));
    if (missing.length) await read(missing);
  }
  return found;
}

/** A record key's state while a chunk is merged: the stored record (if any) and the versions this chunk adds. */
interface KeyState {
  recordId: string | null;
  /** The stored record's owning department (null for a new key: this batch's department will own it). */
  ownerId: number | null;
  /** The stored record's repair date and decision date (publicity depends on them). */
  repairedAt: string | null;
  decisionDate: string | null;
  base: number;
  lastHash: string | null;
  added: number;
  latest: StagedVersion | null;
  latestSubject: string | null;
}

/** A stored record as the merge reads it by key. */
interface StoredRecord {
  record_key: string;
  id: string;
  department_id: number;
  current_version: number;
  current_hash: string;
  repaired_at: string | null;
  decision_date: string | null;
}

/** A key's state before this chunk: its stored record, or none (a new key). */
function keyState(stored?: StoredRecord): KeyState {
  return {
    recordId: stored?.id ?? null,
    ownerId: stored?.department_id ?? null,
    repairedAt: stored?.repaired_at ?? null,
    decisionDate: stored?.decision_date ?? null,
    base: stored?.current_version ?? 0,
    lastHash: stored?.current_hash ?? null,
    added: 0,
    latest: null,
    latestSubject: null,
  };
}

/** A version the chunk writes: its row, its record's state, its number and the row's subject. */
interface VersionOut {
  row: StagedVersion;
  key: KeyState;
  version: number;
  subject: string | null;
}

/**
 * Merges one chunk: subjects, then the versions to write (a row whose content equals the previous row of the
 * same key, or the stored current version, is an unchanged duplicate), new and changed records, and the
 * versions themselves by COPY. Adds to the counts.
 */
async function mergeChunk(m: MergeContext, chunk: readonly StagedVersion[], counts: ReceiptCounts): Promise<void> {
  const { o } = m;
  // Stored records of the chunk's keys, by index probe (item_id, record_key), with their owner.
  const keys = unique(chunk.map((r) => r.key));
  const stored = await step<StoredRecord>(
    m,
    `SELECT record_key, id, department_id, current_version, current_hash, to_char(repaired_at, 'YYYY-MM-DD') AS repaired_at, to_char(decision_date, 'YYYY-MM-DD') AS decision_date
     FROM records WHERE item_id = $1 AND record_key = ANY($2::text[])`,
    [o.item.id, keys],
  );
  const state = new Map<string, KeyState>();
  for (const r of stored.rows) state.set(r.record_key, keyState(r));
  // Rows on another department's records are refused before anything of them (subject, version) is written.
  const rows = await ownRows(m, chunk, state, counts);
  if (!rows.length) return;
  const subjects = await linkSubjects(m, rows);
  const versions: VersionOut[] = [];
  rows.forEach((row, i) => {
    let k = state.get(row.key);
    if (!k) state.set(row.key, (k = keyState()));
    if (row.hash === k.lastHash) return;
    k.lastHash = row.hash;
    k.added++;
    k.latest = row;
    k.latestSubject = subjects[i];
    versions.push({ row, key: k, version: k.base + k.added, subject: subjects[i] });
    if (k.recordId === null && k.added === 1) counts.new++;
    else counts.updated++;
    if (row.withdrawn) counts.withdrawn++;
  });
  const fresh = [...state.values()].filter((k) => k.recordId === null && k.added > 0);
  const changed = [...state.values()].filter((k) => k.recordId !== null && k.added > 0);
  if (fresh.length) {
    // New records get their ids up front, so that their versions can be COPYed with them.
    const ids = await step<{ id: string }>(m, 'SELECT nextval($1::regclass) AS id FROM generate_series(1, $2)', [m.recordSequence, fresh.length]);
    fresh.forEach((k, i) => (k.recordId = ids.rows[i].id));
    const head = `\t${esc(o.item.id)}\t${esc(o.item.recordType)}\t`;
    // 公示 is decided as the records are written, so a batch's records are public (or withdrawn from
    // publicity) from the moment it commits, with no pass over them afterwards.
    await timed(o, 'COPY records', () =>
      copyText(
        m.client,
        `COPY records (id, item_id, record_type, record_key, authority_uscc, doc_no, subject_id, department_id, current_version, current_hash, status, decision_date,
           audience, public_from, public_until, publicity, publicity_review, publicity_checked_at) FROM STDIN`,
        linesOf(fresh, (k) => {
          const r = k.latest!;
          const p = r.publicity ?? publicityOf(r, null, m.stage);
          return (
            `${k.recordId}${head}${esc(r.key)}\t${esc(r.authority)}\t${esc(r.docNo)}\t${k.latestSubject ?? '\\N'}\t${o.departmentId}\t${k.added}\t${r.hash}\t` +
            `${r.withdrawn ? 'withdrawn' : 'active'}\t${r.decision ?? '\\N'}\t${p.audience}\t${p.from ?? '\\N'}\t${p.until ?? '\\N'}\t${esc(p.publicity)}\t` +
            `${p.review ?? '\\N'}\t${m.checkedAt}\n`
          );
        }),
      ),
    );
  }
  // A correction's audit entry names every record it wrote a version of, with the record's (kept) owner.
  if (m.touched) for (const v of versions) m.touched.set(v.key.recordId!, v.key.ownerId ?? o.departmentId);
  if (changed.length) {
    // Changed records, by primary key, with their publicity decided again from the new current version.
    const p = changed.map((k) => publicityOf(k.latest!, k.repairedAt, m.stage, k.decisionDate));
    await step(
      m,
      `UPDATE records r SET current_version = v.version, current_hash = v.hash, subject_id = coalesce(v.subject_id, r.subject_id),
         status = CASE WHEN v.withdrawn THEN 'withdrawn' ELSE 'active' END, decision_date = coalesce(v.decision_date, r.decision_date), updated_at = now(),
         audience = v.audience, public_from = v.pf, public_until = v.pu, publicity = v.pj, publicity_review = v.rv, publicity_checked_at = $12
       FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[], $5::bool[], $6::date[], $7::text[], $8::date[], $9::date[], $10::jsonb[], $11::date[])
         AS v(id, version, hash, subject_id, withdrawn, decision_date, audience, pf, pu, pj, rv)
       WHERE r.id = v.id`,
      [
        changed.map((k) => k.recordId),
        changed.map((k) => k.base + k.added),
        changed.map((k) => k.latest!.hash),
        changed.map((k) => k.latestSubject),
        changed.map((k) => k.latest!.withdrawn),
        changed.map((k) => k.latest!.decision),
        p.map((x) => x.audience),
        p.map((x) => x.from),
        p.map((x) => x.until),
        p.map((x) => x.publicity),
        p.map((x) => x.review),
        m.checkedAt,
      ],
    );
  }
  if (versions.length) {
    await timed(o, 'COPY record_versions', () =>
      copyText(m.client, `COPY record_versions (${VERSION_COLUMNS}) FROM STDIN`, versionPieces(versions, m.versionSuffix)),
    );
  }
}

/**
 * Ownership (issue 11 §1): the chunk's rows whose key is new or belongs to this batch's department. A row on
 * another department's record is counted as rejected, with its cells, in the receipt and the error file;
 * the owner's name is read once per chunk that has such rows. A correction batch keeps every row.
 */
async function ownRows(m: MergeContext, chunk: readonly StagedVersion[], state: ReadonlyMap<string, KeyState>, counts: ReceiptCounts): Promise<readonly StagedVersion[]> {
  const { o } = m;
  if (o.correction) return chunk;
  const ownerOf = (r: StagedVersion) => state.get(r.key)?.ownerId ?? o.departmentId;
  const others = chunk.filter((r) => ownerOf(r) !== o.departmentId);
  if (!others.length) return chunk;
  const names = await step<{ id: number; name: string }>(m, 'SELECT id, name FROM departments WHERE id = ANY($1::int[])', [unique(others.map(ownerOf))]);
  const nameOf = new Map(names.rows.map((d) => [d.id, d.name]));
  for (const r of others) {
    counts.accepted--;
    if (r.late) counts.late--;
    const owner = ownerOf(r);
    m.reject(r.rowNumber, JSON.parse(r.cells.toString('utf8')) as string[], [ownedByOtherIssue(nameOf.get(owner) ?? `部门 ${owner}`, o.correctionHint ?? false)]);
  }
  return chunk.filter((r) => ownerOf(r) === o.departmentId);
}

/** Text lines in pieces of about 256 KiB. */
function* linesOf<T>(items: readonly T[], line: (item: T) => string): Generator<string> {
  let buf = '';
  for (const it of items) {
    buf += line(it);
    if (buf.length > 256 * 1024) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/** The versions' COPY lines: each staged line with the batch's columns, record id, version and subject, in 256 KiB buffers. */
function* versionPieces(versions: readonly VersionOut[], suffix: string): Generator<Buffer> {
  const SIZE = 256 * 1024;
  let out = Buffer.allocUnsafe(SIZE);
  let off = 0;
  for (const v of versions) {
    const tail = `${suffix}\t${v.key.recordId}\t${v.version}\t${v.subject ?? '\\N'}\n`;
    const need = v.row.line.length + tail.length * 3;
    if (off + need > out.length) {
      if (off > 0) yield out.subarray(0, off);
      out = Buffer.allocUnsafe(Math.max(SIZE, need));
      off = 0;
    }
    off += v.row.line.copy(out, off);
    off += out.write(tail, off);
  }
  if (off > 0) yield out.subarray(0, off);
}
