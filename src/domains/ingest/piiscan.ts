// A minimal detector of natural persons' numbers in free text (issue 11 §5): resident ID numbers (18 and 15
// digits, HK/Macao/Taiwan and foreigner permits), mainland mobile numbers and bank card numbers, written with
// half- or full-width digits and with spaces or dashes between digit groups. It stands in for the shared
// detector of src/platform/pii.ts (another branch); its one entry point, findPersonalNumbers, is what the
// ingest screen calls, so swapping it for the shared one touches only this file.
import { checkIdNumber, checkRegNo, isValidUscc, maskIdNumber } from '../codes/index.ts';

export type PersonalNumberKind = 'id' | 'bank_card' | 'mobile';

export interface PersonalNumber {
  kind: PersonalNumberKind;
  /** The digits (and X) as ASCII, separators removed. */
  value: string;
  /** The span in the text, separators and full-width digits included. */
  start: number;
  end: number;
}

export interface ScanOptions {
  /** "Today", for ID birth dates. */
  today: Date;
  /**
   * The row's decision date as an epoch day (days since 1970-01-01), or NaN. A number whose "birth date" is
   * less than a year before the decision is not taken for a person's ID: people named in a decision are not
   * newborns, while licence and document numbers often embed their own date (150430 20180524 0102).
   */
  decisionDay?: number;
}

const DAY_MS = 86_400_000;

/** ASCII digit value of a half- or full-width digit, else -1. */
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 0xff10 && c <= 0xff19) return c - 0xff10;
  return -1;
}

const isX = (c: number) => c === 88 || c === 120 || c === 0xff38 || c === 0xff58;
/** Spaces and dashes that people put between digit groups (half and full width). */
const isSeparator = (c: number) => c === 32 || c === 0x3000 || c === 0xa0 || c === 45 || c === 0xff0d || c === 0x2010 || c === 0x2011 || c === 0x2013;
/** A character that makes a digit run part of a longer code (ASCII or full-width letter or digit). */
function isCodeChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a);
}

interface Group {
  start: number;
  end: number;
  digits: string;
  /** Ends in an X check character (only an ID's last group may). */
  x: boolean;
}

/** Luhn check of a digit string (bank card numbers, ISO/IEC 7812). */
export function luhnValid(d: string): boolean {
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let v = d.charCodeAt(d.length - 1 - i) - 48;
    if (i % 2 === 1) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return sum % 10 === 0;
}

function birthPlausible(birthIso: unknown, o: ScanOptions): boolean {
  if (typeof birthIso !== 'string') return false;
  if (o.decisionDay === undefined || Number.isNaN(o.decisionDay)) return true;
  const birthDay = Date.parse(`${birthIso}T00:00:00Z`) / DAY_MS;
  return birthDay <= o.decisionDay - 365;
}

/** An ID number (18 or 15 characters) that is a real, plausible number and no organisation's code. */
function isIdNumber(v: string, o: ScanOptions): boolean {
  if (v.length === 18) {
    if (isValidUscc(v)) return false;
    const r = checkIdNumber(v, { today: o.today });
    if (r.verdict === 'invalid' || (r.kind !== 'id' && r.kind !== 'hmt_permit' && r.kind !== 'foreign_permit')) return false;
    // Permits for foreigners carry no region to check; ID numbers must have a known region.
    if (r.kind === 'id' && (r.parsed?.region as { known?: boolean } | undefined)?.known !== true) return false;
    return birthPlausible(r.parsed?.birthDate, o);
  }
  if (v.length === 15) {
    // A first-generation number has no check digit: a known region and a real date are required, and a
    // valid 15-digit registration number (工商注册号, with its own check digit) is an enterprise's code.
    if (checkRegNo(v).verdict === 'valid') return false;
    const r = checkIdNumber(v, { today: o.today });
    if (r.verdict === 'invalid' || r.kind !== 'id15') return false;
    if ((r.parsed?.region as { known?: boolean } | undefined)?.known !== true) return false;
    return birthPlausible(r.parsed?.birthDate, o);
  }
  return false;
}

/** Mainland mobile number: 11 digits from 13–19, optionally after the country code 86. */
function isMobile(v: string): boolean {
  const m = v.length === 13 && v.startsWith('86') ? v.slice(2) : v;
  return m.length === 11 && m.charCodeAt(0) === 49 && m.charCodeAt(1) >= 51;
}

/** Bank card: 16–19 digits, an issuer prefix used by cards in China (3/4/5/6/9), Luhn. */
function isBankCard(v: string): boolean {
  if (v.length < 16 || v.length > 19) return false;
  const c = v.charCodeAt(0);
  if (!(c === 51 || c === 52 || c === 53 || c === 54 || c === 57)) return false;
  return luhnValid(v);
}

