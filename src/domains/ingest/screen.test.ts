// The ingest screen for personal numbers in public text fields (issue 11 §5): full-width, grouped and
// 15-digit ID numbers, mobiles and bank cards get their own reason codes; licence numbers and USCCs do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_PII_SCREEN, loadConfig } from '../../config.ts';
import { compileItem } from '../catalog/catalog.model.ts';
import { SGS_XK_V2 } from '../catalog/builtin/index.ts';
import { generateUscc, idCheckChar } from '../codes/index.ts';
import { createWorkCalendar, epochDayOf } from '../../platform/workCalendar.ts';
import { mulberry32 } from './fixtures.ts';
import { matchHeaders } from './headers.ts';
import { findPersonalNumbers, luhnValid } from '../codes/index.ts';
import { mayHoldPersonalNumber, screenPublicField } from './screen.ts';
import { validateRow, type ValidationContext } from './validate.ts';

const today = new Date('2026-11-28T04:00:00Z');
const ID = (() => {
  const first17 = '63010219900101123';
  return first17 + idCheckChar(first17);
})();
const ID15 = '630102900101123';
const fullWidth = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
/** A Luhn-valid 19-digit 银联 card number. */
const CARD = (() => {
  const body = '622202100112345678';
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('no check digit');
})();
const rng = mulberry32(11_05);
const USCC_DIGITS = (() => {
  for (;;) {
    const u = generateUscc(rng, { prefix: '91', region: '630103' });
    if (/^\d{18}$/.test(u)) return u;
  }
})();

const codeOf = (field: string, text: string, decisionDay?: number) => screenPublicField(field, text, { today, decisionDay });

test('ID numbers: full-width, spaced, dashed and 15-digit forms are caught with their reason code', () => {
  for (const text of [
    `当事人张三，身份证号${ID}，无证经营`,
    `身份证号${fullWidth(ID)}`,
    `身份证号 ${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)} 无证经营`,
    `身份证号：${ID.slice(0, 6)}-${ID.slice(6, 14)}-${ID.slice(14)}`,
    `身份证号：${ID.slice(0, 3)} ${ID.slice(3, 6)} ${ID.slice(6, 10)} ${ID.slice(10, 14)} ${ID.slice(14)}`,
    `一代证号${ID15}。`,
    `一代证号 ${fullWidth(ID15)}`,
  ]) {
    const r = codeOf('CF_SY', text);
    assert.equal(r?.code, 'id_number_in_public_field', text);
    assert.equal(r?.severity, 'error', text);
    assert.doesNotMatch(r!.message, new RegExp(ID.slice(6, 14)), 'the message never repeats the birth date');
  }
  assert.match(codeOf('CF_SY', `身份证号${ID}`)!.message, /630102\*{8}/);
});

test('mobiles warn and bank cards reject by default, each with its own code', () => {
  for (const text of ['联系电话13800138000', '联系电话 138 0013 8000', '电话：+86 138-0013-8000', `电话${fullWidth('13800138000')}`, '8613800138000']) {
    const r = codeOf('CF_SY', text);
    assert.equal(r?.code, 'mobile_in_public_field', text);
    assert.equal(r?.severity, 'warning', text);
    assert.match(r!.message, /138\*{4}8000/);
  }
  for (const text of [`罚款缴入账户${CARD}`, `卡号 ${CARD.slice(0, 4)} ${CARD.slice(4, 8)} ${CARD.slice(8, 12)} ${CARD.slice(12, 16)} ${CARD.slice(16)}`]) {
    const r = codeOf('CF_SY', text);
    assert.equal(r?.code, 'bank_card_in_public_field', text);
    assert.equal(r?.severity, 'error', text);
  }
  // A bank card that fails Luhn is not one.
  const bad = CARD.slice(0, -1) + String((Number(CARD.slice(-1)) + 1) % 10);
  assert.equal(codeOf('CF_SY', `账户${bad}`), null);
});

test('a licence number that embeds its own date, a USCC, amounts and dates are not personal numbers', () => {
  const licence = '150430201805240102'; // a valid ID checksum, "born" on the licence's decision day
  assert.equal(codeOf('XK_XKBH', licence, epochDayOf(2018, 5, 24)), null);
  assert.equal(codeOf('XK_XKBH', licence, epochDayOf(2018, 6, 1)), null);
  // Without a decision date it would pass for a child's ID number: the row's date is what tells them apart.
  assert.equal(codeOf('XK_XKBH', licence)?.code, 'id_number_in_public_field');
  assert.equal(codeOf('CF_SY', `统一社会信用代码${USCC_DIGITS}`), null);
  assert.equal(codeOf('CF_SY', `于2024-09-01 在长江路12号，罚款人民币20000元，没收 300 件，文号〔2024〕1234567号`), null);
  assert.equal(codeOf('CF_SY', `a${ID}b`), null, 'glued to letters: part of another code');
  assert.equal(findPersonalNumbers(`1${ID}`, { today }).some((p) => p.kind === 'id'), false);
});

