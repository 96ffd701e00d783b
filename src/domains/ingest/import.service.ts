// One validation path for every channel (issue 归集 §3): a file (console upload or CLI) is sniffed,
// decoded and parsed as a stream; JSON rows (signed API, online form) become the same header + row events.
// Then the one validation chain (pipeline.ts validateSheet: match headers by name → validate each row
// against the catalogue) → stage and commit the batch atomically → receipt (回执).
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type pg from 'pg';
import type { Db } from '../../db/index.ts';
import type { Channel } from '../../db/types.ts';
import type { PiiScreenPolicy } from '../../config.ts';
import type { AuditContext } from '../../platform/audit.ts';
import type { AppContext } from '../../platform/http.ts';
import { listOverrides } from '../../platform/calendar.service.ts';
import { departmentReviewRequired, reportingAuthorities } from '../auth/index.ts';
import type { CatalogItem } from '../catalog/index.ts';
import { isIngestError } from './errors.ts';
import { commitBatch, rejectBatch, startBatch, type ReceiptCounts, type StagedRow } from './ingest.service.ts';
import { personalColumns } from './rejects.ts';
import type { FileError } from './pipeline.ts';
import type { ParsedEvent, RowWarningSummary } from './parse.core.ts';
import { fileEvents, jsonRowEvents, parseJob, type JsonRows, type ParseJob } from './parse.job.ts';
import { parseInWorker, type ParseStream } from './parse.thread.ts';
import type { SheetEvent, SheetRow } from './rows.ts';
import { heldBatch, heldRows, holdForReview } from './review.ts';
import { sniffFormat, type SheetFormat } from './sniff.ts';
import { loadPublicitySettings } from '../publicity/index.ts';

export type { FileError } from './pipeline.ts';

export type { RowWarningSummary } from './parse.core.ts';

export interface Receipt extends ReceiptCounts {
  batchId: string;
  warnings: RowWarningSummary[];
  /** 'pending_review': validated and held for the department's 审核员 (review.ts), nothing written yet. */
  status: 'committed' | 'rejected' | 'pending_review';
  item: { id: string; name: string; version: number };
  fileName: string | null;
  format: string | null;
  encoding: string | null;
  errors: FileError[];
  /** An earlier batch of this department had byte-identical content. */
  sameAsBatch: string | null;
}

export interface ImportProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
}

interface CommonOptions {
  db: Db;
  pool: pg.Pool;
  secret: string;
  item: CatalogItem;
  departmentId: number;
  channel: Channel;
  /** Record key includes the subject's code (config.ingestKeyWithSubject; default true). */
  keyWithSubject?: boolean;
  /** Personal numbers in public text fields: reject or warn (config.ingestPiiScreen; default DEFAULT_PII_SCREEN). */
  piiScreen?: PiiScreenPolicy;
  /** 决定日期 before this ISO date are warned (config.ingestDecisionDateWarnBefore; default 2000-01-01). */
  decisionDateWarnBefore?: string;
  createdBy?: number | null;
  apiKeyId?: number | null;
  reportDate?: Date;
  /** Called as soon as the batch exists, so that a caller can answer with its id and poll. */
  onBatch?: (batchId: string) => void;
  onProgress?: (p: ImportProgress) => void;
  beforeMerge?: () => Promise<void>;
  /** Passed to commitBatch: rows per merged chunk, and a test hook after each chunk's merge. */
  chunkRows?: number;
  afterChunkMerge?: (chunk: number) => Promise<void>;
  /** Benchmark hook, passed to commitBatch. */
  onStep?: (step: string, ms: number) => void;
  /**
   * A credit-office correction with its reason (issue 11 §1): the rows may name any authority and change any
   * department's records, which keep their owner; audited in the batch's transaction. Only for role admin.
   */
  correction?: { reason: string; ctx: AuditContext } | null;
  /** The uploader is the credit office (a refused row on another department's record says how to correct it). */
  correctionHint?: boolean;
  /** An approved batch's replay (replayReviewedBatch): commit it, and drop its held rows in the commit. */
  approved?: boolean;
  /** Nice value of the parse worker thread (config.ingestImportNice; default 0, unchanged): see priority.ts. */
  importNice?: number;
  /** Run the batch's PostgreSQL backend at importNice too: only for the embedded server (on this machine, ours). */
  reniceBackend?: boolean;
  /** Read files and large JSON batches in the parse worker or in this thread (config.ingestParseThread; default worker). */
  parseThread?: 'worker' | 'inline';
  /** The parse worker's heap limit in MiB (config.ingestParseWorkerMb; default PARSE_WORKER_MB). */
  parseWorkerMb?: number;
}

