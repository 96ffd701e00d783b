// 归集 staging: an accepted row becomes a staged version (record key, subject fields, and its version's columns
// as COPY text in the chunk's arena), rows are grouped in chunks, and what can be known of a chunk before its
// merge (new subjects' columns, new records' publicity) is prepared while the previous chunk merges. Nothing
// here writes; the merge (merge.ts) decides.
import type pg from 'pg';
import { setImmediate } from 'node:timers/promises';
import { hmacSha256With, sealer, sha256 } from '../../platform/crypto.ts';
import { subjectKindOf, subjectPreparer, type SubjectRef } from '../subjects/index.ts';
import { decideInput, recordInput, withListRemoval, type PublicitySettings, type RecordPublicity } from '../publicity/index.ts';
import type { PublicityInput } from '../publicity/index.ts';
import type { CatalogItem } from '../catalog/index.ts';
import type { RowIssueOut, RowResult } from './validate.ts';
import { maskPersonalValue } from './rejects.ts';
import { esc, LineArena, type JsonSplice } from './copytext.ts';
import { paramsWithTurns } from './turns.ts';

/**
 * One row as the staging step sees it: accepted with its validation result, or rejected with its errors. An
 * accepted row keeps its cells too: the merge may still refuse it (another department's record) and the
 * error file shows the row as uploaded.
 */
export type StagedRow =
  | {
      kind: 'accepted';
      rowNumber: number;
      result: RowResult;
      cells: readonly string[];
      /**
       * Already staged, in the parse worker (parse.worker.ts): chunksOf takes it as it is. Such a row arrives
       * without its values and cells (`result` carries the flags, `cells` is empty): everything the merge
       * needs of them is in the staged version.
       */
      staged?: StagedVersion;
    }
  | { kind: 'rejected'; rowNumber: number; cells: readonly string[]; errors: readonly RowIssueOut[] };

/** Per-item facts stageRow needs, computed once per batch rather than per row. */
export interface StageContext {
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
  /** The publicity settings in force (the credit office's), read once per batch; default DEFAULT_SETTINGS. */
  publicity?: PublicitySettings;
}

