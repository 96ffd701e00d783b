// Issue 13 (publicity side): each case of the review is a row; `before` notes what main did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decidePublicity } from './decide.ts';
import { idCheckChar } from '../codes/index.ts';
import { birthDateOf, penaltyInputFromValues, permitInputFromValues } from './input.ts';
import { readSanction } from './sanctions.ts';
import { fineUnitSuspect } from './index.ts';
import { resolveSettings, type PublicitySettingsPatch } from './settings.ts';
import type { PublicityDecision, PublicityInput } from './publicity.schemas.ts';

const pen = (over: Partial<PublicityInput>): PublicityInput => ({
  recordType: 'penalty',
  decisionDate: '2024-03-01',
  categories: ['03'],
  fineAmount: 0.5,
  withdrawn: false,
  subjectIsMinor: false,
  ...over,
});

/** An 18-character number in the 身份证 layout with a valid check character. */
const permitNo = (first17: string) => first17 + idCheckChar(first17);

interface Row {
  name: string;
  before: string;
  input: PublicityInput;
  at: string;
  settings?: PublicitySettingsPatch;
  want: Partial<PublicityDecision>;
  explains?: string[];
}

function run(rows: Row[]): void {
  for (const r of rows) {
    const d = decidePublicity(r.input, r.at, undefined, r.settings ? resolveSettings(r.settings) : undefined);
    const got = Object.fromEntries(Object.keys(r.want).map((k) => [k, d[k as keyof PublicityDecision]]));
    assert.deepEqual(got, r.want, `${r.name} (before: ${r.before})`);
    for (const e of r.explains ?? []) assert.ok(d.explanation.includes(e), `${r.name}: explanation “${d.explanation}” lacks “${e}”`);
  }
}

test('issue 13 case 1: order No. 58 one-year minimum covers 食品 and 药品', () => {
  run([
    {
      name: '2024-03-01 市场监管 fine for 经营不符合食品安全标准的食品',
      before: 'minUntil 2024-06-01 (3 months)',
      input: pen({ authority: '西宁市市场监督管理局', conduct: '经营不符合食品安全标准的食品' }),
      at: '2024-04-01',
      want: { sector: '食品药品', minUntil: '2025-03-01', repairableFrom: '2025-03-02', reasons: ['sector_minimum'] },
    },
    {
      name: 'sector from the legal basis when the conduct names no sector',
      before: 'sector 市场监管, 3 months',
      input: pen({ authority: '西宁市市场监督管理局', conduct: '未按规定建立进货查验记录', basis: '《中华人民共和国药品管理法》第一百二十六条' }),
      at: '2024-04-01',
      want: { sector: '食品药品', minUntil: '2025-03-01' },
    },
    {
      name: 'values: CF_YJ feeds the basis',
      before: 'CF_YJ ignored',
      input: penaltyInputFromValues({ CF_JDRQ: '2024-03-01', CF_CFLB: '03', CF_NR_FK: 0.5, CF_CFJG: '西宁市市场监督管理局', CF_WFXW: '未按规定建立进货查验记录', CF_YJ: '《中华人民共和国食品安全法》第一百二十六条' }),
      at: '2024-04-01',
      want: { sector: '食品药品', minUntil: '2025-03-01' },
    },
    {
      name: '化妆品 has no one-year minimum under order 58',
      before: '1 year once 食品药品 was listed (化妆品 was part of it)',
      input: pen({ authority: '西宁市市场监督管理局', conduct: '经营不符合规定的化妆品' }),
      at: '2024-04-01',
      want: { sector: '化妆品医疗器械', minUntil: '2024-06-01' },
    },
    {
      name: 'the same fine under the 2026 rules keeps the 2026 periods',
      before: 'unchanged',
      input: pen({ decisionDate: '2026-05-01', authority: '西宁市市场监督管理局', conduct: '经营不符合食品安全标准的食品' }),
      at: '2026-06-01',
      want: { regime: '2026', minUntil: '2026-08-01' },
    },
  ]);
});

