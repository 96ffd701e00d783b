// Local-estimate hooks (本地测算): figures the platform can compute from its own database, shown
// beside the official score of the indicator they inform (docs/domain/05-monitoring.md §5.2 "Build: a self-assessment
// dashboard"). The caller (DB layer) fills LocalEstimates; this module only maps and formats them.
import { pct } from './util.ts';

export interface LocalEstimates {
  /** 双公示 records per 10,000 registered enterprises in the period */
  shuanggongshiPer10kEnterprises?: number;
  /** share of 双公示 records reported within 7 working days of the decision (docs/domain/01-sgs.md §1.1), 0–1 */
  onTimeShare?: number;
  /** share of submitted records rejected by validation (docs/domain/01-sgs.md §1.4), 0–1 */
  rejectionRate?: number;
  /** black-list entries of the register in force and published (列入并公示) at the end of the period (黑名单公开) */
  blacklistPublicityCount?: number;
  /** 统一社会信用代码转换 progress (docs/domain/01-sgs.md §1.5) */
  codeConversion?: { converted: number; total: number };
  /** credit events by domain in the period */
  eventCounts?: { domain: string; good: number; bad: number }[];
  /** events of the period the credit office published on the portal (信用事件公开) */
  eventsPublished?: { total: number; good: number; bad: number };
  /** institution checklist counts (信用制度) */
  institutionCounts?: { national: number; municipal: number; blank: number };
  /** issued institutions that are published online: the only ones the monitor's transparency sees */
  institutionsOnline?: { online: number; issued: number };
  /** average working days to complete a credit repair (docs/domain/03-publicity.md §3) */
  repairAverageDays?: number;
  /** objections as a share of published records (docs/domain/05-monitoring.md §5.2 信息异议情况), 0–1 */
  objectionShare?: number;
  /** organisations with a black-list entry in force at the end of the period, of the registered organisations (黑名单企业占比) */
  blacklistEnterpriseShare?: { black: number; organisations: number };
  /** black-list entries of organisations (单位黑名单): in force at the end of the period, and listed within it */
  organisationBlacklistEntries?: { inForce: number; added: number };
  /** organisations with a red-list entry in force, of the registered organisations (守信激励对象占比), 0–1 */
  redListShare?: number;
  /** pre-action checks (事前核查) of the period: checks, checks with hits, departments that checked */
  preActionChecks?: { checks: number; withHits: number; departments: number };
  /** measures fed back for the period's checks: applied punishments and incentives, not applied */
  measuresApplied?: { punishment: number; incentive: number; notApplied: number };
  /** share of the period's checks with measures that were fully fed back (反馈率), 0–1 */
  sanctionFeedbackRate?: number;
  /** 联合奖惩案例 published in the period */
  casesPublished?: { punishment: number; incentive: number };
  /** credit commitments made in the period, and kept / breached as marked in it */
  commitments?: { made: number; kept: number; breached: number };
  /** credit repair applications of the period and their decisions */
  repairs?: { applied: number; approved: number; refused: number };
  /** objections filed in the period and decided: average working days from filing to decision */
  objectionHandlingDays?: number;
}

export interface EstimateView {
  key: keyof LocalEstimates;
  label: string;
  text: string;
}

type Formatter<K extends keyof LocalEstimates> = (v: NonNullable<LocalEstimates[K]>) => string;

interface EstimateDef<K extends keyof LocalEstimates> {
  label: string;
  /** indicator codes per tree id that the estimate informs */
  indicators: Record<string, string[]>;
  format: Formatter<K>;
}

const int = (n: number) => Math.round(n).toLocaleString('zh-CN');

