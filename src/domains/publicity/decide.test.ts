import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decidePublicity } from './decide.ts';
import { resolveSettings, type PublicitySettingsPatch } from './settings.ts';
import type { PublicityDecision, PublicityInput } from './publicity.schemas.ts';

const pen = (over: Partial<PublicityInput>): PublicityInput => ({
  recordType: 'penalty',
  decisionDate: '2026-05-10',
  categories: ['03'],
  fineAmount: 0.5,
  withdrawn: false,
  subjectIsMinor: false,
  ...over,
});
const rec = (recordType: PublicityInput['recordType'], over: Partial<PublicityInput> = {}): PublicityInput => ({
  recordType,
  decisionDate: '2026-06-01',
  categories: [],
  withdrawn: false,
  subjectIsMinor: false,
  ...over,
});

interface Case {
  name: string;
  input: PublicityInput;
  at: string;
  settings?: PublicitySettingsPatch;
  want: Partial<PublicityDecision>;
}

function run(cases: Case[]): void {
  for (const c of cases) {
    const d = decidePublicity(c.input, c.at, undefined, c.settings ? resolveSettings(c.settings) : undefined);
    const got = Object.fromEntries(Object.keys(c.want).map((k) => [k, d[k as keyof PublicityDecision]]));
    assert.deepEqual(got, c.want, c.name);
  }
}

test('regime 2019 (527号): 一般 3 months–1 year, 严重 6 months–3 years, no 轻微 class', () => {
  run([
    {
      name: '一般 fine, inside the minimum',
      input: pen({ decisionDate: '2020-08-01' }),
      at: '2020-09-01',
      want: {
        public: true,
        audience: 'public',
        from: '2020-08-01',
        until: '2021-08-01',
        minUntil: '2020-11-01',
        repairableFrom: '2020-11-02',
        repairable: false,
        severity: '一般',
        regime: '2019',
        reasons: [],
        explanation: '公示至 2021-08-01：一般失信，2019 年规则，最长 1 年；2020-11-02 起可申请信用修复',
      },
    },
    {
      name: '一般 fine, after the minimum',
      input: pen({ decisionDate: '2020-08-01' }),
      at: '2020-11-02',
      want: { public: true, repairable: true, explanation: '公示至 2021-08-01：一般失信，2019 年规则，最长 1 年；可申请信用修复' },
    },
    { name: 'last day of the maximum is still public', input: pen({ decisionDate: '2020-08-01' }), at: '2021-08-01', want: { public: true } },
    {
      name: 'the day after the maximum: expired',
      input: pen({ decisionDate: '2020-08-01' }),
      at: '2021-08-02',
      want: {
        public: false,
        audience: 'government',
        until: '2021-08-01',
        repairable: false,
        reasons: ['expired'],
        explanation: '已于 2021-08-02 停止公示：超过最长公示期（一般失信，2019 年规则，最长 1 年）',
      },
    },
    {
      name: '警告 is 一般 under 2019 (no 轻微 class)',
      input: pen({ decisionDate: '2020-08-01', categories: ['01'], fineAmount: null }),
      at: '2020-09-01',
      want: { public: true, severity: '一般', until: '2021-08-01', explanation: '公示至 2021-08-01：一般失信，2019 年规则，最长 1 年；2020-11-02 起可申请信用修复' },
    },
    {
      name: '严重: 吊销 outside the special sectors',
      input: pen({ decisionDate: '2020-08-01', categories: ['08'], authority: '西宁市交通运输局', conduct: '超限运输' }),
      at: '2020-09-01',
      want: {
        public: true,
        severity: '严重',
        until: '2023-08-01',
        minUntil: '2021-02-01',
        repairableFrom: '2021-02-02',
        specificSerious: false,
        sector: '交通运输',
        explanation: '公示至 2023-08-01：严重失信，2019 年规则，最长 3 年；2021-02-02 起可申请信用修复',
      },
    },
    {
      name: '严重 by the fine threshold (above 100 万元)',
      input: pen({ decisionDate: '2020-08-01', fineAmount: 150 }),
      at: '2020-09-01',
      want: { severity: '严重', until: '2023-08-01', minUntil: '2021-02-01', reasons: ['fine_above_threshold'] },
    },
    {
      name: 'the threshold is a setting',
      input: pen({ decisionDate: '2020-08-01', fineAmount: 30 }),
      at: '2020-09-01',
      settings: { seriousFineAbove: 20 },
      want: { severity: '严重', until: '2023-08-01' },
    },
  ]);
});

