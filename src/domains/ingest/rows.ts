// Streaming row source for uploads: one header event, then one event per non-empty row, then an
// end event with counts. Every cell arrives as text; where the text came from a numeric or
// formula cell, the row says so (numericCols / formulaCols), because a numeric 18-digit code is
// already damaged and an Excel date arrives as a serial number.
//
// Problems that concern one row (ragged rows, bad quotes, overlong cells, error cells) travel
// with that row as `issues`; only problems that make the whole file unusable are thrown
// (IngestError: encoding_mixed, zip_bomb, file_type_mismatch, too_many_rows …).
//
// This file is the framework: the event types, the options, and `readRows`, which picks the
// format's reader (rows.csv.ts, rows.xlsx.ts, rows.xls.ts) and finds the header, pads ragged rows
// and enforces the limits the same way for all three. Byte inputs are in rows.input.ts.
import type { TextEncodingName } from './decode.ts';
import { IngestError } from './errors.ts';
import type { SheetFormat } from './sniff.ts';
import { readCsv } from './rows.csv.ts';
import type { ByteInput, RawRow, RawSource, ReadOptions, RowSourceMeta } from './rows.input.ts';
import { readXls } from './rows.xls.ts';
import { readXlsx } from './rows.xlsx.ts';

export { collect, type ByteInput, type ReadOptions, type RowIssue, type RowIssueCode, type RowSourceMeta } from './rows.input.ts';
export { rawRecordQuotesOk, CsvRecordParser, type CsvRecord } from './rows.csv.ts';

export interface SheetHeader {
  kind: 'header';
  rowNumber: number;
  cells: string[];
  format: SheetFormat;
  /** CSV: detected encoding (null = pure ASCII so far). */
  encoding: TextEncodingName | null;
  sheetName?: string;
  /** Non-empty rows above the header that were skipped (titles, notes). */
  skippedBefore: number;
}

export interface SheetRow extends RowSourceMeta {
  kind: 'row';
  /** Spreadsheet row number (1-based, header included); for CSV, the record number. */
  rowNumber: number;
  cells: string[];
  /** CSV: physical line where the record ends. */
  line?: number;
}

export interface SheetEnd {
  kind: 'end';
  rows: number;
  emptyRowsSkipped: number;
  encoding: TextEncodingName | null;
}

export type SheetEvent = SheetHeader | SheetRow | SheetEnd;

function isEmptyRow(cells: readonly string[]): boolean {
  for (const c of cells) {
    for (let i = 0; i < c.length; i++) {
      const ch = c.charCodeAt(i);
      if (ch > 0x20 && ch !== 0x3000 && ch !== 0xa0 && ch !== 0xfeff) return false;
    }
  }
  return true;
}

function nonEmptyCount(cells: readonly string[]): number {
  let n = 0;
  for (const c of cells) if (c.trim() !== '') n++;
  return n;
}
/**
 * Reads an upload row by row. Yields a header event, row events (empty rows skipped) and an
 * end event. Throws IngestError for file-level problems.
 */
export function readRows(input: ByteInput, opts: ReadOptions): AsyncGenerator<SheetEvent> {
  // withHeader itself, not a generator delegating to it (`yield*` costs a step per row); the reader starts on the first next().
  return withHeader(() => (opts.format === 'csv' ? readCsv(input, opts) : opts.format === 'xlsx' ? readXlsx(input, opts) : readXls(input, opts)), opts);
}
async function* withHeader(open: () => RawSource, opts: ReadOptions): AsyncGenerator<SheetEvent> {
  const src = open();
  const maxRows = opts.maxRows ?? 2_000_000;
  const maxColumns = opts.maxColumns ?? 256;
  const maxCell = opts.maxCellChars ?? 32_767;
  const searchRows = opts.headerSearchRows ?? 10;
  let rows = 0;
  let empty = 0;

  // Header search: the first row with two or more filled cells among the first `searchRows`
  // non-empty rows (title rows above it are skipped); failing that, the first non-empty row.
  const it = src.rows[Symbol.asyncIterator]();
  const seen: RawRow[] = [];
  for (;;) {
    const n = await it.next();
    if (n.done) break;
    if (isEmptyRow(n.value.cells) && !n.value.issues?.length) continue;
    seen.push(n.value);
    if (nonEmptyCount(n.value.cells) >= 2 || seen.length >= searchRows) break;
  }
  if (seen.length === 0) throw new IngestError('empty_file', '文件为空，或没有找到表头行', {});
  let hi = seen.findIndex((r) => nonEmptyCount(r.cells) >= 2);
  if (hi === -1) hi = 0;
  const h = seen[hi];
  const width = countFilledWidth(h.cells); // trailing empty header cells are formatting, not columns
  if (width > maxColumns) {
    throw new IngestError('too_many_columns', `表头有 ${width} 列，超过 ${maxColumns} 列的上限`, { columns: width });
  }
  yield {
    kind: 'header',
    rowNumber: h.rowNumber,
    cells: h.cells.slice(0, width).map((c) => c.trim()),
    format: src.format,
    encoding: src.encoding(),
    sheetName: src.sheetName?.(),
    skippedBefore: hi,
  };

  // The rows after the header: those read while searching it, then the reader's (one loop, no generator per row).
  let ahead = hi + 1;
  for (;;) {
    let r: RawRow;
    if (ahead < seen.length) r = seen[ahead++];
    else {
      const n = await it.next();
      if (n.done) break;
      r = n.value;
    }
    if (isEmptyRow(r.cells) && !r.issues?.length) {
      empty++;
      continue;
    }
    rows++;
    if (rows > maxRows) {
      throw new IngestError('too_many_rows', `数据超过 ${maxRows} 行的上限，请拆分后分批上传`, { limit: maxRows });
    }
    // Ragged rows: extra cells are fine only when they are empty.
    const cells = r.cells;
    let issues = r.issues;
    if (cells.length !== width && cells.length > 0) {
      let extraFilled = false;
      for (let i = width; i < cells.length; i++) if (cells[i].trim() !== '') extraFilled = true;
      // Spreadsheets omit trailing empty cells; only a CSV row that is short is ragged.
      const short = cells.length < width && src.format === 'csv';
      if (short || extraFilled) {
        (issues ??= []).push({
          code: 'row_ragged',
          severity: 'error',
          message: `本行有 ${cells.length} 列，与表头的 ${width} 列不一致（可能有多余或缺少的分隔符）`,
        });
      }
    }
    if (cells.length > width) cells.length = width;
    while (cells.length < width) cells.push('');
    for (let i = 0; i < cells.length; i++) {
      if (cells[i].length > maxCell) {
        (issues ??= []).push({
          code: 'cell_too_long',
          severity: 'error',
          column: i,
          message: `第 ${i + 1} 列内容超过 ${maxCell} 个字符`,
        });
        cells[i] = cells[i].slice(0, maxCell);
      }
    }
    const ev: SheetRow = { kind: 'row', rowNumber: r.rowNumber, cells };
    if (r.line !== undefined) ev.line = r.line;
    if (r.numericCols) ev.numericCols = r.numericCols;
    if (r.formulaCols) ev.formulaCols = r.formulaCols;
    if (issues) ev.issues = issues;
    yield ev;
  }
  yield { kind: 'end', rows, emptyRowsSkipped: empty, encoding: src.encoding() };
}

function countFilledWidth(cells: readonly string[]): number {
  let w = cells.length;
  while (w > 0 && cells[w - 1].trim() === '') w--;
  return w;
}
