// The personal-number detector and the name policy of public pages (src/domains/codes/pii.ts), table-driven:
// what must be found (full-width digits, separators, 15/18-digit IDs, mobiles, Luhn-valid bank cards) and
// the legitimate public numbers that must not be (USCCs, 文号, licence numbers, amounts, dates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRegNo, generateIdNumber, idCheckChar, isValidUscc, regNoCheckDigit, usccCheckChar } from './index.ts';
import { mulberry32 } from '../../platform/random.ts';
import {
  findPersonalNumbers,
  luhnValid,
  maskPersonalNumber,
  maskPersonalNumbersIn,
  maskPersonName,
  publicPersonName,
  scrubPersonalNumbers,
  type PersonalNumberKind,
} from './pii.ts';

const rng = mulberry32(20261206);
const id18 = generateIdNumber(rng, { region: '630102', birth: new Date(Date.UTC(1985, 0, 1)) });
/** An ID number whose check character is X. */
const idX = (() => {
  for (let serial = 0; serial < 1000; serial++) {
    const first17 = `63010319900315${String(serial).padStart(3, '0')}`;
    if (idCheckChar(first17) === 'X') return first17 + 'X';
  }
  throw new Error('no X check character found');
})();
const id15 = '630102850101123'; // 城东区, born 1985-01-01, first generation (no check digit)
/** first17 + its GB 11643 check character. */
const withCheck = (first17: string) => first17 + idCheckChar(first17);
/** A 香港居民居住证 number (810000) and a foreigner's permanent residence permit (9 + province + nationality). */
const hkPermit = withCheck('81000019900101123');
const foreignPermit = withCheck('91184019850101001');
/** Region 630199 is in 青海 but in no region table: the check character vouches for the number. */
const idUnknownCounty = withCheck('63019919850101123');
/** "Born" 2017-05-24 and 2017-05-25: exactly one year, and a day less than a year, before a 2018-05-24 decision. */
const idYearBefore = withCheck('63010220170524012');
const idDayShort = withCheck('63010220170525012');
/** A valid 15-digit 工商注册号 whose digits also read as a first-generation ID (630102, "born" 1985-01-01). */
const regNo = (() => {
  for (let s = 0; s < 100; s++) {
    const first14 = `630102850101${String(s).padStart(2, '0')}`;
    const r = first14 + regNoCheckDigit(first14);
    if (checkRegNo(r).verdict === 'valid') return r;
  }
  throw new Error('no registration number');
})();
/** digits + the Luhn check digit. */
const withLuhn = (body: string) => [...'0123456789'].map((d) => body + d).find(luhnValid)!;
const card16 = withLuhn('622202123456789');
/** A 2-series (Mastercard 2221–2720) card. */
const card2 = withLuhn('222100123456789');
const card19 = withLuhn('621700123456789012');
const fullWidth = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const group = (s: string, sizes: number[], sep: string) => {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(s.slice(at, at + n));
    at += n;
  }
  if (at < s.length) out.push(s.slice(at));
  return out.join(sep);
};
/** An 18-character USCC made of digits only (11 = 机关, region 630100, a numeric 主体标识码). */
const numericUscc = (() => {
  for (let n = 1; n < 10_000; n++) {
    const first17 = `11630100${String(n).padStart(9, '0')}`;
    const c = usccCheckChar(first17);
    if (/\d/.test(c)) return first17 + c;
  }
  throw new Error('no numeric USCC');
})();

type Case = { text: string; found: Array<[PersonalNumberKind, string]>; decisionDate?: string; why: string };