/** What every import takes from the running app: the database, the secret and the configured validation settings. */
export function appImportOptions(
  ctx: AppContext,
): Pick<CommonOptions, 'db' | 'pool' | 'secret' | 'keyWithSubject' | 'piiScreen' | 'decisionDateWarnBefore' | 'importNice' | 'reniceBackend' | 'parseThread' | 'parseWorkerMb'> {
  return {
    db: ctx.db,
    pool: ctx.pool,
    secret: ctx.config.secret,
    keyWithSubject: ctx.config.ingestKeyWithSubject,
    piiScreen: ctx.config.ingestPiiScreen,
    decisionDateWarnBefore: ctx.config.ingestDecisionDateWarnBefore,
    importNice: ctx.config.ingestImportNice,
    // Without DATABASE_URL the server is the embedded one, a child of this process on this machine.
    reniceBackend: ctx.config.databaseUrl === null,
    parseThread: ctx.config.ingestParseThread,
    parseWorkerMb: ctx.config.ingestParseWorkerMb,
  };
}

export interface ImportFileOptions extends CommonOptions {
  path: string;
  fileName?: string;
}

export interface ImportRowsOptions extends CommonOptions {
  /** Rows keyed by field code or Chinese header, e.g. from the signed API or the online form. */
  rows: ReadonlyArray<Record<string, string | number | null | undefined>>;
}

const ZERO: ReceiptCounts & { warnings: RowWarningSummary[] } = { total: 0, accepted: 0, rejected: 0, new: 0, updated: 0, duplicates: 0, withdrawn: 0, late: 0, warnings: [] };
/**
 * Rows per batch the read side hands over (one message from the parse worker). Its structured-clone decoding runs on
 * the main thread in one go, so a batch is kept small enough to be one short slice of the thread serving HTTP
 * (issue 18); parse.worker.ts MAX_AHEAD keeps as many rows in flight as before.
 */
const PARSE_BATCH_ROWS = 500;

async function head(path: string, n = 4096): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

interface PipelineInput {
  batchId: string;
  base: Omit<Receipt, keyof ReceiptCounts | 'status' | 'encoding' | 'errors' | 'warnings'>;
  /** Starts the read side (in the parse worker, or in this thread) for the batch's job; `onRawRow` for review. */
  read: (job: Omit<ParseJob, 'source'>, onRawRow?: (row: SheetRow) => void) => ParseStream;
  /** The size of the input, for progress: bytes of a file, or JSON rows. */
  totalBytes: number;
}