test('regime 2019: 特定严重失信 is published the full 3 years and is not repairable', () => {
  const specific = {
    specificSerious: true,
    severity: '严重' as const,
    until: '2023-08-01',
    repairableFrom: null,
    repairable: false,
  };
  run([
    {
      name: '责令停产停业 in 生态环境 (sector from the authority)',
      input: pen({ decisionDate: '2020-08-01', categories: ['10'], authority: '西宁市生态环境局', conduct: '拒不改正' }),
      at: '2022-08-01',
      want: {
        ...specific,
        public: true,
        minUntil: '2023-08-01',
        sector: '生态环境',
        explanation: '公示至 2023-08-01：严重失信，2019 年规则，最长 3 年；特定严重失信行为（生态环境），不可信用修复',
      },
    },
    {
      name: '罚款 + 吊销 in 食品药品 (sector from the conduct, longest category)',
      input: pen({ decisionDate: '2020-08-01', categories: ['03;08'], authority: '西宁市市场监督管理局', conduct: '经营超过保质期的食品' }),
      at: '2020-09-01',
      want: { ...specific, public: true, primaryCategory: '08', reasons: ['longest_category', 'specific_serious'] },
    },
    {
      name: '吊销 for a listed conduct in any sector',
      input: pen({ decisionDate: '2020-08-01', categories: ['08'], authority: '西宁市城市管理综合执法局', conduct: '组织传销活动' }),
      at: '2020-09-01',
      want: { ...specific, explanation: '公示至 2023-08-01：严重失信，2019 年规则，最长 3 年；特定严重失信行为（传销），不可信用修复' },
    },
    {
      name: 'pre-2021 L4 counts only when the text says 吊销',
      input: pen({ decisionDate: '2020-08-01', categories: ['L4'], conduct: '经营超过保质期的食品', content: '吊销食品经营许可证' }),
      at: '2020-09-01',
      want: specific,
    },
    {
      name: 'L4 that only suspends is 一般, not 严重 (issue 13)',
      input: pen({ decisionDate: '2020-08-01', categories: ['L4'], conduct: '经营超过保质期的食品', content: '暂扣食品经营许可证一个月' }),
      at: '2020-09-01',
      want: { specificSerious: false, severity: '一般', repairableFrom: '2020-11-02' },
    },
    {
      name: '吊销 in 市场监管 for ordinary conduct is ordinary 严重',
      input: pen({ decisionDate: '2020-08-01', categories: ['08'], authority: '西宁市市场监督管理局', conduct: '销售不符合安全标准的产品' }),
      at: '2020-09-01',
      want: { specificSerious: false, minUntil: '2021-02-01' },
    },
    {
      name: "the department's explicit 一般 wins over detection",
      input: pen({ decisionDate: '2020-08-01', categories: ['08'], conduct: '经营超过保质期的食品', explicitSeverity: '一般' }),
      at: '2020-09-01',
      want: { specificSerious: false, severity: '一般', until: '2021-08-01', reasons: ['explicit_severity'] },
    },
  ]);
});