// Which indicators each estimate informs; codes refer to defaults/trees/*.json.
export const ESTIMATE_DEFS: { [K in keyof LocalEstimates]-?: EstimateDef<K> } = {
  shuanggongshiPer10kEnterprises: {
    label: '双公示信息量（条/万户企业）',
    indicators: { gen1: ['TR'], '2020': ['A2'] },
    format: (v) => v.toFixed(1),
  },
  onTimeShare: { label: '7个工作日内上报占比', indicators: { gen1: ['TR'], '2020': ['A2'] }, format: (v) => pct(v, 1) },
  rejectionRate: { label: '数据校验退回率', indicators: { gen1: ['PF2'], '2020': ['A3', 'A4'] }, format: (v) => pct(v, 1) },
  blacklistPublicityCount: { label: '黑名单公开数量', indicators: { gen1: ['PF5'], '2020': ['C3'] }, format: (v) => `${int(v)} 条` },
  codeConversion: {
    label: '统一社会信用代码转换率',
    indicators: { gen1: ['PF1'], '2020': ['A4'] },
    format: (v) => (v.total === 0 ? '无存量主体' : `${pct(v.converted / v.total, 1)}（${int(v.converted)}/${int(v.total)}）`),
  },
  eventCounts: {
    label: '信用事件（优良/不良）',
    indicators: { gen1: ['EV'], '2020': ['B2', 'B3', 'C3'] },
    format: (v) => {
      const good = v.reduce((a, d) => a + d.good, 0);
      const bad = v.reduce((a, d) => a + d.bad, 0);
      return `优良 ${int(good)} 起，不良 ${int(bad)} 起`;
    },
  },
  eventsPublished: {
    label: '信用网站公开的信用事件',
    indicators: { gen1: ['EV'], '2020': ['B3'] },
    format: (v) => `${int(v.total)} 起（优良 ${int(v.good)}，不良 ${int(v.bad)}）`,
  },
  institutionCounts: {
    label: '信用制度',
    indicators: { gen1: ['IN'], '2020': ['A1'] },
    format: (v) => `已落实 ${v.national}，已出台 ${v.municipal}，空白 ${v.blank}`,
  },
  // Transparency counts only what can be found online, not what was issued.
  institutionsOnline: {
    label: '网上可查的信用制度',
    indicators: { gen1: ['TR'], '2020': ['A2'] },
    format: (v) => `${v.online} / ${v.issued} 项已出台制度网上可查`,
  },
  repairAverageDays: { label: '信用修复平均办理时间', indicators: { '2020': ['D1'] }, format: (v) => `${v.toFixed(1)} 个工作日` },
  objectionShare: { label: '异议占公示信息比例', indicators: { '2020': ['D2'] }, format: (v) => pct(v, 2) },
  // The list register (issue 14 §7). gen-1 PF3 黑名单企业占比 is a share of enterprises (docs/domain/05-monitoring.md §5.1);
  // the denominator is the registry's organisations [M].
  blacklistEnterpriseShare: {
    label: '黑名单企业占比',
    indicators: { gen1: ['PF3'] },
    format: (v) => (v.organisations === 0 ? '无登记主体' : `${pct(v.black / v.organisations, 2)}（${int(v.black)}/${int(v.organisations)}）`),
  },
  // gen-1 PF4 单位黑名单违法记录: the black-list entries of units (organisations), in force and newly listed.
  organisationBlacklistEntries: {
    label: '单位黑名单记录',
    indicators: { gen1: ['PF4'] },
    format: (v) => `在列 ${int(v.inForce)} 条，本期新列入 ${int(v.added)} 条`,
  },
  // 2020 B3 企业守信情况: the share of rewarded (red-list) subjects is one of its third-level indicators (§5.2).
  redListShare: { label: '红名单主体占比', indicators: { '2020': ['B3'] }, format: (v) => pct(v, 2) },
  // 2020 C1 事前信用监管: checking the lists before approving, buying, awarding or funding (docs/domain/04-joint-measures.md §4.2 step 2).
  preActionChecks: {
    label: '事前核查',
    indicators: { '2020': ['C1'] },
    format: (v) => `${int(v.checks)} 次（命中 ${int(v.withHits)} 次，${int(v.departments)} 个部门）`,
  },
  // 2020 C3 事后信用监管: the punishments (and incentives) applied after a hit, fed back (§4.2 step 3).
  measuresApplied: {
    label: '联合奖惩措施实施',
    indicators: { '2020': ['C3'] },
    format: (v) => `惩戒 ${int(v.punishment)} 项，激励 ${int(v.incentive)} 项，未实施 ${int(v.notApplied)} 项`,
  },
  sanctionFeedbackRate: { label: '联合奖惩反馈率', indicators: { '2020': ['C3'] }, format: (v) => pct(v, 1) },
  // 2020 C3 again: published cases are how the monitor sees the punishment mechanism at work (§4.2 step 3).
  casesPublished: {
    label: '公开的联合奖惩案例',
    indicators: { '2020': ['C3'] },
    format: (v) => `${int(v.punishment + v.incentive)} 件（惩戒 ${int(v.punishment)}，激励 ${int(v.incentive)}）`,
  },
  // 2020 C1 (a commitment replaces or precedes an approval: 事前) and C2 (its fulfilment is watched during supervision: 事中).
  commitments: {
    label: '信用承诺',
    indicators: { '2020': ['C1', 'C2'] },
    format: (v) => `作出 ${int(v.made)} 件，履约 ${int(v.kept)} 件，违诺 ${int(v.breached)} 件`,
  },
  // 2020 D1 信用修复情况: repair convenience and efficiency (docs/domain/03-publicity.md §3.3).
  repairs: {
    label: '信用修复申请',
    indicators: { '2020': ['D1'] },
    format: (v) => `受理 ${int(v.applied)} 件，准予 ${int(v.approved)} 件，不予 ${int(v.refused)} 件`,
  },
  // 2020 D2 信息异议情况: objections and the speed of their correction (§5.2 fourth-level examples).
  objectionHandlingDays: { label: '异议平均办理时间', indicators: { '2020': ['D2'] }, format: (v) => `${v.toFixed(1)} 个工作日` },
};

/** Groups the provided estimates by the indicator codes they inform in the given tree. */
export function estimatesByIndicator(treeId: string, estimates: LocalEstimates | undefined): Map<string, EstimateView[]> {
  const out = new Map<string, EstimateView[]>();
  if (!estimates) return out;
  for (const key of Object.keys(ESTIMATE_DEFS) as (keyof LocalEstimates)[]) {
    const value = estimates[key];
    if (value === undefined || value === null) continue;
    const def = ESTIMATE_DEFS[key] as EstimateDef<typeof key>;
    const view: EstimateView = { key, label: def.label, text: (def.format as (v: unknown) => string)(value) };
    for (const code of def.indicators[treeId] ?? []) {
      if (!out.has(code)) out.set(code, []);
      out.get(code)!.push(view);
    }
  }
  return out;
}