/**
 * Every ID number, bank card and mobile number in a text, left to right, without overlaps. A candidate is a
 * run of one or more digit groups joined by single spaces or dashes, standing alone (no letter or digit
 * glued to either end). Grouped mobiles must look like 3-4-4 or 3-8, grouped cards like groups of four.
 */
export function findPersonalNumbers(text: string, o: ScanOptions): PersonalNumber[] {
  // Cheap exit: fewer than 11 digits cannot hold any of these numbers.
  let count = 0;
  for (let i = 0; i < text.length && count < 11; i++) if (digitAt(text, i) >= 0) count++;
  if (count < 11) return [];
  const found: PersonalNumber[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (digitAt(text, i) < 0) {
      i++;
      continue;
    }
    // A chain of digit groups separated by single separators.
    const chainStart = i;
    const groups: Group[] = [];
    for (;;) {
      const start = i;
      let digits = '';
      let d: number;
      while (i < n && (d = digitAt(text, i)) >= 0) {
        digits += String.fromCharCode(48 + d);
        i++;
      }
      let x = false;
      if (i < n && isX(text.charCodeAt(i)) && !(i + 1 < n && isCodeChar(text.charCodeAt(i + 1)))) {
        x = true;
        i++;
      }
      groups.push({ start, end: i, digits, x });
      if (!x && i + 1 < n && isSeparator(text.charCodeAt(i)) && digitAt(text, i + 1) >= 0) {
        i++;
        continue;
      }
      break;
    }
    const gluedStart = chainStart > 0 && isCodeChar(text.charCodeAt(chainStart - 1));
    const gluedEnd = i < n && isCodeChar(text.charCodeAt(i));
    found.push(...scanChain(groups, gluedStart, gluedEnd, o));
  }
  return found;
}

/** The numbers in one chain of groups; a chain end glued to a letter or digit cannot start or end a number. */
function scanChain(groups: readonly Group[], gluedStart: boolean, gluedEnd: boolean, o: ScanOptions): PersonalNumber[] {
  const out: PersonalNumber[] = [];
  let a = 0;
  while (a < groups.length) {
    let hit: { kind: PersonalNumberKind; b: number; value: string } | null = null;
    let value = '';
    for (let b = a; b < groups.length && !hit; b++) {
      const g = groups[b];
      value += g.digits;
      if (value.length > 19) break;
      if ((a === 0 && gluedStart) || (b === groups.length - 1 && gluedEnd)) {
        if (g.x) break;
        continue;
      }
      const sizes = groups.slice(a, b + 1).map((x) => x.digits.length);
      if (g.x) {
        if (value.length === 17 && isIdNumber(value + 'X', o)) hit = { kind: 'id', b, value: value + 'X' };
        break;
      }
      // A valid USCC is an organisation's code, whatever else its digits would pass for.
      if (value.length === 18 && isValidUscc(value)) continue;
      if ((value.length === 18 || value.length === 15) && isIdNumber(value, o)) hit = { kind: 'id', b, value };
      else if (isBankCard(value) && (sizes.length === 1 || sizes.slice(0, -1).every((s) => s === 4))) hit = { kind: 'bank_card', b, value };
      else if (isMobile(value) && (sizes.length === 1 || sizes.join('-') === '3-4-4' || sizes.join('-') === '3-8' || sizes.join('-') === '2-3-4-4' || sizes.join('-') === '2-11')) {
        hit = { kind: 'mobile', b, value: value.length === 13 ? value.slice(2) : value };
      }
    }
    if (hit) {
      out.push({ kind: hit.kind, value: hit.value, start: groups[a].start, end: groups[hit.b].end });
      a = hit.b + 1;
    } else a++;
  }
  return out;
}

/** The masked form of a found number for staff (never public pages): ID 6+4, card 6+4, mobile 3+4. */
export function maskPersonalNumber(p: Pick<PersonalNumber, 'kind' | 'value'>): string {
  if (p.kind === 'mobile') return `${p.value.slice(0, 3)}****${p.value.slice(-4)}`;
  return maskIdNumber(p.value);
}

/** The text with every found number replaced by its masked form (see maskPersonalNumber). */
export function maskPersonalNumbersIn(text: string, found: readonly PersonalNumber[]): string {
  if (!found.length) return text;
  let out = '';
  let last = 0;
  for (const f of found) {
    out += text.slice(last, f.start) + maskPersonalNumber(f);
    last = f.end;
  }
  return out + text.slice(last);
}