test('regime 2023 (order No. 58): 3 months–3 years, 1-year minimum in 特种设备/安全生产/消防, longest period', () => {
  run([
    {
      name: '警告 is published under order 58',
      input: pen({ decisionDate: '2024-02-10', categories: ['01'], fineAmount: null }),
      at: '2024-03-01',
      want: {
        public: true,
        severity: '轻微',
        regime: '2023',
        until: '2027-02-10',
        minUntil: '2024-05-10',
        explanation: '公示至 2027-02-10：轻微失信，2023 年规则，最长 3 年；2024-05-11 起可申请信用修复',
      },
    },
    {
      name: '特种设备 (elevator) has a 1-year minimum',
      input: pen({ decisionDate: '2024-02-10', authority: '西宁市市场监督管理局', conduct: '电梯未经定期检验继续使用' }),
      at: '2024-03-01',
      want: {
        sector: '特种设备',
        minUntil: '2025-02-10',
        repairableFrom: '2025-02-11',
        reasons: ['sector_minimum'],
        explanation: '公示至 2027-02-10：一般失信，2023 年规则，最长 3 年；特种设备领域最短公示期 1 年；2025-02-11 起可申请信用修复',
      },
    },
    {
      name: '安全生产 from the authority',
      input: pen({ decisionDate: '2024-02-10', authority: '西宁市应急管理局', conduct: '未建立事故隐患排查治理制度' }),
      at: '2024-03-01',
      want: { sector: '安全生产', minUntil: '2025-02-10' },
    },
    {
      name: '消防 from the explicit sector field',
      input: pen({ decisionDate: '2024-02-10', sector: '消防安全' }),
      at: '2024-03-01',
      want: { sector: '消防', minUntil: '2025-02-10' },
    },
    {
      name: '食品 has a 1-year minimum under order 58 (issue 13), and no 特定严重 class',
      input: pen({ decisionDate: '2024-02-10', categories: ['08'], conduct: '经营超过保质期的食品' }),
      at: '2025-06-01',
      want: { specificSerious: false, minUntil: '2025-02-10', repairable: true },
    },
    {
      name: 'several types, all 3 months–3 years: no longest_category reason',
      input: pen({ decisionDate: '2024-02-10', categories: ['01;03;08'] }),
      at: '2024-03-01',
      want: { severity: '严重', until: '2027-02-10', reasons: [] },
    },
  ]);
});

test('regime 2026: 轻微 not published, 一般 3 months–1 year, 严重 1–3 years', () => {
  const notPublished = {
    public: false,
    audience: 'government' as const,
    from: null,
    until: null,
    minUntil: null,
    repairableFrom: null,
    severity: '轻微' as const,
    regime: '2026',
    explanation: '不予公示：轻微失信，2026 年规则原则上不公示',
  };
  run([
    { name: '警告', input: pen({ categories: ['01'], fineAmount: null }), at: '2026-06-01', want: { ...notPublished, reasons: ['minor_offence_not_published'] } },
    { name: '通报批评', input: pen({ categories: ['02'], fineAmount: null }), at: '2026-06-01', want: notPublished },
    { name: '简易程序 fine', input: pen({ simpleProcedure: true, fineAmount: 0.02 }), at: '2026-06-01', want: { ...notPublished, reasons: ['minor_offence_not_published', 'simple_procedure'] } },
    {
      name: '一般 fine',
      input: pen({}),
      at: '2026-06-01',
      want: {
        public: true,
        severity: '一般',
        regime: '2026',
        until: '2027-05-10',
        minUntil: '2026-08-10',
        repairableFrom: '2026-08-11',
        explanation: '公示至 2027-05-10：一般失信，2026 年规则，最长 1 年；2026-08-11 起可申请信用修复',
      },
    },
    {
      name: '严重: 吊销',
      input: pen({ categories: ['08'], fineAmount: null }),
      at: '2026-06-01',
      want: { severity: '严重', until: '2029-05-10', minUntil: '2027-05-10', repairableFrom: '2027-05-11', explanation: '公示至 2029-05-10：严重失信，2026 年规则，最长 3 年；2027-05-11 起可申请信用修复' },
    },
    {
      name: '警告 + 罚款 + 吊销: the longest (严重) wins',
      input: pen({ categories: ['01;03;08'] }),
      at: '2026-06-01',
      want: { severity: '严重', until: '2029-05-10', primaryCategory: '08', reasons: ['longest_category'] },
    },
    {
      name: '警告 + 罚款: published as 一般 although 警告 alone is not',
      input: pen({ categories: ['01;03'] }),
      at: '2026-06-01',
      want: { public: true, severity: '一般', until: '2027-05-10', primaryCategory: '03', reasons: ['longest_category'] },
    },
    {
      name: 'explicit 严重 on a 警告',
      input: pen({ categories: ['01'], fineAmount: null, explicitSeverity: '严重' }),
      at: '2026-06-01',
      want: { public: true, severity: '严重', until: '2029-05-10', reasons: ['explicit_severity'] },
    },
    {
      name: '特种设备 has no special minimum under 2026',
      input: pen({ conduct: '电梯未经定期检验继续使用' }),
      at: '2026-06-01',
      want: { sector: '特种设备', minUntil: '2026-08-10', reasons: [] },
    },
    {
      name: 'a sector that publishes 轻微 (≤ 3 months, repairable at once)',
      input: pen({ categories: ['01'], fineAmount: null, conduct: '未按规定公示食品经营许可证' }),
      at: '2026-06-01',
      settings: { periodOverrides: [{ regimes: ['2026'], sectors: ['食品药品'], severities: ['轻微'], publish: true, basis: '食品药品领域信用分级分类标准' }] },
      want: {
        public: true,
        until: '2026-08-10',
        minUntil: '2026-05-10',
        repairableFrom: '2026-05-10',
        repairable: true,
        reasons: ['period_override'],
        explanation: '公示至 2026-08-10：轻微失信，2026 年规则，最长 3 个月；依食品药品领域信用分级分类标准；可申请信用修复',
      },
    },
    {
      name: 'the same override does not touch other sectors',
      input: pen({ categories: ['01'], fineAmount: null, authority: '西宁市交通运输局' }),
      at: '2026-06-01',
      settings: { periodOverrides: [{ regimes: ['2026'], sectors: ['食品药品'], severities: ['轻微'], publish: true, basis: '食品药品领域信用分级分类标准' }] },
      want: { public: false, reasons: ['minor_offence_not_published'] },
    },
    {
      name: 'a law that sets a longer period prevails',
      input: pen({ categories: ['10'], fineAmount: null, authority: '西宁市生态环境局' }),
      at: '2026-06-01',
      settings: { periodOverrides: [{ regimes: ['2026'], sectors: ['生态环境'], severities: ['严重'], maxMonths: 60, basis: '《示例法》第十条' }] },
      want: { until: '2031-05-10', minUntil: '2027-05-10', explanation: '公示至 2031-05-10：严重失信，2026 年规则，最长 5 年；依《示例法》第十条；2027-05-11 起可申请信用修复' },
    },
  ]);
});

