// Request and response schemas of the sanctions routes (联合奖惩). The response schemas are also what keeps internal
// columns and unmasked personal numbers out of the JSON: only these fields serialise. The web imports the types.
import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Str = Type.String();

export const MeasureSchema = Type.Object({
  id: Str,
  code: Str,
  version: Type.Integer(),
  name: Str,
  class: Type.Integer(),
  kind: Type.Union([Type.Literal('punishment'), Type.Literal('incentive')]),
  listTypes: Type.Array(Str),
  scenarios: Type.Array(Str),
  legalBasis: Nullable(Str),
  basisDocNo: Nullable(Str),
  implementingDept: Str,
  edition: Type.Union([Type.Literal('2021'), Type.Literal('2022'), Type.Literal('2024'), Type.Literal('local')]),
  source: Nullable(Str),
  status: Type.Union([Type.Literal('draft'), Type.Literal('active'), Type.Literal('superseded'), Type.Literal('retired')]),
});
export type MeasureDto = Static<typeof MeasureSchema>;

export const MeasureBody = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 300 }),
    class: Type.Integer({ minimum: 1, maximum: 3 }),
    kind: Type.Union([Type.Literal('punishment'), Type.Literal('incentive')]),
    listTypes: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: 50 }),
    scenarios: Type.Array(Type.String({ minLength: 1, maxLength: 16 }), { minItems: 1, maxItems: 8 }),
    legalBasis: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
    basisDocNo: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    implementingDept: Type.String({ minLength: 1, maxLength: 200 }),
    edition: Type.Union([Type.Literal('2021'), Type.Literal('2022'), Type.Literal('2024'), Type.Literal('local')]),
    source: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
    activate: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type MeasureBodyDto = Static<typeof MeasureBody>;

/** Activation: optionally the legal basis of a draft saved without one (no body, or null, activates as it stands). */
export const ActivateBody = Type.Union([
  Type.Object(
    { legalBasis: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])), basisDocNo: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);
export type ActivateBodyDto = Static<typeof ActivateBody>;

