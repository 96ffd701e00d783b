// TypeBox request/response schemas of the monitoring routes. Response schemas are also what keeps
// internal columns (who created a row, file hashes) out of the JSON.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const Polarity = Type.Union([Type.Literal('good'), Type.Literal('bad')], { description: 'good 优良 / bad 不良' });
export const MonthString = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: '月份 YYYY-MM' });
export const DateString = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: '日期 YYYY-MM-DD' });
/** A day or a whole month. */
const PeriodBound = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$', description: 'YYYY-MM-DD，或 YYYY-MM 表示整月' });
const HttpLink = Type.String({ maxLength: 2000, pattern: '^[hH][tT][tT][pP][sS]?://', description: 'http(s) 链接' });
const TreeId = Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$', description: '指标体系：gen1（第一代）或 2020（2020 年版）' });
const City = Type.String({ minLength: 1, maxLength: 40, description: '城市名称，默认本市' });

export const ErrorResponse = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
});

// ---------------------------------------------------------------- events

const ExplanationSchema = Type.Object(
  {
    text: Type.String(),
    override: Type.Boolean(),
    keywords: Type.Array(Type.String()),
    polarityKeywords: Type.Array(Type.String()),
    topFeatures: Type.Array(Type.Object({ feature: Type.String(), weight: Type.Number() })),
    phrases: Type.Optional(Type.Array(Type.String(), { description: '起决定作用的词语（标题中的原词，按出现顺序）' })),
    lowConfidence: Type.Optional(Type.Boolean({ description: '把握不大，需人工复核' })),
    alternatives: Type.Array(Type.Object({ subdomain: Type.String(), probability: Type.Number() })),
    polarityConfidence: Type.Optional(Type.Number()),
    previous: Type.Optional(
      Type.Object({ domain: Type.String(), subdomain: Type.String(), polarity: Polarity, confidence: Type.Number(), classifiedBy: Type.String() }),
    ),
    model: Type.Optional(Type.Unknown({ description: '人工修正后保留的模型原始分类依据' })),
  },
  { description: '分类依据：命中关键词、主要特征、次选；人工修正时含修正前结果' },
);

export type EventExplanation = Static<typeof ExplanationSchema>;

export const CreditEventSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  date: Type.String(),
  source: Nullable(Type.String()),
  link: Nullable(Type.String()),
  summary: Nullable(Type.String()),
  polarity: Polarity,
  subjectId: Nullable(Type.String()),
  subjectName: Nullable(Type.String()),
  domain: Type.String(),
  subdomain: Type.String(),
  confidence: Type.Number(),
  explanation: ExplanationSchema,
  classifiedBy: Type.Union([Type.Literal('model'), Type.Literal('staff')]),
  overriddenBy: Nullable(Type.Integer()),
  overriddenAt: Nullable(Type.String()),
  createdAt: Type.String(),
  publishedAt: Nullable(Type.String({ description: '在信用网站“信用事件公开”栏目公开的时间' })),
  reviewStatus: Nullable(
    Type.Union([Type.Literal('pending'), Type.Literal('decided')], { description: 'pending 待复核（不计入监测数字），decided 已复核；null 未进入复核队列' }),
  ),
});

export const ReviewQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) });

export const ReviewQueuePage = Type.Object({ items: Type.Array(CreditEventSchema), total: Type.Integer({ description: '待复核事件总数' }) });

export const ClassifierBuildSchema = Type.Object({
  shippedTitles: Type.Integer({ description: '内置标注样本数' }),
  staffLabels: Type.Integer({ description: '参与训练的人工复核/修正样本数' }),
  heldOut: Type.Integer({ description: '留出测试集标题数' }),
  domainAccuracy: Type.Number(),
  subdomainAccuracy: Type.Number(),
  polarityAccuracy: Type.Number(),
  builtBy: Type.String(),
  builtAt: Type.String(),
});

export const PublishBody = Type.Object({ published: Type.Boolean({ description: 'true 公开，false 撤回' }) }, { additionalProperties: false });

export const PublicEventsQuery = Type.Object({
  domain: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: '领域，如 商务诚信' })),
  polarity: Type.Optional(Polarity),
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const PublicEventsPage = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      date: Type.String({ description: '事件日期' }),
      source: Nullable(Type.String({ description: '来源' })),
      link: Nullable(Type.String({ description: '来源链接' })),
      polarity: Polarity,
      domain: Type.String(),
      subdomain: Type.String(),
    }),
  ),
  nextCursor: Nullable(Type.String()),
});

