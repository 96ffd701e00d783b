// PostgreSQL COPY text format for the write path: field escaping, the arena staged lines live in, and the
// writer that streams pieces into `COPY … FROM STDIN` (pg-copy-streams). Everything the merge writes in bulk
// (records, record versions, rejected rows) goes through here, so the escaping rule exists once.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Slicer } from './turns.ts';

const COPY_SPECIAL = /[\\\t\n\r]/;

/** COPY text-format escaping (backslash, tab, newline, carriage return); null and undefined are `\N`. */
export function esc(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v !== 'string') return String(v);
  // Most values need nothing: one native scan instead of a per-character loop.
  if (!COPY_SPECIAL.test(v)) return v;
  let out = '';
  let last = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 || c === 9 || c === 10 || c === 13) {
      out += v.slice(last, i) + (c === 92 ? '\\\\' : c === 9 ? '\\t' : c === 10 ? '\\n' : '\\r');
      last = i + 1;
    }
  }
  return out + v.slice(last);
}

const ARENA_BYTES = 1 << 20;

/**
 * Staged lines as UTF-8 in shared 1 MiB buffers (half the memory of JS strings, one allocation per
 * megabyte); each line is a view. A chunk has an arena of its own, freed with it.
 */
export class LineArena {
  private buf = Buffer.allocUnsafe(0);
  private off = 0;
  /** Stores `text` as UTF-8 and returns the view of it. */
  add(text: string): Buffer {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    if (this.off + text.length * 3 > this.buf.length) {
      this.buf = Buffer.allocUnsafe(Math.max(ARENA_BYTES, text.length * 3));
      this.off = 0;
    }
    const n = this.buf.write(text, this.off);
    const line = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return line;
  }

  /**
   * Stores a COPY line that starts with a JSON text field: `json`'s bytes with each splice's byte range replaced by
   * its text (a JSON value), escaped for COPY, then `tail` as given (the caller escapes it). JSON text holds no raw
   * tab, line break or carriage return, so only its backslashes are doubled, found by a native byte search; the
   * bytes are copied as they are, never decoded to a JS string and encoded again (issue 18: that round trip of
   * about 1 KB per row was most of what completing a row allocated). Splices are in byte order and do not overlap.
   */
  addJsonLine(json: Buffer, splices: readonly JsonSplice[], tail: string): Buffer {
    let max = json.length * 2 + tail.length * 3;
    for (const s of splices) max += s.text.length * 6;
    if (this.off + max > this.buf.length) {
      this.buf = Buffer.allocUnsafe(Math.max(ARENA_BYTES, max));
      this.off = 0;
    }
    const start = this.off;
    let at = 0;
    for (const s of splices) {
      this.off = copyJsonEscaped(json, at, s.start, this.buf, this.off);
      this.off += this.buf.write(esc(s.text), this.off);
      at = s.end;
    }
    this.off = copyJsonEscaped(json, at, json.length, this.buf, this.off);
    this.off += this.buf.write(tail, this.off);
    return this.buf.subarray(start, this.off);
  }
}

/** A byte range of a JSON text replaced by another JSON value (LineArena.addJsonLine). */
export interface JsonSplice {
  start: number;
  end: number;
  text: string;
}

/** Copies json[from, to) into out at `off` with each backslash doubled (COPY text format); returns the new offset. */
function copyJsonEscaped(json: Buffer, from: number, to: number, out: Buffer, off: number): number {
  let at = from;
  while (at < to) {
    const bs = json.indexOf(92, at);
    if (bs < 0 || bs >= to) return off + json.copy(out, off, at, to);
    off += json.copy(out, off, at, bs + 1);
    out[off++] = 92;
    at = bs + 1;
  }
  return off;
}

/**
 * Writes text pieces to a COPY stream with back-pressure. Between pieces the event loop gets a turn once a slice of
 * work has used its time (turns.ts): a socket that takes every write at once drains without one, and building the
 * pieces is the caller's synchronous work.
 */
export async function copyText(client: pg.PoolClient, statement: string, pieces: Iterable<string | Buffer>): Promise<void> {
  const stream = client.query(copyFrom(statement));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  const slicer = new Slicer();
  for (const piece of pieces) {
    if (!stream.write(piece)) await new Promise((r) => stream.once('drain', r));
    await slicer.turn();
  }
  stream.end();
  await done;
}

/** Text lines in pieces of about 256 KiB. */
export function* linesOf<T>(items: readonly T[], line: (item: T) => string): Generator<string> {
  let buf = '';
  for (const it of items) {
    buf += line(it);
    if (buf.length > 256 * 1024) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}
