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
