// Line-by-line checking of a byte stream: the core of `citycredit codes check`, kept here so that
// it is tested with plain streams and needs neither a terminal nor a database.
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { checkCode } from './check.ts';
import { err, result, type CodeKind, type CodeResult } from './types.ts';

export type CheckKindOption = 'uscc' | 'org' | 'id' | 'regno' | 'auto';
export const CHECK_KIND_OPTIONS: readonly CheckKindOption[] = ['uscc', 'org', 'id', 'regno', 'auto'];

export interface CheckStreamOptions {
  kind?: CheckKindOption;
  json?: boolean;
  today?: Date;
}

export interface CheckStreamSummary {
  total: number;
  valid: number;
  warning: number;
  invalid: number;
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** Escapes what would break a TSV line or a terminal (tabs, control characters, backslashes). */
export function escapeField(s: string): string {
  return s.replace(/[\\\u0000-\u001f\u007f-\u009f]/g, (ch) => {
    if (ch === '\\') return '\\\\';
    if (ch === '\t') return '\\t';
    return '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
  });
}

/** Formats one result as `input<TAB>verdict<TAB>kind<TAB>reason codes`. */
export function formatTsv(r: CodeResult): string {
  return [escapeField(r.input), r.verdict, r.kind, r.reasons.map((x) => x.code).join(',')].join('\t');
}

/** Decodes one line strictly; bytes that are not UTF-8 become an `invalid_utf8` verdict, not a crash. */
function checkLine(bytes: Uint8Array, kind: CodeKind | 'auto', today: Date | undefined): CodeResult {
  let text: string;
  try {
    text = strict.decode(bytes);
  } catch {
    const shown = lenient.decode(bytes);
    return result(shown, '', 'unknown', [
      err('invalid_utf8', '该行不是有效的 UTF-8 文本（可能是 GBK/GB18030 编码），请转换为 UTF-8 后重试'),
    ]);
  }
  return checkCode(text, kind, { today });
}

/** Reads codes one per line from input and writes one verdict line per input line to output. */
export async function runCodesCheck(
  input: Readable,
  output: Writable,
  opts: CheckStreamOptions = {},
): Promise<CheckStreamSummary> {
  const kind = opts.kind ?? 'auto';
  const summary: CheckStreamSummary = { total: 0, valid: 0, warning: 0, invalid: 0 };
  let carry: Buffer = Buffer.alloc(0);
  let first = true;

  const emit = async (line: Buffer): Promise<void> => {
    let bytes = line;
    // CRLF files: the CR belongs to the line ending, not to the code.
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    // A UTF-8 byte-order mark is only meaningful at the start of the stream.
    if (first && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    first = false;
    const r = checkLine(bytes, kind, opts.today);
    summary.total++;
    summary[r.verdict]++;
    const out = (opts.json ? JSON.stringify(r) : formatTsv(r)) + '\n';
    if (!output.write(out)) await once(output, 'drain');
  };

  for await (const chunk of input) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    let data = carry.length ? Buffer.concat([carry, buf]) : buf;
    let nl: number;
    while ((nl = data.indexOf(0x0a)) !== -1) {
      await emit(data.subarray(0, nl));
      data = data.subarray(nl + 1);
    }
    carry = Buffer.from(data);
  }
  // A last line without a newline is still an input; the newline that ends the file is not.
  if (carry.length > 0) await emit(carry);
  return summary;
}
