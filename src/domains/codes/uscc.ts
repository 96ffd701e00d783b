// Unified social credit code (统一社会信用代码, GB 32100-2015), docs/domain/01-sgs.md §1.5.
//
// Two entry points: isValidUscc() is the allocation-free hot path for bulk imports, and
// checkUscc() explains its verdict. Both must agree (a property test holds them to it).
import { normalize, showChar } from './normalize.ts';
import { orgCheckValue } from './orgcode.ts';
import { currentCountyCodes, parsedRegion } from './regions.ts';
import { err, info, result, warn, type CodeResult, type Reason } from './types.ts';

export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

// Character value 0-30 by char code; -1 for anything outside the alphabet (I, O, S, V, Z, ...).
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) VALUE[USCC_ALPHABET.charCodeAt(i)] = i;

/**
 * Where the authority/category table comes from. A pair missing here is only a warning
 * (unknown_authority_category): a real department's record must not be lost because this table
 * is incomplete (issue 13).
 */
export const USCC_AUTHORITIES_SOURCE =
  'GB 32100-2015《法人和其他组织统一社会信用代码编码规则》表 1（登记管理部门代码）与表 2（机构类别代码）及其后续修改' +
  '（增列司法行政、文化、旅游、宗教、工会、中央军委改革和编制办公室 A、农业 N 等登记管理部门）；' +
  '代码对清单见 docs/domain/01-sgs.md §1.5（code-index id 27037938834，[P]：上线前须对照标准文本核对）';

/**
 * Registration authority (position 1) and organisation category (position 2): GB 32100-2015
 * with its amendments, see USCC_AUTHORITIES_SOURCE.
 */
