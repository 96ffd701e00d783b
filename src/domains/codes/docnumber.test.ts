import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDocumentNumber } from './docnumber.ts';
import { generateIdNumber, idCheckChar } from './idnumber.ts';

const today = new Date('2026-11-28T04:00:00Z');
let seed = 7;
const rng = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
const ID = generateIdNumber(rng, { region: '630102' });
const permit = (first17: string) => first17 + idCheckChar(first17);
const FOREIGN18 = permit('91234519900101001'.slice(0, 17));

test('document numbers are checked against their type (issue 13 case 6)', () => {
  // [type, number, verdict, first reason]; before issue 13 every non-身份证 type passed whatever its number.
  const cases: [string, string, string, string | undefined][] = [
    ['05', 'ABC', 'invalid', 'doc_number_format'],
    ['05', 'USA110085071501', 'valid', 'legacy_foreign_permit'],
    ['05', 'usa110085071501', 'valid', 'normalized_case'],
    ['05', FOREIGN18, 'valid', undefined],
    ['05', ID, 'invalid', 'doc_type_mismatch'],
    ['02', 'E12345678', 'valid', undefined],
    ['02', 'E1234', 'valid', undefined],
    ['02', 'E12-3', 'invalid', 'doc_number_format'],
    ['03', 'H12345678', 'valid', undefined],
    ['03', 'M1234567890', 'valid', undefined],
    ['03', '12345678', 'invalid', 'doc_number_format'],
    ['04', '12345678', 'valid', undefined],
    ['04', '1234567', 'invalid', 'doc_number_format'],
    ['99', '任意证件-123', 'valid', undefined],
    ['01', ID, 'valid', undefined],
  ];
  for (const [type, input, verdict, first] of cases) {
    const r = checkDocumentNumber(type, input, { today });
    assert.deepEqual([r.verdict, r.reasons[0]?.code], [verdict, first], `${type} ${input}`);
  }
});

test('港澳台居民居住证 (06) numbers: the 身份证 layout with 810000 / 820000 / 830000 (issue 13 case 7)', () => {
  // [number, verdict, first reason, kind]; before issue 13 there was no type 06 at all.
  const cases: [string, string, string | undefined, string][] = [
    [permit('81000019900101001'), 'valid', undefined, 'hmt_permit'],
    [permit('82000020120101002'), 'valid', undefined, 'hmt_permit'],
    [permit('83000019800101003'), 'valid', undefined, 'hmt_permit'],
    [ID, 'invalid', 'doc_type_mismatch', 'hmt_permit'],
    ['ABC', 'invalid', 'length_mismatch', 'id'],
    [permit('81000019900101001').slice(0, 17) + (permit('81000019900101001').endsWith('0') ? '1' : '0'), 'invalid', 'check_char_mismatch', 'hmt_permit'],
  ];
  for (const [input, verdict, first, kind] of cases) {
    const r = checkDocumentNumber('06', input, { today });
    assert.deepEqual([r.verdict, r.reasons.find((x) => x.severity === 'error')?.code, r.kind], [verdict, first, kind], input);
  }
});
