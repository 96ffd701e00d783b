// TypeBox schemas of the lists domain (红黑名单): list types, the entry register, the lifecycle's requests, the
// public pages and the statistics. The web imports these types (`import type`), so a change here fails its check.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' });
const Id = Type.String({ pattern: '^[0-9]{1,18}$' });

export const ListColor = Type.Union([Type.Literal('black'), Type.Literal('red')]);
export const ListSource = Type.Union([Type.Literal('local'), Type.Literal('provincial'), Type.Literal('national')]);
export const EntryStatus = Type.Union([Type.Literal('proposed'), Type.Literal('notified'), Type.Literal('reviewed'), Type.Literal('listed'), Type.Literal('removed'), Type.Literal('rejected')]);
export const ExitReason = Type.Union([Type.Literal('expired'), Type.Literal('repaired'), Type.Literal('revoked'), Type.Literal('court'), Type.Literal('other')]);

/** What a list type says beyond its name and colour; `unconfirmed` names the [M] facts (待确认). */
export const ListTypeDefinition = Type.Object({
  authority: Type.String({ minLength: 1, maxLength: 200, description: '认定机关' }),
  criteria: Type.Object({ title: Type.String({ minLength: 1, maxLength: 500 }), docNo: Nullable(Type.String({ maxLength: 200 })) }, { description: '认定标准及文号' }),
  validityYears: Nullable(Type.Number({ minimum: 0, maximum: 100, description: '默认有效期（年），null 为未规定' })),
  validityNote: Type.String({ maxLength: 500 }),
  earlyExit: Nullable(Type.Boolean({ description: '可否提前移出' })),
  repairable: Nullable(Type.Boolean({ description: '可否信用修复' })),
  subjectCategories: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 10 }),
  excludes: Type.Optional(Type.String({ maxLength: 500 })),
  source: ListSource,
  basis: Type.String({ maxLength: 1000, description: '认定依据说明：文件名称、文号、施行日期，尚待核实的事项写明“待核实”' }),
  unconfirmed: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20, description: '待确认的事项 [M]' }),
  aliases: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50, description: '归集记录中名单类型的别名' }),
});
export type ListTypeDefinition = Static<typeof ListTypeDefinition>;

export const ListTypeView = Type.Object({
  code: Type.String(),
  version: Type.Integer(),
  name: Type.String(),
  color: ListColor,
  active: Type.Boolean(),
  definition: ListTypeDefinition,
  createdAt: Type.String(),
});
export type ListTypeView = Static<typeof ListTypeView>;

export const ListTypesResponse = Type.Object({ items: Type.Array(ListTypeView) });
export const ListTypeHistoryResponse = Type.Object({ items: Type.Array(ListTypeView) });
export const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,30}$' }) });
export const AmendListTypeBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  active: Type.Boolean(),
  definition: ListTypeDefinition,
  note: Type.String({ minLength: 1, maxLength: 500, description: '修订说明' }),
});
export type AmendListTypeBody = Static<typeof AmendListTypeBody>;

export const SubjectInput = Type.Object({
  kind: Type.Union([Type.Literal('legal'), Type.Literal('individual_business'), Type.Literal('natural_person')]),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  uscc: Type.Optional(Type.String({ maxLength: 18 })),
  idNumber: Type.Optional(Type.String({ maxLength: 18 })),
});
export type SubjectInput = Static<typeof SubjectInput>;

export const ProposeBody = Type.Object({
  listType: Type.String({ minLength: 1, maxLength: 40 }),
  decisionNo: Type.String({ minLength: 1, maxLength: 128, description: '认定（决定）文书号' }),
  basisRecordIds: Type.Array(Id, { maxItems: 50, description: '作为依据的信用记录编号（至少一条）' }),
  criteriaClause: Type.String({ maxLength: 500, description: '所依据的认定标准条款' }),
  reason: Type.String({ minLength: 1, maxLength: 2000, description: '列入事由' }),
  subject: Type.Optional(SubjectInput),
  departmentId: Type.Optional(Type.Integer({ description: '认定部门（信用办代为拟列入时填写）' })),
});
export type ProposeBody = Static<typeof ProposeBody>;

export const TransitionAction = Type.Union([Type.Literal('notify'), Type.Literal('review'), Type.Literal('reject'), Type.Literal('list'), Type.Literal('remove')]);
export type TransitionAction = Static<typeof TransitionAction>;
export const TransitionBody = Type.Object({
  action: TransitionAction,
  lockVersion: Type.Integer({ minimum: 0, description: '所见的条目版本号（乐观锁）' }),
  reason: Type.String({ minLength: 1, maxLength: 2000, description: '理由或意见' }),
  exitReason: Type.Optional(ExitReason),
  objection: Type.Optional(Type.Union([Type.Literal('answered'), Type.Literal('waived')], { description: '异议期内审核时：当事人已陈述申辩并已答复，或书面放弃' })),
  listedOn: Type.Optional(Day),
  expiresOn: Type.Optional(Nullable(Day)),
});
export type TransitionBody = Static<typeof TransitionBody>;

export const EntryIdParams = Type.Object({ id: Id });