/** Header matching, row validation and the atomic commit, shared by files and JSON rows. */
async function runPipeline(o: CommonOptions, p: PipelineInput): Promise<Receipt & { sha256: string | null }> {
  let encoding: string | null = null;
  const reject = async (errors: FileError[]): Promise<Receipt & { sha256: null }> => {
    await rejectBatch(o.db, p.batchId, errors);
    return { ...p.base, ...ZERO, status: 'rejected', encoding, errors, sha256: null };
  };
  const now = new Date();
  // Legacy (v1) files lack the authority and source columns: the reporting department's profile fills them.
  const auth = await reportingAuthorities(o.db, o.departmentId);
  const defaults = { source_name: auth.departmentName, ...(auth.own ? { authority_uscc: auth.own, source_uscc: auth.own } : {}) };
  // A department under review (issue 17 §3) has its batch held, not written; a credit-office correction is not held
  // (it is the credit office's own act, audited with its reason), nor is the replay of an approved batch.
  const review = !o.correction && !o.approved && (await departmentReviewRequired(o.db, o.departmentId));
  const job: Omit<ParseJob, 'source'> = {
    item: o.item,
    today: now,
    reportDate: o.reportDate ?? now,
    // The credit office's holiday overrides apply to every import (超期上报 counts working days).
    calendarOverrides: await listOverrides(o.db),
    defaults,
    piiScreen: o.piiScreen,
    decisionDateWarnBefore: o.decisionDateWarnBefore,
    // The credit office's publicity settings: the receipt's warnings and the batch's decisions read the same (issue 13).
    publicity: await loadPublicitySettings(o.db),
    // The authorities a row may name: the department's own and those it reports for (issue 11 §1); a
    // correction by the credit office may name any.
    auth: o.correction ? null : auth,
    correctionHint: o.correctionHint ?? false,
    review,
    secret: o.secret,
    keyWithSubject: o.keyWithSubject ?? true,
    batchRows: PARSE_BATCH_ROWS,
  };
  // Held rows keep the row as read (source facts included), so that approval validates exactly what was uploaded.
  const raw = new Map<number, SheetRow>();
  const stream = p.read(job, review ? (r) => raw.set(r.rowNumber, r) : undefined);
  const chain = stream.events;
  const progress = () => ({ bytesRead: stream.progress(), totalBytes: p.totalBytes });
  try {
    const first = await chain.next();
    if (first.done) throw new Error('the validation chain ended without an end event');
    if (first.value.type === 'end') return await reject(first.value.fileErrors);
    if (first.value.type !== 'header') throw new Error('the validation chain yielded rows before the header');
    encoding = first.value.header.encoding;
    await o.db.updateTable('ingest_batches').set({ header: JSON.stringify(first.value.header.cells), encoding }).where('id', '=', p.batchId).execute();
    const mapping = first.value.mapping;
    let warnings: RowWarningSummary[] = [];
    // Peek at the first data rows: headers that do not fit the item, or a headers-only file, are
    // rejected without opening a commit.
    let pending: IteratorResult<ParsedEvent> | null = await chain.next();
    if (pending.done) throw new Error('the validation chain ended without an end event');
    if (pending.value.type === 'end') return await reject(pending.value.fileErrors);
    async function* staged(): AsyncGenerator<StagedRow> {
      for (;;) {
        const ev = pending ?? (await chain.next());
        pending = null;
        if (ev.done) return;
        if (ev.value.type === 'end') {
          warnings = ev.value.warnings;
          return;
        }
        if (ev.value.type === 'rows') yield* ev.value.rows;
      }
    }
    if (review) {
      const held = await holdForReview({
        db: o.db,
        secret: o.secret,
        batchId: p.batchId,
        rows: staged(),
        source: (n) => {
          const r = raw.get(n);
          raw.delete(n);
          return r;
        },
        personalColumns: personalColumns(o.item, mapping),
        rowWarnings: () => warnings,
      });
      o.onProgress?.({ rows: held.total, ...progress() });
      return { ...p.base, ...held, warnings, status: 'pending_review', encoding, errors: [], sha256: stream.sha256() };
    }
    const counts = await commitBatch({
      db: o.db,
      pool: o.pool,
      secret: o.secret,
      keyWithSubject: o.keyWithSubject ?? true,
      publicitySettings: job.publicity,
      batchId: p.batchId,
      item: o.item,
      departmentId: o.departmentId,
      channel: o.channel,
      rows: staged(),
      rejectPersonalColumns: personalColumns(o.item, mapping),
      rowWarnings: () => warnings,
      onProgress: (rows) => o.onProgress?.({ rows, ...progress() }),
      beforeMerge: o.beforeMerge,
      chunkRows: o.chunkRows,
      afterChunkMerge: o.afterChunkMerge,
      onStep: o.onStep,
      correction: o.correction,
      correctionHint: o.correctionHint,
      replacesHeld: o.approved ?? false,
      backendNice: o.reniceBackend ? (o.importNice ?? 0) : 0,
    });
    o.onProgress?.({ rows: counts.total, ...progress() });
    return { ...p.base, ...counts, warnings, status: 'committed', encoding, errors: [], sha256: stream.sha256() };
  } catch (e) {
    if (isIngestError(e)) return reject([{ code: e.code, message: e.message, details: e.details }]);
    throw e;
  } finally {
    // Stops the parse worker (or the reader) if the import ended before the end of the file.
    await chain.return(undefined);
  }
}

