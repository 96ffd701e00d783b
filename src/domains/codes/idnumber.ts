// Citizen identity numbers (公民身份号码, GB 11643-1999) and the permits that share their format:
// HK/Macao/Taiwan residence permits (810000/820000/830000) and the foreigner permanent-residence
// number (9-prefixed, 2023 format). The check character is ISO 7064 MOD 11-2.
import { normalize, showChar } from './normalize.ts';
import { currentCountyCodes, isProvinceCode, lookupRegion, parsedRegion } from './regions.ts';
import { err, info, result, warn, type CodeKind, type CodeResult, type Reason } from './types.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

// Older than any recorded person: a birth year before this is a typo, not a date.
const EARLIEST_BIRTH_YEAR = 1850;

const PERMIT_ISSUERS: Record<string, string> = {
  '810000': '香港居民',
  '820000': '澳门居民',
  '830000': '台湾居民',
};

/** True when the first n characters of s are ASCII digits. */
function digits(s: string, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** ISO 7064 MOD 11-2 check character for 17 digits; throws if they are not 17 digits. */
export function idCheckChar(first17: string): string {
  if (first17.length !== 17 || !digits(first17, 17)) throw new RangeError('身份证号码前 17 位应为数字');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/** Converts a first-generation 15-digit number to 18 digits (century 19, plus check character). */
export function convertId15To18(id15: string): string {
  const s = id15.trim();
  if (s.length !== 15 || !digits(s, 15)) throw new RangeError('第一代身份证号码应为 15 位数字');
  const first17 = s.slice(0, 6) + '19' + s.slice(6);
  return first17 + idCheckChar(first17);
}

/** Masks an ID number for public pages: first 6 and last 4 visible, '*' between (docs/domain/03-publicity.md §3.5). */
export function maskIdNumber(s: string): string {
  const t = s.trim();
  // Keeping 10 characters of a string that short would show all of it.
  if (t.length <= 10) return '*'.repeat(t.length);
  return t.slice(0, 6) + '*'.repeat(t.length - 10) + t.slice(-4);
}

/** Today's date as YYYYMMDD in China Standard Time, where the numbers are issued. */
function todayYmd(today: Date): number {
  const d = new Date(today.getTime() + 8 * 3600_000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** Days in a month of the proleptic Gregorian calendar. */
function daysIn(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Checks a YYYYMMDD birth date; pushes the reasons and returns the ISO date when it is real. */
function checkBirth(ymd: string, today: Date, reasons: Reason[]): string | undefined {
  const y = Number(ymd.slice(0, 4));
  const m = Number(ymd.slice(4, 6));
  const d = Number(ymd.slice(6, 8));
  if (m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) {
    reasons.push(err('invalid_birth_date', `出生日期 ${ymd} 不是有效日期`));
    return undefined;
  }
  if (y < EARLIEST_BIRTH_YEAR) {
    reasons.push(err('birth_date_too_early', `出生年份 ${y} 早于 ${EARLIEST_BIRTH_YEAR} 年，不可能是真实出生日期`));
    return undefined;
  }
  if (Number(ymd) > todayYmd(today)) {
    reasons.push(err('birth_date_in_future', `出生日期 ${ymd} 晚于今天`));
    return undefined;
  }
  return `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
}

/** Looks up the address code; unknown is a warning (codes predate or escape our table), never a rejection. */
function checkAddress(code6: string, reasons: Reason[], parsed: Record<string, unknown>): void {
  if (!isProvinceCode(code6.slice(0, 2))) {
    reasons.push(err('invalid_province', `前两位“${code6.slice(0, 2)}”不是省级行政区划代码`));
    return;
  }
  const region = parsedRegion(code6);
  parsed.region = region;
  if (!region.known) {
    reasons.push(warn('unknown_region', `地址码 ${code6} 不在已知的现行或历史区划代码表中，请核实`));
  } else if (region.historical) {
    reasons.push(info('historical_region', `地址码 ${code6}（${region.fullName}）是已撤销或调整的历史代码，号码本身仍然有效`));
  }
}

/** Checks an 18-digit ID number, a 15-digit first-generation number, or an HMT/foreigner permit. */
export function checkIdNumber(input: string, opts: { today?: Date } = {}): CodeResult {
  const today = opts.today ?? new Date();
  const n = normalize(input);
  const reasons: Reason[] = [...n.reasons];
  const s = n.value;
  if (n.fatal) return result(input, s, 'id', reasons);

  if (s.length !== 18 && s.length !== 15) {
    reasons.push(err('length_mismatch', `身份证号码应为 18 位（第一代为 15 位），实际为 ${s.length} 位`));
    return result(input, s, 'id', reasons);
  }
  const len = s.length;
  let bad = false;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (len === 18 && i === 17 && c === 88); // X only as check char
    if (!ok) {
      bad = true;
      const allowed = len === 18 && i === 17 ? '数字或 X' : '数字';
      reasons.push(err('invalid_char', `第 ${i + 1} 位字符${showChar(s[i])}不合规，此处只能是${allowed}`));
    }
  }
  if (bad) return result(input, s, len === 15 ? 'id15' : 'id', reasons);

  const parsed: Record<string, unknown> = {};
  if (len === 15) {
    const birth = checkBirth('19' + s.slice(6, 12), today, reasons);
    checkAddress(s.slice(0, 6), reasons, parsed);
    if (birth) parsed.birthDate = birth;
    parsed.gender = Number(s[14]) % 2 === 1 ? '男' : '女';
    if (reasons.some((r) => r.severity === 'error')) return result(input, s, 'id15', reasons, parsed);
    const id18 = convertId15To18(s);
    parsed.id18 = id18;
    reasons.push(info('legacy_identifier', `第一代 15 位身份证号码，对应的 18 位号码为 ${id18}`));
    return result(input, s, 'id15', reasons, parsed);
  }

  const first6 = s.slice(0, 6);
  let kind: CodeKind = 'id';
  if (PERMIT_ISSUERS[first6]) {
    kind = 'hmt_permit';
    parsed.holder = PERMIT_ISSUERS[first6];
  } else if (s[0] === '9') {
    kind = 'foreign_permit';
    // 2023 format: 9, province of the accepting authority (2), nationality (3, ISO 3166-1 numeric).
    const province = lookupRegion(s.slice(1, 3) + '0000');
    parsed.acceptingProvince = province ? { code: province.code, name: province.name } : { code: s.slice(1, 3) + '0000', known: false };
    parsed.nationalityCode = s.slice(3, 6);
    if (!province || !isProvinceCode(s.slice(1, 3))) {
      reasons.push(warn('unknown_region', `第 2–3 位受理地省级代码“${s.slice(1, 3)}”不是已知的省级行政区划代码，请核实`));
    }
  } else {
    checkAddress(first6, reasons, parsed);
  }
  const birth = checkBirth(s.slice(6, 14), today, reasons);
  if (birth) parsed.birthDate = birth;
  parsed.gender = Number(s[16]) % 2 === 1 ? '男' : '女';
  const expected = idCheckChar(s.slice(0, 17));
  parsed.checkChar = s[17];
  parsed.expectedCheckChar = expected;
  if (expected !== s[17]) reasons.push(err('check_char_mismatch', `校验码应为 ${expected}，实际为 ${s[17]}`));
  return result(input, s, kind, reasons, parsed);
}

/** Generates a valid 18-digit ID number for demo data and tests (birth 1940–2005 unless given). */
export function generateIdNumber(rng: () => number, opts: { region?: string; birth?: Date } = {}): string {
  const pick = (n: number) => Math.floor(rng() * n);
  let region = opts.region;
  if (region === undefined) {
    pool ??= currentCountyCodes().filter((c) => isProvinceCode(c.slice(0, 2)) && !/^(71|81|82)/.test(c));
    region = pool[pick(pool.length)];
  }
  const birth = opts.birth ?? new Date(Date.UTC(1940, 0, 1) + pick(66 * 365) * 86400_000);
  const ymd =
    String(birth.getUTCFullYear()).padStart(4, '0') +
    String(birth.getUTCMonth() + 1).padStart(2, '0') +
    String(birth.getUTCDate()).padStart(2, '0');
  const first17 = region + ymd + String(pick(1000)).padStart(3, '0');
  return first17 + idCheckChar(first17);
}
let pool: string[] | undefined;
