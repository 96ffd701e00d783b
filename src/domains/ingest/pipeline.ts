// The one validation chain of every upload: read rows → match headers → compile the row validator
// once → validate each row (`validateSheet`). Every channel runs through it: `import.service.ts
// runPipeline` (console upload, `citycredit import`, signed API, online form) stages and commits
// what it yields; `validateUpload` (sniff + the chain + receipt counts, nothing stored) serves the
// dry-run `citycredit publicity explain`, the tests and the validation benchmark.
import type { CatalogItem } from '../catalog/index.ts';

import { matchHeaders, type HeaderMapping, type MatchOptions } from './headers.ts';
import { readRows, type ByteInput, type ReadOptions, type SheetEvent, type SheetHeader } from './rows.ts';
import type { TextEncodingName } from './decode.ts';
import { assertFormat, type SheetFormat } from './sniff.ts';
import { compileRowValidator, type RowResult, type ValidationContext } from './validate.ts';

/** A problem with the whole file (the batch is rejected); `details` carries e.g. the header issue. */
export interface FileError {
  code: string;
  message: string;
  details?: unknown;
}

export interface SheetCheckOptions {
  item: CatalogItem;
  ctx: ValidationContext;
  /** Header matching options (none for imports). */
  match?: MatchOptions;
}

/** What the chain yields: the header with its mapping, each validated row, then the end. */
export type SheetCheckEvent =
  | { type: 'header'; header: SheetHeader; mapping: HeaderMapping }
  | { type: 'row'; rowNumber: number; cells: string[]; result: RowResult }
  | {
      type: 'end';
      /** Data rows validated. */
      rows: number;
      emptyRowsSkipped: number;
      encoding: TextEncodingName | null;
      /** Why the file cannot be imported: no header, headers that do not fit the item, or no data rows. */
      fileErrors: FileError[];
    };

/**
 * The validation chain over a reader's events: matches the header to the item, compiles the row
 * validator once for that mapping, and validates every row with the reader's row as source facts.
 * When the headers do not fit, yields the header and an end event with the mapping's errors and
 * reads no further; a file with headers only ends with `no_data_rows`. File-level read failures
 * (IngestError) propagate from the reader.
 */
export async function* validateSheet(events: AsyncIterable<SheetEvent>, opts: SheetCheckOptions): AsyncGenerator<SheetCheckEvent> {
  let validate: ReturnType<typeof compileRowValidator> | null = null;
  let rows = 0;
  let encoding: TextEncodingName | null = null;
  for await (const ev of events) {
    if (ev.kind === 'header') {
      // Readers yield one header; a second one (none does) would not remap the rows.
      if (validate) continue;
      const mapping = matchHeaders(opts.item, ev.cells, opts.match);
      encoding = ev.encoding;
      yield { type: 'header', header: ev, mapping };
      if (!mapping.ok) {
        const fileErrors = mapping.errors.map((e) => ({ code: e.code, message: e.message, details: e }));
        yield { type: 'end', rows: 0, emptyRowsSkipped: 0, encoding, fileErrors };
        return;
      }
      validate = compileRowValidator(opts.item, mapping);
    } else if (ev.kind === 'row') {
      if (!validate) throw new Error('reader yielded a row before the header');
      rows++;
      yield { type: 'row', rowNumber: ev.rowNumber, cells: ev.cells, result: validate(ev.cells, opts.ctx, ev) };
    } else {
      yield { type: 'end', rows, emptyRowsSkipped: ev.emptyRowsSkipped, encoding: ev.encoding, fileErrors: endErrors(validate !== null, rows) };
      return;
    }
  }
  // A reader always ends with an end event; an iterator that just stops is treated the same way.
  yield { type: 'end', rows, emptyRowsSkipped: 0, encoding, fileErrors: endErrors(validate !== null, rows) };
}

/** The file errors of a file that was read to its end: no header at all, or a header and no rows. */
function endErrors(sawHeader: boolean, rows: number): FileError[] {
  if (!sawHeader) return [{ code: 'empty_file', message: '文件中没有表头和数据' }];
  return rows === 0 ? [{ code: 'no_data_rows', message: '文件只有表头，没有数据行' }] : [];
}

