// Chinese name search, the pure part: name and query normalisation, character bigrams, pinyin initials,
// LIKE/tsquery escaping and the opaque page cursor (ARCHITECTURE.md "Chinese name search").
//
// One normalisation serves the stored names and the queries, so that a fragment of a name always
// normalises to a fragment of the normalised name:
//   1. NFKC (full-width letters, digits and brackets become half-width, compatibility ideographs unified);
//   2. ASCII upper case → lower case; bracket, middle-dot and dash variants unified; whitespace and
//      zero-width characters removed (FOLD_* and DROP below);
//   3. traditional → simplified, character by character, with opencc-js's HK/TW variant and
//      traditional→simplified character tables.
// Steps 1–2 also exist in SQL as subject_name_norm() (migration 20261128T1300_subject_search.sql), so that
// rows inserted by any path are searchable at once; search.test.ts checks that both agree. Step 3 and the
// pinyin initials need JS and are added by the backfill (subjects.service.ts).
// Step 3 is character-level on purpose: opencc's phrase tables convert a character differently depending
// on its neighbours, so a fragment could convert differently from the same characters inside the full name.
import { createHash } from 'node:crypto';
import * as Locale from 'opencc-js/preset/t2cn';
import { pinyin } from 'pinyin-pro';
import { AppError } from '../../platform/errors.ts';

/** A query needs at least this many characters after normalisation (one bigram). */
export const MIN_QUERY_CHARS = 2;
/** Longer queries are refused: no name is this long, and every character adds a bigram to the query. */
export const MAX_QUERY_CHARS = 100;
/** Results per page; also the cap above which the total is shown as "20+" (never counted exactly). */
export const PAGE_SIZE = 20;

// Kept identical to the translate() in subject_name_norm(): FOLD_FROM[i] becomes FOLD_TO[i]; DROP is removed.
// Applied after NFKC, which already maps full-width forms (（ → (, ［ → [, Ａ → A, U+3000 → space, …).
export const FOLD_FROM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ[]{}〔〕【】〖〗〘〙・•‧∙⋅‐‒–—―−';
export const FOLD_TO = 'abcdefghijklmnopqrstuvwxyz()()()()()()·····------';
export const DROP = ' \t\n\v\f\r\u0085\u1680\u180e\u200b\u200c\u200d\u2028\u2029\u2060\ufeff';

const FOLD = new Map<string, string>();
{
  const from = [...FOLD_FROM];
  const to = [...FOLD_TO];
  if (from.length !== to.length) throw new Error('FOLD_FROM and FOLD_TO differ in length');
  from.forEach((c, i) => FOLD.set(c, to[i]));
  for (const c of DROP) FOLD.set(c, '');
}

/** Steps 1–2 of the normalisation: exactly what SQL subject_name_norm() computes. */
export function normalizeNameLite(s: string): string {
  const n = s.normalize('NFKC');
  let out = '';
  for (const c of n) out += FOLD.get(c) ?? c;
  return out;
}

// Traditional → simplified, per character: variant forms (HK/TW) to OpenCC's standard traditional, then to
// simplified; repeated to a fixed point so that the mapping is idempotent (e.g. 麼 → 么 → 幺).
let t2s: Map<string, string> | undefined;

function addDict(d: unknown, into: Map<string, string>): void {
  const entries: Array<readonly [string, string]> =
    typeof d === 'string' ? d.split('|').map((e) => e.split(' ') as unknown as readonly [string, string]) : (d as Array<readonly [string, string]>);
  for (const [k, v] of entries) {
    // Single characters only; the first candidate wins, as in opencc.
    if (k && v && [...k].length === 1 && !into.has(k)) into.set(k, [...v][0]);
  }
}

function t2sTable(): Map<string, string> {
  if (t2s) return t2s;
  const variants = new Map<string, string>();
  const chars = new Map<string, string>();
  for (const group of [...Locale.from.hk, ...Locale.from.tw]) for (const d of group) addDict(d, variants);
  for (const group of Locale.to.cn) for (const d of group) addDict(d, chars);
  const step = (c: string) => {
    const v = variants.get(c) ?? c;
    return chars.get(v) ?? v;
  };
  const table = new Map<string, string>();
  for (const k of new Set([...variants.keys(), ...chars.keys()])) {
    let c = k;
    for (let i = 0; i < 4; i++) {
      const next = step(c);
      if (next === c) break;
      c = next;
    }
    if (c !== k) table.set(k, c);
  }
  t2s = table;
  return table;
}

/** Traditional → simplified, character by character (idempotent). */
export function toSimplified(s: string): string {
  const table = t2sTable();
  let out = '';
  for (const c of s) out += table.get(c) ?? c;
  return out;
}

/** The full normalisation of a name or a query (stored as subjects.name_norm). */
export function normalizeName(s: string): string {
  return toSimplified(normalizeNameLite(s));
}

/** 拼音首字母 of a normalised name: one letter per Chinese character, ASCII letters and digits kept. */
export function pinyinInitials(norm: string): string {
  if (!norm) return '';
  const parts = pinyin(norm, { pattern: 'first', toneType: 'none', type: 'array' });
  let out = '';
  for (const p of parts) {
    const c = (p[0] ?? '').toLowerCase();
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  }
  return out;
}

/** Both JS-computed search columns of a name, as the backfill stores them. */
export function searchColumns(name: string): { nameNorm: string; pinyinInitials: string } {
  const nameNorm = normalizeName(name);
  let initials = '';
  try {
    initials = pinyinInitials(nameNorm);
  } catch {
    // A name pinyin-pro cannot read still gets its normalised name; '' marks it as done.
  }
  return { nameNorm, pinyinInitials: initials };
}

