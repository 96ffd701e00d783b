// Byte inputs of the row readers (rows.ts and its format readers): what an upload may be, how it is
// fed in chunks or collected whole within a limit, and the raw rows a format reader hands to
// rows.ts before the header is found.
import type { Readable } from 'node:stream';
import { IngestError } from './errors.ts';
import type { TextEncodingName } from './decode.ts';
import type { RowSourceMeta } from './rows.ts';
import type { SheetFormat } from './sniff.ts';

/** An upload: a buffer, a Node stream, or any (async) iterable of byte chunks. */
export type ByteInput = Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

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