export interface UploadOptions extends Omit<ReadOptions, 'format'>, MatchOptions {
  item: CatalogItem;
  ctx: ValidationContext;
  /** Known format; otherwise sniffed from the first bytes and the file name. */
  format?: SheetFormat;
  filename?: string;
}

export interface UploadSummary {
  rows: number;
  accepted: number;
  rejected: number;
  late: number;
  withdrawn: number;
  provisional: number;
  emptyRowsSkipped: number;
  /** Row counts per error / warning code, for the receipt. */
  errorCodes: Record<string, number>;
  warningCodes: Record<string, number>;
  encoding: string | null;
}

export type UploadEvent =
  | { type: 'header'; header: SheetHeader; mapping: HeaderMapping }
  | { type: 'row'; rowNumber: number; cells: string[]; result: RowResult }
  | { type: 'end'; summary: UploadSummary; fileErrors: { code: string; message: string }[] };

/** Reads the first bytes of an input and hands back an equivalent input (nothing is lost). */
async function peek(input: ByteInput, n: number): Promise<{ head: Buffer; input: ByteInput }> {
  if (input instanceof Uint8Array) return { head: Buffer.from(input.subarray(0, n)), input };
  const it =
    Symbol.asyncIterator in input
      ? (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
      : (input as Iterable<Uint8Array>)[Symbol.iterator]();
  const seen: Uint8Array[] = [];
  let size = 0;
  while (size < n) {
    const r = await it.next();
    if (r.done) break;
    seen.push(r.value);
    size += r.value.length;
  }
  const rest = (async function* () {
    yield* seen;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  })();
  return { head: Buffer.concat(seen).subarray(0, n), input: rest };
}

/**
 * Validates an upload end to end without storing anything: sniffs the format when not given, then
 * runs the validation chain (`validateSheet`) and counts what a receipt would. Throws IngestError
 * for a refused file (wrong type, zip bomb, mixed encoding …). When the headers do not fit the item,
 * yields the header event (with the mapping's errors) and an end event, and reads no further. A file
 * with headers only ends with the file error `no_data_rows`.
 */
export async function* validateUpload(input: ByteInput, opts: UploadOptions): AsyncGenerator<UploadEvent> {
  let format = opts.format;
  let src = input;
  if (!format) {
    const p = await peek(input, 64 * 1024);
    format = assertFormat(p.head, opts.filename ?? '');
    src = p.input;
  }
  const summary: UploadSummary = {
    rows: 0,
    accepted: 0,
    rejected: 0,
    late: 0,
    withdrawn: 0,
    provisional: 0,
    emptyRowsSkipped: 0,
    errorCodes: {},
    warningCodes: {},
    encoding: null,
  };
  for await (const ev of validateSheet(readRows(src, { ...opts, format }), { item: opts.item, ctx: opts.ctx, match: opts })) {
    if (ev.type === 'header') {
      summary.encoding = ev.header.encoding;
      yield ev;
    } else if (ev.type === 'row') {
      const result = ev.result;
      summary.rows++;
      if (result.ok) summary.accepted++;
      else summary.rejected++;
      if (result.late) summary.late++;
      if (result.withdrawn) summary.withdrawn++;
      if (result.provisional) summary.provisional++;
      countCodes(summary.errorCodes, result.errors);
      countCodes(summary.warningCodes, result.warnings);
      yield ev;
    } else {
      summary.emptyRowsSkipped = ev.emptyRowsSkipped;
      summary.encoding = ev.encoding;
      yield { type: 'end', summary, fileErrors: ev.fileErrors.map((e) => ({ code: e.code, message: e.message })) };
      return;
    }
  }
}

/** Counts each code once per row. */
function countCodes(into: Record<string, number>, issues: readonly { code: string }[]): void {
  if (issues.length === 0) return;
  const seen = new Set<string>();
  for (const i of issues) {
    if (seen.has(i.code)) continue;
    seen.add(i.code);
    into[i.code] = (into[i.code] ?? 0) + 1;
  }
}


