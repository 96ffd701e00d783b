import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkUscc,
  generateUscc,
  isKnownUsccPair,
  isValidUscc,
  usccCheckChar,
  USCC_ALPHABET,
  USCC_AUTHORITIES_SOURCE,
  USCC_PAIRS,
} from './uscc.ts';
import { orgCodeCheckChar } from './orgcode.ts';
import { USCC_INVALID, USCC_FLOAT_MANGLED } from './vectors.test-data.ts';

const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

/** Makes a valid code from 17 characters (the tests' own generator, independent of generateUscc). */
const withCheck = (first17: string) => first17 + usccCheckChar(first17);
/** A subject identifier whose own GB 11714 check is right. */
const ORG = 'MA000000' + orgCodeCheckChar('MA000000');

test('the GB 32100 example code is valid and parsed', () => {
  const r = checkUscc('91350100M000100Y43');
  assert.equal(r.verdict, 'valid');
  assert.equal(r.kind, 'uscc');
  assert.deepEqual(r.reasons, []);
  assert.deepEqual(r.parsed?.registrationAuthority, { code: '9', name: '工商（市场监管）' });
  assert.deepEqual(r.parsed?.category, { code: '1', name: '企业' });
  assert.equal(r.parsed?.orgCode, 'M000100Y-4');
  const region = r.parsed?.region as { province: string; city: string; fullName: string; historical: boolean };
  assert.equal(region.province, '福建省');
  assert.equal(region.city, '福州市');
  assert.equal(region.historical, false);
  assert.equal(isValidUscc('91350100M000100Y43'), true);
});

test('check character mismatch names the expected and the actual character', () => {
  const r = checkUscc('91110000600037341N');
  assert.equal(r.verdict, 'invalid');
  assert.deepEqual(codes(r), ['check_char_mismatch']);
  assert.equal(r.reasons[0].message, '校验码应为 L，实际为 N');
  assert.equal(r.parsed?.expectedCheckChar, 'L');
  // Suggest, never fix: the normalised form keeps the wrong character.
  assert.equal(r.normalized, '91110000600037341N');
});

test('every check character, 0 included, is produced and accepted', () => {
  const seen = new Set<string>();
  for (let i = 0; seen.size < 31 && i < 100_000; i++) {
    const body = String(i).padStart(9, '0');
    const code = withCheck('91630100' + body);
    seen.add(code[17]);
    assert.equal(isValidUscc(code), true, code);
  }
  assert.equal(seen.size, 31);
  assert.ok(seen.has('0'));
});

test('shared invalid vectors are all rejected with an explanation', () => {
  for (const v of USCC_INVALID) {
    const r = checkUscc(v);
    assert.equal(r.verdict, 'invalid', v);
    assert.ok(r.reasons.some((x) => x.severity === 'error'), v);
    assert.equal(isValidUscc(v), false, v);
  }
  assert.deepEqual(codes(checkUscc('12345')), ['length_mismatch']);
  const bad = checkUscc('9111000060003IOZSV');
  assert.deepEqual(codes(bad), Array(5).fill('invalid_char'));
  assert.match(bad.reasons[0].message, /第 14 位字符“I”.*可能应为“1”/);
});

test('float-mangled codes are rejected and the spreadsheet is named as the cause', () => {
  for (const v of USCC_FLOAT_MANGLED) {
    const r = checkUscc(v);
    assert.equal(r.verdict, 'invalid', v);
    assert.ok(codes(r).includes('possible_float_mangling'), v);
  }
  const sci = checkUscc('9.16201E+17');
  assert.deepEqual(codes(sci), ['scientific_notation']);
  assert.match(sci.reasons[0].message, /科学计数法/);
});

test('normalisation: trim, full-width and lower case keep the verdict and say what changed', () => {
  const plain = '91350100M000100Y43';
  const full = '９１３５０１００Ｍ０００１００Ｙ４３';
  for (const [input, expected] of [
    ['  ' + plain + '\u3000', ['normalized_whitespace']],
    [full, ['normalized_fullwidth']],
    [plain.toLowerCase(), ['normalized_case']],
    [' ９１３５０１００ｍ０００１００ｙ４３', ['normalized_whitespace', 'normalized_fullwidth', 'normalized_case']],
  ] as const) {
    const r = checkUscc(input);
    assert.equal(r.verdict, 'valid', input);
    assert.equal(r.normalized, plain);
    assert.deepEqual(codes(r), expected);
    assert.ok(r.reasons.every((x) => x.severity === 'warning'));
  }
  // An invalid code stays invalid after normalisation.
  const bad = checkUscc(' 91110000600037341n ');
  assert.equal(bad.verdict, 'invalid');
  assert.deepEqual(codes(bad), ['normalized_whitespace', 'normalized_case', 'check_char_mismatch']);
  // isValidUscc is the raw fast path: it does not normalise.
  assert.equal(isValidUscc(plain.toLowerCase()), false);
});

