// Personal data on public paths (docs/domain/03-publicity.md §3.5): the one policy and the one detector every public
// output and the ingest screen use.
//
// Policy (docs/OPERATIONS.md "个人信息保护（公开页面）"):
//   * ID numbers of natural persons never appear on a public page, not even partly masked: a field that holds
//     one (a catalogue field with an ID role, or one the catalogue marks 公开时脱敏) is left out, and a number
//     found in free text is replaced by one '*' per character.
//   * Mobile numbers and bank-card numbers found in free text are replaced the same way.
//   * The penalised natural person's name is shown in full or masked (刘*) as PUBLIC_PERSON_NAME says
//     (default full); other natural persons' names (an individual business's operator) are never shown.
//
// Detector API (the one detector of natural persons' numbers in free text: public output scrubs with it, the
// ingest screen (src/domains/ingest/screen.ts, validate.ts, rejects.ts) refuses, warns and masks with it):
//   findPersonalNumbers(text, opts?) → [{ kind: 'id' | 'bank_card' | 'mobile', value, start, end }], offsets
//     into `text` (UTF-16 code units, end exclusive), left to right, not overlapping; `value` is the number as
//     ASCII digits (and X), separators and a +86 / 0086 / 86 prefix removed.
//   scrubPersonalNumbers(text, opts?) → text with each such span replaced by one '*' per digit (or X): public
//     output, where not even a part of the number may show.
//   maskPersonalNumber / maskPersonalNumbersIn → the staff form (ID and card 6 + 4, mobile 3 + 4): the ingest
//     screen's messages and the rejected cells of an error file.
//   opts.decisionDate ('YYYY-MM-DD'): the record's decision date, when known (see plausibility below);
//   opts.today: "today" for the birth-date check (defaults to now; tests fix it).
// The kind names are those of the ingest reason codes and INGEST_PII_SCREEN (id, bank_card, mobile), which are
// documented and user-facing.
//
// What counts as a number, after full-width digits (０-９) and Ｘ are read as half-width:
//   * digits in groups joined by ONE separator (space, full-width space, a hyphen or dash), every group at
//     least 3 digits long, the whole not touching another letter or digit (so USCCs, 文号, licence numbers
//     with letters such as JY1630102…, decimals and dates like 2026-06-01 are not candidates). A candidate
//     of several groups is also tried group-aligned in parts ("2026 139 1234 5678" still finds the mobile).
//     Groups of 1–2 digits are not joined: "+86 139…" finds the mobile after the 86, and short groups are
//     what dates, amounts and 文号 are made of. Any grouping of ≥ 3 digits is accepted (no fixed 3-4-4 or
//     4-4-4-4 shape): people split numbers as they please, and a missed number is worse than a scrubbed one.
//   * id: 18 characters (17 digits + digit or X) passing GB 11643 (a real province, a real birth date, the
//     check character; a county missing from our region table is accepted, as the check character already
//     guards the number and our table does not hold every code ever issued), HK/Macao/Taiwan residence
//     permits (810000/820000/830000) and foreigners' permanent residence permits (9…) included; never a
//     valid USCC. Or 15 digits (first generation, no check digit): the region must be known and the 19YYMMDD
//     birth date real, and a valid 15-digit 工商注册号 (which carries its own check digit) is an enterprise's
//     code, not a person's.
//   * Plausibility against the decision date: an ID-shaped number whose "birth date" is less than one year
//     before the record's decision date (or after it) is not taken for a person's. People named in penalties,
//     permits and lists are not infants, while licence and document numbers embed their issue date or a date
//     near it (150430201805240102 on a licence decided 2018-05-24, or one decided a week later). "One year" is
//     calendar: born on or before the same day of the previous year (29 February → 28 February). Where no
//     decision date is known the number is taken for a person's.
//   * mobile: 1[3-9] + 9 digits, optionally after +86 / 0086 / 86.
//   * bank_card: 16–19 digits passing the Luhn check, starting as card numbers do (2, 3, 4, 5, 6 or 9; 2-series
//     Mastercard ranges are issued in China too); never a valid USCC or a valid ID number (checked first).
import { checkIdNumber, maskIdNumber } from './idnumber.ts';
import { checkRegNo } from './regno.ts';
import { isKnownUsccPair, isValidUscc } from './uscc.ts';

export type PersonalNumberKind = 'id' | 'bank_card' | 'mobile';

export interface PersonalNumber {
  kind: PersonalNumberKind;
  /** The number as ASCII digits (and X), separators and a country prefix removed. */
  value: string;
  /** Offset of the first character in the original text (UTF-16 code units). */
  start: number;
  /** Offset after the last character (exclusive). */
  end: number;
}