test('records decided before a regime change keep their regime by default', () => {
  run([
    {
      name: '2019 record viewed after 2023-05-01',
      input: pen({ decisionDate: '2023-04-20' }),
      at: '2023-06-01',
      want: { regime: '2019', until: '2024-04-20', reviewAt: null, explanation: '公示至 2024-04-20：一般失信，2019 年规则，最长 1 年；2023-07-21 起可申请信用修复' },
    },
    {
      name: '2019 特定严重 viewed under 2023: still not repairable',
      input: pen({ decisionDate: '2021-01-15', categories: ['10'], authority: '西宁市生态环境局' }),
      at: '2023-06-01',
      want: { regime: '2019', specificSerious: true, repairable: false, until: '2024-01-15' },
    },
    {
      name: '2023 警告 viewed after 2026-04-01: still published under order 58',
      input: pen({ decisionDate: '2026-03-20', categories: ['01'], fineAmount: null }),
      at: '2026-05-01',
      want: { public: true, regime: '2023', until: '2029-03-20' },
    },
    {
      name: '2023 一般 viewed after 2026-04-01: 3-year maximum kept',
      input: pen({ decisionDate: '2025-01-10' }),
      at: '2026-05-01',
      want: { public: true, regime: '2023', until: '2028-01-10' },
    },
    {
      name: 'a record before the first regime takes the first',
      input: pen({ decisionDate: '2018-05-01' }),
      at: '2018-06-01',
      want: { public: true, regime: '2019', until: '2019-05-01', reasons: ['before_first_regime'] },
    },
  ]);
});