test('registration authority and category pairs follow the GB 32100 table', () => {
  assert.equal(USCC_PAIRS.length, 36);
  for (const p of ['A1', 'A9', 'N1', 'N2', 'N3', 'N9', 'Y1', '11', '12', '13', '19', '51', '52', '53', '91', '92', '93']) {
    const code = withCheck(p + '630100' + ORG);
    assert.equal(checkUscc(code).verdict !== 'invalid', true, p);
    assert.equal(isValidUscc(code), true, p);
  }
  // Issue 13: an unknown but well-formed pair (54, for instance) is a warning, no longer a rejection.
  for (const p of ['10', '54', '94', '99', 'A2', 'N4', 'Y2', 'B1', '01']) {
    const code = withCheck(p + '630100' + ORG);
    const r = checkUscc(code);
    assert.equal(r.verdict, 'warning', p);
    assert.deepEqual(codes(r), ['unknown_authority_category'], p);
    assert.equal(isValidUscc(code), true, p);
    assert.equal(isKnownUsccPair(code), false, p);
  }
  assert.equal(isKnownUsccPair('91'), true);
  assert.match(USCC_AUTHORITIES_SOURCE, /GB 32100-2015/);
  assert.match(checkUscc(withCheck('94630100' + ORG)).reasons[0].message, /工商（市场监管）.*没有机构类别“4”/);
  assert.match(checkUscc(withCheck('B1630100' + ORG)).reasons[0].message, /登记管理部门代码“B”/);
});

test('region: unknown is a warning, historical is information, letters are an error', () => {
  const unknown = checkUscc(withCheck('91999999' + ORG));
  assert.equal(unknown.verdict, 'warning');
  assert.deepEqual(codes(unknown), ['unknown_region']);
  assert.equal(isValidUscc(withCheck('91999999' + ORG)), true);

  const historical = checkUscc(withCheck('91630122' + ORG)); // 湟中县, now 630106 湟中区
  assert.equal(historical.verdict, 'valid');
  assert.deepEqual(codes(historical), ['historical_region']);
  assert.match(historical.reasons[0].message, /青海省西宁市湟中县/);

  const letters = checkUscc(withCheck('9163A100' + ORG));
  assert.equal(letters.verdict, 'invalid');
  assert.ok(codes(letters).includes('region_not_numeric'));
  assert.equal(isValidUscc(withCheck('9163A100' + ORG)), false);

  const central = checkUscc(withCheck('11100000' + ORG));
  assert.equal((central.parsed?.region as { name: string }).name, '中央（全国）');
});

test('embedded org code with a wrong check character is a warning', () => {
  // 60003734-1 is a valid org code (see the shared vectors); -2 is not.
  const code = withCheck('9111000060003734' + '2');
  const r = checkUscc(code);
  assert.equal(r.verdict, 'warning');
  assert.deepEqual(codes(r), ['org_code_check_mismatch']);
  assert.equal(r.reasons[0].message, '第 9–17 位主体标识码（组织机构代码 60003734-2）的校验位应为 1，实际为 2');
  assert.equal(isValidUscc(code), true);
});

test('no unsourced pilot exception: a Fujian M000 code failing mod 31 is invalid (issue 13)', () => {
  // Before issue 13 this was accepted as legacy_pilot_code; no source for the exception was found, so it went.
  const good = withCheck('91350200M00012345');
  const wrongCheck = good.slice(0, 17) + (good[17] === 'A' ? 'B' : 'A');
  const r = checkUscc(wrongCheck);
  assert.equal(r.verdict, 'invalid');
  assert.equal(codes(r)[0], 'check_char_mismatch');
  assert.ok(!codes(r).includes('legacy_pilot_code'));
  assert.equal(isValidUscc(wrongCheck), false);
});

test('control characters and empty input are invalid', () => {
  assert.deepEqual(codes(checkUscc('9135010\u00000M000100Y43')), ['control_char']);
  assert.match(checkUscc('91350100M000\u001b100Y43').reasons[0].message, /U\+001B/);
  assert.deepEqual(codes(checkUscc('   ')), ['normalized_whitespace', 'empty']);
  assert.equal(checkUscc('').verdict, 'invalid');
  // An invisible character is shown by its code point.
  assert.match(checkUscc('91350100M000100Y4\u200b').reasons[0].message, /第 18 位字符 U\+200B 不在/);
});

test('usccCheckChar rejects malformed input instead of guessing', () => {
  assert.throws(() => usccCheckChar('9135010'), RangeError);
  assert.throws(() => usccCheckChar('91350100M000100YI'), RangeError);
  assert.equal(usccCheckChar('91350100M000100Y4'), '3');
});

test('generateUscc produces valid codes with the requested prefix and region', () => {
  let seed = 1;
  const rng = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (let i = 0; i < 500; i++) {
    const code = generateUscc(rng);
    const r = checkUscc(code);
    assert.equal(r.verdict, 'valid', `${code} ${JSON.stringify(r.reasons)}`);
  }
  const x = generateUscc(rng, { prefix: '92', region: '630102' });
  assert.ok(x.startsWith('92630102'));
  assert.equal(checkUscc(x).verdict, 'valid');
  assert.ok([...x].every((c) => USCC_ALPHABET.includes(c)));
});