test('the screen and public output share one detector: what public pages scrub is refused or flagged here too', () => {
  // Each was published scrubbed but passed the ingest screen while it had a detector of its own.
  const unknownCounty = (() => {
    const first17 = '63019919850101123'; // 青海, a county code in no region table
    return first17 + idCheckChar(first17);
  })();
  assert.equal(codeOf('CF_SY', `身份证号${unknownCounty}`)?.code, 'id_number_in_public_field');
  const card2 = (() => {
    const body = '222100123456789'; // 2-series (Mastercard 2221–2720)
    for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
    throw new Error('no check digit');
  })();
  assert.equal(codeOf('CF_SY', `账户${card2}`)?.code, 'bank_card_in_public_field');
  assert.equal(codeOf('CF_SY', '手机 1380 013 8000')?.code, 'mobile_in_public_field', 'any grouping of 3 or more digits');
  assert.equal(codeOf('CF_SY', `卡号 ${CARD.slice(0, 6)} ${CARD.slice(6, 13)} ${CARD.slice(13)}`)?.code, 'bank_card_in_public_field');
});

test('the screen\'s pre-check never skips a text in which the detector finds a number (issue 18)', () => {
  // Texts built from what the detector reads: half- and full-width digits, every separator, X, letters, dots, plus
  // signs and Chinese, around real ID, 15-digit ID, card and mobile numbers split by random separators.
  const r = mulberry32(18_2026);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const SEPARATORS = [' ', '\u00a0', '\u3000', '-', '\uff0d', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014'];
  const NOISE = ['罚款', '元', '号', '〔', '〕', 'X', 'x', 'Ａ', 'a', '.', '+', '/', '，', '：', ...SEPARATORS];
  const NUMBERS = [ID, ID15, CARD, '13800138000', '8613800138000', '0086 13800138000', USCC_DIGITS];
  const split = (n: string) => {
    let out = '';
    for (let i = 0; i < n.length; i++) out += (i > 0 && r() < 0.15 ? pick(SEPARATORS) : '') + n[i];
    return r() < 0.3 ? fullWidth(out) : out;
  };
  let found = 0;
  for (let k = 0; k < 20_000; k++) {
    let text = '';
    const parts = 1 + Math.floor(r() * 6);
    for (let p = 0; p < parts; p++) {
      const x = r();
      if (x < 0.25) text += split(pick(NUMBERS));
      else if (x < 0.6) text += String(Math.floor(r() * 10 ** (1 + Math.floor(r() * 9))));
      else text += pick(NOISE);
    }
    if (findPersonalNumbers(text, { today }).length === 0) continue;
    found++;
    assert.ok(mayHoldPersonalNumber(text), `skipped a text the detector finds a number in: ${JSON.stringify(text)}`);
  }
  assert.ok(found > 1000, `enough texts with numbers (${found})`);
  assert.equal(mayHoldPersonalNumber('经查，当事人于2025/06/06在西宁市湟中区七一路240号未取得道路运输经营许可'), false, 'digits spread over a date and an address');
});

test('INGEST_PII_SCREEN: per kind and per field, invalid entries listed at start-up', () => {
  const c = loadConfig({ INGEST_PII_SCREEN: 'mobile=reject, XK_XKBH.id=warn' });
  assert.deepEqual(c.ingestPiiScreen.defaults, { ...DEFAULT_PII_SCREEN.defaults, mobile: 'reject' });
  const policy = c.ingestPiiScreen;
  assert.equal(screenPublicField('CF_SY', '电话13800138000', { today, policy })?.severity, 'error');
  assert.equal(screenPublicField('XK_XKBH', ID, { today, policy })?.severity, 'warning');
  assert.equal(screenPublicField('XK_NR', ID, { today, policy })?.severity, 'error');
  assert.throws(() => loadConfig({ INGEST_PII_SCREEN: 'email=reject,id=drop' }), (e: unknown) => e instanceof ConfigError && e.problems.length === 2);
});

test('in the row validator: a rejected number fails the row, a warned one keeps it with the warning', () => {
  const xk = matchHeaders(SGS_XK_V2, compileItem(SGS_XK_V2).templateFields.map((f) => f.name));
  const ctx: ValidationContext = { today, calendar: createWorkCalendar(), reportDate: new Date('2018-05-25T02:00:00Z') };
  const auth = generateUscc(rng, { prefix: '11', region: '630100' });
  const base: Record<string, string> = {
    XK_XDR_MC: '西宁鑫源商贸有限公司',
    XK_XDR_LB: '法人及非法人组织',
    XK_XDR_SHXYM: generateUscc(rng, { prefix: '91', region: '630103' }),
    XK_FRDB: '王明',
    XK_XKWS: '食品经营许可决定书',
    XK_WSH: '宁市监许〔2018〕12号',
    XK_XKLB: '普通',
    XK_XKZS: '食品经营许可证',
    XK_XKBH: '150430201805240102',
    XK_NR: '预包装食品销售',
    XK_JDRQ: '2018-05-24',
    XK_YXQZ: '2018-05-24',
    XK_YXQZI: '2023-05-23',
    XK_XKJG: '西宁市市场监督管理局',
    XK_XKJGDM: auth,
    XK_LYDW: '西宁市市场监督管理局',
    XK_LYDWDM: auth,
    XK_ZT: '有效',
  };
  const run = (o: Record<string, string>) => validateRow(SGS_XK_V2, xk, xk.columns.map((c) => (c.field ? ({ ...base, ...o }[c.field] ?? '') : '')), ctx);
  const ok = run({});
  assert.deepEqual(ok.errors, []);
  assert.equal(ok.warnings.some((w) => w.code.endsWith('_in_public_field')), false);
  const withCard = run({ XK_NR: `保证金账户 ${CARD}` });
  assert.deepEqual(withCard.errors.map((e) => `${e.field}:${e.code}`), ['XK_NR:bank_card_in_public_field']);
  const withMobile = run({ XK_NR: '预包装食品销售，联系人手机 138-0013-8000' });
  assert.equal(withMobile.ok, true);
  assert.deepEqual(withMobile.warnings.filter((w) => w.code === 'mobile_in_public_field').map((w) => w.field), ['XK_NR']);
  const withId = run({ XK_NR: `负责人身份证号 ${fullWidth(ID)}` });
  assert.deepEqual(withId.errors.map((e) => `${e.field}:${e.code}`), ['XK_NR:id_number_in_public_field']);
  assert.equal(withId.values.XK_NR, null, 'the rejected value is not kept');
});

test('issue 13 case 9: a licence number shaped like an ID number in 许可编号 is judged by decision date and the field\'s role', () => {
  const xk = matchHeaders(SGS_XK_V2, compileItem(SGS_XK_V2).templateFields.map((f) => f.name));
  const auth = generateUscc(rng, { prefix: '11', region: '630100' });
  const licence = '150430201805240102';
  const row = (decision: string, o: Record<string, string> = {}): Record<string, string> => ({
    XK_XDR_MC: '西宁鑫源商贸有限公司',
    XK_XDR_LB: '法人及非法人组织',
    XK_XDR_SHXYM: generateUscc(rng, { prefix: '91', region: '630103' }),
    XK_FRDB: '王明',
    XK_XKWS: '食品经营许可决定书',
    XK_WSH: '宁市监许〔2018〕12号',
    XK_XKLB: '普通',
    XK_XKBH: licence,
    XK_NR: '预包装食品销售',
    XK_JDRQ: decision,
    XK_YXQZ: decision,
    XK_YXQZI: '2099-12-31',
    XK_XKJG: '西宁市市场监督管理局',
    XK_XKJGDM: auth,
    XK_LYDW: '西宁市市场监督管理局',
    XK_LYDWDM: auth,
    XK_ZT: '有效',
    ...o,
  });
  const screenOf = (r: ReturnType<typeof validateRow>) =>
    [...r.errors.map((e) => `error ${e.field}:${e.code}`), ...r.warnings.filter((w) => w.code.endsWith('_in_public_field')).map((w) => `warning ${w.field}:${w.code}`)];
  // [decision date, overrides, policy, expected]. Before issue 13 the renewed licence (2020 decision) was rejected.
  const cases: [string, Record<string, string>, string | undefined, string[]][] = [
    ['2018-05-24', {}, undefined, []],
    ['2020-06-01', {}, undefined, ['warning XK_XKBH:id_number_in_public_field']],
    ['2020-06-01', {}, 'XK_XKBH.id=reject', ['error XK_XKBH:id_number_in_public_field']],
    ['2020-06-01', { XK_XKBH: `编号${licence}` }, undefined, ['error XK_XKBH:id_number_in_public_field']],
    ['2020-06-01', { XK_NR: `许可${licence}` }, undefined, ['error XK_NR:id_number_in_public_field', 'warning XK_XKBH:id_number_in_public_field']],
  ];
  for (const [decision, o, env, expected] of cases) {
    const policy = env ? loadConfig({ INGEST_PII_SCREEN: env }).ingestPiiScreen : undefined;
    const ctx: ValidationContext = { today, calendar: createWorkCalendar(), reportDate: new Date(`${decision}T02:00:00Z`), piiScreen: policy };
    const values = row(decision, o);
    const r = validateRow(SGS_XK_V2, xk, xk.columns.map((c) => (c.field ? (values[c.field] ?? '') : '')), ctx);
    assert.deepEqual(screenOf(r), expected, `${decision} ${JSON.stringify(o)} ${env}`);
  }
});