test('a regime flagged for existing records takes over on its effective date', () => {
  const yes2023 = { appliesToExisting: { '2023': 'yes' as const } };
  const lenient2023 = { appliesToExisting: { '2023': 'if_lenient' as const } };
  const lenient2026 = { appliesToExisting: { '2026': 'if_lenient' as const } };
  const yes2026 = { appliesToExisting: { '2026': 'yes' as const } };
  run([
    { name: "'yes': before the switch, old rules and a review date", input: pen({ decisionDate: '2023-04-20' }), at: '2023-04-25', settings: yes2023, want: { regime: '2019', until: '2024-04-20', reviewAt: '2023-05-01' } },
    {
      name: "'yes': after the switch, the new maximum",
      input: pen({ decisionDate: '2023-04-20' }),
      at: '2023-06-01',
      settings: yes2023,
      want: { regime: '2023', until: '2026-04-20', reasons: ['regime_applies_to_existing'], explanation: '公示至 2026-04-20：一般失信，2023 年规则，最长 3 年；2023-07-21 起可申请信用修复' },
    },
    {
      name: "'yes' never brings back a record that had expired before the switch",
      input: pen({ decisionDate: '2022-03-01' }),
      at: '2023-06-01',
      settings: yes2023,
      want: { public: false, regime: '2019', reasons: ['expired'], until: '2023-03-01' },
    },
    { name: "'if_lenient': a longer maximum is not lenient", input: pen({ decisionDate: '2023-04-20' }), at: '2023-06-01', settings: lenient2023, want: { regime: '2019', until: '2024-04-20' } },
    {
      name: "'if_lenient': 2019 特定严重 becomes repairable under order 58 (same maximum, repair possible)",
      input: pen({ decisionDate: '2021-01-15', categories: ['10'], authority: '西宁市生态环境局' }),
      at: '2023-06-01',
      settings: lenient2023,
      want: { regime: '2023', specificSerious: false, repairable: true, until: '2024-01-15', reasons: ['regime_more_lenient'] },
    },
    {
      name: "'if_lenient' 2026: a 2023 警告 stops on 2026-04-01",
      input: pen({ decisionDate: '2026-03-20', categories: ['01'], fineAmount: null }),
      at: '2026-05-01',
      settings: lenient2026,
      want: {
        public: false,
        audience: 'government',
        regime: '2026',
        from: '2026-03-20',
        until: '2026-03-31',
        reasons: ['minor_offence_not_published', 'regime_more_lenient'],
        explanation: '已于 2026-04-01 停止公示：轻微失信，2026 年规则原则上不公示',
      },
    },
    {
      name: "'if_lenient' 2026: the same 警告 before the switch is public with a review date",
      input: pen({ decisionDate: '2026-03-20', categories: ['01'], fineAmount: null }),
      at: '2026-03-25',
      settings: lenient2026,
      want: { public: true, regime: '2023', reviewAt: '2026-04-01' },
    },
    {
      name: "'if_lenient' 2026: a 2023 一般 past 1 year leaves on the switch day",
      input: pen({ decisionDate: '2025-01-10' }),
      at: '2026-05-01',
      settings: lenient2026,
      want: { public: false, regime: '2026', until: '2026-03-31', reasons: ['expired', 'regime_more_lenient'], explanation: '已于 2026-04-01 停止公示：超过最长公示期（一般失信，2026 年规则，最长 1 年）' },
    },
    {
      name: "'if_lenient' 2026: a 2023 一般 within 1 year gets the 1-year maximum",
      input: pen({ decisionDate: '2025-09-01' }),
      at: '2026-05-01',
      settings: lenient2026,
      want: { public: true, regime: '2026', until: '2026-09-01' },
    },
    {
      name: "'if_lenient' 2026: 严重 keeps order 58 (same maximum, earlier repair)",
      input: pen({ decisionDate: '2025-09-01', categories: ['08'], fineAmount: null }),
      at: '2026-05-01',
      settings: lenient2026,
      want: { regime: '2023', until: '2028-09-01', repairableFrom: '2025-12-02' },
    },
    {
      name: "'yes' 2026: 严重 takes the 1-year minimum",
      input: pen({ decisionDate: '2025-09-01', categories: ['08'], fineAmount: null }),
      at: '2026-05-01',
      settings: yes2026,
      want: { regime: '2026', until: '2028-09-01', repairableFrom: '2026-09-02', repairable: false },
    },
  ]);
});