export interface DetectOptions {
  /** The record's decision date (YYYY-MM-DD): numbers "born" less than a year before it are not ID numbers. */
  decisionDate?: string | null;
  /** "Today" for the birth-date check (a birth date after today is no birth date); now when not given. */
  today?: Date;
}

/** How a natural person's name is shown on public pages (PUBLIC_PERSON_NAME). */
export type PublicPersonName = 'full' | 'masked';

// One character of the text, read as half-width: '0'-'9', 'X', a separator ' ', another letter 'a', or other '.'.
function classOf(c: number): '0' | 'X' | ' ' | 'a' | '.' {
  if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) return '0';
  if (c === 88 || c === 120 || c === 0xff38 || c === 0xff58) return 'X';
  if (c === 32 || c === 0xa0 || c === 0x3000 || c === 45 || c === 0xff0d || (c >= 0x2010 && c <= 0x2014)) return ' ';
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a)) return 'a';
  return '.';
}

/** The digit (or 'X') a character stands for, half-width. */
function halfWidth(c: number): string {
  if (c >= 0xff10 && c <= 0xff19) return String.fromCharCode(c - 0xfee0);
  if (c === 120 || c === 0xff38 || c === 0xff58) return 'X';
  return String.fromCharCode(c);
}

interface Group {
  start: number;
  end: number;
  digits: string;
}

const MOBILE = /^(?:\+?86|0086)?(1[3-9]\d{9})$/;
const CARD_START = /^[234569]/;

/** Luhn (ISO/IEC 7812) check over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The same day one year earlier ('YYYY-MM-DD'); 29 February becomes 28 February. */
function yearBefore(iso: string): string {
  const y = String(Number(iso.slice(0, 4)) - 1).padStart(4, '0');
  const md = iso.slice(5) === '02-29' ? '02-28' : iso.slice(5);
  return `${y}-${md}`;
}

/** Whether an ID-shaped number's birth date makes it a person's number on a record decided on `decisionDate`. */
function plausibleBirth(birthDate: unknown, decisionDate: string | null | undefined): boolean {
  if (typeof birthDate !== 'string') return false;
  return !decisionDate || !/^\d{4}-\d{2}-\d{2}$/.test(decisionDate) || birthDate <= yearBefore(decisionDate);
}

/** The kind of personal number `d` (half-width digits, maybe a final X) is, or null. */
function classify(d: string, o: DetectOptions): PersonalNumberKind | null {
  const n = d.length;
  if (isIdNumber(d, o)) return 'id';
  if (d.includes('X')) return null;
  if (MOBILE.test(d)) return 'mobile';
  if (n >= 16 && n <= 19 && CARD_START.test(d) && luhnValid(d) && !(n === 18 && isValidUscc(d))) return 'bank_card';
  return null;
}

/** An 18- or 15-character ID number (or permit) of a plausible person, and no organisation's code. */
function isIdNumber(d: string, o: DetectOptions): boolean {
  const n = d.length;
  if (n === 18) {
    // Only a USCC with a known authority/category pair: since issue 13 isValidUscc accepts any pair, and 1 in 31
    // ID numbers would pass mod 31.
    if (isValidUscc(d) && isKnownUsccPair(d)) return false;
  } else if (n === 15 && !d.includes('X')) {
    if (checkRegNo(d).verdict === 'valid') return false;
  } else return false;
  const r = checkIdNumber(d, o.today ? { today: o.today } : {});
  if (r.reasons.some((x) => x.severity === 'error')) return false;
  // No check digit in the first generation: only a known region tells it from any 15 digits with a date in them.
  if (n === 15 && (r.parsed?.region as { known?: boolean } | undefined)?.known !== true) return false;
  return plausibleBirth(r.parsed?.birthDate, o.decisionDate);
}