export const ConversionsQuery = Type.Object({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: '旧代码、统一社会信用代码开头或名称关键字' })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

export const ConversionsPage = Type.Object({
  items: Type.Array(
    Type.Object({
      kind: Type.Union([Type.Literal('org'), Type.Literal('regno')]),
      kindLabel: Type.String({ description: '组织机构代码 或 注册号' }),
      legacyCode: Type.String({ description: '旧代码' }),
      uscc: Type.String({ description: '统一社会信用代码' }),
      name: Type.String(),
    }),
  ),
  nextCursor: Nullable(Type.String()),
});

export const CreateEventBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 500 }),
    date: DateString,
    source: Type.Optional(Type.String({ maxLength: 200 })),
    link: Type.Optional(HttpLink),
    summary: Type.Optional(Type.String({ maxLength: 5000 })),
    polarity: Type.Optional(Polarity),
    subdomain: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: '子领域；与 polarity 同时给出时不经模型分类' })),
    subjectId: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
    subjectName: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const EventsQuery = Type.Object({
  from: Type.Optional(PeriodBound),
  to: Type.Optional(PeriodBound),
  domain: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});

export const EventsPage = Type.Object({ items: Type.Array(CreditEventSchema), nextCursor: Nullable(Type.String()) });

export const EventIdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,18}$' }) });

export const OverrideBody = Type.Object({ subdomain: Type.String({ minLength: 1, maxLength: 40 }), polarity: Polarity }, { additionalProperties: false });

export const ImportEventsResponse = Type.Object({
  rows: Type.Integer({ description: '文件中的事件数' }),
  inserted: Type.Integer({ description: '新增' }),
  duplicates: Type.Integer({ description: '已存在而跳过（同一日期、标题、来源和链接）' }),
  pendingReview: Type.Integer({ description: '新增中分类置信度低、进入待复核队列的事件数' }),
});

export const PeriodQuery = Type.Object({ from: Type.Optional(PeriodBound), to: Type.Optional(PeriodBound) });

const Share = Nullable(Type.Number());

export const StatsResponse = Type.Object({
  stats: Type.Object({
    from: Nullable(Type.String()),
    to: Nullable(Type.String()),
    total: Type.Integer(),
    good: Type.Integer(),
    bad: Type.Integer(),
    badRate: Share,
    domains: Type.Array(
      Type.Object({
        domain: Type.String(),
        total: Type.Integer(),
        bad: Type.Integer(),
        badRate: Share,
        shareOfAllBad: Share,
        subdomains: Type.Array(
          Type.Object({
            subdomain: Type.String(),
            total: Type.Integer(),
            bad: Type.Integer(),
            badRate: Share,
            shareOfDomainBad: Share,
            shareOfAllBad: Share,
          }),
        ),
      }),
    ),
  }),
  trend: Type.Array(
    Type.Object({
      month: Type.String(),
      total: Type.Integer(),
      good: Type.Integer(),
      bad: Type.Integer(),
      badRate: Share,
      byDomain: Type.Array(Type.Object({ domain: Type.String(), total: Type.Integer(), bad: Type.Integer() })),
    }),
  ),
});

export const MAX_CLASSIFY = 1000;

export const ClassifyBody = Type.Object(
  { titles: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: MAX_CLASSIFY }) },
  { additionalProperties: false },
);

export const ClassifyResponse = Type.Object({
  results: Type.Array(
    Type.Object({
      title: Type.String(),
      domain: Type.String(),
      subdomain: Type.String(),
      polarity: Polarity,
      confidence: Type.Number(),
      polarityConfidence: Type.Number(),
      explanation: ExplanationSchema,
    }),
  ),
});

// ---------------------------------------------------------------- checklist

const InstitutionStatus = Type.Union([Type.Literal('national'), Type.Literal('municipal'), Type.Literal('blank')], {
  description: 'national 国家/省级已落实、municipal 市级已出台、blank 空白',
});

const DocumentSchema = Type.Object({
  title: Type.String(),
  number: Nullable(Type.String()),
  date: Nullable(Type.String()),
  link: Nullable(Type.String()),
  issuer: Nullable(Type.String()),
  unconfirmed: Type.Boolean({ description: '文号和发布日期待核' }),
});

const OnlineSchema = Type.Object({ url: Type.String({ description: '网上公开链接' }), date: Nullable(Type.String({ description: '网上公开日期' })) });