const FOUND: Case[] = [
  { why: '18-digit ID in text', text: `当事人${id18}。`, found: [['id', id18]] },
  { why: 'ID with X check character', text: `身份证号：${idX}，`, found: [['id', idX]] },
  { why: 'ID with lower-case x', text: `号码${idX.toLowerCase()}`, found: [['id', idX.toLowerCase()]] },
  { why: 'full-width ID', text: `身份证${fullWidth(id18)}`, found: [['id', fullWidth(id18)]] },
  { why: 'full-width ID with Ｘ', text: fullWidth(idX), found: [['id', fullWidth(idX)]] },
  { why: 'ID in groups by spaces', text: `证件 ${group(id18, [6, 8], ' ')} 号`, found: [['id', group(id18, [6, 8], ' ')]] },
  { why: 'ID in groups by dashes', text: group(id18, [6, 4, 4], '-'), found: [['id', group(id18, [6, 4, 4], '-')]] },
  { why: 'ID in groups by full-width spaces', text: group(id18, [6, 8], '\u3000'), found: [['id', group(id18, [6, 8], '\u3000')]] },
  { why: '15-digit first-generation ID', text: `原身份证${id15}。`, found: [['id', id15]] },
  { why: 'mobile', text: '联系电话13912345678', found: [['mobile', '13912345678']] },
  { why: 'mobile 3-4-4 with spaces', text: '电话 139 1234 5678', found: [['mobile', '139 1234 5678']] },
  { why: 'mobile 3-4-4 with dashes', text: '电话：139-1234-5678。', found: [['mobile', '139-1234-5678']] },
  { why: 'mobile with +86', text: '+8619912345678', found: [['mobile', '+8619912345678']] },
  { why: 'mobile with 0086', text: '0086 15012345678'.replace(' ', ''), found: [['mobile', '008615012345678']] },
  { why: 'mobile after +86 and a space', text: '+86 177 1234 5678', found: [['mobile', '177 1234 5678']] },
  { why: 'full-width mobile', text: `手机${fullWidth('18612345678')}`, found: [['mobile', fullWidth('18612345678')]] },
  { why: 'mobile after a year in the same digit run', text: '2026 139 1234 5678', found: [['mobile', '139 1234 5678']] },
  { why: '16-digit bank card', text: `账号${card16}`, found: [['bank_card', card16]] },
  { why: '19-digit bank card in groups of 4', text: `卡号 ${group(card19, [4, 4, 4, 4], ' ')}`, found: [['bank_card', group(card19, [4, 4, 4, 4], ' ')]] },
  { why: 'mobiles listed with commas', text: '电话13912345678,13812345678', found: [['mobile', '13912345678'], ['mobile', '13812345678']] },
  { why: 'several kinds in one text', text: `张某（${id18}，电话13812345678）账户${card16}`, found: [['id', id18], ['mobile', '13812345678'], ['bank_card', card16]] },
  { why: 'licence-shaped ID when no decision date is known', text: '150430201805240102', found: [['id', '150430201805240102']] },
  { why: 'an ID of someone born before the decision', text: id18, decisionDate: '2026-06-01', found: [['id', id18]] },
  { why: 'ID in groups of 3-3-4-4-4', text: `身份证号：${group(id18, [3, 3, 4, 4], ' ')}`, found: [['id', group(id18, [3, 3, 4, 4], ' ')]] },
  { why: 'full-width 15-digit ID', text: `一代证号 ${fullWidth(id15)}`, found: [['id', fullWidth(id15)]] },
  { why: 'mobile with 86 and no +', text: '8613800138000', found: [['mobile', '8613800138000']] },
  { why: 'HK/Macao/Taiwan residence permit', text: `居住证${hkPermit}`, found: [['id', hkPermit]] },
  { why: "foreigner's permanent residence permit", text: `永久居留证 ${foreignPermit}`, found: [['id', foreignPermit]] },
  { why: 'ID whose county is in no region table (known province, check character right)', text: idUnknownCounty, found: [['id', idUnknownCounty]] },
  { why: 'born exactly one year before the decision: a person', text: idYearBefore, decisionDate: '2018-05-24', found: [['id', idYearBefore]] },
  { why: '2-series bank card', text: `卡号${card2}`, found: [['bank_card', card2]] },
];

const NOT_FOUND: Case[] = [
  { why: 'USCC with letters', text: '统一社会信用代码91630100MA7XXXXXXX', found: [] },
  { why: 'valid all-digit USCC', text: `机关代码${numericUscc}`, found: [] },
  { why: '文号', text: '宁市监罚〔2026〕12号；青市监处字〔2025〕第000123号', found: [] },
  { why: 'licence number with the decision date inside, decision date known', text: '许可证编号150430201805240102', decisionDate: '2018-05-24', found: [] },
  { why: 'licence number issued after the "birth"', text: '150430201805240102', decisionDate: '2018-05-01', found: [] },
  { why: 'licence number decided a week after its embedded date (less than a year)', text: '150430201805240102', decisionDate: '2018-06-01', found: [] },
  { why: '"born" a day less than a year before the decision: no person', text: idDayShort, decisionDate: '2018-05-24', found: [] },
  { why: 'valid 15-digit 工商注册号 that also reads as an ID', text: `注册号${regNo}`, found: [] },
  { why: 'ID glued to letters at both ends', text: `a${id18}b`, found: [] },
  { why: 'licence number with letters', text: '食品经营许可证 JY16301020001234；JY1630102000012345', found: [] },
  { why: 'amounts', text: '罚款人民币13900元（1.39万元），没收违法所得1,390,000,000.00元', found: [] },
  { why: 'decimal with many digits', text: '0.13912345678', found: [] },
  { why: 'dates', text: '2026-06-01 至 2026-12-01，20260601，2026年6月1日', found: [] },
  { why: '11 digits that are no mobile', text: '编号12345678901', found: [] },
  { why: 'a longer digit run containing a mobile', text: '139123456789', found: [] },
  { why: 'landline', text: '0971-8123456', found: [] },
  { why: 'card-length number failing Luhn', text: card16.slice(0, -1) + ((Number(card16.slice(-1)) + 1) % 10), found: [] },
  { why: '15 digits with an unknown province', text: '990102850101123', found: [] },
  { why: 'ID with a wrong check character', text: id18.slice(0, 17) + ((Number(id18[17] === 'X' ? 0 : id18[17]) + 1) % 10), found: [] },
  { why: 'ID glued to letters (part of another code)', text: `AB${id18}`, found: [] },
  { why: 'short text', text: '警告', found: [] },
];