test('issue 13 case 2: negated sanctions are not 吊销; L4 alone is not 严重', () => {
  run([
    {
      name: '2020 L4 "暂扣食品经营许可证，不予吊销" in 食品药品',
      before: '特定严重失信, 3 years, not repairable',
      input: pen({ decisionDate: '2020-08-01', categories: ['L4'], fineAmount: null, conduct: '经营超过保质期的食品', content: '暂扣食品经营许可证，不予吊销' }),
      at: '2020-09-01',
      want: { specificSerious: false, severity: '一般', until: '2021-08-01', reasons: ['revocation_negated'] },
      explains: ['处罚内容“不予吊销”为否定表述，不按吊销处理'],
    },
    {
      name: '2020 L4 that imposes 吊销 stays 特定严重失信 and says which words',
      before: '特定严重失信 (without the words)',
      input: pen({ decisionDate: '2020-08-01', categories: ['L4'], fineAmount: null, conduct: '经营超过保质期的食品', content: '吊销食品经营许可证' }),
      at: '2020-09-01',
      want: { specificSerious: true, severity: '严重', reasons: ['revocation_in_text', 'specific_serious'] },
      explains: ['处罚内容“吊销食品经营许可证”为吊销'],
    },
    {
      name: '2024 L4 that only suspends is 一般, not 严重',
      before: '严重',
      input: pen({ categories: ['L4'], fineAmount: null, content: '暂扣许可证一个月' }),
      at: '2024-04-01',
      want: { severity: '一般', reasons: [] },
    },
    {
      name: '撤销原吊销决定 is not 吊销',
      before: '严重 (L4)',
      input: pen({ decisionDate: '2026-05-01', categories: ['L4'], fineAmount: null, content: '撤销原吊销许可证决定，改为暂扣许可证' }),
      at: '2026-06-01',
      want: { severity: '一般', until: '2027-05-01', reasons: ['revocation_negated'] },
    },
    {
      name: 'the 处罚类别 code wins over the text: 08 is 吊销 whatever the text says',
      before: 'unchanged',
      input: pen({ decisionDate: '2026-05-01', categories: ['08'], fineAmount: null, content: '未吊销' }),
      at: '2026-06-01',
      want: { severity: '严重' },
    },
  ]);
  assert.deepEqual(readSanction('暂扣食品经营许可证，不予吊销', '吊销'), { affirmed: false, words: '不予吊销' });
  assert.deepEqual(readSanction('免予吊销；罚款5000元', '吊销'), { affirmed: false, words: '免予吊销' });
  assert.deepEqual(readSanction('不予吊销营业执照，吊销食品经营许可证', '吊销'), { affirmed: true, words: '吊销食品经营许可证' });
  assert.equal(readSanction('罚款5000元', '吊销'), null);
});

