// Cell readers of the row validator: pure, allocation-free where the hot path needs it (no regex
// on plain cells). Trimming, placeholders (issue 13), control characters, code folding, dates
// (with Excel serials), numbers, legacy value maps, and a bounded cache for repeated verdicts.
import { daysInMonth, epochDayOf } from '../../platform/workCalendar.ts';
import { enumKey } from '../catalog/index.ts';

const EXCEL_EPOCH_OFFSET = 25569; // serial of 1970-01-01 in Excel's 1900 date system
const MAX_SERIAL = 73050; // 2099-12-31
/** Entries a per-field verdict cache holds before it starts again. */
const CACHE_LIMIT = 20_000;

/**
 * What real files write for "unknown" (issue 13). Such a cell is empty in every field: a required
 * field is then missing, and no record key is ever built from one.
 */
export const PLACEHOLDERS: ReadonlySet<string> = new Set([
  '-', '--', '/', '\\', '—', '——', '－', '／', '无', '暂无', '空', 'null', 'NULL', 'Null', 'N/A', 'n/a', 'NA', 'none', 'None', 'NONE',
]);
/** True when a trimmed cell is a placeholder; the length test keeps the set lookup off long cells. */
export function isPlaceholder(raw: string): boolean {
  return raw.length <= 4 && PLACEHOLDERS.has(raw);
}

/** Trims ASCII/Unicode whitespace (String.prototype.trim covers U+3000, U+00A0, U+FEFF). */
export function clean(s: string | undefined): string {
  if (s === undefined || s === '') return '';
  const c0 = s.charCodeAt(0);
  const c1 = s.charCodeAt(s.length - 1);
  return c0 > 0x20 && c0 < 0x7f && c1 > 0x20 && c1 < 0x7f ? s : s.trim();
}

/** Index of the first control character (C0 except allowed TAB/LF/CR, DEL, C1), or -1. */
export function findControl(s: string, multiline: boolean): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (multiline && (c === 9 || c === 10 || c === 13)) continue;
      return i;
    }
    if (c >= 0x7f && c <= 0x9f) return i;
  }
  return -1;
}

/** Folds full-width ASCII (U+FF01–FF5E) to half-width and a–z to A–Z, for codes. */
export function codeNormalize(s: string): string {
  let need = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0xff01 && c <= 0xff5e) || c === 0x3000) {
      need = true;
      break;
    }
  }
  if (!need) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    else if (c === 0x3000) c = 0x20;
    if (c >= 0x61 && c <= 0x7a) c -= 32;
    out += String.fromCharCode(c);
  }
  return out.trim();
}

/**
 * True when a code looks like a spreadsheet turned it into a float: scientific notation
 * (9.16301E+17), a trailing ".0", or 15+ digits ending in "000" (uscc_float_mangled.txt).
 * Callers only ask after the code failed its own check.
 */
export function looksFloatDamaged(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  let digits = 0;
  let dot = -1;
  let exp = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && dot === -1 && exp === -1) dot = i;
    else if ((c === 69 || c === 101) && exp === -1 && i > 0) exp = i;
    else if ((c === 43 || c === 45) && i === exp + 1) continue;
    else return false;
  }
  if (exp !== -1) return digits >= 2; // 9.16301E+17
  if (dot !== -1) {
    // 916301001234567000.0 or 9163010012345670.00
    for (let i = dot + 1; i < n; i++) if (s.charCodeAt(i) !== 48) return false;
    return dot >= 9;
  }
  return n >= 15 && s.endsWith('000');
}

/** Reads up to `max` ASCII digits of s from `at`; returns value * 16 + digit count (0 digits → -1). */
function readDigits(s: string, at: number, max: number): number {
  let v = 0;
  let k = 0;
  while (k < max && at + k < s.length) {
    const c = s.charCodeAt(at + k);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    k++;
  }
  return k === 0 ? -1 : v * 16 + k;
}

/**
 * Parses a date cell into an epoch day (NaN when invalid). Accepts 2024-01-05, 2024/1/5,
 * 2024.1.5, 2024年1月5日, 20240105, an optional time part, full-width digits, and — only from
 * numeric spreadsheet cells — Excel serial numbers.
 */