/** Runs of digit groups joined by single separators, each run bounded by neither a letter nor a digit. */
function candidates(text: string): Group[][] {
  const out: Group[][] = [];
  let i = 0;
  const len = text.length;
  while (i < len) {
    if (classOf(text.charCodeAt(i)) !== '0') {
      i++;
      continue;
    }
    const runStart = i;
    const groups: Group[] = [];
    let ok = true;
    // A '+' right before the run is part of a +86 prefix, not a boundary problem.
    const before = runStart > 0 ? classOf(text.charCodeAt(runStart - 1)) : '.';
    if (before === 'a' || before === 'X') ok = false;
    // Digits after a decimal point are a fraction. (Commas need no rule: thousands groups are too short.)
    if (runStart > 1 && text[runStart - 1] === '.' && classOf(text.charCodeAt(runStart - 2)) === '0') ok = false;
    for (;;) {
      const gs = i;
      let digits = '';
      while (i < len && classOf(text.charCodeAt(i)) === '0') digits += halfWidth(text.charCodeAt(i++));
      // An X ends an ID number: it belongs to the group, and the run ends with it.
      let endsWithX = false;
      if (i < len && classOf(text.charCodeAt(i)) === 'X') {
        digits += 'X';
        i++;
        endsWithX = true;
      }
      groups.push({ start: gs, end: i, digits });
      if (endsWithX) break;
      // One separator, then another group of at least 3 digits, continues the run.
      if (i + 1 < len && classOf(text.charCodeAt(i)) === ' ' && classOf(text.charCodeAt(i + 1)) === '0') {
        let k = i + 1;
        while (k < len && classOf(text.charCodeAt(k)) === '0') k++;
        if (k - (i + 1) >= 3 && digits.length >= 3) {
          i++;
          continue;
        }
      }
      break;
    }
    const after = i < len ? classOf(text.charCodeAt(i)) : '.';
    if (after === 'a' || after === 'X' || after === '0') ok = false;
    if (i + 1 < len && text[i] === '.' && classOf(text.charCodeAt(i + 1)) === '0') ok = false;
    if (ok) out.push(groups);
    // Skip the rest of a rejected alphanumeric token.
    while (i < len && (classOf(text.charCodeAt(i)) === '0' || classOf(text.charCodeAt(i)) === 'a' || classOf(text.charCodeAt(i)) === 'X')) i++;
  }
  return out;
}

/** Fewer digits than the shortest personal number (an 11-digit mobile): nothing to look at. */
function tooFewDigits(text: string): boolean {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) {
      if (++n >= 11) return false;
    }
  }
  return true;
}

/** Every ID, mobile and bank-card number in `text`, left to right (see the header for what counts). */
export function findPersonalNumbers(text: string, opts: DetectOptions = {}): PersonalNumber[] {
  if (tooFewDigits(text)) return [];
  const found: PersonalNumber[] = [];
  for (const groups of candidates(text)) {
    // The longest group-aligned part that is a personal number, from the left.
    let a = 0;
    while (a < groups.length) {
      let hit = false;
      // A 19-digit card in groups of 3 or more has at most 6 of them.
      for (let b = Math.min(groups.length - 1, a + 6); b >= a; b--) {
        const d = groups
          .slice(a, b + 1)
          .map((g) => g.digits)
          .join('');
        if (d.length < 11) break;
        const kind = classify(d, opts);
        if (kind) {
          let start = groups[a].start;
          // Show a +86 prefix as part of the mobile number.
          if (kind === 'mobile' && a === 0 && start > 0 && text[start - 1] === '+') start--;
          found.push({ kind, value: kind === 'mobile' ? d.slice(-11) : d, start, end: groups[b].end });
          a = b + 1;
          hit = true;
          break;
        }
      }
      if (!hit) a++;
    }
  }
  return found;
}

/** `text` with every personal number replaced by one '*' per digit (or X); separators go with the number. */
export function scrubPersonalNumbers(text: string, opts: DetectOptions = {}): string {
  const found = findPersonalNumbers(text, opts);
  if (!found.length) return text;
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start);
    let stars = 0;
    for (let i = f.start; i < f.end; i++) {
      const k = classOf(text.charCodeAt(i));
      if (k === '0' || k === 'X') stars++;
    }
    out += '*'.repeat(stars);
    at = f.end;
  }
  return out + text.slice(at);
}

/** The staff form of a found number (never for public pages): ID and bank card 6 + 4, mobile 3 + 4. */
export function maskPersonalNumber(p: Pick<PersonalNumber, 'kind' | 'value'>): string {
  if (p.kind === 'mobile') return `${p.value.slice(0, 3)}****${p.value.slice(-4)}`;
  return maskIdNumber(p.value);
}

/** `text` with each of `found` (from findPersonalNumbers on the same text) replaced by its staff form. */
export function maskPersonalNumbersIn(text: string, found: readonly PersonalNumber[]): string {
  if (!found.length) return text;
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + maskPersonalNumber(f);
    at = f.end;
  }
  return out + text.slice(at);
}

/** A natural person's name masked for public pages: the surname character kept, the rest as '*' (刘*). */
export function maskPersonName(name: string): string {
  const cs = [...name.trim()];
  if (!cs.length) return '*';
  return /\p{Script=Han}/u.test(cs[0]) ? cs[0] + '*'.repeat(Math.max(1, cs.length - 1)) : '*'.repeat(Math.max(2, cs.length));
}

/** The penalised natural person's name as public pages show it under the setting, scrubbed of numbers. */
export function publicPersonName(name: string, setting: PublicPersonName): string {
  const scrubbed = scrubPersonalNumbers(name);
  // A name that was only a number (an upload put the ID number there) is all '*' already.
  if (setting === 'full' || /^\*+$/.test(scrubbed)) return scrubbed;
  return maskPersonName(scrubbed);
}