test('minors, withdrawal and repair take a record out of publicity at once', () => {
  run([
    {
      name: 'minor subject (§3.5)',
      input: pen({ subjectIsMinor: true }),
      at: '2026-06-01',
      want: { public: false, audience: 'none', from: null, until: null, repairableFrom: null, reasons: ['minor_subject'], explanation: '不予公示：当事人为未成年人' },
    },
    {
      name: 'withdrawn (撤销)',
      input: pen({ withdrawn: true }),
      at: '2026-06-01',
      want: { public: false, audience: 'none', from: null, until: null, reasons: ['withdrawn'], explanation: '不予公示：处罚决定已撤销或无效' },
    },
    { name: 'minor and withdrawn: both reasons, minor first', input: pen({ withdrawn: true, subjectIsMinor: true }), at: '2026-06-01', want: { reasons: ['minor_subject', 'withdrawn'] } },
    {
      name: 'repaired',
      input: pen({ repairedAt: '2026-09-01' }),
      at: '2026-10-01',
      want: {
        public: false,
        audience: 'none',
        from: '2026-05-10',
        until: '2026-08-31',
        repairable: false,
        reasons: ['repaired'],
        explanation: '已于 2026-09-01 停止公示：已完成信用修复',
      },
    },
    { name: 'repaired on the evaluated day', input: pen({ repairedAt: '2026-09-01' }), at: '2026-09-01', want: { public: false, reasons: ['repaired'] } },
    { name: 'a repair dated later is pending', input: pen({ repairedAt: '2026-09-01' }), at: '2026-08-31', want: { public: true, reviewAt: '2026-09-01', until: '2027-05-10' } },
    {
      name: 'minors of a 2019 特定严重 case are still never public',
      input: pen({ decisionDate: '2020-08-01', categories: ['10'], authority: '西宁市生态环境局', subjectIsMinor: true }),
      at: '2020-09-01',
      want: { public: false, audience: 'none', reasons: ['minor_subject', 'specific_serious'], explanation: '不予公示：当事人为未成年人' },
    },
    {
      name: 'invalid decision date',
      input: pen({ decisionDate: '2025-13-01' }),
      at: '2026-06-01',
      want: { public: false, audience: 'none', regime: 'none', reasons: ['invalid_decision_date'], explanation: '不予公示：决定日期“2025-13-01”无效' },
    },
    {
      name: 'decided after the evaluated day',
      input: pen({ decisionDate: '2026-07-01' }),
      at: '2026-06-01',
      want: { public: false, audience: 'government', from: '2026-07-01', reasons: ['not_yet_public'], explanation: '尚未公示：将于 2026-07-01 起公示至 2027-07-01（一般失信，2026 年规则，最长 1 年）' },
    },
    {
      name: 'expired records can be hidden from government users too',
      input: pen({ decisionDate: '2020-08-01' }),
      at: '2022-01-01',
      settings: { expiredAudience: 'none' },
      want: { public: false, audience: 'none', reasons: ['expired'] },
    },
  ]);
});

test('the department’s 公示截止期 is ignored by default, honoured only when shorter if configured', () => {
  const shorter = { departmentEndDate: 'if_shorter' as const };
  run([
    { name: 'ignored', input: pen({ publicityEndDate: '2026-12-01' }), at: '2026-06-01', want: { until: '2027-05-10', reasons: ['department_end_date_ignored'] } },
    { name: 'equal: nothing to say', input: pen({ publicityEndDate: '2027-05-10' }), at: '2026-06-01', want: { until: '2027-05-10', reasons: [] } },
    {
      name: 'if_shorter: shorter honoured',
      input: pen({ publicityEndDate: '2026-12-01' }),
      at: '2026-06-01',
      settings: shorter,
      want: { until: '2026-12-01', reasons: ['department_end_date_applied'], explanation: '公示至 2026-12-01：一般失信，2026 年规则，最长 1 年；按部门报送的公示截止期提前结束；2026-08-11 起可申请信用修复' },
    },
    { name: 'if_shorter: never below the minimum', input: pen({ publicityEndDate: '2026-06-01' }), at: '2026-06-01', settings: shorter, want: { until: '2026-08-10' } },
    { name: 'if_shorter: longer ignored', input: pen({ publicityEndDate: '2030-01-01' }), at: '2026-06-01', settings: shorter, want: { until: '2027-05-10', reasons: ['department_end_date_ignored'] } },
    { name: 'if_shorter: expiry follows it', input: pen({ publicityEndDate: '2026-12-01' }), at: '2026-12-02', settings: shorter, want: { public: false, reasons: ['expired', 'department_end_date_applied'] } },
  ]);
});

