// Resource catalogue (资源目录) item schema: one version of one catalogue item with its data
// items (数据项). docs/domain/02-catalogue.md §2.1 "Design": 名称, 标识, 信用主体类别, 信息类别, 来源单位, 数据项
// (type / required / masking / 公开范围), 有效期, 交换频率, 版本 + 审核.
//
// The TypeBox schema is the single source of truth: the TS types are derived from it, the HTTP
// layer can reuse it for request/response schemas, and validateCatalogItem() checks it first.
import { Type, type Static } from '@sinclair/typebox';

/** 信用主体类别 (docs/domain/02-catalogue.md §2.1). */
export const SUBJECT_CATEGORIES = ['法人及非法人组织', '自然人', '个体工商户'] as const;
export const SubjectCategorySchema = Type.Union(SUBJECT_CATEGORIES.map((c) => Type.Literal(c)));
export type SubjectCategory = (typeof SUBJECT_CATEGORIES)[number];

/** 信息类别 (docs/domain/02-catalogue.md §2.1). */
export const INFO_CLASSES = ['基本信息', '行政管理', '诚实守信', '严重失信', '其他'] as const;
export const InfoClassSchema = Type.Union(INFO_CLASSES.map((c) => Type.Literal(c)));
export type InfoClass = (typeof INFO_CLASSES)[number];

/** 公开范围: public / shared between government bodies / query by authorisation (docs/domain/02-catalogue.md §2.1). */
export const VISIBILITIES = ['社会公开', '政务共享', '授权查询'] as const;
export const VisibilitySchema = Type.Union(VISIBILITIES.map((c) => Type.Literal(c)));
export type Visibility = (typeof VISIBILITIES)[number];

/** Data types: 字符型 / 日期型 / 整数型 / 浮点型 / 枚举型 / 集合型 (docs/domain/02-catalogue.md §2.1). */
export const FIELD_TYPES = ['string', 'date', 'integer', 'decimal', 'enum', 'set'] as const;
export const FieldTypeSchema = Type.Union(FIELD_TYPES.map((c) => Type.Literal(c)));
export type FieldType = (typeof FIELD_TYPES)[number];

/** 审核状态 of a catalogue item version. */
export const ITEM_STATUSES = ['draft', 'in_review', 'active', 'retired'] as const;
export const ItemStatusSchema = Type.Union(ITEM_STATUSES.map((c) => Type.Literal(c)));
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** 交换频率. */
export const EXCHANGE_FREQUENCIES = ['实时', '每日', '每周', '每月', '每季度', '每年', '按需'] as const;
export const ExchangeFrequencySchema = Type.Union(EXCHANGE_FREQUENCIES.map((c) => Type.Literal(c)));

/** What kind of record an item produces; part of the dedup key (docs/domain/01-sgs.md §1.4 rule 7). */
export const RECORD_TYPES = ['permit', 'penalty', 'red_list', 'black_list', 'other', 'commitment'] as const;
export const RecordTypeSchema = Type.Union(RECORD_TYPES.map((c) => Type.Literal(c)));
export type RecordType = (typeof RECORD_TYPES)[number];

/**
 * Roles tell the ingest engine what a field means, independent of its code: which field is the
 * subject's name or USCC, which pair forms the record key (authority_uscc + doc_no), which date
 * drives timeliness, and so on. Each role appears at most once per item.
 */
export const FIELD_ROLES = [
  'subject_name',
  'subject_category',
  'subject_uscc',
  'subject_regno',
  'subject_org_code',
  'subject_tax_no',
  'subject_inst_cert', // 事业单位证书号
  'subject_social_org_cert', // 社会组织登记证号
  'subject_id_type',
  'subject_id_number',
  'legal_rep_name',
  'legal_rep_id_type',
  'legal_rep_id_number',
  'doc_name',
  'doc_no',
  'decision_date',
  'valid_from',
  'valid_to',
  'publicity_end',
  'removal_date',
  'authority_name',
  'authority_uscc',
  'source_name',
  'source_uscc',
  'amount', // 罚款金额（万元）
  'confiscation_amount', // 没收金额（万元）
  'penalty_categories', // 处罚类别 (set)
  'status',
  'list_type',
  'content',
  'remark',
  'region_code',
  'updated_at',
] as const;
export const FieldRoleSchema = Type.Union(FIELD_ROLES.map((c) => Type.Literal(c)));
export type FieldRole = (typeof FIELD_ROLES)[number];

/** Which identifier checker a code column uses; code columns are text ('@') in templates. */
export const CODE_KINDS = ['uscc', 'org', 'regno', 'id', 'tax', 'cert'] as const;
export const CodeKindSchema = Type.Union(CODE_KINDS.map((c) => Type.Literal(c)));
export type FieldCodeKind = (typeof CODE_KINDS)[number];

