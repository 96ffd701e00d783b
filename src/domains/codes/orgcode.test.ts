import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOrgCode, orgCodeCheckChar } from './orgcode.ts';

const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

test('the GB 11714 example is valid with and without the hyphen', () => {
  for (const v of ['D2143569-X', 'D2143569X', 'd2143569-x', '  D2143569-X ', 'Ｄ２１４３５６９－Ｘ']) {
    const r = checkOrgCode(v);
    assert.equal(r.verdict, 'valid', v);
    assert.equal(r.kind, 'org');
    assert.equal(r.parsed?.formatted, 'D2143569-X');
    assert.ok(codes(r).includes('legacy_identifier'));
  }
  assert.deepEqual(codes(checkOrgCode('d2143569-x')), ['normalized_case', 'legacy_identifier']);
});

test('check characters: 10 is X and 11 is 0', () => {
  assert.equal(orgCodeCheckChar('D2143569'), 'X');
  assert.equal(orgCodeCheckChar('60003734'), '1');
  // Find bodies whose check value is 11 (→ '0') and 10 (→ 'X') to cover both special cases.
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) seen.add(orgCodeCheckChar(String(i).padStart(8, '0')));
  assert.deepEqual([...seen].sort(), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']);
  assert.throws(() => orgCodeCheckChar('D214356'), RangeError);
  assert.throws(() => orgCodeCheckChar('D214356*'), RangeError);
});

test('errors: length, characters, check character', () => {
  assert.deepEqual(codes(checkOrgCode('D2143569')), ['length_mismatch']);
  assert.deepEqual(codes(checkOrgCode('D214356-9X')), ['length_mismatch']);
  assert.deepEqual(codes(checkOrgCode('D21435*9-X')), ['invalid_char']);
  assert.deepEqual(codes(checkOrgCode('D2143569-Y')), ['invalid_char']);
  assert.match(checkOrgCode('D2143569-Y').reasons[0].message, /第 10 位/);
  const r = checkOrgCode('D2143569-1');
  assert.equal(r.verdict, 'invalid');
  assert.deepEqual(codes(r), ['check_char_mismatch', 'legacy_identifier']);
  assert.equal(r.reasons[0].message, '校验码应为 X，实际为 1');
  assert.deepEqual(codes(checkOrgCode('\u0007D2143569-X')), ['control_char']);
});
