// TypeBox schemas of the publicity engine (公示期规则): rule sets (one per regime, docs/domain/03-publicity.md §3), the
// settings that hold every [M] value, the engine's input and its decision. Types derive from them,
// so the HTTP layer (issue 5 part 2) can reuse the same shapes for request and response schemas.
import { Type, type Static } from '@sinclair/typebox';

export const SeveritySchema = Type.Union([Type.Literal('轻微'), Type.Literal('一般'), Type.Literal('严重')]);
/** 失信信息 classes of docs/domain/03-publicity.md §3.3 (轻微 / 一般 / 严重); the 2019 regime knows only 一般 and 严重. */
export type Severity = Static<typeof SeveritySchema>;
/** Lightest first: the index is the rank used to pick the heaviest class. */
export const SEVERITIES: readonly Severity[] = ['轻微', '一般', '严重'];

export const RecordTypeSchema = Type.Union([
  Type.Literal('penalty'),
  Type.Literal('permit'),
  Type.Literal('red_list'),
  Type.Literal('black_list'),
  Type.Literal('other'),
]);
export type RecordType = Static<typeof RecordTypeSchema>;

/**
 * Whether a newer regime also governs records decided before it came into force:
 * 'no' (the regime of the decision date keeps applying), 'yes', or 'if_lenient' (从旧兼从轻: only
 * when the newer regime ends or withholds publicity earlier).
 */
export const AppliesToExistingSchema = Type.Union([Type.Literal('no'), Type.Literal('yes'), Type.Literal('if_lenient')]);
export type AppliesToExisting = Static<typeof AppliesToExistingSchema>;

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Months = Type.Integer({ minimum: 0, maximum: 1200 });

export const PeriodRuleSchema = Type.Object({
  /** false: the class is not published at all under this regime (2026: 轻微). */
  publish: Type.Boolean(),
  /** 最短公示期: repair may be applied for after it (0 = at once). */
  minMonths: Months,
  /** 最长公示期: publicity stops automatically after it. */
  maxMonths: Months,
  /** The class shown to users when the regime does not know this class (2019: 轻微 → 一般). */
  reportAs: Type.Optional(SeveritySchema),
  note: Type.Optional(Type.String()),
});
export type PeriodRule = Static<typeof PeriodRuleSchema>;

export const SpecificSeriousSchema = Type.Object({
  /** Publicity of the full period, with no minimum and no repair (docs/domain/03-publicity.md §3.1). */
  months: Months,
  note: Type.String(),
  /** 处罚类别 codes that qualify on their own (吊销许可证件, 责令停产停业). */
  sanctions: Type.Array(Type.String({ minLength: 1 })),
  /** Combined pre-2021 codes that qualify only when the text says 吊销 (L4 also covers 暂扣). */
  revocationOnlyIfText: Type.Array(Type.String({ minLength: 1 })),
  sectors: Type.Array(Type.String({ minLength: 1 })),
  /** Conduct types; `patterns` are regular expressions matched against 违法行为类型 and 处罚内容. */
  conducts: Type.Array(Type.Object({ label: Type.String({ minLength: 1 }), patterns: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }) })),
});
export type SpecificSeriousRule = Static<typeof SpecificSeriousSchema>;

export const RuleSetSchema = Type.Object({
  id: Type.String({ minLength: 1 }),
  /** Shown in explanations, e.g. "2023 年规则". */
  label: Type.String({ minLength: 1 }),
  title: Type.String({ minLength: 1 }),
  effectiveFrom: IsoDate,
  appliesToExisting: AppliesToExistingSchema,
  source: Type.String(),
  classes: Type.Object({ 轻微: PeriodRuleSchema, 一般: PeriodRuleSchema, 严重: PeriodRuleSchema }),
  /** Sector floors on the minimum period (2023: 特种设备/安全生产/消防 ≥ 1 year). */
  sectorMinimums: Type.Array(
    Type.Object({ sectors: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), minMonths: Months, basis: Type.String() }),
  ),
  specificSerious: Type.Union([SpecificSeriousSchema, Type.Null()]),
});
/** One publicity regime as data with its effective date (ARCHITECTURE "Rules are data with dates"). */
export type RuleSet = Static<typeof RuleSetSchema>;

/**
 * A period that a law, an administrative regulation or a sector regulator sets differently
 * ("法律、行政法规另有规定的，从其规定", docs/domain/03-publicity.md §3.3). Empty filters match everything.
 */
export const PeriodOverrideSchema = Type.Object({
  regimes: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  sectors: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  severities: Type.Optional(Type.Array(SeveritySchema)),
  publish: Type.Optional(Type.Boolean()),
  minMonths: Type.Optional(Months),
  maxMonths: Type.Optional(Months),
  /** Legal basis, shown in the explanation ("依…"). */
  basis: Type.String({ minLength: 1 }),
});
export type PeriodOverride = Static<typeof PeriodOverrideSchema>;

