// 归集 merge: one staged chunk into the registry and the records, inside the batch's transaction. Index probes
// for the chunk's record keys (with their owners) and, through the subjects domain, its subjects; Node then
// decides per row (unchanged duplicate, new version, new record); new records are COPYed with their publicity
// (公示), changed records updated by primary key with their publicity decided again, versions COPYed. A fixed
// number of statements per chunk, never one per row. Publicity columns of records are written here by design
// (the decision travels with the record, README.md).
import type pg from 'pg';
import type { Db } from '../../db/index.ts';
import type { Channel } from '../../db/types.ts';
import type { AuditContext } from '../../platform/audit.ts';
import type { CatalogItem } from '../catalog/index.ts';
import type { PublicitySettings } from '../publicity/index.ts';
import { linkSubjects } from '../subjects/index.ts';
import type { RowIssueOut } from './validate.ts';
import { ownedByOtherIssue } from './ownership.ts';
import type { ReceiptCounts } from './batches.ts';
import { copyText, esc, LineArena } from './copytext.ts';
import { completeStaged, publicityColumns, publicityOf, RECORD_VERSION_COLUMNS, VERSION_COLUMNS, type StageContext, type StagedRow, type StagedVersion } from './staging.ts';
import { departmentsByIds } from '../auth/index.ts';
import { eachWithTurns, filterWithTurns, mapWithTurns, paramsWithTurns, Slicer } from './turns.ts';

/**
 * What commitBatch (commit.ts) is given for a batch. It is declared here, below commit.ts, because every merge
 * statement reads it too (MergeContext.o).
 */
export interface CommitOptions {
  /** Reads outside the batch's transaction (other domains' lookups, e.g. a department's name). */
  db: Db;
  pool: pg.Pool;
  secret: string;
  batchId: string;
  /** Include the subject's code in the record key (see commit.ts's file comment). */
  keyWithSubject: boolean;
  /** The publicity settings in force for this batch's decisions (publicity loadPublicitySettings). */
  publicitySettings?: PublicitySettings;
  item: CatalogItem;
  departmentId: number;
  channel: Channel;
  rows: AsyncIterable<StagedRow>;
  /** Columns of the upload that feed personal (masked) fields: stored masked in rejected rows, originals encrypted. */
  rejectPersonalColumns?: readonly number[];
  /** The receipt's screen warnings once every row is read (stored with the counts). */
  rowWarnings?: () => unknown[];
  /** Accepted rows staged and merged per chunk (default commit.ts MERGE_CHUNK_ROWS). */
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
  /** An approved batch (review.ts): its held rows and the upload's rejects are replaced by this commit's. */
  replacesHeld?: boolean;
  /** Nice value for the batch's PostgreSQL backend while it merges (priority.ts); 0 leaves it as it is. */
  backendNice?: number;
}

/** What every statement of a batch's merge shares: its connection, options, staging context and reject list. */
export interface MergeContext {
  client: pg.PoolClient;
  o: CommitOptions;
  stage: StageContext;
  versionSuffix: string;
  /** records.id's sequence, for ids handed out before the records are written. */
  recordSequence: string;
  /** The transaction's now(), as a timestamptz literal: when the batch's versions were written (version_at, created_at). */
  versionAt: string;
  /** publicity_checked_at of the records the batch writes (the decision moment, as a timestamptz literal). */
  checkedAt: string;
  /** Counts a row as rejected and keeps it for ingest_rejects (the error file). */
  reject: (rowNumber: number, cells: readonly string[], errors: readonly RowIssueOut[]) => void;
  /** A correction batch: every record it writes a version of → the record's owning department. */
  touched: Map<string, number> | null;
}

/** Times a statement for the benchmark hook, labelled by its first words. */
async function timed<T>(o: CommitOptions, label: string, run: () => Promise<T>): Promise<T> {
  if (!o.onStep) return run();
  const t0 = performance.now();
  const r = await run();
  o.onStep(label.replace(/\s+/g, ' ').slice(0, 70), performance.now() - t0);
  return r;
}