export const ChecklistItemSchema = Type.Object({
  id: Type.String(),
  /** The number as the console shows it, with the prefix's Chinese name ("综合-01" for GEN-01). */
  numberLabel: Type.String(),
  domain: Type.String(),
  subdomain: Nullable(Type.String()),
  name: Type.String(),
  status: InstitutionStatus,
  statusLabel: Type.String(),
  document: Nullable(DocumentSchema),
  basis: Nullable(Type.String({ description: '依据说明：文件名称、文号、施行日期，尚待核实的事项写明“待核实”' })),
  online: Nullable(OnlineSchema),
  updatedAt: Type.String(),
});

const Counts = { total: Type.Integer(), national: Type.Integer(), municipal: Type.Integer(), blank: Type.Integer() };

export const ChecklistResponse = Type.Object({
  items: Type.Array(ChecklistItemSchema),
  summary: Type.Object({
    ...Counts,
    online: Type.Integer({ description: '已出台且网上可查的制度数（监测只看得到这些）' }),
    unpublished: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), title: Type.String() }), { description: '已出台但未在网上公开的制度' }),
    text: Type.String(),
    byDomain: Type.Array(Type.Object({ domain: Type.String(), ...Counts })) }),
});

export const ChecklistIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 60 }) });

export const ChecklistPatchBody = Type.Object(
  {
    status: InstitutionStatus,
    document: Type.Optional(
      Nullable(
        Type.Object(
          {
            title: Type.String({ minLength: 1, maxLength: 300 }),
            number: Type.Optional(Type.String({ maxLength: 100 })),
            date: Type.Optional(DateString),
            link: Type.Optional(HttpLink),
            issuer: Type.Optional(Type.String({ maxLength: 200 })),
            unconfirmed: Type.Optional(Type.Boolean({ description: '文号和发布日期待核' })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    online: Type.Optional(
      Nullable(Type.Object({ url: HttpLink, date: Type.Optional(DateString) }, { additionalProperties: false, description: '网上公开位置；null 表示未在网上公开' })),
    ),
  },
  { additionalProperties: false, description: 'document、online 省略时保留原值，为 null 时清除' },
);

export const ChecklistImportResponse = Type.Object({ previous: Type.Integer(), items: Type.Integer(), summary: Type.String() });

export const PoliciesResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      title: Type.String({ description: '文件名称' }),
      number: Nullable(Type.String({ description: '文号' })),
      date: Nullable(Type.String({ description: '发布日期' })),
      link: Nullable(Type.String({ description: '链接' })),
      issuer: Nullable(Type.String({ description: '发布机关' })),
      domain: Type.String({ description: '领域' }),
      institution: Type.String({ description: '对应的信用制度' }),
    }),
  ),
});

// ---------------------------------------------------------------- trees, scores, compare, what-if

export const TreeIdParams = Type.Object({ id: TreeId });

export const TreeSchema = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  name: Type.String(),
  total: Type.Number(),
  source: Nullable(Type.String()),
  nodes: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      parent: Nullable(Type.String()),
      weight: Type.Number(),
      maxKnown: Type.Boolean({ description: 'false：满分未公布，weight 仅为模拟测算用的占位值 [M]' }),
    }),
  ),
  versions: Type.Array(Type.Object({ version: Type.Integer(), active: Type.Boolean(), note: Nullable(Type.String()), createdAt: Type.String() })),
});

export const WeightsBody = Type.Object(
  {
    weights: Type.Record(Type.String({ minLength: 1, maxLength: 60 }), Type.Number(), {
      minProperties: 1,
      maxProperties: 500,
      description: '指标代码或名称 → 分值；下级指标分值之和须等于上级指标分值',
    }),
    total: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: '总分，默认不变' })),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const ScoresImportQuery = Type.Object({ tree: Type.Optional(TreeId) });

export const ScoresImportResponse = Type.Object({
  importId: Type.String(),
  tree: Type.Object({ id: Type.String(), version: Type.Integer(), name: Type.String() }),
  months: Type.Array(Type.String()),
  cities: Type.Integer(),
  rows: Type.Integer({ description: '文件数据行数' }),
  stored: Type.Integer({ description: '存储的得分（含由下级指标汇总的上级指标）' }),
  replaced: Type.Integer({ description: '被替换的已存得分' }),
});

export const CompareQuery = Type.Object({ city: Type.Optional(City), month: Type.Optional(MonthString), tree: Type.Optional(TreeId) });

const EstimateView = Type.Object({ key: Type.String(), label: Type.String(), text: Type.String() });

