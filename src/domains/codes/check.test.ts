import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCode } from './check.ts';
import { idCheckChar } from './idnumber.ts';
import { regNoCheckDigit } from './regno.ts';

const today = new Date('2025-06-30T12:00:00+08:00');
const auto = (s: string) => checkCode(s, 'auto', { today });
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

test('auto-detection routes each shape to its checker', () => {
  assert.equal(auto('91350100M000100Y43').kind, 'uscc');
  assert.equal(auto('D2143569-X').kind, 'org');
  assert.equal(auto('D2143569X').kind, 'org');
  assert.equal(auto('11010519491231002X').kind, 'id');
  assert.equal(auto('150102880730303').kind, 'id15');
  assert.equal(auto('110108000000016').kind, 'regno');
  assert.equal(auto('8100001990010100' + '1' + idCheckChar('81000019900101001')).kind, 'hmt_permit');
  const u = auto('12345');
  assert.equal(u.kind, 'unknown');
  assert.deepEqual(codes(u), ['unknown_format']);
  assert.equal(auto('').verdict, 'invalid');
  assert.equal(auto('\u0001').kind, 'unknown');
});

test('explicit kinds bypass detection', () => {
  assert.equal(checkCode('12345', 'uscc').kind, 'uscc');
  assert.deepEqual(codes(checkCode('12345', 'uscc')), ['length_mismatch']);
  assert.equal(checkCode('D2143569-X', 'org').verdict, 'valid');
  assert.equal(checkCode('110108000000016', 'regno').kind, 'regno');
  assert.equal(checkCode('150102880730303', 'id', { today }).kind, 'id15');
  assert.equal(checkCode('150102880730303', 'unknown', { today }).kind, 'id15');
});

test('18 digits: a broken ID stays an ID, a float-mangled USCC stays a USCC', () => {
  const id = auto('360426199101010072');
  assert.equal(id.kind, 'id');
  assert.deepEqual(codes(id), ['check_char_mismatch']);
  const mangled = auto('916201055811843000');
  assert.equal(mangled.kind, 'uscc');
  assert.ok(codes(mangled).includes('possible_float_mangling'));
});

test('digits that pass both checks are reported as ambiguous', () => {
  // Found by search: a valid USCC (pair 13, region 210219) that is also a valid ID number (132102, 1987-07-17).
  const both = '132102198707172670';
  assert.equal(checkCode(both, 'uscc').verdict, 'valid');
  assert.equal(checkCode(both, 'id', { today }).verdict, 'valid');
  const r = auto(both);
  assert.equal(r.kind, 'uscc');
  assert.ok(codes(r).includes('ambiguous_kind'));
  assert.equal(r.parsed?.alternativeKind, 'id');
});

test('15 digits: register number when its check passes, else first-generation ID', () => {
  const body = '63010280010100';
  const regno = body + regNoCheckDigit(body);
  const r = auto(regno);
  // 630102 800101 … is also a plausible 15-digit ID: reported, register number preferred.
  assert.equal(r.kind, 'regno');
  assert.ok(codes(r).includes('ambiguous_kind'));
  const notRegno = body + ((Number(regNoCheckDigit(body)) + 1) % 10);
  assert.equal(auto(notRegno).kind, 'id15');
  assert.equal(auto(notRegno).verdict, 'valid');
});
