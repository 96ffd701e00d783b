// Streaming text decoding for CSV uploads (ARCHITECTURE.md "Files in"): BOM first (UTF-8,
// UTF-16LE/BE), else strict UTF-8, else GB18030 — both with `fatal: true`.
//
// Chunks are decoded with TextDecoder.decode(chunk, { stream: true }), which keeps a multi-byte
// character that straddles a chunk border. (iconv-lite's stream decoder drops such characters.)
// The encoding is decided from a prefix; a later chunk that does not decode, or a UTF-8 line in a
// GB18030 file, is refused as `encoding_mixed` with the line where it happened.
import { IngestError } from './errors.ts';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface DecodeOptions {
  /** Bytes of non-ASCII text used to decide the encoding (default 64 KiB). */
  sniffBytes?: number;
  /** Skip detection and use this encoding (still fatal on invalid bytes). */
  encoding?: TextEncodingName;
}

/** Decoded text as an async iterable of strings, plus what detection found. */
export interface DecodedText extends AsyncIterable<string> {
  /** The detected encoding; null until decided (pure ASCII so far, or nothing read yet). */
  readonly encoding: TextEncodingName | null;
  readonly bom: boolean;
  readonly bytesRead: number;
}

const LF = 0x0a;

/** Chinese names of the encodings, for messages. */
export const ENCODING_LABEL: Record<TextEncodingName, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  gb18030: 'GBK/GB18030',
};

/** Counts LF bytes in buf[start, end). */
function countLines(buf: Uint8Array, start = 0, end = buf.length): number {
  let n = 0;
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let i = b.indexOf(LF, start);
  while (i !== -1 && i < end) {
    n++;
    i = b.indexOf(LF, i + 1);
  }
  return n;
}

/** Index of the first byte >= 0x80 in buf, or -1. */
function firstHighByte(buf: Uint8Array): number {
  for (let i = 0; i < buf.length; i++) if (buf[i] >= 0x80) return i;
  return -1;
}

/**
 * True when bytes [s, e) are valid UTF-8 containing at least three 3-byte sequences. A GB18030
 * line that passes is vanishingly unlikely (each Chinese character would have to land on a valid
 * UTF-8 pattern), while a real UTF-8 Chinese line almost always has three characters.
 */
export function looksLikeUtf8Line(buf: Uint8Array, s: number, e: number): boolean {
  let three = 0;
  let i = s;
  while (i < e) {
    const c = buf[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) need = 2;
    else if (c >= 0xf0 && c <= 0xf4) need = 3;
    else return false;
    if (i + need >= e) return false; // truncated sequence
    for (let k = 1; k <= need; k++) {
      const t = buf[i + k];
      if (t < 0x80 || t > 0xbf) return false;
    }
    if (need === 2) three++;
    i += need + 1;
  }
  return three >= 3;
}

