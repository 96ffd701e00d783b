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
  /** number of black-list entries published (黑名单公开) */
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