test('issue 13 case 6: the 2026-04-01 transition rule is a setting shown in the explanation', () => {
  const warning = (decisionDate: string) => pen({ decisionDate, categories: ['01'], fineAmount: null });
  run([
    {
      name: 'default (decision date): 警告 of 2026-03-31 stays public until 2029',
      before: 'same, without saying why',
      input: warning('2026-03-31'),
      at: '2026-06-01',
      want: { public: true, regime: '2023', until: '2029-03-31', reasons: [] },
      explains: ['过渡规则：施行前作出的决定适用决定时的规则（2026-04-01 起，由信用办确定）'],
    },
    {
      name: '警告 of 2026-04-01 is never published (no transition note: not an earlier decision)',
      before: 'same',
      input: warning('2026-04-01'),
      at: '2026-06-01',
      want: { public: false, regime: '2026', reasons: ['minor_offence_not_published'] },
    },
    {
      name: 'new rules for all: 警告 of 2026-03-31 leaves publicity on 2026-04-01',
      before: 'no such setting (public until 2029)',
      input: warning('2026-03-31'),
      at: '2026-06-01',
      settings: { transition: { rule: 'new_for_all' } },
      want: { public: false, regime: '2026', until: '2026-03-31', reasons: ['minor_offence_not_published', 'regime_applies_to_existing'] },
      explains: ['过渡规则：仍在公示的决定一律适用新规则'],
    },
    {
      name: 'the lighter: a 2025 严重 fine gets the 2026 3-year cap but keeps order 58 where it is lighter',
      before: 'no such setting',
      input: pen({ decisionDate: '2025-06-01', categories: ['03'], fineAmount: 200 }),
      at: '2026-06-01',
      settings: { transition: { rule: 'lighter' } },
      want: { public: true, regime: '2023', until: '2028-06-01', minUntil: '2025-09-01' },
      explains: ['过渡规则：仍在公示的决定适用新旧规则中较轻者'],
    },
    {
      name: 'the lighter: a 2025 一般 fine ends after 1 year under the 2026 rules',
      before: 'no such setting (3 years)',
      input: pen({ decisionDate: '2025-06-01' }),
      at: '2026-05-01',
      settings: { transition: { rule: 'lighter' } },
      want: { public: true, regime: '2026', until: '2026-06-01', reasons: ['regime_more_lenient'] },
    },
    {
      name: 'a later transition day: new rules for all only from 2026-07-01',
      before: 'no such setting',
      input: warning('2026-03-31'),
      at: '2026-06-01',
      settings: { transition: { rule: 'new_for_all', from: '2026-07-01' } },
      want: { public: true, regime: '2023', reviewAt: '2026-07-01' },
    },
  ]);
});

test('issue 13 case 4: 注销/失效 ends public display but stays shared with government; 撤销 withdraws', () => {
  const permit = (over: Partial<PublicityInput>): PublicityInput => ({ recordType: 'permit', decisionDate: '2025-01-10', categories: [], withdrawn: false, subjectIsMinor: false, validUntil: '2099-12-31', ...over });
  run([
    {
      name: 'a permit 注销 in the normal way',
      before: 'treated as 撤销: audience none',
      input: permitInputFromValues({ XK_JDRQ: '2025-01-10', XK_ZT: '注销', XK_YXQZI: '2099-12-31' }),
      at: '2026-06-01',
      want: { public: false, audience: 'government', reasons: ['ended', 'long_term'], explanation: '不再社会公开：该信息已注销或失效，仍供政务共享' },
    },
    {
      name: 'a permit 失效',
      before: 'audience none',
      input: permit({ ended: true }),
      at: '2026-06-01',
      want: { public: false, audience: 'government' },
    },
    {
      name: 'a permit 撤销 is withdrawn entirely',
      before: 'same',
      input: permitInputFromValues({ XK_JDRQ: '2025-01-10', XK_ZT: '2', XK_YXQZI: '2099-12-31' }),
      at: '2026-06-01',
      want: { public: false, audience: 'none', reasons: ['withdrawn', 'long_term'] },
    },
    {
      name: 'a permit 已撤销 in words is withdrawn entirely',
      before: 'same (as code 2)',
      input: permitInputFromValues({ XK_JDRQ: '2025-01-10', XK_ZT: '已撤销', XK_YXQZI: '2099-12-31' }),
      at: '2026-06-01',
      want: { public: false, audience: 'none' },
    },
  ]);
});