export const USCC_AUTHORITIES: Record<string, { name: string; categories: Record<string, string> }> = {
  '1': { name: '机构编制', categories: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' } },
  '2': { name: '外交', categories: { '1': '外国常驻新闻机构', '9': '其他' } },
  '3': {
    name: '司法行政',
    categories: { '1': '律师执业机构', '2': '公证处', '3': '基层法律服务所', '4': '司法鉴定机构', '5': '仲裁委员会', '9': '其他' },
  },
  '4': { name: '文化', categories: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', categories: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': {
    name: '旅游',
    categories: { '1': '外国旅游部门常驻代表机构', '2': '港澳台地区旅游部门常驻内地（大陆）代表机构', '9': '其他' },
  },
  '7': { name: '宗教', categories: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', categories: { '1': '基层工会', '9': '其他' } },
  '9': { name: '工商（市场监管）', categories: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  A: { name: '中央军委改革和编制办公室', categories: { '1': '军队事业单位', '9': '其他' } },
  N: {
    name: '农业',
    categories: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' },
  },
  Y: { name: '其他', categories: { '1': '其他（不再细分机构类别）' } },
};

/** Every legal first-two-character pair, e.g. '91', 'N3'. */
export const USCC_PAIRS: readonly string[] = Object.entries(USCC_AUTHORITIES).flatMap(([a, { categories }]) =>
  Object.keys(categories).map((c) => a + c),
);

// Pair table indexed by (charCode1 << 7) | charCode2: a lookup instead of a string compare.
const PAIR_OK = new Uint8Array(128 * 128);
for (const p of USCC_PAIRS) PAIR_OK[(p.charCodeAt(0) << 7) | p.charCodeAt(1)] = 1;

// Letters that are not in the alphabet, with the character they are usually a misreading of.
const LOOKALIKE: Record<string, string> = { I: '1', O: '0', S: '5', V: 'U', Z: '2' };

/** True when the first two characters are a pair of the GB 32100 table (the code may still be valid without). */
export function isKnownUsccPair(s: string): boolean {
  const c0 = s.charCodeAt(0);
  const c1 = s.charCodeAt(1);
  return c0 < 128 && c1 < 128 && PAIR_OK[(c0 << 7) | c1] === 1;
}

/** Weighted sum of positions 1–17, or -1 when a character is outside the alphabet. */
function weightedSum(s: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? VALUE[c] : -1;
    if (v < 0) return -1;
    sum += v * WEIGHTS[i];
  }
  return sum;
}

/**
 * Fast path: true iff checkUscc(s).verdict !== 'invalid' for an already normalised s.
 * No normalisation, no regex, no allocation.
 */
export function isValidUscc(s: string): boolean {
  if (s.length !== 18) return false;
  // An unknown authority/category pair is a warning only (checkUscc), so it is not tested here.
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? VALUE[c] : -1;
    if (v < 0) return false;
    // Positions 3–8 are a GB/T 2260 division code: digits only.
    if (i >= 2 && i < 8 && v > 9) return false;
    sum += v * WEIGHTS[i];
  }
  const c17 = s.charCodeAt(17);
  const actual = c17 < 128 ? VALUE[c17] : -1;
  if (actual < 0) return false;
  return actual === (31 - (sum % 31)) % 31;
}

/** The check character for the first 17 characters; throws if they are not 17 alphabet characters. */
export function usccCheckChar(first17: string): string {
  const sum = first17.length === 17 ? weightedSum(first17) : -1;
  if (sum < 0) throw new RangeError('统一社会信用代码前 17 位应为代码字符集中的字符');
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** Checks a USCC and explains the verdict: reasons with Chinese messages, plus the parsed parts. */
export function checkUscc(input: string): CodeResult {
  const n = normalize(input);
  const reasons: Reason[] = [...n.reasons];
  const s = n.value;
  if (n.fatal) return result(input, s, 'uscc', reasons);

  // A spreadsheet that treated the column as a number shows 9.16201E+17: the tail is gone for good.
  if (s.includes('E') && /^\d(\.\d+)?E\+?\d+$/.test(s)) {
    reasons.push(
      err('scientific_notation', '代码被电子表格转成了科学计数法，原值已丢失；请把该列设为文本格式后重新导出'),
    );
    return result(input, s, 'uscc', reasons);
  }

  let badChar = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && VALUE[c] >= 0) continue;
    badChar = true;
    const ch = s[i];
    const hint = LOOKALIKE[ch] ? `（可能应为“${LOOKALIKE[ch]}”）` : '';
    reasons.push(
      err('invalid_char', `第 ${i + 1} 位字符${showChar(ch)}不在代码字符集中（数字和除 I、O、S、V、Z 外的大写字母）${hint}`),
    );
  }
  if (s.length !== 18) {
    reasons.unshift(err('length_mismatch', `统一社会信用代码应为 18 位，实际为 ${s.length} 位`));
  }
  if (badChar || s.length !== 18) return result(input, s, 'uscc', reasons);

  const parsed: Record<string, unknown> = {};

  // Positions 1–2: registration authority and organisation category.
  const authority = USCC_AUTHORITIES[s[0]];
  const category = authority?.categories[s[1]];
  if (authority) parsed.registrationAuthority = { code: s[0], name: authority.name };
  if (category) parsed.category = { code: s[1], name: category };
  if (!authority) {
    reasons.push(
      warn('unknown_authority_category', `第 1 位登记管理部门代码“${s[0]}”不在平台的 GB 32100 代码表中，代码予以接受，请核实`),
    );
  } else if (!category) {
    reasons.push(
      warn(
        'unknown_authority_category',
        `登记管理部门“${s[0]}”（${authority.name}）下没有机构类别“${s[1]}”，第 1–2 位“${s.slice(0, 2)}”不在平台的 GB 32100 代码表中，代码予以接受，请核实`,
      ),
    );
  }

  // Positions 3–8: division code of the registering authority.
  const regionCode = s.slice(2, 8);
  if (!isDigits(regionCode)) {
    reasons.push(err('region_not_numeric', `第 3–8 位登记管理机关行政区划码应为 6 位数字，实际为“${regionCode}”`));
  } else {
    const region = parsedRegion(regionCode);
    parsed.region = region;
    if (!region.known) {
      reasons.push(warn('unknown_region', `行政区划码 ${regionCode} 不在已知的现行或历史区划代码表中，请核实`));
    } else if (region.historical) {
      reasons.push(
        info('historical_region', `行政区划码 ${regionCode}（${region.fullName}）是已撤销或调整的历史代码，代码本身仍然有效`),
      );
    }
  }

  // Position 18: mod-31 check character.
  const expected = USCC_ALPHABET[(31 - (weightedSum(s) % 31)) % 31];
  const actual = s[17];
  parsed.checkChar = actual;
  parsed.expectedCheckChar = expected;
  if (expected !== actual) {
    reasons.push(err('check_char_mismatch', `校验码应为 ${expected}，实际为 ${actual}`));
    if (/^\d{15}000$/.test(s)) {
      reasons.push(
        err('possible_float_mangling', '代码末尾为“000”且校验失败，疑似被电子表格按数字处理而丢失了末几位；请把该列设为文本格式后重新导出'),
      );
    }
  }

  // Positions 9–17: the subject identifier, an org code (GB 11714) with its own check character.
  const org = s.slice(8, 17);
  parsed.orgCode = org.slice(0, 8) + '-' + org[8];
  const v = orgCheckValue(s, 8);
  const orgExpected = v === 10 ? 'X' : String(v);
  if (orgExpected !== org[8]) {
    reasons.push(
      warn(
        'org_code_check_mismatch',
        `第 9–17 位主体标识码（组织机构代码 ${parsed.orgCode}）的校验位应为 ${orgExpected}，实际为 ${org[8]}`,
      ),
    );
  }
  return result(input, s, 'uscc', reasons, parsed);
}

/** Generates a valid USCC (embedded org code valid too) for demo data, tests and benchmarks. */
export function generateUscc(rng: () => number, opts: { prefix?: string; region?: string } = {}): string {
  const pick = (n: number) => Math.floor(rng() * n);
  const prefix = opts.prefix ?? defaultPrefix(rng(), pick);
  let region = opts.region;
  if (region === undefined) {
    const counties = countyPool();
    region = counties[pick(counties.length)];
  }
  let body = '';
  // Org-code body characters that are also USCC characters (no I, O, S, V, Z).
  for (let i = 0; i < 8; i++) body += USCC_ALPHABET[pick(USCC_ALPHABET.length)];
  const v = orgCheckValue(body);
  const first17 = prefix + region + body + (v === 10 ? 'X' : String(v));
  return first17 + usccCheckChar(first17);
}

/** Draws a prefix roughly as registers hold them: mostly enterprises (91) and individual businesses (92). */
function defaultPrefix(x: number, pick: (n: number) => number): string {
  if (x < 0.6) return '91';
  if (x < 0.85) return '92';
  if (x < 0.9) return '93';
  return USCC_PAIRS[pick(USCC_PAIRS.length)];
}

/** True when s is non-empty and all ASCII digits. */
function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

let counties: string[] | undefined;
/** Cached list of current county codes for the generator. */
function countyPool(): string[] {
  counties ??= currentCountyCodes();
  return counties;
}