test('permits: public while valid, no maximum by default', () => {
  run([
    {
      name: 'with a validity end',
      input: rec('permit', { validUntil: '2030-01-01', authority: '西宁市行政审批服务局' }),
      at: '2026-06-01',
      want: { public: true, audience: 'public', from: '2026-06-01', until: '2030-01-01', severity: null, regime: 'none', repairable: false, repairableFrom: null, explanation: '公示至 2030-01-01：行政许可，有效期至 2030-01-01' },
    },
    {
      name: 'validity ended',
      input: rec('permit', { validUntil: '2030-01-01' }),
      at: '2030-01-02',
      want: { public: false, audience: 'government', reasons: ['expired'], explanation: '已于 2030-01-02 停止公示：行政许可有效期已届满' },
    },
    { name: '长期 (2099-12-31)', input: rec('permit', { validUntil: '2099-12-31' }), at: '2040-01-01', want: { public: true, until: null, reasons: ['long_term'], explanation: '公示中：行政许可，长期有效' } },
    { name: 'no validity given', input: rec('permit'), at: '2040-01-01', want: { public: true, until: null, explanation: '公示中：行政许可，长期有效' } },
    { name: 'configured to outlive validity', input: rec('permit', { validUntil: '2030-01-01' }), at: '2031-01-01', settings: { permit: { untilValidityEnd: false } }, want: { public: true } },
    {
      name: 'configured maximum',
      input: rec('permit'),
      at: '2026-06-01',
      settings: { permit: { maxMonths: 60 } },
      want: { until: '2031-06-01', explanation: '公示至 2031-06-01：行政许可，最长 5 年' },
    },
    { name: 'configured off', input: rec('permit'), at: '2026-06-01', settings: { permit: { publish: false } }, want: { public: false, audience: 'government', reasons: ['not_published_by_setting'], explanation: '不予公示：本平台设置不公示行政许可' } },
    { name: 'withdrawn (无效)', input: rec('permit', { withdrawn: true }), at: '2026-06-01', want: { public: false, audience: 'none', explanation: '不予公示：该信息已撤销或无效' } },
    { name: 'a minor holder', input: rec('permit', { subjectIsMinor: true }), at: '2026-06-01', want: { public: false, audience: 'none', reasons: ['minor_subject'] } },
  ]);
});

test('red and black lists: public while listed, to their own end date', () => {
  run([
    { name: 'red list with validity', input: rec('red_list', { validUntil: '2027-12-31' }), at: '2026-06-01', want: { public: true, severity: null, until: '2027-12-31', explanation: '公示至 2027-12-31：守信激励名单，有效期至 2027-12-31' } },
    {
      name: 'red list removed',
      input: rec('red_list', { validUntil: '2027-12-31', removedAt: '2026-10-01' }),
      at: '2026-11-01',
      want: { public: false, audience: 'government', until: '2026-09-30', reasons: ['removed_from_list'], explanation: '已于 2026-10-01 停止公示：已移出名单' },
    },
    { name: 'red list removal announced for later', input: rec('red_list', { removedAt: '2026-10-01' }), at: '2026-09-01', want: { public: true, until: '2026-09-30', explanation: '公示至 2026-09-30：守信激励名单' } },
    {
      name: 'black list without an end',
      input: rec('black_list'),
      at: '2028-01-01',
      want: { public: true, severity: '严重', until: null, explanation: '公示中：严重失信主体名单，未设有效期，移出名单后停止公示' },
    },
    { name: 'black list validity ended', input: rec('black_list', { validUntil: '2027-05-31' }), at: '2027-06-01', want: { public: false, reasons: ['expired'], explanation: '已于 2027-06-01 停止公示：严重失信主体名单有效期已届满' } },
    { name: 'black list repaired', input: rec('black_list', { repairedAt: '2027-01-05' }), at: '2027-02-01', want: { public: false, audience: 'none', until: '2027-01-04', reasons: ['repaired'] } },
    { name: 'black list of a minor', input: rec('black_list', { subjectIsMinor: true }), at: '2027-02-01', want: { public: false, audience: 'none' } },
    { name: 'other records: 3 years by default', input: rec('other'), at: '2026-06-01', want: { public: true, severity: null, until: '2029-06-01', explanation: '公示至 2029-06-01：其他行政管理信息，最长 3 年' } },
    { name: 'other records: no maximum when configured', input: rec('other'), at: '2040-06-01', settings: { other: { maxMonths: null } }, want: { public: true, explanation: '公示中：其他行政管理信息，未设公示期限' } },
  ]);
});

test('a Date is read in Beijing time', () => {
  // 2021-08-01T16:30Z is 2021-08-02 00:30 in Beijing: the day after a 2019-regime maximum.
  const d = decidePublicity(pen({ decisionDate: '2020-08-01' }), new Date('2021-08-01T16:30:00Z'));
  assert.equal(d.evaluatedAt, '2021-08-02');
  assert.deepEqual(d.reasons, ['expired']);
});