test('issue 13 case 3: 简易程序 from a 处罚程序 field, else possibly 简易 by 行政处罚法 art. 51 (flag by default)', () => {
  const v = (over: Record<string, string | number | null>) => ({ CF_JDRQ: '2026-05-10', CF_CFLB: '01', CF_XDR_LB: '1', ...over });
  run([
    {
      name: '处罚程序 = 简易 (CF_CFCX): 轻微, not published under the 2026 rules',
      before: 'no field read: 警告 published? (轻微 by category anyway); a 罚款 of 2 万元 was 一般 and published',
      input: penaltyInputFromValues(v({ CF_CFLB: '03', CF_NR_FK: 2, CF_CFCX: '简易' })),
      at: '2026-06-01',
      want: { public: false, severity: '轻微', reasons: ['minor_offence_not_published', 'simple_procedure'] },
    },
    {
      name: '处罚程序 = 普通 under its Chinese name: a 2 000 元 fine of an organisation stays 一般',
      before: 'same',
      input: penaltyInputFromValues(v({ CF_CFLB: '03', CF_NR_FK: 0.2, 处罚程序: '普通程序' })),
      at: '2026-06-01',
      want: { public: true, severity: '一般', reasons: [] },
    },
    {
      name: 'no field, 2 000 元 fine of an organisation: flagged for the department, still published',
      before: 'published with no warning',
      input: penaltyInputFromValues(v({ CF_CFLB: '03', CF_NR_FK: 0.2 })),
      at: '2026-06-01',
      want: { public: true, severity: '一般', reasons: ['possibly_simple_procedure'] },
      explains: ['可能适用简易程序'],
    },
    {
      name: 'no field, 2 000 元 fine of a person: above 200 元, not possibly 简易',
      before: 'same',
      // An adult's 身份证 (born 1980): without any birth date the penalty would wait for the department (case 11).
      input: penaltyInputFromValues(v({ CF_CFLB: '03', CF_NR_FK: 0.2, CF_XDR_LB: '2', CF_XDR_ZJLX: '01', CF_XDR_ZJHM: '630102198001011234' })),
      at: '2026-06-01',
      want: { public: true, reasons: [] },
    },
    {
      name: 'setting treat_as_simple: the same fine is 轻微 and not published',
      before: 'no such setting',
      input: penaltyInputFromValues(v({ CF_CFLB: '03', CF_NR_FK: 0.2 })),
      at: '2026-06-01',
      settings: { possiblySimpleProcedure: 'treat_as_simple' },
      want: { public: false, severity: '轻微', reasons: ['minor_offence_not_published', 'simple_procedure', 'possibly_simple_procedure'] },
    },
    {
      name: '罚款 with 吊销 is never 简易',
      before: 'same',
      input: penaltyInputFromValues(v({ CF_CFLB: '03;08', CF_NR_FK: 0.1 })),
      at: '2026-06-01',
      want: { severity: '严重', reasons: ['longest_category'] },
    },
  ]);
});

test('issue 13 case 7: a fine entered in 元 is flagged, not treated as 巨额', () => {
  run([
    {
      name: 'CF_NR_FK = 5000 with 处罚内容 "罚款人民币5000元"',
      before: '严重 (5 000 万元 > 100 万元), 1–3 years',
      input: penaltyInputFromValues({ CF_JDRQ: '2026-05-10', CF_CFLB: '03', CF_XDR_LB: '1', CF_NR_FK: 5000, CF_NR: '罚款人民币5000元' }),
      at: '2026-06-01',
      want: { severity: '一般', until: '2027-05-10', reasons: ['fine_unit_suspect'] },
      explains: ['疑为按元填报'],
    },
    {
      name: 'a real 500 万元 fine whose text says 5000000元 stays 严重',
      before: 'same',
      input: penaltyInputFromValues({ CF_JDRQ: '2026-05-10', CF_CFLB: '03', CF_XDR_LB: '1', CF_NR_FK: 500, CF_NR: '罚款人民币5,000,000元' }),
      at: '2026-06-01',
      want: { severity: '严重', reasons: ['fine_above_threshold'] },
    },
  ]);
  assert.equal(fineUnitSuspect({ CF_NR_FK: 5000, CF_NR: '罚款人民币5000元' }), true);
  assert.equal(fineUnitSuspect({ CF_NR_FK: '0.5', CF_NR: '罚款人民币5000元' }), false);
  assert.equal(fineUnitSuspect({ CF_NR_FK: 50, CF_NR: '罚款50万元' }), false);
  assert.equal(fineUnitSuspect({ CF_NR_FK: 5000, CF_NR: null }), false);
});

