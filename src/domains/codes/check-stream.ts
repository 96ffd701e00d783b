// Line-by-line checking of a byte stream: the core of `citycredit codes check`, kept here so that
// it is tested with plain streams and needs neither a terminal nor a database.
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { checkCode } from './check.ts';
import { orgCheckValue } from './orgcode.ts';
import { parsedRegion } from './regions.ts';
import { err, result, type CodeKind, type CodeResult, type Verdict } from './types.ts';
import { isKnownUsccPair, isValidUscc } from './uscc.ts';

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

// Decodes a block of whole lines at once. It keeps a leading byte-order mark: which marks are dropped is
// decided per line (textLine), as it was when every line was decoded on its own.
const strictBlock = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * True when checkUscc would find nothing at all to say about s: a valid USCC with a known authority/category
 * pair, a current region and a matching embedded org-code check character. Such a line's TSV verdict is
 * `valid` with no reasons, so it needs neither the explaining path nor its messages. (isValidUscc admits only
 * upper-case alphabet characters, so normalisation has nothing to report either.)
 */
export function isQuietValidUscc(s: string): boolean {
  if (!isValidUscc(s) || !isKnownUsccPair(s)) return false;
  const v = orgCheckValue(s, 8);
  if (v < 0 || s.charCodeAt(16) !== (v === 10 ? 0x58 : 0x30 + v)) return false;
  // isValidUscc has checked that positions 3–8 are digits.
  let code = 0;
  for (let i = 2; i < 8; i++) code = code * 10 + s.charCodeAt(i) - 0x30;
  quietRegion ??= new Uint8Array(1_000_000);
  let q = quietRegion[code];
  if (q === 0) {
    const region = parsedRegion(s.slice(2, 8));
    q = quietRegion[code] = region.known && !region.historical ? 1 : 2;
  }
  return q === 1;
}

// Per six-digit region code: 0 not looked up yet, 1 known and current (no remark), 2 anything else. A typed
// array indexed by the number saves a string slice and a map look-up per line; allocated on first use.
let quietRegion: Uint8Array | undefined;

/** True when the first 17 characters are all digits: such an 18-character code may also be an ID number. */
function digits17(s: string): boolean {
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Checks one decoded line: counts its verdict and returns its output line (without the newline). */
export type LineChecker = (line: string, summary: CheckStreamSummary) => string;

/**
 * The line checker of one run, compiled once: the kind and the output format are settled here, not per
 * line. For TSV output a USCC that isQuietValidUscc is answered at once; everything else, and every JSON
 * line, goes through checkCode. In `auto` a code whose first 17 characters are digits could also be an ID
 * number and takes the full path, which weighs both readings.
 */
export function compileLineChecker(kind: CheckKindOption, opts: { json?: boolean; today?: Date } = {}): LineChecker {
  const checkOpts = { today: opts.today };
  const count = (summary: CheckStreamSummary, v: Verdict) => {
    summary.total++;
    summary[v]++;
  };
  if (opts.json) {
    return (line, summary) => {
      const r = checkCode(line, kind, checkOpts);
      count(summary, r.verdict);
      return JSON.stringify(r);
    };
  }
  const shortcut = kind === 'uscc' ? isQuietValidUscc : kind === 'auto' ? (s: string) => isQuietValidUscc(s) && !digits17(s) : () => false;
  return (line, summary) => {
    if (shortcut(line)) {
      count(summary, 'valid');
      return line + '\tvalid\tuscc\t';
    }
    const r = checkCode(line, kind, checkOpts);
    count(summary, r.verdict);
    return formatTsv(r);
  };
}

/**
 * Reads codes one per line from input and writes one verdict line per input line to output.
 *
 * Built for a million lines: each input chunk is decoded once and split on newlines in the string (a
 * chunk that is not valid UTF-8 falls back to line-by-line decoding, so only its bad lines are
 * `invalid_utf8`), the checker and the output format are chosen once, and the chunk's verdicts are
 * written as one string, waiting for `drain` when the output is behind.
 */
export async function runCodesCheck(
  input: Readable,
  output: Writable,
  opts: CheckStreamOptions = {},
): Promise<CheckStreamSummary> {
  const kind = opts.kind ?? 'auto';
  const today = opts.today;
  const check = compileLineChecker(kind, opts);
  const summary: CheckStreamSummary = { total: 0, valid: 0, warning: 0, invalid: 0 };
  let first = true;
  let out = '';

  /** One line decoded with its block, without its newline. */
  const textLine = (line: string): void => {
    // CRLF files: the CR belongs to the line ending, not to the code.
    if (line.charCodeAt(line.length - 1) === 0x0d) line = line.slice(0, -1);
    // A byte-order mark opens the stream, and the UTF-8 decoder drops one more at the start of a line.
    if (first && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    first = false;
    out += check(line, summary) + '\n';
  };

  /** One line as bytes, for a block that is not all UTF-8. */
  const byteLine = (line: Uint8Array): void => {
    let bytes = line;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    if (first && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    first = false;
    const r = checkLine(bytes, kind, today);
    summary.total++;
    summary[r.verdict]++;
    out += (opts.json ? JSON.stringify(r) : formatTsv(r)) + '\n';
  };

  /** Lines ending in a newline, or the stream's last line without one. */
  const block = (bytes: Buffer): void => {
    let text: string;
    try {
      text = strictBlock.decode(bytes);
    } catch {
      let start = 0;
      for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, start)) {
        byteLine(bytes.subarray(start, nl));
        start = nl + 1;
      }
      if (start < bytes.length) byteLine(bytes.subarray(start));
      return;
    }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      textLine(text.slice(start, nl));
      start = nl + 1;
    }
    if (start < text.length) textLine(text.slice(start));
  };

  const flush = async (): Promise<void> => {
    if (out === '') return;
    const chunk = out;
    out = '';
    if (!output.write(chunk)) await once(output, 'drain');
  };

  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of input) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    // A newline byte never occurs inside a UTF-8 (or GBK) character, so the chunk splits safely after the last one.
    const last = buf.lastIndexOf(0x0a);
    if (last === -1) {
      carry = carry.length ? Buffer.concat([carry, buf]) : Buffer.from(buf);
      continue;
    }
    block(carry.length ? Buffer.concat([carry, buf.subarray(0, last + 1)]) : buf.subarray(0, last + 1));
    carry = Buffer.from(buf.subarray(last + 1));
    await flush();
  }
  // A last line without a newline is still an input; the newline that ends the file is not.
  if (carry.length > 0) block(carry);
  await flush();
  return summary;
}
