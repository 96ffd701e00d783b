// A fast reader for the first worksheet of an .xlsx (Office Open XML, ECMA-376 Part 1 §18.3), for
// 归集 uploads. exceljs' streaming reader parses every XML event into objects and measured about
// 4,000 rows/s and ~900 MB of memory on a 200,000-row 行政处罚 file; this reader scans the sheet
// part as text, row by row, as it is inflated, and keeps only the shared-string table, as the part's
// UTF-8 bytes with an offset per string (SharedStrings): held as JS strings, a 200,000-row file's table
// took a few hundred MiB of heap in the parse worker (issue 18: peak RSS of an import ≤ 1 GB).
//
// It reads what a department's spreadsheet holds: shared strings (with rich-text runs joined and
// phonetic 拼音 runs <rPh> left out), inline strings, numbers, booleans, error values, and formulas
// (their cached result only; nothing is evaluated). Styles are ignored, as before: a date arrives as
// its serial number, marked numeric, and validation reads it as a date (validate.ts parseDateCell).
// The archive has been checked by zipguard (sizes, ratios, overlaps) before it gets here; `null`
// from openWorkbook means the parts are not where OOXML puts them, and the caller falls back to exceljs.
import { inflateRawSync, createInflateRaw } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import type { ZipEntryInfo, ZipSummary } from './zipguard.ts';

export interface SheetCellRow {
  rowNumber: number;
  cells: string[];
  numericCols?: number[];
  formulaCols?: number[];
  /** Columns holding an error value (#N/A, #DIV/0! …), with the value. */
  errors?: { column: number; value: string }[];
}

export interface OpenWorkbook {
  sheetName: string;
  rows(): AsyncGenerator<SheetCellRow>;
}

const ENTITY = /&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// ST_Xstring escapes a character XML cannot carry as _xHHHH_ (ECMA-376 Part 1 §22.9.2.19).
const XSTRING = /_x([0-9A-Fa-f]{4})_/g;

/** XML character references and entities, then OOXML _xHHHH_ escapes. */
export function xmlText(s: string): string {
  let out = s.indexOf('&') < 0 ? s : s.replace(ENTITY, (_m, dec?: string, hex?: string, name?: string) => (name ? NAMED[name] : String.fromCodePoint(dec ? Number(dec) : parseInt(hex!, 16))));
  if (out.indexOf('_x') >= 0) out = out.replace(XSTRING, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return out;
}

function entryBytes(buf: Buffer, e: ZipEntryInfo): Buffer {
  const raw = buf.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
  if (e.method === 0) return raw;
  if (e.method === 8) return inflateRawSync(raw);
  throw new Error(`unsupported compression method ${e.method} in ${e.name}`);
}

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
  return m ? xmlText(m[1] ?? m[2]) : undefined;
}

const runPatterns = new Map<string, { rph: RegExp; t: RegExp }>();

/** Text of every <t> in an element, leaving out phonetic runs (<rPh>). `p` is the namespace prefix. */
function runsText(xml: string, p: string): string {
  let pat = runPatterns.get(p);
  if (!pat) {
    pat = { rph: new RegExp(`<${p}rPh\\b[\\s\\S]*?</${p}rPh>`, 'g'), t: new RegExp(`<${p}t(?:\\s[^>]*)?>([\\s\\S]*?)</${p}t>`, 'g') };
    runPatterns.set(p, pat);
  }
  const body = xml.indexOf(`<${p}rPh`) >= 0 ? xml.replace(pat.rph, '') : xml;
  const re = pat.t;
  re.lastIndex = 0;
  let out = '';
  for (let m = re.exec(body); m; m = re.exec(body)) out += m[1];
  return xmlText(out);
}

/** The prefix the document uses for the SpreadsheetML namespace, e.g. '' or 'x:'. */
function prefixOf(xml: string, root: string): string {
  const m = new RegExp(`<(\\w+:)?${root}\\b`).exec(xml);
  return m?.[1] ?? '';
}