const ListSettings = Type.Object({
  publish: Type.Boolean(),
  /** Cap on publicity counted from the decision date; null = none. */
  maxMonths: Type.Union([Months, Type.Null()]),
});

/**
 * How decisions made before a new regime are treated from the day it applies (issue 13, the
 * 2026-04-01 cliff): 'decision_date' = the regime of the decision date (old rules for old
 * decisions); 'new_for_all' = the newer regimes for every record still public; 'lighter' = the
 * lighter of the two (从旧兼从轻). A regime's own appliesToExisting, or the per-regime setting, wins.
 */
export const TransitionRuleSchema = Type.Union([Type.Literal('decision_date'), Type.Literal('new_for_all'), Type.Literal('lighter')]);
export type TransitionRule = Static<typeof TransitionRuleSchema>;

export const SettingsSchema = Type.Object({
  /** 罚款 above this many 万元 makes the category 严重 (巨额罚款, docs/domain/03-publicity.md §3.3); null = never. */
  seriousFineAbove: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  /** 罚款 at or below this many 万元 is 轻微 (较低数额); null = never. */
  minorFineAtMost: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  /** 没收 above this many 万元 makes the category 严重; null = never. */
  seriousConfiscationAbove: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  /** 处罚类别 code → class; codes not listed take `defaultSeverity`. */
  categorySeverity: Type.Record(Type.String(), SeveritySchema),
  defaultSeverity: SeveritySchema,
  /** Per-regime replacement of the rule set's own appliesToExisting flag. */
  appliesToExisting: Type.Record(Type.String(), AppliesToExistingSchema),
  /** A possible 简易程序 (no 处罚程序 field): 'flag' for the department to confirm, or 'treat_as_simple' (轻微). */
  possiblySimpleProcedure: Type.Union([Type.Literal('flag'), Type.Literal('treat_as_simple')]),
  /** The transition rule the credit office chose, the day from which it applies, and its basis. */
  transition: Type.Object({ rule: TransitionRuleSchema, from: IsoDate, basis: Type.String() }),
  periodOverrides: Type.Array(PeriodOverrideSchema),
  /** 公示截止期 sent by the department: 'ignore' (docs/domain/01-sgs.md §1.3) or 'if_shorter' (never below the minimum). */
  departmentEndDate: Type.Union([Type.Literal('ignore'), Type.Literal('if_shorter')]),
  /** Who still sees a record past its period (or removed from a list): 政务共享 or nobody. */
  expiredAudience: Type.Union([Type.Literal('government'), Type.Literal('none')]),
  permit: Type.Object({
    publish: Type.Boolean(),
    /** End publicity when 有效期至 has passed. */
    untilValidityEnd: Type.Boolean(),
    maxMonths: Type.Union([Months, Type.Null()]),
  }),
  redList: ListSettings,
  blackList: ListSettings,
  other: ListSettings,
  /** Validity dates on or after this day mean 长期 (no end), e.g. 2099-12-31. */
  longTermFrom: IsoDate,
  /**
   * A 罚款 above this many 万元 is implausible for a city's authorities and flagged (fine_implausible) instead of
   * read as 巨额; null = no ceiling. Issue 13; defaults/fine-plausibility.json says where the value comes from.
   */
  fineCeiling: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
  /** Lower ceilings for the authorities of a sector (sectors.json byAuthority), each with its legal basis. */
  fineCeilings: Type.Array(Type.Object({ sectors: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), ceiling: Type.Number({ minimum: 0 }), basis: Type.String({ minLength: 1 }) })),
});
/** Every value DOMAIN marks [M] (or leaves silent) that the engine needs: configurable, with defaults. */
export type PublicitySettings = Static<typeof SettingsSchema>;