/** Runs one merge statement (see timed); its large array parameters are written in slices (turns.ts). */
async function step<R extends pg.QueryResultRow = pg.QueryResultRow>(m: MergeContext, text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
  const params = await paramsWithTurns(values);
  return timed(m.o, text, () => m.client.query<R>(text, params));
}

const unique = <T>(values: Iterable<T | null>): T[] => [...new Set(values)].filter((v): v is T => v !== null);

/** A record key's state while a chunk is merged: the stored record (if any) and the versions this chunk adds. */
interface KeyState {
  recordId: string | null;
  /** The stored record's owning department (null for a new key: this batch's department will own it). */
  ownerId: number | null;
  /** The stored record's repair date and decision date (publicity depends on them). */
  repairedAt: string | null;
  decisionDate: string | null;
  /** The day the credit office moved the record's list entry out (publicity keeps it out of public view). */
  listRemovedAt: string | null;
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
  list_removed_at: string | null;
}

/** A key's state before this chunk: its stored record, or none (a new key). */
function keyState(stored?: StoredRecord): KeyState {
  return {
    recordId: stored?.id ?? null,
    ownerId: stored?.department_id ?? null,
    repairedAt: stored?.repaired_at ?? null,
    decisionDate: stored?.decision_date ?? null,
    listRemovedAt: stored?.list_removed_at ?? null,
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
export async function mergeChunk(m: MergeContext, chunk: readonly StagedVersion[], counts: ReceiptCounts): Promise<void> {
  const { o } = m;
  // Every loop over the chunk's rows runs in slices (turns.ts): this is the thread that serves HTTP (issue 18).
  const slicer = new Slicer();
  // Stored records of the chunk's keys, by index probe (item_id, record_key), with their owner.
  const keys = unique(await mapWithTurns(chunk, (r) => r.key, slicer));
  const stored = await step<StoredRecord>(
    m,
    `SELECT record_key, id, department_id, current_version, current_hash, to_char(repaired_at, 'YYYY-MM-DD') AS repaired_at, to_char(decision_date, 'YYYY-MM-DD') AS decision_date,
       to_char(list_removed_at, 'YYYY-MM-DD') AS list_removed_at
     FROM records WHERE item_id = $1 AND record_key = ANY($2::text[])`,
    [o.item.id, keys],
  );
  const state = new Map<string, KeyState>();
  await eachWithTurns(stored.rows, (r) => state.set(r.record_key, keyState(r)), slicer);
  // Rows on another department's records are refused before anything of them (subject, version) is written.
  const rows = await ownRows(m, chunk, state, counts, slicer);
  if (!rows.length) return;
  // Node decides per row first: a row whose content equals its key's previous row or stored current version
  // is an unchanged duplicate and writes nothing.
  const writing: { row: StagedVersion; key: KeyState; version: number }[] = [];
  await eachWithTurns(rows, (row) => {
    let k = state.get(row.key);
    if (!k) state.set(row.key, (k = keyState()));
    if (row.hash === k.lastHash) return;
    k.lastHash = row.hash;
    k.added++;
    k.latest = row;
    writing.push({ row, key: k, version: k.base + k.added });
    if (k.recordId === null && k.added === 1) counts.new++;
    else counts.updated++;
    if (row.withdrawn) counts.withdrawn++;
  }, slicer);
  // Staging completed the rows whose content differed from the stored record when the chunk was prepared; a row
  // that writes all the same (the record changed since, by another batch) is completed now.
  let late: LineArena | null = null;
  await eachWithTurns(writing, (w) => {
    if (w.row.line === null) completeStaged(w.row, m.stage, (late ??= new LineArena()));
  }, slicer);
  // Only the rows that write a version are linked to their subjects (issue 18): a duplicate carries the same
  // content, so the same subject fields, as the version it repeats, which was linked (subject, legacy codes, name
  // variant) when it was written. A re-import of an unchanged file then costs PostgreSQL the two key probes only.
  const subjects = writing.length ? await linkSubjects((text, values) => step(m, text, values), await mapWithTurns(writing, (w) => w.row, slicer), m.stage.seal) : [];
  const versions: VersionOut[] = await mapWithTurns(writing, (w, i) => {
    if (w.key.latest === w.row) w.key.latestSubject = subjects[i];
    return { ...w, subject: subjects[i] };
  }, slicer);
  const keyStates = [...state.values()];
  const fresh = await filterWithTurns(keyStates, (k) => k.recordId === null && k.added > 0, slicer);
  const changed = await filterWithTurns(keyStates, (k) => k.recordId !== null && k.added > 0, slicer);
  if (fresh.length) {
    // New records get their ids up front, so that the history of a key repeated in the chunk can be COPYed with them.
    const ids = await step<{ id: string }>(m, 'SELECT nextval($1::regclass) AS id FROM generate_series(1, $2)', [m.recordSequence, fresh.length]);
    await mapWithTurns(fresh, (k, i) => (k.recordId = ids.rows[i].id), slicer);
    const head = `${m.versionSuffix}\t${m.versionAt}\t`;
    const item = `\t${esc(o.item.id)}\t${esc(o.item.recordType)}\t`;
    // 公示 is decided as the records are written, so a batch's records are public (or withdrawn from
    // publicity) from the moment it commits, with no pass over them afterwards. The record holds its current
    // version's content (migration 20261208T0835w): one row per new record.
    await timed(o, 'COPY records', () =>
      copyText(
        m.client,
        `COPY records (${RECORD_VERSION_COLUMNS}) FROM STDIN`,
        linePieces(fresh, (k) => {
          const r = k.latest!;
          const subject = k.latestSubject ?? '\\N';
          return [
            r.line!,
            `${head}${k.recordId}${item}${esc(r.key)}\t${esc(r.authority)}\t${esc(r.docNo)}\t${subject}\t${subject}\t${o.departmentId}\t${k.added}\t` +
              `${r.withdrawn ? 'withdrawn' : 'active'}\t${r.decision ?? '\\N'}\t`,
            r.publicity ?? publicityColumns(publicityOf(r, null, m.stage)),
            `\t${m.checkedAt}\n`,
          ];
        }),
      ),
    );
  }
  // A correction's audit entry names every record it wrote a version of, with the record's (kept) owner.
  if (m.touched) await eachWithTurns(versions, (v) => m.touched!.set(v.key.recordId!, v.key.ownerId ?? o.departmentId), slicer);
  if (changed.length) {
    // Nothing is overwritten: a changed record's stored current version moves to its history first.
    await step(
      m,
      `INSERT INTO record_history (${VERSION_COLUMNS}, created_at)
       SELECT content, current_hash, pii_enc, late, working_days, provisional, row_number, status = 'withdrawn', batch_id, channel, version_department_id,
              catalog_version, id, current_version, version_subject_id, version_at
       FROM records WHERE id = ANY($1::bigint[]) AND content IS NOT NULL`,
      [changed.map((k) => k.recordId)],
    );
    // Then the record takes its new current version, by primary key, with its publicity decided again from it.
    // Decided and read back in slices: the thread serving searches is never held for a whole chunk (turns.ts).
    const p = await mapWithTurns(changed, (k) => publicityOf(k.latest!, k.repairedAt, m.stage, k.decisionDate, k.listRemovedAt));
    const cols = await mapWithTurns(changed, (k) => stagedColumns(k.latest!.line!));
    await step(
      m,
      `UPDATE records r SET current_version = v.version, current_hash = v.hash, subject_id = coalesce(v.subject_id, r.subject_id), version_subject_id = v.subject_id,
         status = CASE WHEN v.withdrawn THEN 'withdrawn' ELSE 'active' END, decision_date = coalesce(v.decision_date, r.decision_date), updated_at = now(),
         audience = v.audience, public_from = v.pf, public_until = v.pu, publicity = v.pj, publicity_review = v.rv, publicity_checked_at = $12,
         content = v.content, pii_enc = v.pii, late = v.late, working_days = v.wd, provisional = v.prov, row_number = v.rn,
         batch_id = $13, channel = $14, version_department_id = $15, catalog_version = $16, version_at = now()
       FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[], $5::bool[], $6::date[], $7::text[], $8::date[], $9::date[], $10::jsonb[], $11::date[],
                   $17::jsonb[], $18::text[], $19::bool[], $20::int[], $21::bool[], $22::int[])
         AS v(id, version, hash, subject_id, withdrawn, decision_date, audience, pf, pu, pj, rv, content, pii, late, wd, prov, rn)
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
        o.batchId,
        o.channel,
        o.departmentId,
        o.item.version,
        cols.map((c) => c.content),
        cols.map((c) => c.pii),
        cols.map((c) => c.late),
        cols.map((c) => c.workingDays),
        cols.map((c) => c.provisional),
        cols.map((c) => c.rowNumber),
      ],
    );
  }
  // A key repeated in the chunk with new content: every version but its latest (now on the record) is history.
  const superseded = await filterWithTurns(versions, (v) => v.key.latest !== v.row, slicer);
  if (superseded.length) {
    await timed(o, 'COPY record_history', () =>
      copyText(
        m.client,
        `COPY record_history (${VERSION_COLUMNS}) FROM STDIN`,
        linePieces(superseded, (v) => [v.row.line!, `\t${v.row.withdrawn ? 't' : 'f'}${m.versionSuffix}\t${v.key.recordId}\t${v.version}\t${v.subject ?? '\\N'}\n`]),
      ),
    );
  }
}

/** A staged line's columns read back (content unescaped: JSON has no raw tab or line break, so only `\\` was doubled). */
function stagedColumns(line: Buffer): { content: string; pii: string | null; late: boolean; workingDays: number | null; provisional: boolean; rowNumber: number } {
  const f = line.toString('utf8').split('\t');
  return {
    content: f[0].replace(/\\\\/g, '\\'),
    pii: f[2] === '\\N' ? null : f[2],
    late: f[3] === 't',
    workingDays: f[4] === '\\N' ? null : Number(f[4]),
    provisional: f[5] === 't',
    rowNumber: Number(f[6]),
  };
}

/**
 * Ownership (issue 11 §1): the chunk's rows whose key is new or belongs to this batch's department. A row on
 * another department's record is counted as rejected, with its cells, in the receipt and the error file;
 * the owner's name is read once per chunk that has such rows. A correction batch keeps every row.
 */
async function ownRows(m: MergeContext, chunk: readonly StagedVersion[], state: ReadonlyMap<string, KeyState>, counts: ReceiptCounts, slicer: Slicer): Promise<readonly StagedVersion[]> {
  const { o } = m;
  if (o.correction) return chunk;
  const ownerOf = (r: StagedVersion) => state.get(r.key)?.ownerId ?? o.departmentId;
  const others = await filterWithTurns(chunk, (r) => ownerOf(r) !== o.departmentId, slicer);
  if (!others.length) return chunk;
  const owners = await departmentsByIds(o.db, others.map(ownerOf));
  const nameOf = new Map([...owners].map(([id, d]) => [id, d.name]));
  await eachWithTurns(others, (r) => {
    counts.accepted--;
    if (r.late) counts.late--;
    const owner = ownerOf(r);
    m.reject(r.rowNumber, JSON.parse(r.cells.toString('utf8')) as string[], [ownedByOtherIssue(nameOf.get(owner) ?? `部门 ${owner}`, o.correctionHint ?? false)]);
  }, slicer);
  return filterWithTurns(chunk, (r) => ownerOf(r) === o.departmentId, slicer);
}

/**
 * COPY lines of staged lines and the columns the merge appends (text, or bytes prepared in the chunk's arena), in
 * 64 KiB buffers: copyText gives the event loop a turn between pieces, so a piece (with any publicity decided for
 * it) is one slice of work.
 */
function* linePieces<T>(items: readonly T[], parts: (item: T) => readonly (Buffer | string)[]): Generator<Buffer> {
  const SIZE = 64 * 1024;
  let out = Buffer.allocUnsafe(SIZE);
  let off = 0;
  for (const item of items) {
    const line = parts(item);
    let need = 0;
    for (const p of line) need += typeof p === 'string' ? p.length * 3 : p.length;
    if (off + need > out.length) {
      if (off > 0) yield out.subarray(0, off);
      out = Buffer.allocUnsafe(Math.max(SIZE, need));
      off = 0;
    }
    for (const p of line) off += typeof p === 'string' ? out.write(p, off) : p.copy(out, off);
  }
  if (off > 0) yield out.subarray(0, off);
}
