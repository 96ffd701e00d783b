// One entry point for any code: picks the checker by kind, or recognises the kind from the shape.
import { checkIdNumber } from './idnumber.ts';
import { normalize } from './normalize.ts';
import { checkOrgCode } from './orgcode.ts';
import { checkRegNo } from './regno.ts';
import { checkUscc, isKnownUsccPair } from './uscc.ts';
import { err, info, result, type CodeKind, type CodeResult, type Verdict } from './types.ts';

const RANK: Record<Verdict, number> = { valid: 0, warning: 1, invalid: 2 };

/** True when the reasons include a real-date failure, i.e. the digits are not an ID's birth date. */
function badDate(r: CodeResult): boolean {
  return r.reasons.some((x) => x.code === 'invalid_birth_date' || x.code === 'birth_date_too_early');
}

/** Adds the ambiguity note to the chosen result so that the caller knows to force a kind if needed. */
function withAmbiguity(chosen: CodeResult, other: CodeResult, label: string): CodeResult {
  chosen.reasons.push(
    info('ambiguous_kind', `该代码也符合${label}的规则；如判断有误，请指定代码类型重新校验`),
  );
  chosen.parsed = { ...chosen.parsed, alternativeKind: other.kind };
  return chosen;
}

/** Picks the better of two readings of the same digits; ties are settled by the caller's preference. */
function pick(a: CodeResult, b: CodeResult, preferA: boolean, bLabel: string, aLabel: string): CodeResult {
  if (RANK[a.verdict] < RANK[b.verdict]) return a;
  if (RANK[b.verdict] < RANK[a.verdict]) return b;
  if (a.verdict === 'invalid') return preferA ? a : b;
  return preferA ? withAmbiguity(a, b, bLabel) : withAmbiguity(b, a, aLabel);
}

/** Recognises the kind from the shape of the normalised input and explains the verdict. */
function detect(input: string, opts: { today?: Date }): CodeResult {
  const n = normalize(input);
  if (n.fatal) return result(input, n.value, 'unknown', n.reasons);
  const s = n.value;
  const len = s.length;
  const allDigits = /^\d+$/.test(s);

  if (len === 18) {
    const idShaped = /^\d{17}[\dX]$/.test(s);
    if (!idShaped) return checkUscc(input);
    const uscc = checkUscc(input);
    const id = checkIdNumber(input, opts);
    // Tie-break: when both readings pass, a USCC check (1 in 31 by chance) is stronger evidence
    // than an ID check (1 in 11). When both fail, the digits are explained as an ID number unless
    // positions 7–14 are no date or the first two digits are no province.
    const notAnId = badDate(id) || id.reasons.some((x) => x.code === 'invalid_province');
    // A USCC reading that passes only with an unknown authority/category pair (issue 13) loses to a valid ID.
    const usccFirst = (uscc.verdict !== 'invalid' && (isKnownUsccPair(s) || id.verdict === 'invalid')) || notAnId;
    return pick(uscc, id, usccFirst, '身份证号码', '统一社会信用代码');
  }
  if (len === 15 && allDigits) {
    const regno = checkRegNo(input);
    const id15 = checkIdNumber(input, opts);
    // Both readings are legacy; the register number has a check digit, the 15-digit ID has none.
    return pick(regno, id15, true, '第一代身份证号码', '工商注册号');
  }
  if (len === 9 || (len === 10 && s[8] === '-')) return checkOrgCode(input);
  // Old registration numbers that are not 15 digits: 13-digit (before 2007) and farmers' cooperatives'.
  if ((len === 13 && allDigits) || (len === 15 && /^\d{6}NA\d{6}X$/.test(s))) return checkRegNo(input);

  const reasons = [
    ...n.reasons,
    err(
      'unknown_format',
      `无法识别代码类型：长度为 ${len} 位，不符合统一社会信用代码（18 位）、组织机构代码（9 位）、身份证号码（18 位或 15 位）或工商注册号（15 位或 13 位）的格式`,
    ),
  ];
  return result(input, s, 'unknown', reasons);
}

/** Checks a code of the given kind, or recognises the kind first ('auto', the default). */
export function checkCode(input: string, kind: CodeKind | 'auto' = 'auto', opts: { today?: Date } = {}): CodeResult {
  switch (kind) {
    case 'uscc':
      return checkUscc(input);
    case 'org':
      return checkOrgCode(input);
    case 'regno':
      return checkRegNo(input);
    case 'id':
    case 'id15':
    case 'hmt_permit':
    case 'foreign_permit':
      return checkIdNumber(input, opts);
    default:
      return detect(input, opts);
  }
}
