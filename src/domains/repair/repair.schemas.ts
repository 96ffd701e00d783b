// TypeBox schemas of the repair routes (信用修复). The response schemas are also what keeps the agent's mobile
// (masked for staff, never public) and the materials' content out of JSON answers.
import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Uscc = Type.String({ pattern: '^[0-9A-Za-z]{18}$', description: '统一社会信用代码（18 位）' });
const Id = Type.String({ pattern: '^[0-9]{1,19}$' });
const Channel = Type.Union([Type.Literal('standard'), Type.Literal('restructuring')], { description: 'standard 一般渠道；restructuring 破产重整渠道' });

export const EligibilityQuery = Type.Object({ uscc: Uscc, channel: Type.Optional(Channel) }, { additionalProperties: false });

export const RecordEligibilitySchema = Type.Object({
  recordId: Type.String(),
  recordType: Type.String(),
  docNo: Type.String(),
  decisionDate: Nullable(Type.String()),
  authority: Nullable(Type.String()),
  conduct: Nullable(Type.String()),
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  regime: Nullable(Type.String()),
  severity: Nullable(Type.String()),
  specificSerious: Type.Boolean(),
  publicUntil: Nullable(Type.String()),
  state: Type.Union([Type.Literal('eligible'), Type.Literal('not_yet'), Type.Literal('not_repairable'), Type.Literal('open_application')]),
  earliestDate: Nullable(Type.String({ description: '最早可申请修复的日期' })),
  reason: Nullable(Type.String({ description: '暂不能申请的原因' })),
  materials: Type.Array(Type.Object({ kind: Type.String(), name: Type.String() })),
});

export const EligibilityResponse = Type.Object({
  subject: Type.Object({ name: Type.String(), uscc: Type.String() }),
  records: Type.Array(RecordEligibilitySchema),
  listEntries: Type.Array(Type.Object({ listName: Type.String(), decisionNo: Type.String(), listedOn: Nullable(Type.String()), expiresOn: Nullable(Type.String()), note: Type.String() })),
  barred: Nullable(Type.String()),
  restructuringChannel: Type.Boolean(),
});

const Agent = {
  agentName: Type.String({ minLength: 2, maxLength: 40, description: '经办人姓名' }),
  agentMobile: Type.String({ pattern: '^1[3-9][0-9]{9}$', description: '经办人手机号' }),
};

export const CommitmentBody = Type.Object(
  { uscc: Uscc, agentName: Agent.agentName, recordIds: Type.Array(Id, { minItems: 1, maxItems: 50 }), channel: Type.Optional(Channel) },
  { additionalProperties: false },
);
export const CommitmentResponse = Type.Object({ text: Type.String() });

/** The JSON part (`application`) of the multipart application; the files travel as parts named by kind. */
export const ApplicationFields = Type.Object(
  {
    uscc: Uscc,
    ...Agent,
    channel: Type.Optional(Channel),
    recordIds: Type.Array(Id, { minItems: 1, maxItems: 50 }),
    commitmentConfirmed: Type.Boolean(),
    identityToken: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);
export type ApplicationFieldsT = Static<typeof ApplicationFields>;

export const AppliedResponse = Type.Object({
  id: Type.String(),
  queryCode: Type.String({ description: '查询码（只显示这一次，请妥善保存）' }),
  answerDue: Day,
  departmentName: Type.String(),
  commitment: Type.String(),
});

export const ProgressBody = Type.Object({ uscc: Uscc, code: Type.String({ minLength: 4, maxLength: 40 }) }, { additionalProperties: false });
export const ProgressResponse = Type.Object({
  id: Type.String(),
  subjectName: Type.String(),
  status: Type.String(),
  appliedOn: Day,
  answerDue: Day,
  forwardedOn: Nullable(Day),
  decidedOn: Nullable(Day),
  decisionReason: Nullable(Type.String()),
  decisionNo: Nullable(Type.String()),
  departmentName: Type.String(),
  docNos: Type.Array(Type.String()),
});

export const QueueQuery = Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('decided'), Type.Literal('all')])) }, { additionalProperties: false });
export const QueueItemSchema = Type.Object({
  id: Type.String(),
  subjectName: Type.String(),
  uscc: Type.String(),
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  channel: Type.String(),
  status: Type.String(),
  agentName: Type.String(),
  agentMobile: Type.String({ description: '脱敏手机号' }),
  appliedOn: Day,
  answerDue: Day,
  forwardedOn: Nullable(Day),
  decideDue: Nullable(Day),
  decidedOn: Nullable(Day),
  due: Nullable(Day),
  overdue: Type.Boolean(),
  records: Type.Integer(),
});
export const QueueResponse = Type.Object({ items: Type.Array(QueueItemSchema) });

