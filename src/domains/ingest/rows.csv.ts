// CSV reader of rows.ts: detects the encoding (decode.ts), picks the delimiter from the first line,
// and parses records with CsvRecordParser, a string-based parser that reports exactly what
// csv-parse did (checked against it in rows.csv.test.ts). Relaxed quoting is turned into
// `row_bad_quote` row issues so that one bad row cannot derail the rest of the file.
import { detectAndDecode, type DecodedText } from './decode.ts';
import { asChunks, type ByteInput, type RawRow, type RawSource, type ReadOptions } from './rows.input.ts';

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

/** The CSV reader: decoded text parsed into raw rows (the header is found by rows.ts). */
export function readCsv(input: ByteInput, opts: ReadOptions): RawSource {
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