function resolvePart(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = `xl/${target}`.split('/');
  const out: string[] = [];
  for (const s of parts) {
    if (s === '..') out.pop();
    else if (s !== '.' && s !== '') out.push(s);
  }
  return out.join('/');
}

const R_ATTR = /(?:^|\s)r\s*=\s*"([^"]*)"/;

const isRegexSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c || c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;

/**
 * The value of a one-letter attribute (`r`, `t`) of a cell's attribute text, exactly as the regular expression
 * `(?:^|\s)X\s*=\s*"([^"]*)"` (R_ATTR for X = r) finds it (first match), without a regular expression and its match
 * array: two of them ran for every cell of a sheet (issue 18; `xlsxsheet.test.ts` compares the two on generated
 * attribute texts).
 */
export function cellAttr(attrs: string, name: number): string | undefined {
  const n = attrs.length;
  for (let i = 0; i < n; i++) {
    if (attrs.charCodeAt(i) !== name || (i > 0 && !isRegexSpace(attrs.charCodeAt(i - 1)))) continue;
    let k = i + 1;
    while (k < n && isRegexSpace(attrs.charCodeAt(k))) k++;
    if (attrs.charCodeAt(k) !== 0x3d /* = */) continue;
    k++;
    while (k < n && isRegexSpace(attrs.charCodeAt(k))) k++;
    if (attrs.charCodeAt(k) !== 0x22 /* " */) continue;
    const end = attrs.indexOf('"', k + 1);
    if (end < 0) continue;
    return attrs.slice(k + 1, end);
  }
  return undefined;
}
const R = 0x72;
const T = 0x74;