/** In this thread, over events already at hand: small JSON rows (a form, a small API call) and approved batches' held rows. */
function parseHere(events: AsyncIterable<SheetEvent>, progress: () => number): PipelineInput['read'] {
  return (job, onRawRow) => ({ events: parseJob(job, events, onRawRow), progress, sha256: () => null });
}

/**
 * A file read in this thread (INGEST_PARSE_THREAD=inline): the same parseJob as the worker runs, over the same file
 * events (bytes counted and hashed as read); the hash is known once the last row has been read.
 */
function parseFileHere(path: string, format: SheetFormat): PipelineInput['read'] {
  return (job, onRawRow) => {
    const file = fileEvents(path, format);
    let sha256: string | null = null;
    async function* events(): AsyncGenerator<ParsedEvent> {
      try {
        for await (const ev of parseJob(job, file.events, onRawRow)) {
          if (ev.type === 'end') sha256 = file.hash.digest('hex');
          yield ev;
        }
      } finally {
        file.close();
      }
    }
    return { events: events(), progress: file.bytesRead, sha256: () => sha256 };
  };
}

/** Imports one file end to end and returns its receipt. File-level problems reject the batch with a clear error. */
export async function importFile(o: ImportFileOptions): Promise<Receipt> {
  const fileName = o.fileName ?? basename(o.path);
  const size = (await stat(o.path)).size;
  const sniff = sniffFormat(await head(o.path), fileName);
  const format = sniff.ok ? sniff.format : null;
  const batchId = await startBatch(o.db, {
    departmentId: o.departmentId,
    item: o.item,
    channel: o.channel,
    fileName,
    fileBytes: size,
    format,
    createdBy: o.createdBy ?? null,
    apiKeyId: o.apiKeyId ?? null,
    correctionReason: o.correction?.reason ?? null,
  });
  o.onBatch?.(batchId);
  const base = { batchId, item: { id: o.item.id, name: o.item.name, version: o.item.version }, fileName, format, sameAsBatch: null };
  if (!sniff.ok) {
    const errors = [{ code: sniff.code, message: sniff.message }];
    await rejectBatch(o.db, batchId, errors);
    return { ...base, ...ZERO, status: 'rejected', encoding: null, errors };
  }
  // The parse worker (or this thread, INGEST_PARSE_THREAD=inline) reads the file once: decode, parse, validate and
  // stage, with its byte count and SHA-256.
  const { sha256, ...receipt } = await runPipeline(o, {
    batchId,
    base,
    read:
      o.parseThread === 'inline'
        ? parseFileHere(o.path, sniff.format)
        : (job, onRawRow) => parseInWorker({ ...job, source: { kind: 'file', path: o.path, format: sniff.format } }, onRawRow, o.importNice ?? 0, o.parseWorkerMb),
    totalBytes: size,
  });
  if (receipt.status === 'rejected' || sha256 === null) return receipt;
  // The whole file has been read by now; record its hash and point out an identical earlier upload.
  const prior = await o.db
    .selectFrom('ingest_batches')
    .select('id')
    .where('file_sha256', '=', sha256)
    .where('department_id', '=', o.departmentId)
    .where('status', '=', 'committed')
    .where('id', '!=', batchId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  await o.db.updateTable('ingest_batches').set({ file_sha256: sha256 }).where('id', '=', batchId).execute();
  return { ...receipt, sameAsBatch: prior?.id ?? null };
}

/**
 * JSON rows from this many on are read in the parse worker (a large signed-API batch); fewer (the online form, a
 * small API call) are read here, where they already are, without a worker's start-up.
 */
export const WORKER_MIN_JSON_ROWS = 1000;

/** Imports JSON rows (signed API, online form) through the same header matching and validation as files. */
export async function importRows(o: ImportRowsOptions): Promise<Receipt> {
  const batchId = await startBatch(o.db, {
    departmentId: o.departmentId,
    item: o.item,
    channel: o.channel,
    format: 'json',
    createdBy: o.createdBy ?? null,
    apiKeyId: o.apiKeyId ?? null,
    correctionReason: o.correction?.reason ?? null,
  });
  o.onBatch?.(batchId);
  const rows: JsonRows = o.rows;
  let i = 0;
  const { sha256: _, ...receipt } = await runPipeline(o, {
    batchId,
    base: { batchId, item: { id: o.item.id, name: o.item.name, version: o.item.version }, fileName: null, format: 'json', sameAsBatch: null },
    read:
      rows.length >= WORKER_MIN_JSON_ROWS && o.parseThread !== 'inline'
        ? (job, onRawRow) => parseInWorker({ ...job, source: { kind: 'rows', rows } }, onRawRow, o.importNice ?? 0, o.parseWorkerMb)
        : parseHere(jsonRowEvents(rows, (n) => (i = n)), () => i),
    totalBytes: rows.length,
  });
  return receipt;
}

export type ReplayOptions = Omit<CommonOptions, 'item' | 'departmentId' | 'channel' | 'createdBy' | 'apiKeyId' | 'reportDate' | 'correction' | 'approved'> & { batchId: string };

/**
 * Commits an approved batch (issue 17 §3): its held rows, as read at upload, go through the same validation and
 * commit as any import, into the same batch, with timeliness counted as of the upload; the commit drops the held
 * rows and the upload's rejects (written again by the commit) in its transaction.
 */
export async function replayReviewedBatch(o: ReplayOptions): Promise<Receipt> {
  const b = await heldBatch(o.db, o.batchId);
  if (!b) throw new Error(`batch ${o.batchId} has no held rows to replay`);
  o.onBatch?.(b.batchId);
  let n = 0;
  const format = b.format === 'xlsx' || b.format === 'xls' ? b.format : 'csv';
  const secret = o.secret;
  async function* events(): AsyncGenerator<SheetEvent> {
    yield { kind: 'header', rowNumber: 0, cells: b!.header, format, encoding: b!.encoding, skippedBefore: 0 };
    for await (const row of heldRows(o.db, secret, b!.batchId)) {
      n++;
      yield row;
    }
    yield { kind: 'end', rows: n, emptyRowsSkipped: 0, encoding: b!.encoding };
  }
  const { sha256: _, ...receipt } = await runPipeline(
    { ...o, item: b.item, departmentId: b.departmentId, channel: b.channel, createdBy: b.createdBy, apiKeyId: b.apiKeyId, reportDate: b.createdAt, approved: true },
    {
      batchId: b.batchId,
      base: { batchId: b.batchId, item: { id: b.item.id, name: b.item.name, version: b.item.version }, fileName: b.fileName, format: b.format, sameAsBatch: null },
      // The held rows come from this process's database connection, a page at a time: read here.
      read: parseHere(events(), () => n),
      totalBytes: 0,
    },
  );
  return receipt;
}