export const SubjectQuerySchema = Type.Object(
  {
    uscc: Type.Optional(Type.String({ maxLength: 40 })),
    idNumber: Type.Optional(Type.String({ maxLength: 40 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CheckBody = Type.Object(
  {
    scenario: Type.String({ maxLength: 32 }),
    subjects: Type.Array(SubjectQuerySchema, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type CheckBodyDto = Static<typeof CheckBody>;

const MeasureAnswerSchema = Type.Object({
  id: Str,
  code: Str,
  name: Str,
  class: Type.Integer(),
  kind: Type.Union([Type.Literal('punishment'), Type.Literal('incentive')]),
  legalBasis: Str,
  basisDocNo: Nullable(Str),
  implementingDept: Str,
  listTypes: Type.Array(Str),
});

const EntryAnswerSchema = Type.Object({
  entryId: Str,
  listType: Str,
  listName: Str,
  decisionNo: Str,
  listedOn: Nullable(Str),
  expiresOn: Nullable(Str),
});

export const SubjectAnswerSchema = Type.Object({
  index: Type.Integer(),
  query: Type.Object({ uscc: Type.Optional(Str), idNumber: Type.Optional(Str), name: Type.Optional(Str) }),
  status: Type.Union([Type.Literal('found'), Type.Literal('not_found'), Type.Literal('invalid')]),
  message: Str,
  matchedBy: Type.Union([Type.Literal('uscc'), Type.Literal('id_number'), Type.Literal('name'), Type.Literal('name_normalised'), Type.Null()]),
  subject: Type.Union([Type.Object({ id: Str, name: Str, kind: Str, uscc: Nullable(Str) }), Type.Null()]),
  candidates: Type.Array(Type.Object({ id: Str, name: Str, uscc: Nullable(Str) })),
  black: Type.Array(EntryAnswerSchema),
  red: Type.Array(EntryAnswerSchema),
  seriousPenalties: Type.Array(Type.Object({ recordId: Str, docNo: Str, decisionDate: Nullable(Str), publicUntil: Nullable(Str) })),
  measures: Type.Array(MeasureAnswerSchema),
  incentives: Type.Array(MeasureAnswerSchema),
});
export type SubjectAnswerDto = Static<typeof SubjectAnswerSchema>;

export const CheckAnswerSchema = Type.Object({
  checkId: Str,
  caseNo: Str,
  scenario: Str,
  checkedAt: Str,
  departmentId: Type.Integer(),
  subjects: Type.Array(SubjectAnswerSchema),
});
export type CheckAnswerDto = Static<typeof CheckAnswerSchema>;

export const StoredCheckSchema = Type.Object({
  checkId: Str,
  caseNo: Str,
  departmentId: Type.Integer(),
  channel: Str,
  scenario: Str,
  checkedAt: Str,
  subjectCount: Type.Integer(),
  hits: Type.Integer(),
  feedbackDue: Type.Integer(),
  feedbackGiven: Type.Integer(),
  subjects: Type.Array(SubjectAnswerSchema),
});
export type StoredCheckDto = Static<typeof StoredCheckSchema>;

export const CheckListSchema = Type.Object({
  items: Type.Array(
    Type.Object({ checkId: Str, caseNo: Str, channel: Str, scenario: Str, checkedAt: Str, subjectCount: Type.Integer(), hits: Type.Integer(), feedbackDue: Type.Integer(), feedbackGiven: Type.Integer() }),
  ),
});
export type CheckListDto = Static<typeof CheckListSchema>;

export const FeedbackBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          subjectId: Type.String({ pattern: '^[0-9]{1,19}$' }),
          measureId: Type.String({ pattern: '^[0-9]{1,19}$' }),
          applied: Type.Boolean(),
          reason: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
          caseDescription: Type.String({ minLength: 1, maxLength: 4000 }),
          actedOn: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);
export type FeedbackBodyDto = Static<typeof FeedbackBody>;

export const FeedbackResult = Type.Object({ given: Type.Integer(), due: Type.Integer() });

export const OverviewSchema = Type.Object({
  feedbackWorkingDays: Type.Integer(),
  items: Type.Array(Type.Object({ departmentId: Type.Integer(), departmentName: Str, open: Type.Integer(), overdue: Type.Integer() })),
});

export const PeriodQuery = Type.Object({
  from: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  to: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
});

const Rate = Type.Union([Type.Number(), Type.Null()]);
export const StatsSchema = Type.Object({
  period: Type.Object({ from: Str, to: Str }),
  totals: Type.Object({
    checks: Type.Integer(),
    checksWithHits: Type.Integer(),
    applied: Type.Integer(),
    notApplied: Type.Integer(),
    feedbackRate: Rate,
    punishmentCases: Type.Integer(),
    incentiveCases: Type.Integer(),
  }),
  departments: Type.Array(
    Type.Object({ departmentId: Type.Integer(), department: Str, checks: Type.Integer(), checksWithHits: Type.Integer(), feedbackOwed: Type.Integer(), feedbackComplete: Type.Integer(), feedbackRate: Rate }),
  ),
  listTypes: Type.Array(
    Type.Object({ departmentId: Type.Integer(), department: Str, listType: Str, listName: Str, color: Type.Union([Type.Literal('black'), Type.Literal('red')]), checks: Type.Integer(), subjects: Type.Integer() }),
  ),
  measures: Type.Array(
    Type.Object({
      departmentId: Type.Integer(),
      department: Str,
      listType: Str,
      listName: Str,
      measureCode: Str,
      measure: Str,
      kind: Type.Union([Type.Literal('punishment'), Type.Literal('incentive')]),
      applied: Type.Integer(),
      notApplied: Type.Integer(),
    }),
  ),
});
export type StatsDto = Static<typeof StatsSchema>;

export const NotableBody = Type.Object({ title: Type.String({ minLength: 2, maxLength: 200 }), summary: Type.String({ minLength: 2, maxLength: 4000 }) }, { additionalProperties: false });

export const CasesSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Str,
      title: Str,
      summary: Str,
      kind: Type.Union([Type.Literal('punishment'), Type.Literal('incentive')]),
      measure: Str,
      legalBasis: Str,
      basisDocNo: Nullable(Str),
      listTypes: Type.Array(Str),
      department: Str,
      actedOn: Str,
    }),
  ),
});
export type CasesDto = Static<typeof CasesSchema>;

export const ScenariosSchema = Type.Object({
  scenarios: Type.Array(Str),
  listTypes: Type.Array(Type.Object({ code: Str, name: Str, color: Type.Union([Type.Literal('black'), Type.Literal('red')]) })),
});

export const CodeParam = Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) });
export const IdParam = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,19}$' }) });
export const BinaryResponse = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

export const ScreeningSummarySchema = Type.Object({
  rows: Type.Integer(),
  found: Type.Integer(),
  black: Type.Integer(),
  red: Type.Integer(),
  notFound: Type.Integer(),
  review: Type.Integer(),
  invalid: Type.Integer(),
});

export const ScreeningStatusSchema = Type.Object({
  status: Type.String(),
  done: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  checkId: Type.Optional(Type.String()),
  caseNo: Type.Optional(Type.String()),
  summary: Type.Optional(ScreeningSummarySchema),
});
export type ScreeningStatusDto = Static<typeof ScreeningStatusSchema>;
