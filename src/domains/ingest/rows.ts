// Streaming row source for uploads: one header event, then one event per non-empty row, then an
// end event with counts. Every cell arrives as text; where the text came from a numeric or
// formula cell, the row says so (numericCols / formulaCols), because a numeric 18-digit code is
// already damaged and an Excel date arrives as a serial number.
//
// Problems that concern one row (ragged rows, bad quotes, overlong cells, error cells) travel
// with that row as `issues`; only problems that make the whole file unusable are thrown
// (IngestError: encoding_mixed, zip_bomb, file_type_mismatch, too_many_rows …).
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { openWorkbook, type OpenWorkbook } from './xlsxsheet.ts';
import * as XLSX from '@e965/xlsx';
import { detectAndDecode, type DecodedText, type TextEncodingName } from './decode.ts';
import { IngestError } from './errors.ts';
import { detectKind, type SheetFormat } from './sniff.ts';
import { assertSafeZip, type ZipLimits } from './zipguard.ts';

export interface ReadOptions {
  format: SheetFormat;
  /** Data rows after the header (default 2 000 000). */
  maxRows?: number;
  /** Columns in the header (default 256). */
  maxColumns?: number;
  /** Characters in one cell (default 32 767, Excel's own limit). */
  maxCellChars?: number;
  /** Bytes of an .xlsx/.xls upload, which is buffered whole (default 200 MiB; .xls 50 MiB). */
  maxFileBytes?: number;
  /** Zip-bomb limits for .xlsx. */
  zip?: ZipLimits;
  /** CSV: force an encoding instead of detecting it. */
  encoding?: TextEncodingName;
  /** CSV: field delimiter; 'auto' picks TAB when the first line has tabs and no commas. */
  delimiter?: ',' | '\t' | ';' | 'auto';
  /** The header is the first row with at least two non-empty cells within this many rows (default 10). */
  headerSearchRows?: number;
}

export type RowIssueCode = 'row_ragged' | 'row_bad_quote' | 'cell_too_long' | 'cell_error_value';

export interface RowIssue {
  code: RowIssueCode;
  message: string;
  severity: 'error' | 'warning';
  /** 0-based column, when the issue concerns one cell. */
  column?: number;
}

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

/** Per-row facts about where the text came from; validateRow reads these. */
export interface RowSourceMeta {
  /** 0-based columns whose cell was numeric in the spreadsheet. */
  numericCols?: number[];
  /** 0-based columns whose cell was a formula (its cached result is used, as text). */
  formulaCols?: number[];
  issues?: RowIssue[];
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

/** An upload: a buffer, a Node stream, or any (async) iterable of byte chunks. */
export type ByteInput = Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

const MiB = 1024 * 1024;

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

async function* asChunks(input: ByteInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    // Feed large buffers in slices so that decoding stays incremental.
    for (let i = 0; i < input.length; i += MiB) yield input.subarray(i, Math.min(i + MiB, input.length));
    return;
  }
  for await (const c of input as AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>) {
    yield typeof c === 'string' ? Buffer.from(c) : c;
  }
}