/** Decodes a byte stream of unknown encoding; see the module comment. */
export function detectAndDecode(
  input: AsyncIterable<Uint8Array>,
  opts: DecodeOptions = {},
): DecodedText {
  const sniffBytes = opts.sniffBytes ?? 64 * 1024;
  const state = {
    encoding: (opts.encoding ?? null) as TextEncodingName | null,
    bom: false,
    bytesRead: 0,
  };

  async function* run(): AsyncGenerator<string> {
    let decoder: TextDecoder | null = opts.encoding ? new TextDecoder(opts.encoding, { fatal: true, ignoreBOM: true }) : null;
    let checkUtf8Lines = opts.encoding === 'gb18030';
    let linesBefore = 0; // LF count before `tail`
    let tail: Uint8Array = new Uint8Array(0); // bytes after the last LF already consumed
    let pending: Uint8Array[] | null = null; // undecided non-ASCII bytes, joined once at decision
    let pendingBytes = 0;

    const mixed = (line: number, detail: string): IngestError =>
      new IngestError(
        'encoding_mixed',
        `文件编码不一致：第 ${line} 行附近${detail}。请将整个文件另存为同一种编码（建议 UTF-8）后重新上传`,
        { line, encoding: state.encoding },
      );

    // Finds the first line in tail+chunk that the decided encoding rejects (error path only).
    const locate = (chunk: Uint8Array): number => {
      const buf = Buffer.concat([tail, chunk]);
      let start = 0;
      let line = linesBefore + 1;
      while (start <= buf.length) {
        let end = buf.indexOf(LF, start);
        if (end === -1) end = buf.length;
        try {
          new TextDecoder(state.encoding!, { fatal: true }).decode(buf.subarray(start, end));
        } catch {
          return line;
        }
        start = end + 1;
        line++;
      }
      return line - 1;
    };

    // Advances the line bookkeeping over a decoded chunk; in GB18030 files, checks the complete
    // lines for UTF-8 (which GB18030 would otherwise decode silently into mojibake).
    const advance = (chunk: Uint8Array): void => {
      const firstLf = chunk.indexOf(LF);
      if (firstLf === -1) {
        tail = tail.length < 65536 ? Buffer.concat([tail, chunk]) : tail;
        return;
      }
      if (checkUtf8Lines) {
        const headLine = Buffer.concat([tail, chunk.subarray(0, firstLf)]);
        if (looksLikeUtf8Line(headLine, 0, headLine.length)) throw mixed(linesBefore + 1, '出现 UTF-8 编码的内容，而文件其余部分为 GBK/GB18030');
        let s = firstLf + 1;
        let line = linesBefore + 2;
        let e = chunk.indexOf(LF, s);
        while (e !== -1) {
          if (looksLikeUtf8Line(chunk, s, e)) throw mixed(line, '出现 UTF-8 编码的内容，而文件其余部分为 GBK/GB18030');
          s = e + 1;
          line++;
          e = chunk.indexOf(LF, s);
        }
      }
      linesBefore += 1 + countLines(chunk, firstLf + 1);
      const lastLf = chunk.lastIndexOf(LF);
      tail = chunk.subarray(lastLf + 1);
    };

    const decodeChunk = (chunk: Uint8Array): string => {
      let text: string;
      try {
        text = decoder!.decode(chunk, { stream: true });
      } catch {
        throw mixed(locate(chunk), `出现无法按 ${ENCODING_LABEL[state.encoding!]} 解码的字节`);
      }
      advance(chunk);
      return text;
    };

    // Decides the encoding from a window of bytes that starts at the first non-ASCII byte.
    const decide = (window: Buffer): string => {
      try {
        const d = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
        const text = d.decode(window, { stream: true });
        // Every Chinese character is a 3-byte sequence in UTF-8. A window with only 2-byte
        // sequences (U+0080–U+07FF: Latin, Greek, Cyrillic …) that GB18030 reads as Chinese is
        // GB18030 — e.g. a short GBK file of "一" (D2 BB) is also valid UTF-8 "һ".
        if (!hasCharAbove(text, 0x7ff) && gb18030ReadsAsChinese(window)) throw new Error('prefer gb18030');
        decoder = d;
        state.encoding = 'utf-8';
        advance(window);
        return text;
      } catch {
        // not UTF-8; try GB18030 on the same window with a fresh decoder
      }
      try {
        const d = new TextDecoder('gb18030', { fatal: true, ignoreBOM: true });
        const text = d.decode(window, { stream: true });
        decoder = d;
        state.encoding = 'gb18030';
        checkUtf8Lines = true;
        advance(window);
        return text;
      } catch {
        // Neither decodes the whole window: if its lines decode one way or the other, the file
        // mixes encodings (e.g. GBK rows pasted under UTF-8 ones); otherwise it is unknown.
        const m = firstLineOfOtherEncoding(window);
        if (m) {
          throw mixed(linesBefore + m.line, `出现 ${ENCODING_LABEL[m.to]} 编码的内容，而前文为 ${ENCODING_LABEL[m.from]}`);
        }
        const line = linesBefore + 1 + countLines(window);
        throw new IngestError(
          'encoding_unknown',
          `无法识别文件编码：开头部分既不是 UTF-8 也不是 GBK/GB18030（第 ${linesBefore + 1}–${line} 行）。请另存为 UTF-8 编码的 CSV 后重新上传`,
          { line: linesBefore + 1 },
        );
      }
    };

    // Strips a BOM (unless the encoding was forced) once at least 4 bytes are known.
    const takeHead = (head: Buffer): Uint8Array => {
      const bom = detectBom(head);
      if (!bom) return head;
      if (!decoder) {
        state.encoding = bom.encoding;
        decoder = new TextDecoder(bom.encoding, { fatal: true, ignoreBOM: true });
      } else if (bom.encoding !== opts.encoding) {
        return head;
      }
      state.bom = true;
      return head.subarray(bom.length);
    };

    function* consume(chunk: Uint8Array): Generator<string> {
      if (chunk.length === 0) return;
      if (decoder) {
        const text = decodeChunk(chunk);
        if (text) yield text;
        return;
      }
      // Undecided: pass pure ASCII through, collect non-ASCII bytes until the window is full.
      if (!pending) {
        const hi = firstHighByte(chunk);
        if (hi === -1) {
          advance(chunk);
          yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
          return;
        }
        if (hi > 0) {
          const ascii = chunk.subarray(0, hi);
          advance(ascii);
          yield Buffer.from(ascii.buffer, ascii.byteOffset, ascii.byteLength).toString('latin1');
        }
        pending = [chunk.subarray(hi)];
        pendingBytes = chunk.length - hi;
      } else {
        pending.push(chunk);
        pendingBytes += chunk.length;
      }
      if (pendingBytes >= sniffBytes) {
        const text = decide(Buffer.concat(pending));
        pending = null;
        if (text) yield text;
      }
    }

    let head: Buffer | null = Buffer.alloc(0);
    for await (const raw of input) {
      if (raw.length === 0) continue;
      state.bytesRead += raw.length;
      if (head) {
        head = Buffer.concat([head, raw]);
        if (head.length < 4) continue;
        const rest = takeHead(head);
        head = null;
        yield* consume(rest);
      } else {
        yield* consume(raw);
      }
    }
    if (head && head.length) yield* consume(takeHead(head));
    if (pending) {
      const text = decide(Buffer.concat(pending));
      if (text) yield text;
    }
    if (decoder) {
      let rest: string;
      try {
        rest = (decoder as TextDecoder).decode();
      } catch {
        throw mixed(linesBefore + 1, '：文件末尾的字符不完整（文件可能被截断）');
      }
      if (rest) yield rest;
    }
  }

  const gen = run();
  return {
    get encoding() {
      return state.encoding;
    },
    get bom() {
      return state.bom;
    },
    get bytesRead() {
      return state.bytesRead;
    },
    [Symbol.asyncIterator]: () => gen,
  };
}