export const EntryRow = Type.Object({
  id: Type.String(),
  listType: Type.String(),
  listName: Type.String(),
  color: ListColor,
  subjectId: Type.String(),
  subjectName: Type.String(),
  subjectKind: Type.String(),
  uscc: Nullable(Type.String()),
  decisionNo: Type.String(),
  origin: Type.Union([Type.Literal('collected'), Type.Literal('local')]),
  departmentId: Nullable(Type.Integer()),
  departmentName: Nullable(Type.String()),
  status: EntryStatus,
  listedOn: Nullable(Type.String()),
  expiresOn: Nullable(Type.String()),
  removedOn: Nullable(Type.String()),
  removedReason: Nullable(ExitReason),
  objectionUntil: Nullable(Type.String()),
  unmappedType: Nullable(Type.String()),
  lockVersion: Type.Integer(),
  createdAt: Type.String(),
});
export type EntryRow = Static<typeof EntryRow>;

export const EntriesQuery = Type.Object({
  listType: Type.Optional(Type.String({ maxLength: 40 })),
  status: Type.Optional(EntryStatus),
  departmentId: Type.Optional(Type.Integer()),
  subject: Type.Optional(Type.String({ maxLength: 200, description: '主体名称（包含）或统一社会信用代码' })),
  unmapped: Type.Optional(Type.Boolean()),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export type EntriesQuery = Static<typeof EntriesQuery>;
export const EntriesResponse = Type.Object({ total: Type.Integer(), items: Type.Array(EntryRow) });

export const HistoryRow = Type.Object({
  id: Type.String(),
  action: Type.String(),
  fromStatus: Nullable(Type.String()),
  toStatus: Type.String(),
  reason: Nullable(Type.String()),
  actorName: Type.String(),
  at: Type.String(),
});
export const EntryDetail = Type.Object({
  entry: EntryRow,
  criteriaClause: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  notifiedOn: Nullable(Type.String()),
  basis: Type.Array(Type.Object({ id: Type.String(), itemId: Type.String(), docNo: Type.String(), status: Type.String() })),
  source: Nullable(
    Type.Object(
      {
        departmentName: Nullable(Type.String({ description: '报送（认定）部门' })),
        decisionNo: Type.String({ description: '决定文书号' }),
        recordId: Nullable(Type.String({ description: '带来该条目的归集记录；由认定部门系统直接登记的条目为 null' })),
        batchId: Nullable(Type.String({ description: '该记录现行版本的报送批次（回执）' })),
        channel: Nullable(Type.Union([Type.Literal('file'), Type.Literal('api'), Type.Literal('form'), Type.Literal('cli')])),
        fileName: Nullable(Type.String()),
        rowNumber: Nullable(Type.Integer()),
      },
      { description: '归集条目的来源（报送部门、批次、渠道、文件及行号、决定文书号）；本地认定的条目为 null' },
    ),
  ),
  history: Type.Array(HistoryRow),
  allowed: Type.Array(TransitionAction, { description: '当前用户可执行的操作' }),
});
export type EntryDetail = Static<typeof EntryDetail>;

export const PublicListQuery = Type.Object({
  tab: Type.Optional(Type.Union([Type.Literal('listed'), Type.Literal('removed')])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});
export const PublicEntry = Type.Object({
  id: Type.String(),
  listName: Type.String(),
  color: ListColor,
  subjectId: Type.String(),
  subjectName: Type.String({ description: '自然人按 PUBLIC_PERSON_NAME 显示，证件号码从不公开' }),
  uscc: Nullable(Type.String()),
  decisionNo: Type.String(),
  authority: Nullable(Type.String()),
  listedOn: Nullable(Type.String()),
  expiresOn: Nullable(Type.String()),
  removedOn: Nullable(Type.String()),
  removedReason: Nullable(Type.String()),
});
export type PublicEntry = Static<typeof PublicEntry>;
export const PublicListResponse = Type.Object({
  listType: Type.Object({ code: Type.String(), name: Type.String(), color: ListColor, authority: Type.String(), criteria: Type.String() }),
  total: Type.Integer(),
  items: Type.Array(PublicEntry),
});
export const PublicTypesResponse = Type.Object({
  items: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), color: ListColor, listed: Type.Integer() })),
});
export const SubjectParams = Type.Object({ id: Id });
export const PublicSubjectEntries = Type.Object({ items: Type.Array(PublicEntry) });

export const StatsQuery = Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day) });
export const ListStatsResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  byType: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      color: ListColor,
      active: Type.Integer({ description: '期末在列条目数' }),
      added: Type.Integer({ description: '期内列入' }),
      removed: Type.Integer({ description: '期内移出（全部原因）' }),
      repaired: Type.Integer({ description: '期内因信用修复移出' }),
    }),
  ),
  subjects: Type.Integer({ description: '主体库主体数' }),
  redSubjects: Type.Integer({ description: '有在列红名单条目的主体数' }),
  blackSubjects: Type.Integer({ description: '有在列黑名单条目的主体数' }),
  redShare: Nullable(Type.Number({ description: '红名单主体占比' })),
  blackShare: Nullable(Type.Number({ description: '黑名单主体占比' })),
});
export type ListStats = Static<typeof ListStatsResponse>;
export const BinaryResponse = Type.String({ format: 'binary' });
export const SyncResponse = Type.Object({ batches: Type.Integer(), entries: Type.Integer(), ended: Type.Integer() });