test('issue 13 case 5: 当前状态 4 (注销或失效, catalogue version 3) is ended, 2 (无效/撤销) withdrawn', () => {
  run([
    {
      name: 'XK_ZT 4 as the validator stores 注销/失效',
      before: 'the catalogue folded 注销/失效 into 2: withdrawn, audience none',
      input: permitInputFromValues({ XK_JDRQ: '2025-01-10', XK_ZT: '4', XK_YXQZI: '2030-01-09' }),
      at: '2026-06-01',
      want: { public: false, audience: 'government', reasons: ['ended'] },
    },
    {
      name: 'CF_ZT 4: a penalty 失效 likewise stays shared',
      before: 'no such code',
      input: penaltyInputFromValues({ CF_JDRQ: '2026-05-10', CF_CFLB: '03', CF_NR_FK: 0.5, CF_XDR_LB: '1', CF_ZT: '4' }),
      at: '2026-06-01',
      want: { public: false, audience: 'government' },
    },
  ]);
});

test('issue 13 case 6: minors from every document that carries a birth date, else age_unconfirmed', () => {
  const hk = (birth: string) => permitNo('810000' + birth + '001');
  const foreign23 = (birth: string) => permitNo('911840' + birth + '001');
  const v = (over: Record<string, string | number | null>) =>
    penaltyInputFromValues({ CF_JDRQ: '2026-05-10', CF_CFLB: '03', CF_NR_FK: 0.5, CF_XDR_LB: '2', ...over });
  // [what, 证件类型, 证件号码, 出生日期, public, audience, first reason]; before: only 身份证 (01) was read, every
  // other document passed as an adult.
  const cases: [string, string, string, string | null, boolean, string, string | undefined][] = [
    ['身份证 of a minor', '01', '630102201201011234', null, false, 'none', 'minor_subject'],
    ['身份证 of an adult', '01', '630102198001011234', null, true, 'public', undefined],
    ['第一代 15-digit 身份证 (adult)', '01', '630102800101123', null, true, 'public', undefined],
    ['港澳台居民居住证 of a minor (810000)', '06', hk('20120101'), null, false, 'none', 'minor_subject'],
    ['港澳台居民居住证 of an adult (830000)', '06', permitNo('830000198001010012'.slice(0, 17)), null, true, 'public', undefined],
    ['永居证 2023 (9…) of a minor', '05', foreign23('20120715'), null, false, 'none', 'minor_subject'],
    ['永居证 2023 (9…) of an adult', '05', foreign23('19850715'), null, true, 'public', undefined],
    ['永居证 15 characters of a minor (2012-07-15)', '05', 'USA110012071501', null, false, 'none', 'minor_subject'],
    ['永居证 15 characters of an adult (1985-07-15)', '05', 'USA110085071501', null, true, 'public', undefined],
    ['护照 without 出生日期: not guessed, waits for the department', '02', 'E12345678', null, false, 'government', 'age_unconfirmed'],
    ['护照 with an adult 出生日期', '02', 'E12345678', '1980-05-01', true, 'public', undefined],
    ['护照 with a minor 出生日期', '02', 'E12345678', '2012-05-01', false, 'none', 'minor_subject'],
    ['通行证 without 出生日期', '03', 'H12345678', null, false, 'government', 'age_unconfirmed'],
    ['出生日期 wins over the document', '01', '630102198001011234', '2012-05-01', false, 'none', 'minor_subject'],
  ];
  for (const [what, type, no, birth, pub, audience, first] of cases) {
    const d = decidePublicity(v({ CF_XDR_ZJLX: type, CF_XDR_ZJHM: no, CF_XDR_CSRQ: birth }), '2026-06-01');
    assert.deepEqual([d.public, d.audience, d.reasons[0]], [pub, audience, first], what);
  }
  const waiting = decidePublicity(v({ CF_XDR_ZJLX: '02', CF_XDR_ZJHM: 'E12345678' }), '2026-06-01');
  assert.match(waiting.explanation, /^暂不公示：当事人为自然人，证件不含出生日期且未填写出生日期，不能排除未成年人，请部门确认（补报出生日期后按规则公示至 2027-05-10/);
  // An organisation's penalty never waits for a birth date.
  assert.equal(decidePublicity(v({ CF_XDR_LB: '1' }), '2026-06-01').public, true);
  // The 2-digit year of the 15-character card: the latest century not after the decision date.
  assert.deepEqual(
    [birthDateOf('05', 'USA110012071501', '2026-05-10'), birthDateOf('05', 'USA110030071501', '2026-05-10'), birthDateOf('02', 'E12345678')],
    ['2012-07-15', '1930-07-15', null],
  );
});

