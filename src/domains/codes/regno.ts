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

/** Checks an old 15-digit business registration number and marks it as a legacy identifier. */
export function checkRegNo(input: string): CodeResult {
  const n = normalize(input);
  const reasons: Reason[] = [...n.reasons];
  const s = n.value;
  if (n.fatal) return result(input, s, 'regno', reasons);
  if (s.length !== 15) {
    reasons.push(err('length_mismatch', `工商注册号应为 15 位数字，实际为 ${s.length} 位`));
    return result(input, s, 'regno', reasons);
  }
  let bad = false;
  for (let i = 0; i < 15; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) {
      bad = true;
      reasons.push(err('invalid_char', `第 ${i + 1} 位字符${showChar(s[i])}不合规，工商注册号只能是数字`));
    }
  }
  if (bad) return result(input, s, 'regno', reasons);

  const parsed: Record<string, unknown> = {};
  const code6 = s.slice(0, 6);
  const region = parsedRegion(code6);
  parsed.region = region;
  if (!region.known) {
    reasons.push(warn('unknown_region', `第 1–6 位登记机关行政区划码 ${code6} 不在已知的现行或历史区划代码表中，请核实`));
  }
  const expected = regNoCheckDigit(s.slice(0, 14));
  parsed.checkChar = s[14];
  parsed.expectedCheckChar = expected;
  if (expected !== s[14]) reasons.push(err('check_char_mismatch', `校验码应为 ${expected}，实际为 ${s[14]}`));
  reasons.push(info('legacy_identifier', '旧版工商注册号，已由统一社会信用代码取代，请关联对应的统一社会信用代码'));
  return result(input, s, 'regno', reasons, parsed);
}
