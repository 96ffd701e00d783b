// Issue 13 (publicity side): each case of the review is a row; `before` notes what main did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decidePublicity } from './decide.ts';
import { penaltyInputFromValues, permitInputFromValues } from './input.ts';
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