/** Collects an input into one Buffer, refusing more than `max` bytes. */
export async function collect(input: ByteInput, max: number): Promise<Buffer> {
  if (Buffer.isBuffer(input)) {
    if (input.length > max) throw tooLarge(input.length, max);
    return input;
  }
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of asChunks(input)) {
    n += c.length;
    if (n > max) throw tooLarge(n, max);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

function tooLarge(n: number, max: number): IngestError {
  return new IngestError('file_too_large', `文件超过 ${Math.floor(max / MiB)} MB 的上限，请拆分后分批上传`, {
    bytes: n,
    limit: max,
  });
}

/**
 * Reads an upload row by row. Yields a header event, row events (empty rows skipped) and an
 * end event. Throws IngestError for file-level problems.
 */
export async function* readRows(input: ByteInput, opts: ReadOptions): AsyncGenerator<SheetEvent> {
  const source =
    opts.format === 'csv' ? readCsv(input, opts) : opts.format === 'xlsx' ? readXlsx(input, opts) : readXls(input, opts);
  yield* withHeader(source, opts);
}

/** Raw rows before header detection. */
interface RawRow extends RowSourceMeta {
  rowNumber: number;
  cells: string[];
  line?: number;
}

interface RawSource {
  rows: AsyncGenerator<RawRow>;
  format: SheetFormat;
  encoding: () => TextEncodingName | null;
  sheetName?: () => string | undefined;
}

async function* withHeader(src: RawSource, opts: ReadOptions): AsyncGenerator<SheetEvent> {
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

  const rest = async function* (): AsyncGenerator<RawRow> {
    yield* seen.slice(hi + 1);
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  };
  for await (const r of rest()) {
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

// ---------------------------------------------------------------- CSV

/**
 * True when a raw CSV record is well-formed (RFC 4180): a quote may only open a field and close
 * it (doubled inside). The CSV parser is relaxed about quotes (like csv-parse's relax_quotes) so
 * that one bad row cannot derail the rest of the file; this check turns the rows it had to relax
 * into `row_bad_quote`.
 */
export function rawRecordQuotesOk(raw: string, delim: string): boolean {
  const d = delim.charCodeAt(0);
  let end = raw.length;
  while (end > 0 && (raw.charCodeAt(end - 1) === 10 || raw.charCodeAt(end - 1) === 13)) end--;
  let i = 0;
  for (;;) {
    if (i < end && raw.charCodeAt(i) === 34) {
      i++;
      for (;;) {
        const q = raw.indexOf('"', i);
        if (q === -1 || q >= end) return false;
        if (raw.charCodeAt(q + 1) === 34 && q + 1 < end) {
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (i === end) return true;
      if (raw.charCodeAt(i) !== d) return false;
      i++;
    } else {
      while (i < end) {
        const c = raw.charCodeAt(i);
        if (c === d) break;
        if (c === 34) return false;
        i++;
      }
      if (i >= end) return true;
      i++;
    }
  }
}

/** One CSV record as csv-parse (with `raw` and `on_record` info) would report it. */
export interface CsvRecord {
  cells: string[];
  /** The record's raw text (from after the previous record delimiter through the first character of its own); null when it has no `"`. */
  raw: string | null;
  /** csv-parse's `info.lines` when the record ended: the physical line of its end. */
  line: number;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * A streaming CSV record parser over decoded text. It reproduces, record for record and line for
 * line, what csv-parse 7 reports with the options the upload reader used (single-character
 * delimiter, record delimiters CRLF/LF/CR, `"` as quote and escape, relax_quotes,
 * relax_column_count, skip_records_with_error, skip_empty_lines off, no trimming, raw), but works
 * on the decoded string with slices instead of re-encoding it to UTF-8 and appending byte by byte,
 * which made csv-parse the slowest step of a large import. Its rules, from csv-parse:
 * - a `"` opens a quoted field only at the very start of a field; elsewhere it is text;
 * - inside quotes, `""` is one `"`; a `"` followed by the delimiter, CR, LF, U+0000 or the end
 *   closes the field; any other `"` also ends the quoting, and the field then keeps both quotes;
 * - `info.lines` counts every CR and LF read, except the LF of a CRLF that ends a record;
 * - a quote still open at the end drops the last record and reports CSV_QUOTE_NOT_CLOSED with the
 *   line count before the final line break.
 */
export class CsvRecordParser {
  private text = '';
  private pos = 0;
  private quoting = false;
  private wasQuoting = false;
  private field = ''; // the current field's text before segStart
  private segStart = 0; // start of the current field's pending text in `text`
  private record: string[] = [];
  private recStart = 0; // start of the current record's raw text in `text`
  private rawBefore = ''; // the current record's raw text from earlier chunks
  private sawQuote = false;
  private lines = 1;
  private lastChar = -1;

  constructor(private readonly delimiter: number) {}

  /** Parses the next piece of text; complete records are appended to `out`. */
  write(chunk: string, out: CsvRecord[]): void {
    if (chunk.length === 0) return;
    this.lastChar = chunk.charCodeAt(chunk.length - 1);
    this.text = this.pos < this.text.length ? this.text.slice(this.pos) + chunk : chunk;
    this.pos = 0;
    this.segStart = 0;
    this.recStart = 0;
    // One character of look-ahead is kept back: a CR may be half of a CRLF, a `"` half of `""`.
    this.run(this.text.length - 1, out);
    // Carry the unfinished field and record over to the next chunk.
    this.field += this.text.slice(this.segStart, this.pos);
    this.rawBefore += this.text.slice(this.recStart, this.pos);
    this.segStart = this.recStart = this.pos;
  }

  /** Parses what is left; returns the line csv-parse reports when a quote was never closed. */
  end(out: CsvRecord[]): { unclosedQuoteLine: number } | null {
    const text = this.text;
    this.run(text.length, out);
    if (this.quoting) return { unclosedQuoteLine: this.lines - (this.lastChar === CR || this.lastChar === LF ? 1 : 0) };
    if (this.wasQuoting || this.record.length !== 0 || this.field !== '' || this.segStart < text.length) {
      this.endField(text.length);
      this.endRecord(text.length, out);
    }
    return null;
  }

  private endField(at: number): void {
    this.record.push(this.field === '' ? this.text.slice(this.segStart, at) : this.field + this.text.slice(this.segStart, at));
    this.field = '';
    this.wasQuoting = false;
  }

  private endRecord(rawEnd: number, out: CsvRecord[]): void {
    out.push({ cells: this.record, raw: this.sawQuote ? this.rawBefore + this.text.slice(this.recStart, rawEnd) : null, line: this.lines });
    this.record = [];
    this.rawBefore = '';
    this.sawQuote = false;
  }

  private run(limit: number, out: CsvRecord[]): void {
    const text = this.text;
    const d = this.delimiter;
    let pos = this.pos;
    while (pos < limit) {
      if (!this.quoting) {
        let c = text.charCodeAt(pos);
        if (c === QUOTE && this.field === '' && this.segStart === pos) {
          this.quoting = true;
          this.sawQuote = true;
          this.segStart = ++pos;
          continue;
        }
        let i = pos;
        for (; i < limit; i++) {
          c = text.charCodeAt(i);
          if (c === d || c === LF || c === CR) break;
          if (c === QUOTE) this.sawQuote = true;
        }
        pos = i;
        if (i >= limit) break;
        this.endField(i);
        if (c === d) {
          this.segStart = ++pos;
          continue;
        }
        this.endRecord(i + 1, out);
        this.lines++;
        pos = c === CR && text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
        this.segStart = pos;
        this.recStart = pos;
      } else {
        let i = pos;
        for (; i < limit; i++) {
          const c = text.charCodeAt(i);
          if (c === QUOTE) break;
          if (c === LF || c === CR) this.lines++;
        }
        pos = i;
        if (i >= limit) break;
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : -1;
        if (next === QUOTE) {
          // "" inside quotes: one quote.
          this.field += text.slice(this.segStart, i);
          this.segStart = i + 1;
          pos = i + 2;
        } else if (next === -1 || next === 0 || next === d || next === LF || next === CR) {
          this.field += text.slice(this.segStart, i);
          this.segStart = pos = i + 1;
          this.quoting = false;
          this.wasQuoting = true;
        } else {
          // A quote inside the field ends the quoting; the field keeps its opening and this quote.
          this.field = '"' + this.field + text.slice(this.segStart, i);
          this.segStart = i;
          pos = i + 1;
          this.quoting = false;
          this.wasQuoting = true;
        }
      }
    }
    this.pos = pos;
  }
}

function readCsv(input: ByteInput, opts: ReadOptions): RawSource {
  const decoded = detectAndDecode(asChunks(input), { encoding: opts.encoding });
  return {
    format: 'csv',
    encoding: () => decoded.encoding,
    rows: csvRows(decoded, opts),
  };
}

async function* csvRows(decoded: DecodedText, opts: ReadOptions): AsyncGenerator<RawRow> {
  const it = decoded[Symbol.asyncIterator]();
  try {
    // Peek the first line to choose the delimiter. Read on (within bounds) until the encoding is
    // decided, so that the header event can already say which it is when the header is ASCII.
    let head = '';
    for (;;) {
      if ((head.includes('\n') || head.length > 65536) && (decoded.encoding !== null || head.length > 262144)) break;
      const n = await it.next();
      if (n.done) break;
      head += n.value;
    }
    let delimiter = opts.delimiter ?? 'auto';
    if (delimiter === 'auto') {
      const firstLine = head.slice(0, head.indexOf('\n') === -1 ? head.length : head.indexOf('\n'));
      delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
    }

    const parser = new CsvRecordParser(delimiter.charCodeAt(0));
    let counter = 0;
    let lastLine = 0;
    let records: CsvRecord[] = [];
    const toRow = (rec: CsvRecord): RawRow => {
      lastLine = rec.line;
      const row: RawRow = { rowNumber: ++counter, cells: rec.cells, line: rec.line };
      if (rec.raw !== null && !rawRecordQuotesOk(rec.raw, delimiter)) {
        row.issues = [
          {
            code: 'row_bad_quote',
            severity: 'error',
            message: '本行英文双引号使用不规范（引号应成对出现在单元格首尾，内容中的引号应写作两个双引号）',
          },
        ];
      }
      return row;
    };
    parser.write(head, records);
    for (;;) {
      for (let k = 0; k < records.length; k++) yield toRow(records[k]);
      records = [];
      const n = await it.next();
      if (n.done) break;
      parser.write(n.value, records);
    }
    const unclosed = parser.end(records);
    for (let k = 0; k < records.length; k++) yield toRow(records[k]);
    if (unclosed) {
      // csv-parse skipped the record with the open quote, through the end of the file.
      const line = lastLine + 1;
      yield {
        rowNumber: ++counter,
        cells: [],
        line,
        issues: [
          {
            code: 'row_bad_quote',
            severity: 'error',
            message: `第 ${line} 行起的引号没有闭合，直到第 ${unclosed.unclosedQuoteLine} 行的内容都无法读取；请检查该处的英文双引号`,
          },
        ],
      };
    }
  } finally {
    // Stopped early or failed: close the decoder (and with it the input stream).
    await it.return?.(undefined);
  }
}

// ---------------------------------------------------------------- XLSX

/** Text of a number as Excel would show it in General format (no exponent below 1e21). */
function numberText(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}

interface CellText {
  text: string;
  numeric: boolean;
  formula: boolean;
  error?: string;
}

/** Converts an exceljs cell value to text, remembering whether it was numeric or a formula. */
function exceljsCellText(v: unknown): CellText {
  if (v === null || v === undefined) return { text: '', numeric: false, formula: false };
  if (typeof v === 'string') return { text: v, numeric: false, formula: false };
  if (typeof v === 'number') return { text: numberText(v), numeric: true, formula: false };
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE', numeric: false, formula: false };
  if (v instanceof Date) return { text: v.toISOString().slice(0, 10), numeric: false, formula: false };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) {
      return { text: (o.richText as { text?: string }[]).map((r) => r.text ?? '').join(''), numeric: false, formula: false };
    }
    if ('formula' in o || 'sharedFormula' in o) {
      // Only the cached result is used, as text; nothing is evaluated.
      const inner = exceljsCellText(o.result);
      return { text: inner.text, numeric: inner.numeric, formula: true, error: inner.error };
    }
    if ('error' in o) return { text: '', numeric: false, formula: false, error: String(o.error) };
    if ('text' in o) return exceljsCellText(o.text);
    if ('hyperlink' in o) return { text: String(o.hyperlink), numeric: false, formula: false };
  }
  return { text: String(v), numeric: false, formula: false };
}

function readXlsx(input: ByteInput, opts: ReadOptions): RawSource {
  let sheetName: string | undefined;
  async function* rows(): AsyncGenerator<RawRow> {
    const buf = await collect(input, opts.maxFileBytes ?? 200 * MiB);
    if (buf.length === 0) throw new IngestError('empty_file', '文件为空', {});
    const kind = detectKind(buf.subarray(0, 65536));
    if (kind !== 'xlsx') {
      throw new IngestError('file_type_mismatch', '文件内容不是 xlsx 格式（扩展名与内容不符），请用 Excel 另存为 .xlsx 后重新上传', {
        detected: kind,
      });
    }
    const zip = await assertSafeZip(buf, opts.zip);
    let fast: OpenWorkbook | null;
    try {
      fast = openWorkbook(buf, zip);
    } catch {
      fast = null; // parts we cannot read directly: exceljs below reports what is wrong
    }
    if (fast) {
      sheetName = fast.sheetName;
      try {
        for await (const row of fast.rows()) {
          const r: RawRow = { rowNumber: row.rowNumber, cells: row.cells };
          if (row.numericCols) r.numericCols = row.numericCols;
          if (row.formulaCols) r.formulaCols = row.formulaCols;
          if (row.errors) {
            r.issues = row.errors.map((e) => ({
              code: 'cell_error_value' as const,
              severity: 'warning' as const,
              column: e.column,
              message: `第 ${e.column + 1} 列为错误值 ${e.value}，已按空值处理`,
            }));
          }
          yield r;
        }
      } catch (err) {
        if (err instanceof IngestError) throw err;
        throw new IngestError('xlsx_unreadable', `无法读取 xlsx 文件：${(err as Error).message}。请用 Excel 打开后重新保存再上传`, {});
      }
      return;
    }
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buf]), {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'ignore', // dates then arrive as serial numbers, flagged numeric
      hyperlinks: 'ignore',
      entries: 'ignore',
    } as ExcelJS.stream.xlsx.WorkbookStreamReaderOptions);
    try {
      for await (const ws of reader as AsyncIterable<AsyncIterable<ExcelJS.Row> & { name?: string }>) {
        sheetName = ws.name;
        for await (const row of ws) {
          const values = row.values as unknown[];
          const cells: string[] = [];
          let numericCols: number[] | undefined;
          let formulaCols: number[] | undefined;
          let issues: RowIssue[] | undefined;
          for (let c = 1; c < values.length; c++) {
            const t = exceljsCellText(values[c]);
            cells.push(t.text);
            if (t.numeric) (numericCols ??= []).push(c - 1);
            if (t.formula) (formulaCols ??= []).push(c - 1);
            if (t.error) {
              (issues ??= []).push({
                code: 'cell_error_value',
                severity: 'warning',
                column: c - 1,
                message: `第 ${c} 列为错误值 ${t.error}，已按空值处理`,
              });
            }
          }
          const r: RawRow = { rowNumber: row.number, cells };
          if (numericCols) r.numericCols = numericCols;
          if (formulaCols) r.formulaCols = formulaCols;
          if (issues) r.issues = issues;
          yield r;
        }
        break; // first worksheet only
      }
    } catch (err) {
      if (err instanceof IngestError) throw err;
      throw new IngestError('xlsx_unreadable', `无法读取 xlsx 文件：${(err as Error).message}。请用 Excel 打开后重新保存再上传`, {});
    }
  }
  return { format: 'xlsx', encoding: () => null, sheetName: () => sheetName, rows: rows() };
}

// ---------------------------------------------------------------- XLS (legacy)

function readXls(input: ByteInput, opts: ReadOptions): RawSource {
  let sheetName: string | undefined;
  async function* rows(): AsyncGenerator<RawRow> {
    const buf = await collect(input, opts.maxFileBytes ?? 50 * MiB);
    if (buf.length === 0) throw new IngestError('empty_file', '文件为空', {});
    const kind = detectKind(buf.subarray(0, 65536));
    if (kind !== 'xls') {
      throw new IngestError('file_type_mismatch', '文件内容不是 Excel 97-2003（.xls）格式（扩展名与内容不符），请另存为 .xlsx 后重新上传', {
        detected: kind,
      });
    }
    let wb: XLSX.WorkBook;
    try {
      wb = XLSX.read(buf, {
        type: 'buffer',
        dense: true,
        cellFormula: true, // to flag formula cells; their cached values are used, nothing is evaluated
        cellHTML: false,
        cellDates: false,
        cellStyles: false,
        sheetRows: (opts.maxRows ?? 2_000_000) + (opts.headerSearchRows ?? 10) + 1,
        WTF: false,
      });
    } catch (err) {
      throw new IngestError('xls_unreadable', `无法读取 .xls 文件：${(err as Error).message}。请另存为 .xlsx 后重新上传`, {});
    }
    sheetName = wb.SheetNames[0];
    const ws = sheetName ? wb.Sheets[sheetName] : undefined;
    const data = (ws as unknown as { '!data'?: (XLSX.CellObject | undefined)[][] } | undefined)?.['!data'] ?? [];
    for (let r = 0; r < data.length; r++) {
      const line = data[r];
      if (!line) continue;
      const cells: string[] = [];
      let numericCols: number[] | undefined;
      let formulaCols: number[] | undefined;
      let issues: RowIssue[] | undefined;
      for (let c = 0; c < line.length; c++) {
        const cell = line[c];
        if (cell?.f) (formulaCols ??= []).push(c);
        if (!cell || cell.v === undefined || cell.v === null) {
          cells.push('');
          continue;
        }
        switch (cell.t) {
          case 'n':
            cells.push(numberText(cell.v as number));
            (numericCols ??= []).push(c);
            break;
          case 'b':
            cells.push(cell.v ? 'TRUE' : 'FALSE');
            break;
          case 'e':
            cells.push('');
            (issues ??= []).push({
              code: 'cell_error_value',
              severity: 'warning',
              column: c,
              message: `第 ${c + 1} 列为错误值 ${cell.w ?? ''}，已按空值处理`,
            });
            break;
          case 'd':
            cells.push(cell.v instanceof Date ? cell.v.toISOString().slice(0, 10) : String(cell.v));
            break;
          default:
            cells.push(String(cell.v));
        }
      }
      const row: RawRow = { rowNumber: r + 1, cells };
      if (numericCols) row.numericCols = numericCols;
      if (formulaCols) row.formulaCols = formulaCols;
      if (issues) row.issues = issues;
      yield row;
    }
  }
  return { format: 'xls', encoding: () => null, sheetName: () => sheetName, rows: rows() };
}