export const PublicityInputSchema = Type.Object({
  recordType: RecordTypeSchema,
  /** 决定日期 / 列入日期 / 认定日期: 'YYYY-MM-DD' (also YYYY/MM/DD). */
  decisionDate: Type.String(),
  /** 处罚类别 codes (CF_CFLB; '01;03' pieces are split, labels accepted). */
  categories: Type.Array(Type.String()),
  fineAmount: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  confiscatedAmount: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  explicitSeverity: Type.Optional(Type.Union([SeveritySchema, Type.Null()])),
  /** e.g. 食品药品, 生态环境, 安全生产, 消防, 特种设备; derived from `authority`/`conduct` when absent. */
  sector: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** 处罚机关 / 认定部门 name, for sector derivation. */
  authority: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** 违法行为类型 (CF_WFXW). */
  conduct: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** 处罚内容 (CF_NR). */
  content: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** 当前状态 无效/撤销 (docs/domain/01-sgs.md §1.4 rule 7). */
  withdrawn: Type.Boolean(),
  /** 注销 / 失效 in the normal way (issue 13): ends public display, stays shared with government; only 撤销 is `withdrawn`. */
  ended: Type.Optional(Type.Boolean()),
  repairedAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  subjectIsMinor: Type.Boolean(),
  /**
   * A natural person whose documents carry no birth date and for whom no 出生日期 was sent (issue 13): the age
   * is not guessed, the penalty waits for the department to confirm before it is public.
   */
  subjectAgeUnknown: Type.Optional(Type.Boolean()),
  simpleProcedure: Type.Optional(Type.Boolean()),
  /** No 处罚程序 was sent, but the decision fits 行政处罚法 art. 51 (≤ 200 元 person / ≤ 3 000 元 organisation, or 警告 alone). */
  possiblySimpleProcedure: Type.Optional(Type.Boolean()),
  /** 处罚依据 (CF_YJ): the law named decides the sector when the conduct does not. */
  basis: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** 公示截止期 (CF_GSJZQ) as sent. */
  publicityEndDate: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** 有效期至 of a permit (XK_YXQZI) or a list entry. */
  validUntil: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** 移出日期 of a list entry. */
  removedAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type PublicityInput = Static<typeof PublicityInputSchema>;

/** Stable reason codes: the first group stops or withholds publicity, the second explains the period. */
export const REASON_CODES = [
  'invalid_decision_date',
  'minor_subject',
  'withdrawn',
  'repaired',
  'ended',
  'removed_from_list',
  'not_published_by_setting',
  'minor_offence_not_published',
  'not_yet_public',
  'expired',
  'explicit_severity',
  'simple_procedure',
  'fine_above_threshold',
  'fine_at_most_minor',
  'confiscation_above_threshold',
  'unknown_category',
  'no_category',
  'longest_category',
  'sector_minimum',
  'period_override',
  'specific_serious',
  'before_first_regime',
  'regime_applies_to_existing',
  'regime_more_lenient',
  'department_end_date_ignored',
  'department_end_date_applied',
  'long_term',
  'revocation_in_text',
  'revocation_negated',
  'possibly_simple_procedure',
  'fine_unit_suspect',
  'age_unconfirmed',
  'fine_implausible',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const AudienceSchema = Type.Union([Type.Literal('public'), Type.Literal('government'), Type.Literal('none')]);
export type Audience = Static<typeof AudienceSchema>;

const NullableDate = Type.Union([IsoDate, Type.Null()]);

export const PublicityDecisionSchema = Type.Object({
  public: Type.Boolean(),
  /** public = 社会公开; government = 政务共享 only; none = neither (withdrawn, repaired, minors). */
  audience: AudienceSchema,
  /** First and last day of publicity (inclusive); null when the record is never public. */
  from: NullableDate,
  until: NullableDate,
  /** Last day of the minimum period (最短公示期). */
  minUntil: NullableDate,
  /** First day a repair application is accepted; null when it never is. */
  repairableFrom: NullableDate,
  /** A repair application is accepted at the evaluated day. */
  repairable: Type.Boolean(),
  /** null for records that are not 失信信息 (permits, red lists, other). */
  severity: Type.Union([SeveritySchema, Type.Null()]),
  /** Rule set id ('2019', '2023', '2026'), or 'none' for records no regime governs. */
  regime: Type.String(),
  reasons: Type.Array(Type.String()),
  explanation: Type.String(),
  /** The day the decision was made for. */
  evaluatedAt: IsoDate,
  /** A day on which the inputs may lead to another answer (future repair, removal, regime). */
  reviewAt: NullableDate,
  specificSerious: Type.Boolean(),
  sector: Type.Union([Type.String(), Type.Null()]),
  /** The 处罚类别 whose period was applied (longest, ties by §1.3 order). */
  primaryCategory: Type.Union([Type.String(), Type.Null()]),
});
export interface PublicityDecision extends Omit<Static<typeof PublicityDecisionSchema>, 'reasons'> {
  reasons: ReasonCode[];
}

/** One public record (公示信息) as the portal gets it: only 社会公开 fields, enum codes shown as labels. */
export const PublicRecordSchema = Type.Object({
  id: Type.String(),
  type: Type.String({ description: 'penalty, permit, red_list, black_list …' }),
  itemName: Type.String(),
  subjectId: Type.Union([Type.String(), Type.Null()]),
  subjectName: Type.Union([Type.String(), Type.Null()]),
  docNo: Type.String(),
  decisionDate: Type.Union([Type.String(), Type.Null()]),
  authority: Type.Union([Type.String(), Type.Null()]),
  publicUntil: Type.Union([Type.String(), Type.Null()]),
  publicity: Type.String({ description: '公示引擎的说明，如「公示至 2027-03-05：…」' }),
  fields: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
  underObjection: Type.Optional(Type.Literal(true, { description: '异议处理中：该信息有正在处理的异议申诉' })),
});
/** A cursor page of public records. */
export const PublicRecordPageSchema = Type.Object({ items: Type.Array(PublicRecordSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });

// Static types of the public answers, imported type-only by the portal (src/web/api/types.ts).
export type PublicRecordAnswer = Static<typeof PublicRecordSchema>;
export type PublicRecordPage = Static<typeof PublicRecordPageSchema>;