/** Overlapping two-character pieces (by code point, as PostgreSQL's substr counts), without repeats. */
export function bigrams(norm: string): string[] {
  const cs = [...norm];
  const out = new Set<string>();
  for (let i = 0; i + 1 < cs.length; i++) out.add(cs[i] + cs[i + 1]);
  return [...out];
}

/** A lexeme as tsvector/tsquery text: quoted, with quotes and backslashes doubled. */
const quoteLexeme = (l: string): string => `'${l.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * The tsvector text of a normalised name's bigrams, as SQL subject_name_bigrams(norm) builds them, for bulk
 * inserts that supply name_bigrams themselves (migration 20261128T1900); PostgreSQL parses this text far
 * faster than it runs the SQL function per row.
 */
export const bigramsTsvector = (norm: string): string => bigrams(norm).map(quoteLexeme).join(' ');

/** A tsquery text that ANDs the given lexemes verbatim (quoted; quotes and backslashes doubled). */
export function toTsquery(lexemes: readonly string[]): string {
  return lexemes.map(quoteLexeme).join(' & ');
}

/** Escapes LIKE metacharacters (% _ and the escape character \) so the text matches literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The 18-character USCC alphabet (GB 32100: no I, O, S, V, Z). */
const USCC_RE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
/** Organisation code (GB 11714), 8 + check character, hyphen removed. */
const ORG_RE = /^[0-9A-Z]{8}[0-9X]$/;
/** Old business registration numbers: 15 digits (GS 15-2006), 13 digits before it. */
const REGNO_RE = /^(\d{13}|\d{15})$/;

export interface SearchQuery {
  /** The normalised query. */
  norm: string;
  /** GIN pre-filter: every bigram of the query. */
  tsquery: string;
  /** LIKE patterns over name_norm, escaped. */
  prefixPattern: string;
  containsPattern: string;
  /** Exact code look-ups the query could be. */
  uscc: string | null;
  orgCode: string | null;
  regNo: string | null;
  /** LIKE prefix pattern over pinyin_initials when the query is only letters, else null. */
  pinyinPattern: string | null;
}

/** Normalises and checks a public query; throws a 400 with a Chinese message when it cannot be searched. */
export function parseQuery(raw: string): SearchQuery {
  const norm = normalizeName(raw);
  const chars = [...norm].length;
  if (chars < MIN_QUERY_CHARS) {
    throw new AppError('query_too_short', `请输入至少 ${MIN_QUERY_CHARS} 个字（汉字、字母或数字）再查询`, 400, { min: MIN_QUERY_CHARS });
  }
  if (chars > MAX_QUERY_CHARS) {
    throw new AppError('query_too_long', `查询内容过长，最多 ${MAX_QUERY_CHARS} 个字`, 400, { max: MAX_QUERY_CHARS });
  }
  // Codes: the same folding, upper case, hyphens dropped (D2143569-X, full-width or lower-case input).
  const code = normalizeNameLite(raw).toUpperCase().replace(/-/g, '');
  const escaped = escapeLike(norm);
  return {
    norm,
    tsquery: toTsquery(bigrams(norm)),
    prefixPattern: `${escaped}%`,
    containsPattern: `%${escaped}%`,
    uscc: USCC_RE.test(code) ? code : null,
    orgCode: ORG_RE.test(code) ? code : null,
    regNo: REGNO_RE.test(code) ? code : null,
    pinyinPattern: /^[a-z]+$/.test(norm) ? `${norm}%` : null,
  };
}

// ── Cursor ──────────────────────────────────────────────────────────────────────────────────────────
// Results come in tiers, each in a stable order, so a page ends at (tier, sort key, id):
//   0 exact code (USCC, organisation code, registration number), by position in that short list;
//   1 name starts with the query (the exact name sorts first), by (name_norm in C order, id);
//   2 name contains the query elsewhere, by id;
//   3 pinyin initials start with the query, by (pinyin_initials, id).

export type Tier = 0 | 1 | 2 | 3;

export interface Cursor {
  tier: Tier;
  /** Tier 1: name_norm; tier 3: pinyin_initials; tier 0: the count already shown; tier 2: ''. */
  key: string;
  id: string;
}

/** A short fingerprint of the normalised query, so a cursor cannot be replayed against another query. */
function queryTag(norm: string): string {
  return createHash('sha256').update(norm).digest('base64url').slice(0, 10);
}

/** Encodes the position after the last item of a page. */
export function encodeCursor(norm: string, c: Cursor): string {
  return Buffer.from(JSON.stringify({ q: queryTag(norm), t: c.tier, k: c.key, i: c.id })).toString('base64url');
}

const badCursor = () => new AppError('invalid_cursor', '翻页参数无效，请重新查询', 400);

/** Decodes a cursor from the client; anything malformed or from another query is a 400. */
export function decodeCursor(norm: string, raw: string): Cursor {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const o = v as { q?: unknown; t?: unknown; k?: unknown; i?: unknown };
  if (typeof o !== 'object' || o === null || typeof o.k !== 'string' || typeof o.i !== 'string') throw badCursor();
  if (o.t !== 0 && o.t !== 1 && o.t !== 2 && o.t !== 3) throw badCursor();
  // ids are bigint: at most 18 digits keeps them inside int8, so a forged cursor cannot cause a SQL error.
  if (!/^\d{1,18}$/.test(o.i) || o.k.length > 2000) throw badCursor();
  if (o.t === 0 && !/^\d{1,2}$/.test(o.k)) throw badCursor();
  if (o.q !== queryTag(norm)) throw new AppError('cursor_query_mismatch', '翻页参数与查询内容不一致，请重新查询', 400);
  return { tier: o.t, key: o.k, id: o.i };
}