test('numbers that are personal are found where they are, with their kind', () => {
  for (const c of FOUND) {
    const got = findPersonalNumbers(c.text, { decisionDate: c.decisionDate }).map((f) => [f.kind, c.text.slice(f.start, f.end)]);
    assert.deepEqual(got, c.found, c.why);
  }
});

test('each found number carries its value: ASCII digits, X upper-case, separators and country prefix removed', () => {
  const values = (text: string) => findPersonalNumbers(text).map((f) => [f.kind, f.value]);
  assert.deepEqual(values(`号码${fullWidth(idX).toLowerCase()}`), [['id', idX]]);
  assert.deepEqual(values(group(id18, [6, 8], '-')), [['id', id18]]);
  assert.deepEqual(values('电话：+86 177-1234-5678；8613800138000；008615012345678'), [
    ['mobile', '17712345678'],
    ['mobile', '13800138000'],
    ['mobile', '15012345678'],
  ]);
  assert.deepEqual(values(`卡号 ${group(card19, [4, 4, 4, 4], ' ')}`), [['bank_card', card19]]);
});

test('the staff form masks ID and card 6 + 4 and mobiles 3 + 4, in place, the rest of the text kept', () => {
  assert.equal(maskPersonalNumber({ kind: 'id', value: id18 }), `${id18.slice(0, 6)}********${id18.slice(-4)}`);
  assert.equal(maskPersonalNumber({ kind: 'mobile', value: '13912345678' }), '139****5678');
  assert.equal(maskPersonalNumber({ kind: 'bank_card', value: card19 }), `${card19.slice(0, 6)}*********${card19.slice(-4)}`);
  const text = `张某（${group(id18, [6, 8], ' ')}，电话+86 139-1234-5678），备注`;
  assert.equal(maskPersonalNumbersIn(text, findPersonalNumbers(text)), `张某（${id18.slice(0, 6)}********${id18.slice(-4)}，电话+86 139****5678），备注`);
  assert.equal(maskPersonalNumbersIn('无', []), '无');
});

test('legitimate public numbers are not personal numbers', () => {
  assert.ok(isValidUscc(numericUscc));
  for (const c of NOT_FOUND) assert.deepEqual(findPersonalNumbers(c.text, { decisionDate: c.decisionDate }), [], c.why);
});

test('scrubbing replaces every digit of a found number with *, keeps everything else, and is idempotent', () => {
  assert.equal(scrubPersonalNumbers(`当事人${id18}。`), `当事人${'*'.repeat(18)}。`);
  assert.equal(scrubPersonalNumbers('电话：139-1234-5678。'), '电话：***********。');
  assert.equal(scrubPersonalNumbers(`卡号 ${group(card19, [4, 4, 4, 4], ' ')}`), `卡号 ${'*'.repeat(19)}`);
  assert.equal(scrubPersonalNumbers(fullWidth(idX)), '*'.repeat(18));
  for (const c of [...FOUND, ...NOT_FOUND]) {
    const once = scrubPersonalNumbers(c.text, { decisionDate: c.decisionDate });
    assert.equal(scrubPersonalNumbers(once, { decisionDate: c.decisionDate }), once, c.why);
    if (c.found.length) assert.deepEqual(findPersonalNumbers(once), [], c.why);
    else assert.equal(once, c.text, c.why);
  }
});

test('names: masked keeps the surname; the setting chooses; a name that is a number stays hidden either way', () => {
  assert.equal(maskPersonName('刘德华'), '刘**');
  assert.equal(maskPersonName('刘'), '刘*');
  assert.equal(publicPersonName('刘德华', 'full'), '刘德华');
  assert.equal(publicPersonName('刘德华', 'masked'), '刘**');
  assert.equal(publicPersonName(id18, 'full'), '*'.repeat(18));
  assert.equal(publicPersonName(id18, 'masked'), '*'.repeat(18));
  assert.equal(publicPersonName(`刘德华${id18}`, 'full'), `刘德华${'*'.repeat(18)}`);
});