/** Column number (0-based) of a cell reference such as "AB12". */
function columnOf(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

/** Locates the first worksheet and the shared strings; null when the workbook is not laid out as OOXML says. */
export function openWorkbook(buf: Buffer, zip: ZipSummary): OpenWorkbook | null {
  const byName = new Map(zip.entries.map((e) => [e.name.replace(/\\/g, '/').replace(/^\//, ''), e]));
  const wbEntry = byName.get('xl/workbook.xml');
  const relsEntry = byName.get('xl/_rels/workbook.xml.rels');
  if (!wbEntry || !relsEntry) return null;
  const wbXml = entryBytes(buf, wbEntry).toString('utf8');
  const relsXml = entryBytes(buf, relsEntry).toString('utf8');
  const wp = prefixOf(wbXml, 'workbook');
  const sheetTag = new RegExp(`<${wp}sheet\\s([^>]*?)/?>`).exec(wbXml);
  if (!sheetTag) return null;
  const sheetName = attr(sheetTag[1], 'name') ?? '';
  const rid = /(?:^|\s)[\w]+:id\s*=\s*"([^"]*)"/.exec(sheetTag[1])?.[1];
  if (!rid) return null;
  let sheetPath: string | undefined;
  let sharedPath: string | undefined;
  for (const m of relsXml.matchAll(/<(?:\w+:)?Relationship\s([^>]*?)\/?>/g)) {
    const id = attr(m[1], 'Id');
    const target = attr(m[1], 'Target');
    const type = attr(m[1], 'Type') ?? '';
    if (!target) continue;
    if (id === rid) sheetPath = resolvePart(target);
    if (type.endsWith('/sharedStrings')) sharedPath = resolvePart(target);
  }
  const sheetEntry = sheetPath ? byName.get(sheetPath) : undefined;
  if (!sheetEntry || (sheetEntry.method !== 0 && sheetEntry.method !== 8)) return null;

  const sstEntry = sharedPath ? byName.get(sharedPath) : byName.get('xl/sharedStrings.xml');
  const shared = sstEntry ? sharedStrings(entryBytes(buf, sstEntry)) : NO_SHARED;

  async function* rows(): AsyncGenerator<SheetCellRow> {
    const raw = buf.subarray(sheetEntry!.dataOffset, sheetEntry!.dataOffset + sheetEntry!.compressedSize);
    const source: AsyncIterable<Buffer> = sheetEntry!.method === 0 ? Readable.from([raw]) : Readable.from([raw]).pipe(createInflateRaw({ chunkSize: 1 << 20 }));
    yield* sheetRows(source, shared);
  }
  return { sheetName, rows };
}

/** Work the sheet scanner did, for tests: the UTF-16 code units its searches examined (issue 18: linear in the sheet). */
export interface ScanWork {
  units: number;
}

const SHEET_DATA = /<(\w+:)?sheetData\b/;
// What may still become `<sheetData` (with a prefix) once the next chunk arrives: `<` and name characters to the end.
const TAG_START = /<[\w:]*$/;
const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * The rows of a worksheet part's XML as it arrives in chunks (the inflated part). Each chunk's text is searched once:
 * a row that spans many chunks (one cell of 30 MB, or 16,000 cells) is kept as pieces, and the search for its end
 * resumes where the previous chunk's stopped (less the few characters of a `</row>` cut by the chunk's end); the row is
 * joined and parsed once it is complete. Scanning the open row again with each chunk, as a regex over the pending
 * text did, was quadratic in the row's length. The rows read are those of that regex,
 * `<row\b([^>]*?)(?:/>|>([\s\S]*?)</row>)`: the start tag ends at its first `>`, the body at the first `</row>`.
 */
export async function* sheetRows(source: AsyncIterable<Buffer>, shared: SharedStrings, work?: ScanWork): AsyncGenerator<SheetCellRow> {
  const decoder = new StringDecoder('utf8');
  let p: string | null = null;
  let openTag = '';
  let closeTag = '';
  let cellRe: RegExp | null = null;
  let vRe: RegExp | null = null;
  // The text not yet consumed: what is left of the previous chunk (at most a tag's length, or nothing) and this chunk.
  let text = '';
  // Where the search resumes in `text`.
  let pos = 0;
  // 'seek': looking for `<row`; 'tag': in a row's start tag (its attributes so far in `parts`); 'body': in its body.
  let state: 'seek' | 'tag' | 'body' = 'seek';
  // The open row's start-tag attributes or body, as far as earlier chunks held them; `from` is where it goes on in `text`.
  let parts: string[] = [];
  let from = 0;
  let rowNumber = 0;
  let nextRow = 1;
  const examined = (n: number) => {
    if (work) work.units += n;
  };
  for await (const chunk of source) {
    text += decoder.write(chunk);
    if (p === null) {
      const m = SHEET_DATA.exec(text);
      examined(text.length);
      if (!m) {
        // Only a tag cut by the chunk's end can still become `<sheetData`: keep that, drop the rest.
        const lt = text.lastIndexOf('<');
        text = lt >= 0 && TAG_START.test(text.slice(lt)) ? text.slice(lt) : '';
        continue;
      }
      p = m[1] ?? '';
      openTag = `<${p}row`;
      closeTag = `</${p}row>`;
      cellRe = new RegExp(`<${p}c\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${p}c>)`, 'g');
      vRe = new RegExp(`<${p}v(?:\\s[^>]*)?>([\\s\\S]*?)</${p}v>`);
      pos = 0;
    }
    for (;;) {
      if (state === 'seek') {
        const i = text.indexOf(openTag, pos);
        if (i < 0) {
          examined(text.length - pos);
          // A `<row` cut by the chunk's end: keep its start (fewer characters than the tag).
          text = text.slice(Math.max(pos, text.length - openTag.length + 1));
          pos = 0;
          break;
        }
        const after = i + openTag.length;
        examined(after - pos);
        if (after >= text.length) {
          // Whether `<row` is the whole name (\b) is known with the next character only.
          text = text.slice(i);
          pos = 0;
          break;
        }
        if (isWordChar(text.charCodeAt(after))) {
          pos = i + 1; // `<rowBreaks`, not a row
          continue;
        }
        state = 'tag';
        from = pos = after;
      }
      if (state === 'tag') {
        const g = text.indexOf('>', pos);
        examined((g < 0 ? text.length : g + 1) - pos);
        if (g < 0) {
          parts.push(text.slice(from));
          text = '';
          from = pos = 0;
          break;
        }
        parts.push(text.slice(from, g));
        let attrs = parts.length === 1 ? parts[0] : parts.join('');
        parts = [];
        const selfClosing = attrs.endsWith('/');
        if (selfClosing) attrs = attrs.slice(0, -1);
        const r = R_ATTR.exec(attrs)?.[1];
        rowNumber = r ? Number(r) : nextRow;
        nextRow = rowNumber + 1;
        if (selfClosing) {
          // <row/>: nothing in it
          state = 'seek';
          pos = g + 1;
          continue;
        }
        state = 'body';
        from = pos = g + 1;
      }
      // state === 'body'
      const e = text.indexOf(closeTag, pos);
      if (e < 0) {
        examined(text.length - pos);
        // Keep the characters that may begin a `</row>` cut by the chunk's end; the rest of the body is a piece.
        const keep = Math.max(from, text.length - closeTag.length + 1);
        if (keep > from) parts.push(text.slice(from, keep));
        text = text.slice(keep);
        from = pos = 0;
        break;
      }
      examined(e + closeTag.length - pos);
      parts.push(text.slice(from, e));
      const body = parts.length === 1 ? parts[0] : parts.join('');
      parts = [];
      state = 'seek';
      pos = e + closeTag.length;
      examined(body.length);
      yield parseRow(rowNumber, body, p, cellRe!, vRe!, shared);
    }
  }
}

function parseRow(rowNumber: number, xml: string, p: string, cellRe: RegExp, vRe: RegExp, shared: SharedStrings): SheetCellRow {
  const fTag = `<${p}f`;
  const cells: string[] = [];
  const row: SheetCellRow = { rowNumber, cells };
  let col = 0;
  cellRe.lastIndex = 0;
  for (let m = cellRe.exec(xml); m; m = cellRe.exec(xml)) {
    const attrs = m[1];
    const ref = cellAttr(attrs, R);
    if (ref) col = columnOf(ref);
    while (cells.length < col) cells.push('');
    const body = m[2] ?? '';
    const t = cellAttr(attrs, T) ?? 'n';
    const formula = body.indexOf(fTag) >= 0;
    const v = vRe.exec(body)?.[1];
    let value = '';
    let numeric = false;
    if (t === 's') value = v === undefined ? '' : (shared.get(Number(v)) ?? '');
    else if (t === 'inlineStr') value = runsText(body, p);
    else if (t === 'str') value = v === undefined ? '' : xmlText(v);
    else if (t === 'd') {
      // An ISO 8601 date cell (rare; Excel writes serial numbers): its day, as exceljs gave it.
      const d = new Date(xmlText(v ?? ''));
      value = Number.isNaN(d.getTime()) ? xmlText(v ?? '') : d.toISOString().slice(0, 10);
    }
    else if (t === 'b') value = v === undefined ? '' : v.trim() === '1' ? 'TRUE' : 'FALSE';
    else if (t === 'e') (row.errors ??= []).push({ column: col, value: v === undefined ? '#VALUE!' : xmlText(v) });
    else if (v !== undefined && v.trim() !== '') {
      const n = Number(v);
      value = Number.isFinite(n) ? String(n) : '';
      numeric = true;
    }
    cells[col] = value;
    if (numeric) (row.numericCols ??= []).push(col);
    if (formula) (row.formulaCols ??= []).push(col);
    col++;
  }
  return row;
}

/** The shared-string table (ECMA-376 Part 1 §18.4): string i by its index, undefined past the end. */
export interface SharedStrings {
  readonly count: number;
  get(i: number): string | undefined;
}

const NO_SHARED: SharedStrings = { count: 0, get: () => undefined };

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const AMP = 0x26;
const UNDERSCORE = 0x5f;
const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/**
 * Indexes the inflated sharedStrings part without turning it into strings: a plain <si><t>text</t></si> (no
 * entity, no _xHHHH_ escape: nearly every string of a department's file) is kept as its byte range and decoded
 * when a cell refers to it; rich text, phonetic runs and escaped text are decoded once here (runsText). The
 * strings it yields are those the former regex over the whole part yielded (`<si>…</si>` or `<si/>`, in order).
 */
export function sharedStrings(xml: Buffer): SharedStrings {
  const p = prefixOf(xml.toString('utf8', 0, Math.min(xml.length, 65536)), 'sst');
  const open = Buffer.from(`<${p}si`);
  const close = Buffer.from(`</${p}si>`);
  const tOpen = Buffer.from(`<${p}t`);
  const tClose = Buffer.from(`</${p}t>`);
  // Per string: [start, end) of its text, or start -1 with the text in `decoded`.
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024);
  const decoded = new Map<number, string>();
  let count = 0;
  const push = (a: number, b: number) => {
    if (count === starts.length) {
      const s2 = new Int32Array(count * 2);
      s2.set(starts);
      starts = s2;
      const e2 = new Int32Array(count * 2);
      e2.set(ends);
      ends = e2;
    }
    starts[count] = a;
    ends[count] = b;
    count++;
  };
  let pos = 0;
  for (;;) {
    const s = xml.indexOf(open, pos);
    if (s < 0) break;
    let q = s + open.length;
    if (xml[q] !== GT) {
      // `<si/>` (whitespace allowed before the slash) is an empty string; anything else (`<sib…`) is not an <si>.
      while (q < xml.length && isSpace(xml[q])) q++;
      if (xml[q] === SLASH && xml[q + 1] === GT) push(0, 0);
      pos = xml[q] === SLASH && xml[q + 1] === GT ? q + 2 : s + 1;
      continue;
    }
    const body = q + 1;
    const e = xml.indexOf(close, body);
    if (e < 0) break; // an unterminated <si> ends the table, as the regex found no more matches
    pos = e + close.length;
    const text = plainText(xml, body, e, tOpen, tClose);
    if (text >= 0) push(text, e - tClose.length);
    else {
      decoded.set(count, runsText(xml.toString('utf8', body, e), p));
      push(-1, -1);
    }
  }
  return {
    count,
    get(i: number): string | undefined {
      if (!(i >= 0 && i < count) || !Number.isInteger(i)) return undefined;
      const a = starts[i];
      return a < 0 ? decoded.get(i) : xml.toString('utf8', a, ends[i]);
    },
  };
}

/**
 * Where the text of an <si> body [from, to) starts when the body is exactly one <t>…</t> whose text holds no markup,
 * entity or _xHHHH_ escape (its bytes are then the string); -1 otherwise.
 */
function plainText(xml: Buffer, from: number, to: number, tOpen: Buffer, tClose: Buffer): number {
  if (to - from < tOpen.length + 1 + tClose.length) return -1;
  for (let k = 0; k < tOpen.length; k++) if (xml[from + k] !== tOpen[k]) return -1;
  let q = from + tOpen.length;
  if (xml[q] !== GT) {
    if (!isSpace(xml[q])) return -1; // <tx…>, not <t>
    while (q < to && xml[q] !== GT) q++;
    if (q >= to || xml[q - 1] === SLASH) return -1; // <t …/>
  }
  const text = q + 1;
  const end = to - tClose.length;
  if (end < text) return -1;
  for (let k = 0; k < tClose.length; k++) if (xml[end + k] !== tClose[k]) return -1;
  for (let k = text; k < end; k++) {
    const b = xml[k];
    if (b === LT || b === AMP || b === UNDERSCORE) return -1;
  }
  return text;
}
