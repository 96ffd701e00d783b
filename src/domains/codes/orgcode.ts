// Organisation code (组织机构代码, GB 11714-1997): 8 body characters + 1 check character, mod 11.
import { normalize, showChar } from './normalize.ts';
import { err, info, result, type CodeResult, type Reason } from './types.ts';

const WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

// Body character values: 0-9 → 0-9, A-Z → 10-35; -1 for anything else. Indexed by char code.
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) VALUE[48 + i] = i;
for (let i = 0; i < 26; i++) VALUE[65 + i] = 10 + i;

/** Value of an org-code body character, or -1; exported for the USCC check of positions 9–17. */
export function orgCharValue(c: number): number {
  return c < 128 ? VALUE[c] : -1;
}

/** Computes the check value (0-10, 10 meaning 'X') of an 8-character body, or -1 if a char is invalid. */
export function orgCheckValue(s: string, start = 0): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = orgCharValue(s.charCodeAt(start + i));
    if (v < 0) return -1;
    sum += v * WEIGHTS[i];
  }
  // GB 11714: C9 = 11 − (Σ mod 11); 10 is written X and 11 is written 0.
  return (11 - (sum % 11)) % 11;
}

/** The check character ('0'-'9' or 'X') for an 8-character org-code body; throws on a bad body. */
export function orgCodeCheckChar(first8: string): string {
  const v = first8.length === 8 ? orgCheckValue(first8) : -1;
  if (v < 0) throw new RangeError('组织机构代码本体应为 8 位数字或大写字母');
  return v === 10 ? 'X' : String(v);
}

/** Checks an organisation code, accepting both "12345678-9" and "123456789". */
export function checkOrgCode(input: string): CodeResult {
  const n = normalize(input);
  const reasons: Reason[] = [...n.reasons];
  const s = n.value;
  if (n.fatal) return result(input, s, 'org', reasons);

  const hyphenated = s.length === 10 && s[8] === '-';
  const compact = hyphenated ? s.slice(0, 8) + s[9] : s;
  if (compact.length !== 9 || (s.length === 10 && !hyphenated)) {
    reasons.push(err('length_mismatch', `组织机构代码应为 9 位（可写作“8 位本体代码-校验码”），实际为 ${s.length} 位`));
    return result(input, s, 'org', reasons);
  }
  let bad = false;
  for (let i = 0; i < 9; i++) {
    const ch = compact[i];
    const ok = i < 8 ? orgCharValue(compact.charCodeAt(i)) >= 0 : /[0-9X]/.test(ch);
    if (!ok) {
      bad = true;
      const pos = hyphenated && i === 8 ? 10 : i + 1;
      const allowed = i < 8 ? '数字或大写字母' : '数字或 X';
      reasons.push(err('invalid_char', `第 ${pos} 位字符${showChar(ch)}不合规，此处只能是${allowed}`));
    }
  }
  if (bad) return result(input, s, 'org', reasons);

  const expected = orgCodeCheckChar(compact.slice(0, 8));
  const actual = compact[8];
  const parsed = {
    body: compact.slice(0, 8),
    checkChar: actual,
    expectedCheckChar: expected,
    formatted: compact.slice(0, 8) + '-' + actual,
  };
  if (expected !== actual) {
    reasons.push(err('check_char_mismatch', `校验码应为 ${expected}，实际为 ${actual}`));
  }
  reasons.push(
    info('legacy_identifier', '组织机构代码是旧版标识，已并入统一社会信用代码（第 9–17 位），请关联对应的统一社会信用代码'),
  );
  return result(input, s, 'org', reasons, parsed);
}
