import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRegNo, regNoCheckDigit } from './regno.ts';

const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

test('the GS 15-2006 example is valid and marked as a legacy identifier', () => {
  const r = checkRegNo('110108000000016');
  assert.equal(r.kind, 'regno');
  assert.equal(r.verdict, 'valid');
  assert.deepEqual(codes(r), ['legacy_identifier']);
  assert.equal((r.parsed?.region as { fullName: string }).fullName, '北京市海淀区');
  assert.equal(regNoCheckDigit('11010800000001'), '6');
});

test('errors and warnings', () => {
  assert.deepEqual(codes(checkRegNo('11010800000001')), ['length_mismatch']);
  assert.deepEqual(codes(checkRegNo('11010800000001A')), ['invalid_char']);
  const r = checkRegNo('110108000000017');
  assert.equal(r.verdict, 'invalid');
  assert.equal(r.reasons[0].message, '校验码应为 6，实际为 7');
  const unknown = '999999' + '00000001';
  const u = checkRegNo(unknown + regNoCheckDigit(unknown));
  assert.equal(u.verdict, 'warning');
  assert.deepEqual(codes(u), ['unknown_region', 'legacy_identifier']);
  assert.throws(() => regNoCheckDigit('1101080000000A'), RangeError);
});

test('real registration numbers (issue 13): cooperatives and 13-digit numbers accepted, one reason for bad characters', () => {
  // [input, verdict, reason codes]; before issue 13 the first two were invalid (invalid_char ×3, length_mismatch).
  const cases: [string, string, string[]][] = [
    ['370883NA000123X', 'valid', ['legacy_cooperative_regno', 'legacy_identifier']],
    ['3708831000123', 'warning', ['legacy_regno_13', 'legacy_identifier']],
    ['370883na000123x', 'valid', ['normalized_case', 'legacy_cooperative_regno', 'legacy_identifier']],
    ['3708831A00B12C3', 'invalid', ['invalid_char']],
    ['370883NA00012X3', 'invalid', ['invalid_char']],
  ];
  for (const [input, verdict, reasons] of cases) {
    const r = checkRegNo(input);
    assert.deepEqual([r.verdict, codes(r)], [verdict, reasons], input);
  }
  assert.match(checkRegNo('3708831A00B12C3').reasons[0].message, /^第 8 位.+、第 11 位.+、第 14 位.+不合规/);
});
