// The database-independent part of one upload: sniff → read rows → match headers → validate
// each row, with receipt (回执) counts. The staging/commit layer consumes these events, writes
// accepted rows and rejected rows, and owns deduplication against stored records.
import type { CatalogItem } from '../catalog/index.ts';

import { matchHeaders, type HeaderMapping, type MatchOptions } from './headers.ts';
import { readRows, type ByteInput, type ReadOptions, type SheetHeader } from './rows.ts';
import { assertFormat, type SheetFormat } from './sniff.ts';
import { compileRowValidator, type RowResult, type ValidationContext } from './validate.ts';

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
 * Validates an upload end to end. Throws IngestError for a refused file (wrong type, zip bomb,
 * mixed encoding …). When the headers do not fit the item, yields the header event (with the
 * mapping's errors) and an end event, and reads no further. A file with headers only ends with
 * the file error `no_data_rows`.
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
  const fileErrors: { code: string; message: string }[] = [];
  let validate: ReturnType<typeof compileRowValidator> | null = null;
  for await (const ev of readRows(src, { ...opts, format })) {
    if (ev.kind === 'header') {
      const mapping = matchHeaders(opts.item, ev.cells, opts);
      summary.encoding = ev.encoding;
      yield { type: 'header', header: ev, mapping };
      if (!mapping.ok) {
        for (const e of mapping.errors) fileErrors.push({ code: e.code, message: e.message });
        yield { type: 'end', summary, fileErrors };
        return;
      }
      validate = compileRowValidator(opts.item, mapping);
    } else if (ev.kind === 'row') {
      const result = validate!(ev.cells, opts.ctx, ev);
      summary.rows++;
      if (result.ok) summary.accepted++;
      else summary.rejected++;
      if (result.late) summary.late++;
      if (result.withdrawn) summary.withdrawn++;
      if (result.provisional) summary.provisional++;
      countCodes(summary.errorCodes, result.errors);
      countCodes(summary.warningCodes, result.warnings);
      yield { type: 'row', rowNumber: ev.rowNumber, cells: ev.cells, result };
    } else {
      summary.emptyRowsSkipped = ev.emptyRowsSkipped;
      summary.encoding = ev.encoding;
      if (summary.rows === 0) fileErrors.push({ code: 'no_data_rows', message: '文件只有表头，没有数据行' });
    }
  }
  yield { type: 'end', summary, fileErrors };
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


