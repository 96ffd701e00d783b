// Request and response schemas of the commitment routes; the applicant's mobile number never serialises.
import { Type, type Static } from '@fastify/type-provider-typebox';

/** docs/domain/02-catalogue.md §2.2: the five kinds; the catalogue item's codes 1–5 map to these keys. */
export const KIND_LABELS = { approval: '审批替代型（告知承诺制）', tolerance: '容缺受理型', industry: '行业自律型', repair: '信用修复型', voluntary: '主动型' } as const;
export const KIND_BY_CODE: Record<string, keyof typeof KIND_LABELS> = { '1': 'approval', '2': 'tolerance', '3': 'industry', '4': 'repair', '5': 'voluntary' };
export const OUTCOME_LABELS = { kept: '履约', breached: '违诺' } as const;

const Id = Type.String({ pattern: '^[0-9]{1,19}$' });

export const VoluntaryBody = Type.Object({
  subjectId: Id,
  subjectCode: Type.String({ minLength: 1, maxLength: 40 }),
  matter: Type.String({ minLength: 2, maxLength: 200 }),
  applicantName: Type.String({ minLength: 1, maxLength: 50 }),
  mobile: Type.String({ pattern: '^1[3-9][0-9]{9}$' }),
  confirmed: Type.Boolean(),
});
export type VoluntaryInput = Static<typeof VoluntaryBody>;

export const TextQuery = Type.Object({ subjectId: Id, matter: Type.String({ minLength: 2, maxLength: 200 }) });
export const TextAnswer = Type.Object({ text: Type.String() });

export const PublicCommitment = Type.Object({
  id: Type.String(),
  subjectId: Type.String(),
  subjectName: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String(),
  kindLabel: Type.String(),
  matter: Type.String(),
  text: Type.String(),
  madeOn: Type.String(),
});
export const VoluntaryPage = Type.Object({ items: Type.Array(PublicCommitment), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export type PublicCommitmentDto = Static<typeof PublicCommitment>;

export const FulfilmentBody = Type.Object({
  recordId: Type.Optional(Id),
  commitmentId: Type.Optional(Id),
  outcome: Type.Union([Type.Literal('kept'), Type.Literal('breached')]),
  basis: Type.String({ minLength: 2, maxLength: 2000 }),
});
export type FulfilmentInput = Static<typeof FulfilmentBody>;

export const Breach = Type.Object({
  id: Type.String(),
  source: Type.Union([Type.Literal('collected'), Type.Literal('online')]),
  recordId: Type.Union([Type.String(), Type.Null()]),
  commitmentId: Type.Union([Type.String(), Type.Null()]),
  subjectId: Type.Union([Type.String(), Type.Null()]),
  subjectName: Type.Union([Type.String(), Type.Null()]),
  kindLabel: Type.String(),
  matter: Type.String(),
  basis: Type.String(),
  markedOn: Type.String(),
  departmentName: Type.Union([Type.String(), Type.Null()]),
});
export const BreachList = Type.Object({ items: Type.Array(Breach) });
export type BreachDto = Static<typeof Breach>;

export const CommitmentStatsAnswer = Type.Object({
  made: Type.Integer(),
  collected: Type.Integer(),
  online: Type.Integer(),
  kept: Type.Integer(),
  breached: Type.Integer(),
});
export type CommitmentStats = Static<typeof CommitmentStatsAnswer>;
