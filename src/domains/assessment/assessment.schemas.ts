// TypeBox request/response schemas of the department scorecard routes (部门考核). The URLs stay under
// /api/monitoring/ (the console and scripts call them there) although the rules live in this domain.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const MonthString = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: '月份 YYYY-MM' });
const Share = Nullable(Type.Number());

export const BinaryResponse = Type.String({ format: 'binary' });

export const ScorecardsQuery = Type.Object({ month: Type.Optional(MonthString) });

const Weights = Type.Object({ volume: Type.Number(), timeliness: Type.Number(), firstPass: Type.Number(), correction: Type.Number(), feedback: Type.Number(), handling: Type.Number() });

export const ScorecardsResponse = Type.Object({
  month: Type.String(),
  weights: Type.Object(Weights.properties, { description: '考核权重（设置项 monitoring.scorecardWeights，合计为 1）' }),
  expectedKnown: Type.Boolean({ description: '是否已设定应报量（设置项 monitoring.expectedVolumes）' }),
  correctionTargetDays: Type.Integer({ description: '平均更正用时不超过该工作日数时更正项得满分' }),
  correctionZeroDays: Type.Integer({ description: '平均更正用时达到该工作日数时更正项为 0 分' }),
  items: Type.Array(
    Type.Object({
      departmentId: Type.Integer(),
      name: Type.String(),
      rank: Nullable(Type.Integer({ description: '在有上报的部门中的排名；未报送为 null' })),
      status: Type.Union([Type.Literal('reported'), Type.Literal('not_reported')], { description: 'not_reported：本月未报送任何数据，不计分、不排名' }),
      score: Type.Number(),
      reported: Type.Integer({ description: '上报条数（已提交批次的全部数据行）' }),
      expected: Nullable(Type.Number({ description: '应报条数；未设定为 null' })),
      volumeRatio: Share,
      onTimeShare: Share,
      firstPassRate: Share,
      rejected: Type.Integer({ description: '退回条数（未通过校验的数据行）' }),
      corrected: Type.Integer({ description: '已更正：退回后由本部门以后的批次重新报送（同一目录项、同一机关统一社会信用代码和决定文书号）' }),
      uncorrected: Type.Integer({ description: '未更正：至今未重新报送的退回条数' }),
      avgCorrectionDays: Nullable(Type.Number({ description: '平均更正用时（工作日，按节假日安排计算）；没有已更正的退回时为 null' })),
      feedbackRate: Nullable(Type.Number({ description: '联合奖惩反馈率：本月有措施的核查中已全部反馈的比例；没有须反馈的核查时为 null' })),
      handlingOwed: Type.Integer({ description: '本月到期（或已办结）的信用修复决定和异议核实件数' }),
      handlingRate: Nullable(Type.Number({ description: '修复异议按期办结率：按期（工作日期限）办结的比例；本月没有应办件时为 null' })),
      items: Type.Array(Type.Object({ catalogItem: Type.String(), reported: Type.Integer(), expected: Nullable(Type.Number()) })),
      components: Weights,
    }),
  ),
});

// Static types of the answers above, imported type-only by the web console (src/web/api/monitoring.ts).
export type ScorecardsResponse = Static<typeof ScorecardsResponse>;
