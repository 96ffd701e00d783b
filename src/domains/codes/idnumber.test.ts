import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIdNumber, convertId15To18, generateIdNumber, idCheckChar, maskIdNumber } from './idnumber.ts';
import { RIC_INVALID, RIC_VALID, RIC15_INVALID, RIC15_VALID } from './vectors.test-data.ts';

// A fixed "today" keeps the future-date rule deterministic.
const today = new Date('2025-06-30T12:00:00+08:00');
const check = (s: string) => checkIdNumber(s, { today });
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);
const withCheck = (first17: string) => first17 + idCheckChar(first17);

test('shared valid vectors are never rejected; unknown birthplaces are warnings', () => {
  for (const v of RIC_VALID) {
    const r = check(v);
    assert.notEqual(r.verdict, 'invalid', `${v} ${JSON.stringify(r.reasons)}`);
    assert.equal(r.kind, 'id');
    assert.ok(r.reasons.every((x) => x.code === 'unknown_region' || x.code === 'historical_region'), v);
  }
  const unknown = check('235407195106112745');
  assert.equal(unknown.verdict, 'warning');
  assert.deepEqual(codes(unknown), ['unknown_region']);
});

test('shared invalid vectors are all rejected', () => {
  for (const v of RIC_INVALID) assert.equal(check(v).verdict, 'invalid', v);
  for (const v of RIC15_INVALID) assert.equal(check(v).verdict, 'invalid', v);
});

test('each rule has its own reason code and Chinese message', () => {
  assert.deepEqual(codes(check('T60426199101010078')), ['invalid_char']);
  assert.deepEqual(codes(check('12345678')), ['length_mismatch']);
  assert.deepEqual(codes(check('360426199113010079')).slice(0, 1), ['invalid_birth_date']);
  const mismatch = check('360426199101010072');
  assert.deepEqual(codes(mismatch), ['check_char_mismatch']);
  assert.equal(mismatch.reasons[0].message, '校验码应为 1，实际为 2');
  assert.ok(codes(check('160323197806058856')).includes('invalid_province'));
  assert.ok(codes(check('520323297806058856')).includes('birth_date_in_future'));
  assert.deepEqual(codes(check(withCheck('36042618490101007'))), ['birth_date_too_early']);
  // Leap years: 2000-02-29 is real, 1900-02-29 is not.
  assert.equal(check(withCheck('11010520000229001')).verdict, 'valid');
  assert.deepEqual(codes(check(withCheck('11010519000229001'))), ['invalid_birth_date']);
  // Born today is fine, tomorrow is not (China Standard Time).
  assert.equal(check(withCheck('11010520250630001')).verdict, 'valid');
  assert.deepEqual(codes(check(withCheck('11010520250701001'))), ['birth_date_in_future']);
});

test('lower-case x is normalised with a note, and the result is parsed', () => {
  const r = check('11010519491231002x');
  assert.equal(r.verdict, 'valid');
  assert.deepEqual(codes(r), ['normalized_case']);
  assert.equal(r.parsed?.birthDate, '1949-12-31');
  assert.equal(r.parsed?.gender, '女');
  assert.equal((r.parsed?.region as { fullName: string }).fullName, '北京市朝阳区');
});

test('historical address codes are information, not a problem', () => {
  const r = check(withCheck('63012219800101001')); // 湟中县
  assert.equal(r.verdict, 'valid');
  assert.deepEqual(codes(r), ['historical_region']);
});

test('15-digit first-generation numbers are recognised and converted', () => {
  for (const v of RIC15_VALID) {
    const r = check(v);
    assert.equal(r.kind, 'id15');
    assert.equal(r.verdict, 'valid');
    assert.deepEqual(codes(r), ['legacy_identifier']);
    assert.equal(r.parsed?.id18, convertId15To18(v));
  }
  assert.equal(convertId15To18('150102880730303'), '150102198807303035');
  assert.equal(convertId15To18('330102200403064'), '33010219200403064X');
  assert.match(check('150102880730303').reasons[0].message, /150102198807303035/);
  assert.throws(() => convertId15To18('15010288073030'), RangeError);
  // An invalid 15-digit number is not offered a conversion.
  assert.ok(!codes(check('110101940231001')).includes('legacy_identifier'));
});

test('HK/Macao/Taiwan residence permits and foreigner permanent-residence numbers are separate kinds', () => {
  for (const [prefix, holder] of [
    ['810000', '香港居民'],
    ['820000', '澳门居民'],
    ['830000', '台湾居民'],
  ]) {
    const r = check(withCheck(prefix + '19900101001'));
    assert.equal(r.kind, 'hmt_permit');
    assert.equal(r.verdict, 'valid', JSON.stringify(r.reasons));
    assert.equal(r.parsed?.holder, holder);
  }
  const f = check(withCheck('933840' + '19850315' + '001'));
  assert.equal(f.kind, 'foreign_permit');
  assert.equal(f.verdict, 'valid', JSON.stringify(f.reasons));
  assert.equal(f.parsed?.nationalityCode, '840');
  assert.deepEqual(f.parsed?.acceptingProvince, { code: '330000', name: '浙江省' });
  const unknownProvince = check(withCheck('999840' + '19850315' + '001'));
  assert.equal(unknownProvince.verdict, 'warning');
  assert.deepEqual(codes(unknownProvince), ['unknown_region']);
  // The permit still needs a real date and the right check character.
  assert.equal(check(withCheck('81000019901301001')).verdict, 'invalid');
  const p = withCheck('81000019900101001');
  assert.equal(check(p.slice(0, 17) + (p[17] === '1' ? '2' : '1')).verdict, 'invalid');
});

test('maskIdNumber keeps the first 6 and last 4', () => {
  assert.equal(maskIdNumber('11010519491231002X'), '110105********002X');
  assert.equal(maskIdNumber('150102880730303'), '150102*****0303');
  assert.equal(maskIdNumber('1234567890'), '**********');
  assert.equal(maskIdNumber(''), '');
});

test('idCheckChar and generateIdNumber', () => {
  assert.equal(idCheckChar('11010519491231002'), 'X');
  assert.throws(() => idCheckChar('1101051949123100A'), RangeError);
  let seed = 7;
  const rng = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (let i = 0; i < 300; i++) {
    const id = generateIdNumber(rng);
    assert.equal(check(id).verdict, 'valid', `${id} ${JSON.stringify(check(id).reasons)}`);
  }
  const fixed = generateIdNumber(rng, { region: '630102', birth: new Date(Date.UTC(1990, 4, 17)) });
  assert.ok(fixed.startsWith('63010219900517'));
  assert.equal(check(fixed).verdict, 'valid');
});