export const CompareResponse = Type.Object({
  city: Type.String(),
  month: Type.String(),
  rank: Type.Integer(),
  of: Type.Integer(),
  composite: Type.Number(),
  average: Type.Number(),
  indicators: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      parent: Nullable(Type.String()),
      score: Type.Number(),
      average: Type.Number(),
      relation: Type.Union([Type.Literal('below'), Type.Literal('equal'), Type.Literal('above')]),
      gap: Type.Number(),
      max: Type.Number({ description: '满分；maxKnown 为 false 时为文件中所见最高分' }),
      maxKnown: Type.Boolean({ description: '指标体系是否公布了该指标满分' }),
      estimates: Type.Optional(Type.Array(EstimateView, { description: '本地测算' })),
    }),
  ),
  tree: Type.Object({ id: Type.String(), version: Type.Integer(), name: Type.String() }),
  estimates: Type.Object(
    {
      shuanggongshiPer10kEnterprises: Nullable(Type.Number()),
      onTimeShare: Nullable(Type.Number()),
      rejectionRate: Nullable(Type.Number()),
      blacklistPublicityCount: Nullable(Type.Number()),
      codeConversion: Nullable(Type.Object({ converted: Type.Number(), total: Type.Number() })),
      eventCounts: Nullable(Type.Array(Type.Object({ domain: Type.String(), good: Type.Integer(), bad: Type.Integer() }))),
      institutionCounts: Nullable(Type.Object({ national: Type.Integer(), municipal: Type.Integer(), blank: Type.Integer() })),
      eventsPublished: Nullable(Type.Object({ total: Type.Integer(), good: Type.Integer(), bad: Type.Integer() }, { description: '当月在信用网站公开的信用事件' })),
      institutionsOnline: Nullable(Type.Object({ online: Type.Integer(), issued: Type.Integer() }, { description: '已出台制度中网上可查的数量（透明度只计这些）' })),
      repairAverageDays: Nullable(Type.Number()),
      objectionShare: Nullable(Type.Number()),
      blacklistEnterpriseShare: Nullable(Type.Object({ black: Type.Integer(), organisations: Type.Integer() }, { description: '期末有黑名单在列的法人和其他组织数 / 登记的法人和其他组织数' })),
      organisationBlacklistEntries: Nullable(Type.Object({ inForce: Type.Integer(), added: Type.Integer() }, { description: '单位黑名单记录：期末在列、本期新列入' })),
      redListShare: Nullable(Type.Number({ description: '期末有红名单在列的主体占登记的法人和其他组织的比例' })),
      preActionChecks: Nullable(Type.Object({ checks: Type.Integer(), withHits: Type.Integer(), departments: Type.Integer() }, { description: '事前核查次数、命中次数、核查部门数' })),
      measuresApplied: Nullable(Type.Object({ punishment: Type.Integer(), incentive: Type.Integer(), notApplied: Type.Integer() }, { description: '本期核查反馈的措施：已实施惩戒、已实施激励、未实施' })),
      sanctionFeedbackRate: Nullable(Type.Number({ description: '联合奖惩反馈率' })),
      casesPublished: Nullable(Type.Object({ punishment: Type.Integer(), incentive: Type.Integer() }, { description: '本期公开的联合奖惩案例' })),
      commitments: Nullable(Type.Object({ made: Type.Integer(), kept: Type.Integer(), breached: Type.Integer() }, { description: '信用承诺：作出、履约、违诺' })),
      repairs: Nullable(Type.Object({ applied: Type.Integer(), approved: Type.Integer(), refused: Type.Integer() }, { description: '信用修复申请：受理、准予、不予' })),
      objectionHandlingDays: Nullable(Type.Number({ description: '异议平均办理时间（工作日）' })),
    },
    { description: '本地测算（本平台数据库可得的部分；暂无数据的为 null）' },
  ),
});