/**
 * A condition on another field of the same row. Values may be enum codes or labels (resolved at
 * compile time). For a set field, `equals`/`in` mean "the set contains (any of) these".
 */
export const ConditionSchema = Type.Object(
  {
    field: Type.String({ minLength: 1 }),
    equals: Type.Optional(Type.String()),
    in: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
  },
  { additionalProperties: false },
);
export type Condition = Static<typeof ConditionSchema>;

/** 是否必填: always, never, or when another field has certain values. */
export const RequiredRuleSchema = Type.Union([
  Type.Literal('always'),
  Type.Literal('never'),
  Type.Object({ when: ConditionSchema }, { additionalProperties: false }),
]);
export type RequiredRule = Static<typeof RequiredRuleSchema>;

/** One enumeration entry: input may be the code, the label or an alias; stored as the code. */
export const EnumValueSchema = Type.Object(
  {
    code: Type.String({ minLength: 1 }),
    label: Type.String({ minLength: 1 }),
    aliases: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    /** Accept any input starting with the label, e.g. "其他-责令改正" for 其他. */
    prefixMatch: Type.Optional(Type.Boolean()),
    /** Ordering for "the heaviest category counts" (处罚类别, docs/domain/01-sgs.md §1.3); higher = heavier. */
    severity: Type.Optional(Type.Number()),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type EnumValue = Static<typeof EnumValueSchema>;

/** 数据项: one column of the catalogue item. */
export const DataItemSchema = Type.Object(
  {
    /** Field code, e.g. CF_XDR_MC. */
    code: Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' }),
    /** The exact Chinese header of the template. */
    name: Type.String({ minLength: 1 }),
    /** Other headers accepted on upload (variants seen in real files). */
    aliases: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    type: FieldTypeSchema,
    required: RequiredRuleSchema,
    maxLength: Type.Optional(Type.Integer({ minimum: 1 })),
    enum: Type.Optional(Type.Array(EnumValueSchema)),
    /** Decimal places allowed for 'decimal' (DDL decimal(18,6) → 6). */
    decimals: Type.Optional(Type.Integer({ minimum: 0, maximum: 12 })),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    /** 是否脱敏: shown masked on public paths. */
    masked: Type.Boolean(),
    visibility: VisibilitySchema,
    role: Type.Optional(FieldRoleSchema),
    codeKind: Type.Optional(CodeKindSchema),
    /** Line breaks allowed (long free text); elsewhere CR/LF/TAB are control characters. */
    multiline: Type.Optional(Type.Boolean()),
    /** Accept 长期/长期有效/永久 and store 2099-12-31 (the "长期" convention, docs/domain/01-sgs.md §1.3). */
    longTermAllowed: Type.Optional(Type.Boolean()),
    /** Warn when filled although this condition holds (e.g. USCC for a 自然人, docs/domain/01-sgs.md §1.4). */
    emptyWhen: Type.Optional(ConditionSchema),
    /** false: accepted on upload but not written into the template (local extensions). */
    inTemplate: Type.Optional(Type.Boolean()),
    /** Guidance for 填报说明. */
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type DataItem = Static<typeof DataItemSchema>;

/** A column of a legacy (v1) format and the v2 field it maps onto (null: dropped). */
export const LegacyColumnSchema = Type.Object(
  {
    header: Type.String({ minLength: 1 }),
    code: Type.String({ minLength: 1 }),
    target: Type.Union([Type.String(), Type.Null()]),
    /** Legacy value → target enum code, e.g. 处罚类别1 '1' → '03' (罚款). */
    valueMap: Type.Optional(Type.Record(Type.String(), Type.String())),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type LegacyColumn = Static<typeof LegacyColumnSchema>;

/** Fills a v2 field that a legacy format lacks. Applied only when the field is still empty. */
export const DerivationSchema = Type.Union([
  Type.Object(
    {
      field: Type.String(),
      kind: Type.Literal('constant'),
      value: Type.String(),
      /** Only when this other field is non-empty (e.g. 证件类型 = 身份证 when 身份证号 is given). */
      whenFilled: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  Type.Object({ field: Type.String(), kind: Type.Literal('copy'), from: Type.String() }, { additionalProperties: false }),
  /** 行政相对人类别 from the identifiers: ID only → 自然人, USCC 92 → 个体工商户, else 法人及非法人组织. */
  Type.Object({ field: Type.String(), kind: Type.Literal('subject_category') }, { additionalProperties: false }),
]);
export type Derivation = Static<typeof DerivationSchema>;

/** A legacy header set (e.g. the 2015/2016 XK_/CF_ flat format, docs/domain/01-sgs.md §1.2) accepted for this item. */
export const LegacyFormatSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
    name: Type.String({ minLength: 1 }),
    columns: Type.Array(LegacyColumnSchema, { minItems: 1 }),
    derive: Type.Optional(Type.Array(DerivationSchema)),
    /** v2 fields whose required rule does not apply to legacy files (the format never had them). */
    relaxRequired: Type.Optional(Type.Array(Type.String())),
    /** Roles the uploader's context supplies (e.g. authority_uscc from the department profile). */
    fromContext: Type.Optional(Type.Array(FieldRoleSchema)),
  },
  { additionalProperties: false },
);
export type LegacyFormat = Static<typeof LegacyFormatSchema>;

/** One version of a catalogue item. */
export const CatalogItemSchema = Type.Object(
  {
    /** Identifier, e.g. sgs_cf_v2. */
    id: Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 }),
    /** 名称, e.g. 行政处罚. */
    name: Type.String({ minLength: 1 }),
    version: Type.Integer({ minimum: 1 }),
    status: ItemStatusSchema,
    recordType: RecordTypeSchema,
    subjectCategories: Type.Array(SubjectCategorySchema, { minItems: 1, uniqueItems: true }),
    infoClass: InfoClassSchema,
    /** 来源单位: department codes; empty = any department may report. */
    sourceDepartments: Type.Array(Type.String({ minLength: 1 })),
    /** 有效期限 of the information, e.g. 长期 or 3 年 (publicity periods live in the publicity domain). */
    validity: Type.Object(
      { description: Type.String({ minLength: 1 }), years: Type.Optional(Type.Number({ exclusiveMinimum: 0 })) },
      { additionalProperties: false },
    ),
    exchangeFrequency: ExchangeFrequencySchema,
    /** Reporting deadline in working days after the decision (双公示: 7, docs/domain/01-sgs.md §1.1). */
    timelinessWorkingDays: Type.Optional(Type.Integer({ minimum: 1 })),
    effectiveFrom: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    versionNote: Type.Optional(Type.String()),
    /** Where the definition comes from, with DOMAIN confidence tags. */
    source: Type.Optional(Type.String()),
    items: Type.Array(DataItemSchema, { minItems: 1 }),
    legacyFormats: Type.Optional(Type.Array(LegacyFormatSchema)),
  },
  { additionalProperties: false },
);
export type CatalogItem = Static<typeof CatalogItemSchema>;

/** A catalogue field as the console's API shows it: the required rule in Chinese, enum labels. */
export const CatalogFieldViewSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  type: Type.String(),
  required: Type.String(),
  maxLength: Type.Union([Type.Integer(), Type.Null()]),
  enum: Type.Union([Type.Array(Type.Object({ code: Type.String(), label: Type.String() })), Type.Null()]),
  masked: Type.Boolean(),
  visibility: Type.String(),
  longTermAllowed: Type.Boolean(),
  inTemplate: Type.Boolean(),
  /** What the field means to the engine (e.g. authority_uscc): the online form fills some from the department. */
  role: Type.Union([FieldRoleSchema, Type.Null()]),
});

/** A catalogue item version as the console's API shows it (GET /api/catalog/items …). */
export const CatalogItemViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  status: Type.String(),
  recordType: Type.String(),
  infoClass: Type.String(),
  subjectCategories: Type.Array(Type.String()),
  builtin: Type.Boolean(),
  fields: Type.Array(CatalogFieldViewSchema),
  /** In the credit office's list of every version: the asking user drafted it (and may not approve it). */
  draftedByMe: Type.Optional(Type.Boolean()),
});

// Static types of the console's answers, imported type-only by the web (src/web/api/types.ts).
export type CatalogItemView = Static<typeof CatalogItemViewSchema>;
export type CatalogFieldView = Static<typeof CatalogFieldViewSchema>;

/** One version for the catalogue editor (GET /api/catalog/:id/versions/:version): the whole definition and its review. */
export const CatalogVersionDetailSchema = Type.Object({
  definition: CatalogItemSchema,
  status: ItemStatusSchema,
  builtin: Type.Boolean(),
  /** The item's highest version number (a new version gets the next one). */
  latestVersion: Type.Integer(),
  createdByName: Type.Union([Type.String(), Type.Null()]),
  reviewedByName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
  activatedAt: Type.Union([Type.String(), Type.Null()]),
  /** The asking user drafted this version (and so may not approve it). */
  draftedByMe: Type.Boolean(),
  /** The asking user may re-save it: an admin, its drafter, while it is a draft. */
  canEdit: Type.Boolean(),
  /** Why the asking user may not approve it (shown next to the disabled button), or null. */
  approveBlockedReason: Type.Union([Type.String(), Type.Null()]),
});
export type CatalogVersionDetail = Static<typeof CatalogVersionDetailSchema>;