export const ApplicationResponse = Type.Object({
  id: Type.String(),
  subjectName: Type.String(),
  uscc: Type.String(),
  channel: Type.String(),
  status: Type.String(),
  agentName: Type.String(),
  agentMobile: Type.String(),
  identityKind: Type.String(),
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  regime: Type.String(),
  appliedOn: Day,
  answerDue: Day,
  forwardedOn: Nullable(Day),
  decideDue: Nullable(Day),
  decidedOn: Nullable(Day),
  decisionReason: Nullable(Type.String()),
  decisionNo: Nullable(Type.String()),
  overdue: Type.Boolean(),
  commitment: Type.String(),
  records: Type.Array(
    Type.Object({
      recordId: Type.String(),
      open: Type.Boolean(),
      docNo: Type.Optional(Nullable(Type.String())),
      regime: Type.Optional(Nullable(Type.String())),
      severity: Type.Optional(Nullable(Type.String())),
      repairableFrom: Type.Optional(Nullable(Type.String())),
      publicUntil: Type.Optional(Nullable(Type.String())),
    }),
  ),
  materials: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), kindName: Type.String(), fileName: Type.String(), mediaType: Type.String(), bytes: Type.Integer() })),
});

export const IdParams = Type.Object({ id: Id });
export const MaterialParams = Type.Object({ id: Id, materialId: Id });
export const RecordParams = Type.Object({ recordId: Id });

export const DecisionBody = Type.Object(
  { approve: Type.Boolean(), reason: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) },
  { additionalProperties: false },
);
export const DecisionResponse = Type.Object({ status: Type.String(), decisionNo: Type.String(), endedListEntries: Type.Integer() });
export const ForwardResponse = Type.Object({ decideDue: Day });

export const StatsQuery = Type.Object({ from: Day, to: Day }, { additionalProperties: false });
export const StatsResponse = Type.Object({
  applied: Type.Integer(),
  approved: Type.Integer(),
  refused: Type.Integer(),
  open: Type.Integer(),
  averageWorkingDays: Nullable(Type.Number()),
  overdue: Type.Integer(),
  byDepartment: Type.Array(
    Type.Object({
      departmentId: Type.Integer(),
      departmentName: Type.String(),
      applied: Type.Integer(),
      approved: Type.Integer(),
      refused: Type.Integer(),
      overdue: Type.Integer(),
      averageWorkingDays: Nullable(Type.Number()),
    }),
  ),
});

/** A PDF answer (sent as bytes). */
export const PdfResponse = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

// Static answer types for the web (import type only).
export type EligibilityAnswer = Static<typeof EligibilityResponse>;
export type RecordEligibilityAnswer = Static<typeof RecordEligibilitySchema>;
export type AppliedAnswer = Static<typeof AppliedResponse>;
export type ProgressAnswer = Static<typeof ProgressResponse>;
export type QueueItemAnswer = Static<typeof QueueItemSchema>;
export type ApplicationAnswer = Static<typeof ApplicationResponse>;
export type StatsAnswer = Static<typeof StatsResponse>;
