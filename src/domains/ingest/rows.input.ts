// Byte inputs of the row readers (rows.ts and its format readers): what an upload may be, how it is
// fed in chunks or collected whole within a limit, the raw rows a format reader hands to rows.ts
// before the header is found, and the types rows.ts and the format readers share (ReadOptions,
// RowIssue, RowSourceMeta), declared here, below all of them; rows.ts hands them on.
import type { Readable } from 'node:stream';
import { IngestError } from './errors.ts';
import type { TextEncodingName } from './decode.ts';
import type { SheetFormat } from './sniff.ts';
import type { ZipLimits } from './zipguard.ts';

/** An upload: a buffer, a Node stream, or any (async) iterable of byte chunks. */
export type ByteInput = Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** How a sheet is read (rows.ts readRows); the format readers take it too. */
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

/** Per-row facts about where the text came from; validateRow reads these. */
export interface RowSourceMeta {
  /** 0-based columns whose cell was numeric in the spreadsheet. */
  numericCols?: number[];
  /** 0-based columns whose cell was a formula (its cached result is used, as text). */
  formulaCols?: number[];
  issues?: RowIssue[];
}

export const MiB = 1024 * 1024;

/** The input as byte chunks; a large buffer is sliced so that decoding stays incremental. */
export async function* asChunks(input: ByteInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
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

/** Raw rows before header detection. */
export interface RawRow extends RowSourceMeta {
  rowNumber: number;
  cells: string[];
  line?: number;
}

export interface RawSource {
  rows: AsyncGenerator<RawRow>;
  format: SheetFormat;
  encoding: () => TextEncodingName | null;
  sheetName?: () => string | undefined;
}