/**
 * For a window that neither encoding decodes as a whole: the 1-based line (within the window) of
 * the first line whose encoding differs from the first non-ASCII line's, or null when some line
 * decodes as neither (then the encoding is simply unknown). The last line may be cut off by the
 * window and is not judged.
 */
function firstLineOfOtherEncoding(window: Buffer): { line: number; from: TextEncodingName; to: TextEncodingName } | null {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const gb = new TextDecoder('gb18030', { fatal: true });
  const ok = (d: TextDecoder, b: Uint8Array) => {
    try {
      d.decode(b);
      return true;
    } catch {
      return false;
    }
  };
  let first: 'utf-8' | 'gb18030' | null = null;
  let start = 0;
  let line = 1;
  for (;;) {
    const end = window.indexOf(LF, start);
    if (end === -1) return null;
    const b = window.subarray(start, end);
    if (firstHighByte(b) !== -1) {
      const isUtf8 = ok(utf8, b);
      const kind = isUtf8 ? 'utf-8' : ok(gb, b) ? 'gb18030' : null;
      if (kind === null) return null;
      const seemsUtf8 = kind === 'gb18030' && looksLikeUtf8Line(b, 0, b.length);
      const actual = seemsUtf8 ? 'utf-8' : kind;
      if (first === null) first = actual;
      else if (actual !== first) return { line, from: first, to: actual };
    }
    start = end + 1;
    line++;
  }
}

function hasCharAbove(s: string, cp: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > cp) return true;
  return false;
}

/** True when the bytes decode as GB18030 and every non-ASCII character is a CJK ideograph or CJK punctuation. */
function gb18030ReadsAsChinese(window: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('gb18030', { fatal: true }).decode(window, { stream: true });
  } catch {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    const cjk = (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xffef);
    if (!cjk) return false;
  }
  return true;
}

/** Recognises a byte-order mark. */
export function detectBom(b: Uint8Array): { encoding: TextEncodingName; length: number } | null {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return null;
}

/** Decodes a whole buffer with the same rules (for small inputs and tests). */
export async function decodeBuffer(buf: Uint8Array, opts: DecodeOptions = {}): Promise<{ text: string; encoding: TextEncodingName | null }> {
  const d = detectAndDecode((async function* () {
    yield buf;
  })(), opts);
  let text = '';
  for await (const s of d) text += s;
  return { text, encoding: d.encoding };
}
