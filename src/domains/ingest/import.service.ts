// One validation path for every channel: sniff → decode/parse (streaming) → match headers by name →
// validate each row against the catalogue → stage and commit the batch atomically → receipt (回执).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type pg from 'pg';
import type { Db } from '../../db/index.ts';
import type { Channel } from '../../db/types.ts';
import { createWorkCalendar } from '../../platform/workCalendar.ts';
import type { CatalogItem } from '../catalog/catalog.schemas.ts';
import { isIngestError } from './errors.ts';
import { matchHeaders } from './headers.ts';
import { commitBatch, rejectBatch, startBatch, type ReceiptCounts, type StagedRow } from './ingest.service.ts';
import { readRows, type SheetEvent } from './rows.ts';
import { sniffFormat } from './sniff.ts';
import { compileRowValidator } from './validate.ts';

export interface FileError {
  code: string;
  message: string;
  details?: unknown;
}

export interface Receipt extends ReceiptCounts {
  batchId: string;
  status: 'committed' | 'rejected';
  item: { id: string; name: string; version: number };
  fileName: string | null;
  format: string | null;
  encoding: string | null;
  errors: FileError[];
  /** An earlier batch of this department had byte-identical content. */
  sameAsBatch: string | null;
}

export interface ImportFileOptions {
  db: Db;
  pool: pg.Pool;
  secret: string;
  item: CatalogItem;
  departmentId: number;
  channel: Channel;
  path: string;
  fileName?: string;
  createdBy?: number | null;
  reportDate?: Date;
  onProgress?: (rows: number, bytesRead: number, totalBytes: number) => void;
  beforeMerge?: () => Promise<void>;
}

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

/** Imports one file end to end and returns its receipt. File-level problems reject the batch with a clear error. */
export async function importFile(o: ImportFileOptions): Promise<Receipt> {
  const fileName = o.fileName ?? basename(o.path);
  const size = (await stat(o.path)).size;
  const sniff = sniffFormat(await head(o.path), fileName);
  const batchId = await startBatch(o.db, {
    departmentId: o.departmentId,
    item: o.item,
    channel: o.channel,
    fileName,
    fileBytes: size,
    format: sniff.ok ? sniff.format : null,
    createdBy: o.createdBy ?? null,
  });
  const base = {
    batchId,
    item: { id: o.item.id, name: o.item.name, version: o.item.version },
    fileName,
    format: sniff.ok ? sniff.format : null,
    sameAsBatch: null as string | null,
  };
  const zero: ReceiptCounts = { total: 0, accepted: 0, rejected: 0, new: 0, updated: 0, duplicates: 0, withdrawn: 0, late: 0 };
  const reject = async (errors: FileError[], encoding: string | null = null): Promise<Receipt> => {
    await rejectBatch(o.db, batchId, errors);
    return { ...base, ...zero, status: 'rejected', encoding, errors };
  };
  if (!sniff.ok) return reject([{ code: sniff.code, message: sniff.message }]);

  // One pass over the file: the parser reads it, and the same chunks feed the progress count and the SHA-256.
  let bytesRead = 0;
  const hash = createHash('sha256');
  const source = createReadStream(o.path);
  source.on('data', (c) => {
    bytesRead += c.length;
    hash.update(c as Buffer);
  });
  const events = readRows(source, { format: sniff.format })[Symbol.asyncIterator]();
  let encoding: string | null = null;
  const calendar = createWorkCalendar();
  const now = new Date();
  const ctx = { today: now, calendar, reportDate: o.reportDate ?? now };
  try {
    const first: IteratorResult<SheetEvent> = await events.next();
    if (first.done || first.value.kind === 'end') return await reject([{ code: 'empty_file', message: '文件中没有表头和数据' }]);
    if (first.value.kind !== 'header') throw new Error('reader yielded a row before the header');
    const header = first.value;
    encoding = header.encoding;
    const mapping = matchHeaders(o.item, header.cells);
    if (!mapping.ok) return await reject(mapping.errors.map((e) => ({ code: e.code, message: e.message, details: e })), encoding);
    const validate = compileRowValidator(o.item, mapping);
    // Peek at the first data row: a headers-only file is rejected without opening a commit.
    let pending: IteratorResult<SheetEvent> | null = await events.next();
    while (!pending.done && pending.value.kind !== 'row' && pending.value.kind !== 'end') pending = await events.next();
    if (pending.done || pending.value.kind === 'end') return await reject([{ code: 'no_data_rows', message: '文件只有表头，没有数据行' }], encoding);
    async function* staged(): AsyncGenerator<StagedRow> {
      for (;;) {
        const ev = pending ?? (await events.next());
        pending = null;
        if (ev.done || ev.value.kind === 'end') {
          if (!ev.done && ev.value.kind === 'end') encoding = ev.value.encoding ?? encoding;
          return;
        }
        if (ev.value.kind !== 'row') continue;
        const r = validate(ev.value.cells, ctx, ev.value);
        if (r.ok && r.key) yield { kind: 'accepted', rowNumber: ev.value.rowNumber, result: r };
        else yield { kind: 'rejected', rowNumber: ev.value.rowNumber, cells: ev.value.cells, errors: r.errors.length ? r.errors : [{ field: '', header: '', code: 'record_key_missing', message: '缺少记录主键（机关统一社会信用代码与决定文书号）' }] };
      }
    }
    const counts = await commitBatch({
      pool: o.pool,
      secret: o.secret,
      batchId,
      item: o.item,
      departmentId: o.departmentId,
      channel: o.channel,
      rows: staged(),
      onProgress: (n) => o.onProgress?.(n, bytesRead, size),
      beforeMerge: o.beforeMerge,
    });
    // The whole file has been read by now; record its hash and point out an identical earlier upload.
    const sha = hash.digest('hex');
    const prior = await o.db
      .selectFrom('ingest_batches')
      .select('id')
      .where('file_sha256', '=', sha)
      .where('department_id', '=', o.departmentId)
      .where('status', '=', 'committed')
      .where('id', '!=', batchId)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    await o.db.updateTable('ingest_batches').set({ file_sha256: sha }).where('id', '=', batchId).execute();
    o.onProgress?.(counts.total, size, size);
    return { ...base, ...counts, sameAsBatch: prior?.id ?? null, status: 'committed', encoding, errors: [] };
  } catch (e) {
    if (isIngestError(e)) return reject([{ code: e.code, message: e.message, details: e.details }], encoding);
    throw e;
  } finally {
    source.destroy();
  }
}
