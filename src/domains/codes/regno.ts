// Old business registration number (工商注册号, GS 15-2006): 6-digit registration authority code,
// 8-digit sequence, 1 check digit (ISO 7064 MOD 11,10). Replaced by the USCC since 2015, but old
// records still carry it, so imports must recognise it and route it to the legacy-code links.
import { normalize, showChar } from './normalize.ts';
import { parsedRegion } from './regions.ts';
import { err, info, result, warn, type CodeResult, type Reason } from './types.ts';

/** ISO 7064 MOD 11,10 check digit for the first 14 digits; throws if they are not 14 digits. */
export function regNoCheckDigit(first14: string): string {
  if (first14.length !== 14) throw new RangeError('工商注册号前 14 位应为数字');
  let p = 10;
  for (let i = 0; i < 14; i++) {
    const d = first14.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new RangeError('工商注册号前 14 位应为数字');
    const s = (p + d) % 10 || 10;
    p = (s * 2) % 11;
  }
  // The check digit c makes (p + c) mod 10 equal 1.
  return String((11 - p) % 10);
}

/**
 * True for a farmers' cooperative registration number: region (6 digits) + "NA" + 6-digit
 * sequence + "X", as issued by the registration authorities under the 农民专业合作社登记管理条例
 * (2007) before the USCC. These carry no MOD 11,10 check digit.
 */
function isCooperativeRegNo(s: string): boolean {
  if (s.length !== 15 || s.charCodeAt(6) !== 78 /* N */ || s.charCodeAt(7) !== 65 /* A */ || s.charCodeAt(14) !== 88 /* X */) {
    return false;
  }
  for (let i = 0; i < 14; i++) {
    if (i === 6 || i === 7) continue;
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** True when s is non-empty and all ASCII digits. */
function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

/**
 * Checks an old business registration number and marks it as a legacy identifier. Three lawful
 * shapes: the 15-digit GS 15-2006 number (checked), the farmers' cooperative number
 * (region + NA + 6 digits + X) and the 13-digit number issued before 2007 (no check digit).
 */
export function checkRegNo(input: string): CodeResult {
  const n = normalize(input);
  const reasons: Reason[] = [...n.reasons];
  const s = n.value;
  if (n.fatal) return result(input, s, 'regno', reasons);
  const parsed: Record<string, unknown> = {};
  const region = (code6: string) => {
    const r = parsedRegion(code6);
    parsed.region = r;
    if (!r.known) {
      reasons.push(warn('unknown_region', `第 1–6 位登记机关行政区划码 ${code6} 不在已知的现行或历史区划代码表中，请核实`));
    }
  };
  if (isCooperativeRegNo(s)) {
    region(s.slice(0, 6));
    parsed.format = 'cooperative';
    reasons.push(
      info('legacy_cooperative_regno', '农民专业合作社注册号（登记机关区划码 + NA + 6 位顺序号 + X），依法颁发，无校验位'),
      info('legacy_identifier', '旧版工商注册号，已由统一社会信用代码取代，请关联对应的统一社会信用代码'),
    );
    return result(input, s, 'regno', reasons, parsed);
  }
  if (s.length === 13 && allDigits(s)) {
    region(s.slice(0, 6));
    parsed.format = 'gs13';
    reasons.push(
      warn('legacy_regno_13', '2007 年以前的 13 位工商注册号（登记机关区划码 + 7 位顺序号），依法颁发但无校验位，无法核验，请补充统一社会信用代码'),
      info('legacy_identifier', '旧版工商注册号，已由统一社会信用代码取代，请关联对应的统一社会信用代码'),
    );
    return result(input, s, 'regno', reasons, parsed);
  }
  if (s.length !== 15) {
    reasons.push(err('length_mismatch', `工商注册号应为 15 位（或 2007 年以前的 13 位）数字，实际为 ${s.length} 位`));
    return result(input, s, 'regno', reasons);
  }
  // One reason for all bad characters: a list of positions reads better than one line each.
  const bad: string[] = [];
  for (let i = 0; i < 15; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) bad.push(`第 ${i + 1} 位${showChar(s[i])}`);
  }
  if (bad.length) {
    reasons.push(
      err('invalid_char', `${bad.join('、')}不合规：工商注册号只能是数字（农民专业合作社注册号为区划码 + NA + 6 位数字 + X）`),
    );
    return result(input, s, 'regno', reasons);
  }

  region(s.slice(0, 6));
  parsed.format = 'gs15';
  const expected = regNoCheckDigit(s.slice(0, 14));
  parsed.checkChar = s[14];
  parsed.expectedCheckChar = expected;
  if (expected !== s[14]) reasons.push(err('check_char_mismatch', `校验码应为 ${expected}，实际为 ${s[14]}`));
  reasons.push(info('legacy_identifier', '旧版工商注册号，已由统一社会信用代码取代，请关联对应的统一社会信用代码'));
  return result(input, s, 'regno', reasons, parsed);
}