export const WhatIfBody = Type.Object(
  {
    city: Type.Optional(City),
    month: Type.Optional(MonthString),
    tree: Type.Optional(TreeId),
    improvements: Type.Array(
      Type.Object({ rule: Type.String({ minLength: 1, maxLength: 60 }), amount: Type.Optional(Type.Number({ exclusiveMinimum: 0 })) }, { additionalProperties: false }),
      { maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);

const Outcome = Type.Object({ composite: Type.Number(), rank: Type.Integer(), of: Type.Integer() });
const Single = Type.Object({
  rule: Type.String(),
  label: Type.String(),
  amount: Type.Number(),
  unit: Type.String(),
  compositeDelta: Type.Number(),
  rankAfter: Type.Integer(),
  ranksGained: Type.Integer(),
  ranksPerPoint: Nullable(Type.Number()),
});

export const WhatIfResponse = Type.Object({
  city: Type.String(),
  month: Type.String(),
  before: Outcome,
  after: Outcome,
  changes: Type.Array(
    Type.Object({ code: Type.String(), name: Type.String(), before: Type.Number(), after: Type.Number(), delta: Type.Number(), capped: Type.Boolean() }),
  ),
  singles: Type.Array(Single),
  best: Nullable(Single),
  pointsToNextRank: Nullable(Type.Number()),
  summary: Type.String(),
});

export const EffectRulesQuery = Type.Object({ tree: TreeId });

export const EffectRulesResponse = Type.Object({
  tree: Type.String(),
  rules: Type.Array(
    Type.Object({
      id: Type.String(),
      label: Type.String(),
      unit: Type.String(),
      mode: Type.Union([Type.Literal('linear'), Type.Literal('log2')]),
      defaultAmount: Type.Optional(Type.Number()),
      effects: Type.Array(Type.Object({ indicator: Type.String(), perUnit: Type.Number() })),
    }),
  ),
});

// ---------------------------------------------------------------- report, scorecards

export const ReportQuery = Type.Object({
  city: Type.Optional(City),
  month: Type.Optional(MonthString),
  tree: Type.Optional(TreeId),
  format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('docx'), Type.Literal('pdf')], { default: 'pdf' })),
});

export const BinaryResponse = Type.String({ format: 'binary' });

export const TrendQuery = Type.Object({
  from: MonthString,
  to: MonthString,
  city: Type.Optional(City),
  tree: Type.Optional(TreeId),
});

export const TrendResponse = Type.Object({
  city: Type.String(),
  from: Type.String(),
  to: Type.String(),
  tree: Nullable(Type.Object({ id: Type.String(), version: Type.Integer(), name: Type.String() }, { description: '所用指标体系；尚未导入监测得分时为 null' })),
  items: Type.Array(
    Type.Object({
      month: Type.String(),
      score: Nullable(
        Type.Object(
          {
            composite: Type.Number({ description: '综合指数' }),
            average: Type.Number({ description: '监测城市平均综合指数' }),
            rank: Type.Integer({ description: '排名（并列同名次）' }),
            of: Type.Integer({ description: '当月监测城市数' }),
          },
          { description: '官方监测得分；当月没有本城市得分时为 null' },
        ),
      ),
      collection: Type.Object(
        {
          batches: Type.Integer({ description: '已提交批次数' }),
          accepted: Type.Integer({ description: '接收条数（已提交批次中通过校验的数据行）' }),
          rejected: Type.Integer({ description: '退回条数' }),
        },
        { description: '归集数据量（按批次创建时间，北京时间）' },
      ),
    }),
  ),
});

/** The event domains and their sub-domains, for the console's filters and corrections (no keyword cues). */
export const TaxonomyResponse = Type.Object({
  version: Type.String(),
  domains: Type.Array(Type.Object({ name: Type.String(), subdomains: Type.Array(Type.String()) })),
});

// Static types of the answers above, imported type-only by the web console (src/web/api/monitoring.ts).
export type TaxonomyResponse = Static<typeof TaxonomyResponse>;
export type CreditEvent = Static<typeof CreditEventSchema>;
export type EventsPage = Static<typeof EventsPage>;
export type ClassifierBuild = Static<typeof ClassifierBuildSchema>;
export type ImportEventsResponse = Static<typeof ImportEventsResponse>;
export type StatsResponse = Static<typeof StatsResponse>;
export type ChecklistItem = Static<typeof ChecklistItemSchema>;
export type ChecklistResponse = Static<typeof ChecklistResponse>;
export type Tree = Static<typeof TreeSchema>;
export type ScoresImportResponse = Static<typeof ScoresImportResponse>;
export type CompareResponse = Static<typeof CompareResponse>;
export type WhatIfResponse = Static<typeof WhatIfResponse>;
export type TrendResponse = Static<typeof TrendResponse>;
export type PublicEventsPage = Static<typeof PublicEventsPage>;
export type ConversionsPage = Static<typeof ConversionsPage>;
export type ChecklistPatchBody = Static<typeof ChecklistPatchBody>;
export type ChecklistImportResponse = Static<typeof ChecklistImportResponse>;
export type EffectRulesResponse = Static<typeof EffectRulesResponse>;
export type CreateEventBody = Static<typeof CreateEventBody>;
export type ReviewQueuePage = Static<typeof ReviewQueuePage>;
export type PoliciesResponse = Static<typeof PoliciesResponse>;