test('issue 13 case 3b: fines implausible for the authority and category (fine_implausible), thresholds as data', () => {
  const v = (over: Record<string, string | number | null>) => penaltyInputFromValues({ CF_JDRQ: '2026-05-10', CF_CFLB: '03', CF_XDR_LB: '1', CF_CFJG: '西宁市市场监督管理局', CF_NR: '责令改正，并处罚款', ...over });
  const police = { fineCeilings: [{ sectors: ['公安'], ceiling: 0.5, basis: '示例：某单行法规定的罚款上限' }] };
  run([
    {
      name: '2 000 万元 with no 元 figure: above the 1 000 万元 ceiling, flagged and not 巨额',
      before: '严重 (> 100 万元), up to 3 years',
      input: v({ CF_NR_FK: 2000 }),
      at: '2026-06-01',
      want: { severity: '一般', until: '2027-05-10', reasons: ['fine_implausible'] },
      explains: ['罚款金额 2000 万元超过平台设定的合理上限 1000 万元'],
    },
    {
      name: 'a real 500 万元 fine is 严重 as before',
      before: 'same',
      input: v({ CF_NR_FK: 500 }),
      at: '2026-06-01',
      want: { severity: '严重', reasons: ['fine_above_threshold'] },
    },
    {
      name: 'the ceiling is a setting: 3 000 万元 allowed when the credit office raises it',
      before: 'no such setting',
      input: v({ CF_NR_FK: 2000 }),
      at: '2026-06-01',
      settings: { fineCeiling: 3000 },
      want: { severity: '严重', reasons: ['fine_above_threshold'] },
    },
    {
      name: 'a sector ceiling for the authority (data with its basis): 1 万元 by a 公安局 above 0.5',
      before: 'no such data',
      input: v({ CF_NR_FK: 1, CF_CFJG: '西宁市公安局城东分局' }),
      at: '2026-06-01',
      settings: police,
      want: { reasons: ['fine_implausible'] },
      explains: ['超过公安领域的罚款上限 0.5 万元（示例：某单行法规定的罚款上限）'],
    },
    {
      name: 'the same amount by another authority is plausible',
      before: 'same',
      input: v({ CF_NR_FK: 1 }),
      at: '2026-06-01',
      settings: police,
      want: { reasons: [] },
    },
    {
      name: '罚款 not among the categories: the 元 text match still flags it, as the receipt does',
      before: 'the receipt warned, the engine (and the records list) did not',
      input: v({ CF_CFLB: '01', CF_NR_FK: 5000, CF_NR: '警告，罚款人民币5000元' }),
      at: '2026-06-01',
      want: { reasons: ['minor_offence_not_published', 'fine_unit_suspect', 'possibly_simple_procedure'] },
    },
    {
      name: 'a 简易程序 decision keeps the amount flag',
      before: 'the flag was dropped with the amount rules',
      input: v({ CF_NR_FK: 2000, CF_CFCX: '1' }),
      at: '2026-06-01',
      want: { severity: '轻微', reasons: ['minor_offence_not_published', 'simple_procedure', 'fine_implausible'] },
    },
  ]);
});

test('issue 13 case 14: the class of each 处罚类别 is a setting (行政拘留 严重 by default, 一般 once the credit office says so)', () => {
  const detention = pen({ decisionDate: '2026-05-10', categories: ['13'], fineAmount: null });
  run([
    { name: '行政拘留 by default', before: 'same', input: detention, at: '2026-06-01', want: { severity: '严重', until: '2029-05-10' } },
    {
      name: '行政拘留 set to 一般',
      before: 'no setting reachable from the console',
      input: detention,
      at: '2026-06-01',
      settings: { categorySeverity: { '13': '一般' } },
      want: { severity: '一般', until: '2027-05-10' },
    },
  ]);
});
