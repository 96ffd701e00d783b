// What the parse worker is given and what it sends back (parse.worker.ts runs it, parse.thread.ts drives it),
// and the read side both threads share: the events of a file or of JSON rows, read and validated by
// parse.core.ts parseSheet with the batch's context rebuilt from plain data.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import type { PiiScreenPolicy } from '../../config.ts';
import { createWorkCalendar, type CalendarOverride } from '../../platform/workCalendar.ts';
import type { ReportingAuthorities } from '../auth/index.ts';
import type { CatalogItem, FieldRole } from '../catalog/index.ts';
import type { PublicitySettings } from '../publicity/index.ts';
import type { FileError } from './pipeline.ts';
import type { HeaderMapping } from './headers.ts';
import { authorityRule } from './ownership.ts';
import { parseSheet, type ParsedEvent, type RowWarningSummary } from './parse.core.ts';
import { readRows, type SheetEvent, type SheetHeader, type SheetRow } from './rows.ts';
import type { SheetFormat } from './sniff.ts';
import { stageContext } from './staging.ts';
import type { WireRows } from './parse.wire.ts';

/** JSON rows keyed by field code or Chinese header (signed API, online form). */
export type JsonRows = ReadonlyArray<Record<string, string | number | null | undefined>>;

/** Where the rows come from: a file on disk (upload, CLI) or JSON rows (signed API). */
export type ParseSource = { kind: 'file'; path: string; format: SheetFormat } | { kind: 'rows'; rows: JsonRows };

/**
 * One import's read side as plain data (it crosses to the worker by structured clone): the item, the
 * validation context's settings (the calendar as its overrides), the reporting authorities (null for a
 * correction) and what staging needs.
 */
export interface ParseJob {
  source: ParseSource;
  item: CatalogItem;
  today: Date;
  reportDate: Date;
  calendarOverrides: CalendarOverride[];
  defaults: Partial<Record<FieldRole, string>>;
  piiScreen?: PiiScreenPolicy;
  decisionDateWarnBefore?: string;
  publicity?: PublicitySettings;
  auth: ReportingAuthorities | null;
  correctionHint: boolean;
  /** Held for review (review.ts): rows are not staged, and each comes with the row as read. */
  review: boolean;
  secret: string;
  keyWithSubject: boolean;
  /** Rows per message. */
  batchRows: number;
}

/** Messages from the worker. Every 'header' and 'rows' message is acknowledged ('ack') once consumed. */
export type WorkerMessage =
  | { t: 'header'; header: SheetHeader; mapping: HeaderMapping }
  | { t: 'rows'; rows: WireRows; raw: SheetRow[] | null; progress: number }
  | { t: 'end'; fileErrors: FileError[]; warnings: RowWarningSummary[]; sha256: string | null; progress: number }
  | { t: 'error'; ingest: { code: string; message: string; details?: unknown } | null; message: string; stack?: string };

/** The header (union of keys in first-seen order) and rows of JSON rows as reader events; row numbers count from 1. */
export async function* jsonRowEvents(rows: JsonRows, onRow?: (n: number) => void): AsyncGenerator<SheetEvent> {
  const header: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (seen.has(k)) continue;
      seen.add(k);
      header.push(k);
    }
  }
  yield { kind: 'header', rowNumber: 0, cells: header, format: 'csv', encoding: null, skippedBefore: 0 };
  let i = 0;
  for (const r of rows) {
    i++;
    onRow?.(i);
    yield { kind: 'row', rowNumber: i, cells: header.map((h) => (r[h] === null || r[h] === undefined ? '' : String(r[h]))) };
  }
  yield { kind: 'end', rows: rows.length, emptyRowsSkipped: 0, encoding: null };
}

/** A file as reader events, counting the bytes read and hashing them on the way (one pass over the file). */
export function fileEvents(path: string, format: SheetFormat): { events: AsyncGenerator<SheetEvent>; bytesRead: () => number; hash: Hash; close: () => void } {
  let bytesRead = 0;
  const hash = createHash('sha256');
  const source = createReadStream(path);
  // A transform, not a 'data' listener: a listener would switch the stream to flowing mode and drop chunks
  // while the reader waits.
  const tapped = source.pipe(
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytesRead += chunk.length;
        hash.update(chunk);
        cb(null, chunk);
      },
    }),
  );
  // pipe() does not forward a read error (a file gone, a disk failing): the reader must see it, not the process.
  source.on('error', (e) => tapped.destroy(e));
  return {
    events: readRows(tapped, { format }),
    bytesRead: () => bytesRead,
    hash,
    close: () => {
      source.destroy();
      tapped.destroy();
    },
  };
}

/** The read side of a job: parseSheet over its source with the context rebuilt; rows staged unless held for review. */
export function parseJob(job: Omit<ParseJob, 'source'>, events: AsyncIterable<SheetEvent>, onRawRow?: (row: SheetRow) => void): AsyncGenerator<ParsedEvent> {
  const ctx = {
    today: job.today,
    reportDate: job.reportDate,
    calendar: createWorkCalendar(job.calendarOverrides),
    defaults: job.defaults,
    piiScreen: job.piiScreen,
    decisionDateWarnBefore: job.decisionDateWarnBefore,
    publicity: job.publicity,
  };
  return parseSheet(events, {
    item: job.item,
    ctx,
    authority: job.auth ? authorityRule(job.item, job.auth, job.correctionHint) : null,
    stage: job.review ? undefined : stageContext(job.item, job.secret, job.keyWithSubject, job.publicity),
    batchRows: job.batchRows,
    onRawRow,
  });
}