/** The batch's staging context: masked and decision fields, sealer and ID hash, the publicity moment. */
export function stageContext(item: CatalogItem, secret: string, keyWithSubject: boolean, publicity?: PublicitySettings): StageContext {
  return {
    publicity,
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
 * One accepted row as the merge needs it: its record key, content hash and subject in fields, its values as JSON,
 * and, once completed (`completeStaged`), the columns of its version (content, hash, encrypted originals, flags,
 * row number) as COPY text in a shared buffer and its publicity input. The parse worker stages the key and hash
 * only; the main thread completes the rows that will write a version (issue 18): a re-imported row whose content
 * is stored already costs neither the sealing of its personal fields nor its COPY text. The record id, version
 * number and subject id are added when the chunk is merged. Its subject fields (SubjectRef) are what the subjects
 * domain links it by, and where it prepares a new subject's columns.
 */
export interface StagedVersion extends SubjectRef {
  rowNumber: number;
  key: string;
  authority: string;
  docNo: string;
  hash: string;
  withdrawn: boolean;
  /** Counted as 超期上报 in the receipt (taken back if the merge refuses the row). */
  late: boolean;
  workingDays: number | null;
  provisional: boolean;
  decision: string | null;
  /** The row's values as JSON (UTF-8, in the chunk's arena): the content hash's input, and what completion reads. */
  json: Buffer;
  /**
   * The version's own COPY columns (the first seven of VERSION_COLUMNS and of RECORD_VERSION_COLUMNS), UTF-8; null
   * until the row is completed (completeStaged), which happens only for a row that may write a version.
   */
  line: Buffer | null;
  /** The row's cells as uploaded (JSON, UTF-8, in the chunk's arena): for the error file if the merge refuses the row. */
  cells: Buffer;
  /**
   * What the publicity engine needs of the row (not its whole values: a chunk is held for a while, and
   * keeping every row's values alive doubled the garbage collector's work); null if unreadable. Set on completion,
   * and kept only by a row whose record is stored (the merge decides its publicity with the record's repair date):
   * a new record's rows drop it once their publicity is decided (prepareWrites); publicityOf reads it again from
   * `json` for a completed row without it.
   */
  input?: PublicityInput | null;
  /**
   * Prepared while the previous chunk merges: the publicity of the record this row would create (公示,
   * docs/domain/03-publicity.md §3), as its COPY columns (`publicityColumns`, UTF-8 in the chunk's arena): the
   * decision's explanation is the largest string a waiting row would otherwise hold on the heap.
   */
  publicity?: Buffer;
}

/** record_history's columns in the order a staged line carries them, then the ones the merge appends. */
export const VERSION_COLUMNS =
  'content, content_hash, pii_enc, late, working_days, provisional, row_number, withdrawn, batch_id, channel, department_id, catalog_version, record_id, version, subject_id';

/**
 * The same seven columns as a new record holds them (the current version is stored on the record, migration
 * 20261208T0835w), then the ones the merge appends for a new record.
 */
export const RECORD_VERSION_COLUMNS =
  'content, current_hash, pii_enc, late, working_days, provisional, row_number, batch_id, channel, version_department_id, catalog_version, version_at, ' +
  'id, item_id, record_type, record_key, authority_uscc, doc_no, subject_id, version_subject_id, department_id, current_version, status, decision_date, ' +
  'audience, public_from, public_until, publicity, publicity_review, publicity_checked_at';

/**
 * Stages an accepted row: key, subject fields, flags, its values as JSON and their hash (the parse worker's share).
 * The costly rest (masking and sealing, COPY text, publicity input) is completeStaged's, for the rows that write.
 */
export function stageRow(rowNumber: number, r: RowResult, cells: readonly string[], c: StageContext, arena: LineArena): StagedVersion {
  // One serialisation serves the content hash and, completed, the stored content. The hash is of its UTF-8 as stored
  // in the arena (the same bytes hashing the string would encode again: well-formed JSON has no lone surrogates).
  const json = arena.add(JSON.stringify(r.values));
  const s = r.subject;
  const id = s.uscc ? null : (s.idNumber ?? null);
  const decision = c.decisionField ? r.values[c.decisionField] : null;
  const k = r.key!;
  return {
    rowNumber,
    key: c.keyWithSubject ? `${k.authorityUscc}\u001f${k.docNo}\u001f${k.subjectCode ?? ''}` : `${k.authorityUscc}\u001f${k.docNo}`,
    authority: k.authorityUscc,
    docNo: k.docNo,
    hash: sha256(json),
    withdrawn: r.withdrawn,
    late: r.late,
    workingDays: r.workingDays,
    provisional: r.provisional,
    decision: typeof decision === 'string' && ISO_DAY.test(decision) ? decision : null,
    kind: subjectKindOf(s.category),
    name: s.name,
    uscc: s.uscc ?? null,
    idHash: id ? c.idHash(`id:${id}`) : null,
    idNumber: id,
    orgCode: s.orgCode ?? null,
    regNo: s.regNo ?? null,
    json,
    line: null,
    // A buffer rather than the array: kept for the chunk's life without objects for the garbage collector to trace.
    cells: arena.add(JSON.stringify(cells)),
  };
}

/**
 * Completes a staged row for writing: its publicity input and its version's COPY columns, with personal fields
 * stored masked and the originals encrypted. Idempotent (a completed row is left as it is). Returns the publicity
 * input; the row keeps it (`input`) unless `keepInput` is false (issue 18: prepareWrites decides a new record's
 * publicity at once and drops the input, so a chunk waiting for its merge holds no parsed values; publicityOf
 * reads them again from `json` if it still needs them).
 */
export function completeStaged(v: StagedVersion, c: StageContext, arena: LineArena, keepInput = true): PublicityInput | null {
  if (v.line !== null) return inputOf(v, c);
  const values = JSON.parse(v.json.toString('utf8')) as Record<string, string | number | null>;
  let pii: string | null = null;
  const splices: JsonSplice[] = [];
  if (c.maskedFields.length) {
    let originals: Record<string, string | number | null> | null = null;
    for (const f of c.maskedFields) {
      const value = values[f];
      if (value === null || value === undefined || value === '') continue;
      (originals ??= {})[f] = value;
      // The stored content is the same JSON with this member's value masked. `"code":value` with an
      // unescaped quote before the colon occurs only as the member itself (inside a JSON string the quote
      // would be escaped), so replacing that one occurrence equals re-serialising a masked copy. Found and
      // replaced in the staged bytes (copytext.ts addJsonLine), never in a decoded copy of the whole text.
      const member = `"${f}":`;
      const needle = member + JSON.stringify(value);
      const at = v.json.indexOf(needle);
      if (at < 0) throw new Error(`staging: member ${f} not found in the serialised row`);
      splices.push({ start: at + Buffer.byteLength(member), end: at + Buffer.byteLength(needle), text: JSON.stringify(maskPersonalValue(value)) });
    }
    if (originals) pii = c.seal(JSON.stringify(originals));
    if (splices.length > 1) splices.sort((a, b) => a.start - b.start);
  }
  const input = recordInput(c.item.recordType, v.decision, values);
  if (keepInput) v.input = input;
  v.line = arena.addJsonLine(
    v.json,
    splices,
    '\t' + v.hash +
      '\t' + (pii ?? '\\N') +
      '\t' + (v.late ? 't' : 'f') +
      '\t' + esc(v.workingDays) +
      '\t' + (v.provisional ? 't' : 'f') +
      '\t' + v.rowNumber,
  );
  return input;
}

/**
 * A completed row's publicity input: the one kept on it, else read again from its values (a row whose input
 * prepareWrites dropped, e.g. a new record's earlier row that the merge finds is its latest after all).
 */
function inputOf(r: StagedVersion, c: StageContext): PublicityInput | null {
  if (r.input !== undefined) return r.input;
  if (r.line === null) throw new Error(`staging: row ${r.rowNumber} decided before it was completed`);
  return recordInput(c.item.recordType, r.decision, JSON.parse(r.json.toString('utf8')) as Record<string, string | number | null>);
}

/** Groups accepted rows into staged chunks of `size`; yields at least one (possibly empty) chunk. */
export async function* chunksOf(
  rows: AsyncIterable<{ rowNumber: number; result: RowResult; cells: readonly string[]; staged?: StagedVersion }>,
  size: number,
  stage: StageContext,
  pool: pg.Pool,
): AsyncGenerator<StagedVersion[]> {
  let chunk: StagedVersion[] = [];
  let arena = new LineArena();
  let yielded = false;
  // Large array parameters are written in slices (turns.ts), as the merge's are.
  const prepareSubjects = subjectPreparer(async (text, values) => pool.query(text, await paramsWithTurns(values)), stage.seal);
  for await (const row of rows) {
    // commit.ts hands over the StagedRow objects themselves, so a row the parse worker staged keeps its version.
    chunk.push(row.staged ?? stageRow(row.rowNumber, row.result, row.cells, stage, arena));
    // Rows already in memory (an inflated .xlsx part) come through microtasks only, which would hold back the
    // merge's query results until the reader next waits for the file; give the event loop a turn regularly.
    if (chunk.length % 64 === 0) await setImmediate();
    if (chunk.length >= size) {
      await prepareChunk(pool, chunk, prepareSubjects, stage, arena);
      yield chunk;
      yielded = true;
      chunk = [];
      arena = new LineArena();
    }
  }
  if (chunk.length > 0) await prepareChunk(pool, chunk, prepareSubjects, stage, arena);
  if (chunk.length > 0 || !yielded) yield chunk;
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
 * subjects it will create (subjects domain), the completion of the rows that will write, and the publicity of the
 * records it will create. Guesses only, from what is committed now; the merge decides, and computes whatever it
 * needs that was not prepared.
 */
async function prepareChunk(pool: pg.Pool, chunk: readonly StagedVersion[], prepareSubjects: (rows: readonly SubjectRef[]) => Promise<void>, stage: StageContext, arena: LineArena): Promise<void> {
  await prepareSubjects(chunk);
  await prepareWrites(pool, chunk, stage, arena);
}

/**
 * One index probe per distinct (key, content hash) of the chunk: the pairs whose content is not the stored record's
 * current version, and whether the key has a record. Those rows are completed (they will write, unless a row before
 * them in the file carries the same content); the new records get their publicity from their key's latest row, with
 * no repair date (a new record has none). On a re-import of an unchanged file no pair comes back and nothing is
 * completed: the row costs this probe and the merge's (issue 18).
 */
async function prepareWrites(pool: pg.Pool, chunk: readonly StagedVersion[], stage: StageContext, arena: LineArena): Promise<void> {
  // The distinct (key, hash) pairs, without a concatenated string per row: a key's pairs are chained from its first
  // (a key with two contents in one chunk is rare), and Map look-ups by the row's own strings reuse their cached hashes.
  const keys: string[] = [];
  const hashes: string[] = [];
  const next: number[] = [];
  const firstOf = new Map<string, number>();
  const pairOf = new Int32Array(chunk.length);
  for (let i = 0; i < chunk.length; i++) {
    const r = chunk[i];
    let p = firstOf.get(r.key) ?? -1;
    let last = -1;
    while (p >= 0 && hashes[p] !== r.hash) [last, p] = [p, next[p]];
    if (p < 0) {
      p = keys.length;
      keys.push(r.key);
      hashes.push(r.hash);
      next.push(-1);
      if (last < 0) firstOf.set(r.key, p);
      else next[last] = p;
    }
    pairOf[i] = p;
  }
  // A scalar subquery per pair: an index probe each, never a join that reads the whole table. A record without
  // content (none is written so, but the column allows it) reads as '' and so differs from every hash. The pairs
  // come back by their position, not as text.
  const differing = await pool.query<{ i: number; fresh: boolean }>(
    `SELECT i::int AS i, s IS NULL AS fresh
     FROM (SELECT i, h, (SELECT coalesce(r.current_hash, '') FROM records r WHERE r.item_id = $1 AND r.record_key = k) AS s
           FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(k, h, i)) x
     WHERE s IS DISTINCT FROM h`,
    await paramsWithTurns([stage.item.id, keys, hashes]),
  );
  if (!differing.rows.length) return;
  // Per pair: 0 stored as it is, 1 writes a version of a stored record, 2 writes a new record's version.
  const writes = new Uint8Array(keys.length);
  for (const d of differing.rows) writes[d.i - 1] = d.fresh ? 2 : 1;
  // A new record's publicity is decided as its latest row is completed, and the new records' rows keep no parsed
  // input: a chunk waits for its merge holding none of their values (less for the garbage collector to trace and
  // promote). A stored record's row keeps its input for the merge, which decides with the record's repair date.
  const latest = new Map<string, number>();
  for (let i = 0; i < chunk.length; i++) if (writes[pairOf[i]] === 2) latest.set(chunk[i].key, i);
  let i = 0;
  await eachWithTurns(chunk, (r) => {
    const w = writes[pairOf[i]];
    if (w !== 0) {
      const input = completeStaged(r, stage, arena, w !== 2);
      if (w === 2 && latest.get(r.key) === i) r.publicity = arena.add(publicityColumns(decideInput(withListRemoval(input, null), null, stage.at, stage.publicity)));
    }
    i++;
  });
}

/** A decision as the COPY columns of `records` it fills: audience, public_from, public_until, publicity, publicity_review. */
export function publicityColumns(p: RecordPublicity): string {
  return `${p.audience}\t${p.from ?? '\\N'}\t${p.until ?? '\\N'}\t${esc(p.publicity)}\t${p.review ?? '\\N'}`;
}

/** 公示: the publicity of the record whose current version this row becomes (publicity.service.ts decideInput). */
export function publicityOf(r: StagedVersion, repairedAt: string | null, stage: StageContext, storedDecisionDate: string | null = null, listRemovedAt: string | null = null): RecordPublicity {
  const own = inputOf(r, stage);
  // A record of a generic item takes its decision date from the record when the new version has none, as the job does.
  const input = own?.recordType === 'other' && r.decision === null && storedDecisionDate ? { ...own, decisionDate: storedDecisionDate } : own;
  // A list record the credit office moved out stays out of public view whatever version arrives.
  return decideInput(withListRemoval(input, listRemovedAt), repairedAt, stage.at, stage.publicity);
}

/**
 * Pulls from `src` up to `ahead` items before the consumer asks for them. A chunk is then read,
 * validated and serialised in Node while PostgreSQL merges the previous one: the two cores work at once.
 */
export async function* readAhead<T>(src: AsyncIterable<T>, ahead: number): AsyncGenerator<T> {
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
