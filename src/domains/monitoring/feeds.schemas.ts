// TypeBox schemas of the credit-services statistics (信用服务统计, issue 15 §5): repair, objections and
// commitments of a period for the credit office. The web console imports the static type only.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: '日期 YYYY-MM-DD（北京时间）' });

export const CreditServicesQuery = Type.Object({ from: Day, to: Day }, { additionalProperties: false });

const Days = Nullable(Type.Number({ description: '平均办理用时（工作日，按节假日安排计算）；没有已办结的为 null' }));

export const CreditServicesStats = Type.Object({
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  repairs: Type.Object(
    {
      applied: Type.Integer(),
      approved: Type.Integer(),
      refused: Type.Integer(),
      open: Type.Integer(),
      overdue: Type.Integer({ description: '超过答复或决定期限（未办结，或办结晚于期限）' }),
      averageWorkingDays: Days,
      byDepartment: Type.Array(
        Type.Object({
          departmentId: Type.Integer(),
          departmentName: Type.String(),
          applied: Type.Integer(),
          approved: Type.Integer(),
          refused: Type.Integer(),
          overdue: Type.Integer(),
          averageWorkingDays: Days,
        }),
      ),
    },
    { description: '本期提出的信用修复申请（按申请日）' },
  ),
  objections: Type.Object(
    {
      filed: Type.Integer(),
      open: Type.Integer(),
      overdue: Type.Integer(),
      byScope: Type.Array(Type.Object({ scope: Type.String(), label: Type.String(), count: Type.Integer() })),
      byOutcome: Type.Array(Type.Object({ outcome: Type.String(), label: Type.String(), count: Type.Integer() })),
      averageWorkingDays: Days,
    },
    { description: '本期提出的异议申诉（按提交日）：按异议类型、按处理结果' },
  ),
  commitments: Type.Object(
    {
      made: Type.Integer(),
      kept: Type.Integer(),
      breached: Type.Integer(),
      byKind: Type.Array(Type.Object({ kind: Type.String(), label: Type.String(), made: Type.Integer(), kept: Type.Integer(), breached: Type.Integer() })),
    },
    { description: '信用承诺：本期作出（归集的按承诺日期，在线的按作出日），本期标记的履约和违诺，按承诺类型' },
  ),
});

export type CreditServicesStats = Static<typeof CreditServicesStats>;