export function parseDateCell(raw: string, numericCell: boolean): number {
  if (numericCell) {
    const n = Number(raw);
    if (Number.isFinite(n) && n >= 1 && n <= MAX_SERIAL) return Math.floor(n) - EXCEL_EPOCH_OFFSET;
  }
  let s = raw;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) {
      s = s.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
      break;
    }
  }
  const n = s.length;
  const yr = readDigits(s, 0, 4);
  if (yr < 0 || (yr & 15) !== 4) return NaN;
  const y = yr >> 4;
  let i: number;
  let m: number;
  let d: number;
  const sep = s.charCodeAt(4);
  if (sep >= 48 && sep <= 57) {
    // YYYYMMDD
    const mr = readDigits(s, 4, 2);
    const dr = readDigits(s, 6, 2);
    if ((mr & 15) !== 2 || dr < 0 || (dr & 15) !== 2) return NaN;
    m = mr >> 4;
    d = dr >> 4;
    i = 8;
  } else {
    if (sep !== 45 && sep !== 47 && sep !== 46 && sep !== 0x5e74 /* 年 */) return NaN;
    const mr = readDigits(s, 5, 2);
    if (mr < 0) return NaN;
    m = mr >> 4;
    i = 5 + (mr & 15);
    const sep2 = s.charCodeAt(i);
    if (sep2 !== sep && !(sep === 0x5e74 && sep2 === 0x6708 /* 月 */)) return NaN;
    const dr = readDigits(s, i + 1, 2);
    if (dr < 0) return NaN;
    d = dr >> 4;
    i += 1 + (dr & 15);
    if (sep === 0x5e74 && s.charCodeAt(i) === 0x65e5 /* 日 */) i++;
  }
  if (i < n) {
    // Allow a time part: "2024-01-05 00:00:00", "2024-01-05T08:00".
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 84) return NaN;
    for (let k = i + 1; k < n; k++) {
      const t = s.charCodeAt(k);
      if (!((t >= 48 && t <= 57) || t === 58 || t === 46 || t === 32 || t === 90 || t === 43 || t === 45)) return NaN;
    }
  }
  if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return NaN;
  return epochDayOf(y, m, d);
}

/** Parses a decimal number; null when malformed. Accepts thousands separators and full-width digits. */
export function parseNumber(raw: string, numericCell: boolean): { value: number; decimals: number } | null {
  if (numericCell) {
    const v = Number(raw);
    if (!Number.isFinite(v)) return null;
    const dot = raw.indexOf('.');
    return { value: v, decimals: dot === -1 || raw.includes('e') ? 0 : raw.length - dot - 1 };
  }
  // Fast path: plain ASCII digits with at most one dot (almost every cell).
  let dot = -1;
  let plain = raw.length > 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 46 && dot === -1 && i > 0) dot = i;
    else if (c < 48 || c > 57) {
      plain = false;
      break;
    }
  }
  if (plain && dot !== raw.length - 1) return { value: Number(raw), decimals: dot === -1 ? 0 : raw.length - dot - 1 };
  let s = '';
  let decimals = -1;
  let digits = 0;
  for (let i = 0; i < raw.length; i++) {
    let c = raw.charCodeAt(i);
    if (c >= 0xff10 && c <= 0xff19) c -= 0xfee0;
    else if (c === 0xff0e) c = 46;
    else if (c === 0xff0c) c = 44;
    else if (c === 0xff0d) c = 45;
    if (c >= 48 && c <= 57) {
      s += String.fromCharCode(c);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals === -1) {
      s += '.';
      decimals = 0;
    } else if (c === 44 && decimals === -1 && digits > 0) {
      continue; // thousands separator
    } else if ((c === 45 || c === 43) && s === '') {
      if (c === 45) s = '-';
    } else {
      return null;
    }
  }
  if (digits === 0) return null;
  return { value: Number(s), decimals: decimals < 0 ? 0 : decimals };
}

/** Stores a verdict in a per-field cache, emptying it first when full (files repeat a few values). */
export function bounded<K, V>(m: Map<K, V>, k: K, v: V): V {
  if (m.size >= CACHE_LIMIT) m.clear();
  m.set(k, v);
  return v;
}

/** Applies a legacy value map to an enum value or to each piece of a set value. */
export function mapLegacy(vm: Readonly<Record<string, string>>, raw: string, isSet: boolean): string {
  const direct = vm[raw] ?? vm[enumKey(raw)];
  if (direct !== undefined) return direct;
  if (!isSet) return raw;
  let changed = false;
  const parts = raw.split(/[、;；,，|]/).map((p) => {
    const m = vm[p.trim()];
    if (m !== undefined) changed = true;
    return m ?? p.trim();
  });
  return changed ? parts.join(';') : raw;
}

/** 'YYYY-MM-DD' → epoch day for strings this module produced. */
export function parseIsoFast(s: string): number {
  const y = (s.charCodeAt(0) - 48) * 1000 + (s.charCodeAt(1) - 48) * 100 + (s.charCodeAt(2) - 48) * 10 + (s.charCodeAt(3) - 48);
  const m = (s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48);
  const d = (s.charCodeAt(8) - 48) * 10 + (s.charCodeAt(9) - 48);
  return epochDayOf(y, m, d);
}

