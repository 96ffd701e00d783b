// Request and response schemas of the objection routes. The response schemas are what keeps the mobile
// number, the 查询码's hash and the evidence bytes out of JSON: only these fields serialise.
import { Type, type Static } from '@fastify/type-provider-typebox';

export const SCOPES = ['error', 'omission', 'duplicate', 'not_public', 'over_period', 'inconsistent'] as const;
/** docs/domain/03-publicity.md §3.4: the grounds of an objection, as the portal shows them. */
export const SCOPE_LABELS: Record<(typeof SCOPES)[number], string> = {
  error: '信息错误',
  omission: '信息遗漏',
  duplicate: '重复公示',
  not_public: '不应公示',
  over_period: '超期公示',
  inconsistent: '与认定机关信息不一致',
};
export const STATUS_LABELS = { precheck: '初审中', awaiting_material: '待补充材料', at_department: '认定部门核实中', decided: '已办结' } as const;
export const OUTCOME_LABELS = { corrected: '已更正', withdrawn: '已撤销公示', refused: '不予更正' } as const;
export const STEP_LABELS = { filed: '提交申诉', material_requested: '要求补充材料', material_added: '补充材料', sent: '转认定部门核实', decided: '办结' } as const;

const Str = (max: number, min = 1) => Type.String({ minLength: min, maxLength: max });
const FileInput = Type.Object({ name: Str(200), contentBase64: Type.String({ maxLength: 8_000_000 }) });
// A few more than allowed, so that "too many" reaches the service and its Chinese message.
const Files = Type.Array(FileInput, { maxItems: 12 });
const Id = Type.String({ pattern: '^[0-9]{1,19}$' });

export const FileBody = Type.Object({
  recordIds: Type.Array(Id, { minItems: 1, maxItems: 20 }),
  subjectCode: Str(40),
  scope: Type.Union(SCOPES.map((s) => Type.Literal(s))),
  statement: Str(2000, 10),
  relation: Type.Union([Type.Literal('subject'), Type.Literal('concerned')]),
  applicantName: Str(50),
  mobile: Type.String({ pattern: '^1[3-9][0-9]{9}$' }),
  pledgeConfirmed: Type.Boolean(),
  files: Files,
});
export type FileInputBody = Static<typeof FileBody>;

export const FiledAnswer = Type.Object({ no: Type.String(), queryCode: Type.String(), dueOn: Type.String() });
export type FiledAnswerDto = Static<typeof FiledAnswer>;

export const LookupBody = Type.Object({ queryCode: Str(20), subjectCode: Str(40) });
export const SupplementBody = Type.Object({ queryCode: Str(20), subjectCode: Str(40), note: Type.Optional(Type.String({ maxLength: 1000 })), files: Files });

const StepSchema = Type.Object({ step: Type.String(), label: Type.String(), note: Type.Union([Type.String(), Type.Null()]), at: Type.String() });
const RecordRef = Type.Object({ id: Type.String(), docNo: Type.String(), open: Type.Boolean(), newVersion: Type.Union([Type.Integer(), Type.Null()]) });

/** What the applicant sees with the 查询码 and the subject's code. */
export const PublicObjection = Type.Object({
  no: Type.String(),
  scope: Type.String(),
  scopeLabel: Type.String(),
  status: Type.String(),
  statusLabel: Type.String(),
  outcome: Type.Union([Type.String(), Type.Null()]),
  outcomeLabel: Type.Union([Type.String(), Type.Null()]),
  outcomeReason: Type.Union([Type.String(), Type.Null()]),
  materialNote: Type.Union([Type.String(), Type.Null()]),
  filedAt: Type.String(),
  dueOn: Type.String(),
  records: Type.Array(RecordRef),
  steps: Type.Array(StepSchema),
});
export type PublicObjectionDto = Static<typeof PublicObjection>;

/** One row of the console queue and the console's detail (mobile masked). */
export const StaffObjection = Type.Object({
  id: Type.String(),
  no: Type.String(),
  subjectId: Type.String(),
  subjectName: Type.Union([Type.String(), Type.Null()]),
  departmentId: Type.Integer(),
  departmentName: Type.Union([Type.String(), Type.Null()]),
  scope: Type.String(),
  scopeLabel: Type.String(),
  statement: Type.String(),
  relation: Type.String(),
  applicantName: Type.String(),
  mobileMasked: Type.String(),
  status: Type.String(),
  statusLabel: Type.String(),
  outcome: Type.Union([Type.String(), Type.Null()]),
  outcomeReason: Type.Union([Type.String(), Type.Null()]),
  materialNote: Type.Union([Type.String(), Type.Null()]),
  filedAt: Type.String(),
  dueOn: Type.String(),
  overdue: Type.Boolean(),
  workingDays: Type.Union([Type.Integer(), Type.Null()]),
  records: Type.Array(RecordRef),
  files: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), mime: Type.String(), bytes: Type.Integer(), stage: Type.String() })),
  steps: Type.Array(StepSchema),
});
export type StaffObjectionDto = Static<typeof StaffObjection>;

export const QueueQuery = Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('decided'), Type.Literal('all')])) });
export const QueueAnswer = Type.Object({ items: Type.Array(StaffObjection) });

export const PrecheckBody = Type.Union([
  Type.Object({ action: Type.Literal('request_material'), note: Str(1000) }),
  Type.Object({ action: Type.Literal('send'), note: Type.Optional(Type.String({ maxLength: 1000 })) }),
]);
export type PrecheckInput = Static<typeof PrecheckBody>;

export const DecideBody = Type.Object({
  outcome: Type.Union([Type.Literal('corrected'), Type.Literal('withdrawn'), Type.Literal('refused')]),
  reason: Str(2000, 2),
  /** Outcome 更正: corrected values per record, by field code (else the record must already have a newer version). */
  corrections: Type.Optional(Type.Array(Type.Object({ recordId: Id, values: Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 2000 })) }), { maxItems: 20 })),
});
export type DecideInput = Static<typeof DecideBody>;

export const PledgeQuery = Type.Object({ recordId: Id });
export const PledgeAnswer = Type.Object({ text: Type.String(), subjectName: Type.Union([Type.String(), Type.Null()]), docNo: Type.String() });

export const ObjectionStatsAnswer = Type.Object({
  filed: Type.Integer(),
  open: Type.Integer(),
  overdue: Type.Integer(),
  byScope: Type.Array(Type.Object({ scope: Type.String(), label: Type.String(), count: Type.Integer() })),
  byOutcome: Type.Array(Type.Object({ outcome: Type.String(), label: Type.String(), count: Type.Integer() })),
  averageWorkingDays: Type.Union([Type.Number(), Type.Null()]),
});
export type ObjectionStats = Static<typeof ObjectionStatsAnswer>;
