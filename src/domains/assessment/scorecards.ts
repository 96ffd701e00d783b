// Department scorecards (部门考核): monthly volume against expectation, on-time share (7 working
// days, docs/domain/01-sgs.md §1.1), first-pass acceptance (§1.4 回执), correction turnaround, and joint-punishment
// feedback (§4.2) when available, and the handling of repair and objection items within their deadlines
// (docs/domain/03-publicity.md §3.3, §3.4; issue 15 §1) when any were owed; ranked by a configurable weighted score (docs/domain/07-portal.md §7.2, docs/domain/10-city.md §10).
// Pure computation: the DB layer supplies departments, expectations and per-record facts.
import { writeSheet } from '../../platform/xlsx.ts';
import { AssessmentError } from './errors.ts';
import { round } from './util.ts';

export interface Department {
  id: string;
  name: string;
}

/** Expected records per month for a department, optionally for one catalogue item (资源目录). */
export interface Expectation {
  department: string;
  catalogItem?: string;
  monthlyExpected: number;
}

/** One submitted record as the DB sees it. */
export interface SubmissionRecord {
  department: string;
  catalogItem: string;
  /** YYYY-MM of the submission */
  month: string;
  /** working days from decision to report (holiday calendar applied by the caller); null if unknown */
  workingDaysToReport: number | null;
  /** accepted by validation on the first attempt (no 回执 rejection) */
  firstPassAccepted: boolean;
  /** working days from rejection to accepted correction; null when rejected and still uncorrected */
  correctionDays?: number | null;
}

/** Joint-punishment feedback owed and given (反馈) by a department in a month. */
export interface FeedbackStat {
  department: string;
  month: string;
  required: number;
  given: number;
}

/** Repair decisions and objection verifications a department owed in a month (deadline in the month) and made by the deadline. */
export interface HandlingStat {
  department: string;
  month: string;
  owed: number;
  onTime: number;
}

export interface ScorecardWeights {
  volume: number;
  timeliness: number;
  firstPass: number;
  correction: number;
  feedback: number;
  /** repair and objection items handled within their working-day deadlines */
  handling: number;
}

export const DEFAULT_SCORECARD_WEIGHTS: ScorecardWeights = { volume: 0.4, timeliness: 0.3, firstPass: 0.2, correction: 0.1, feedback: 0, handling: 0 };

/** Weights as given: `handling` may be left out (then 0), as weights written before it existed leave it out. */
export type ScorecardWeightsInput = Omit<ScorecardWeights, 'handling'> & { handling?: number };

export interface ScorecardOptions {
  month: string;
  weights?: ScorecardWeightsInput;
  /** on time = reported within this many working days (docs/domain/01-sgs.md §1.1: 7) */
  deadlineWorkingDays?: number;
  /** correction within this many days scores full marks, declining linearly to 0 at `correctionZeroDays` */
  correctionTargetDays?: number;
  correctionZeroDays?: number;
}

export interface Scorecard {
  department: string;
  name: string;
  month: string;
  reported: number;
  expected: number;
  /** reported ÷ expected; null when nothing is expected */
  volumeRatio: number | null;
  /** volume per catalogue item: items with an expectation, then any other item reported */
  items: { catalogItem: string; reported: number; expected: number | null }[];
  onTimeShare: number | null;
  firstPassRate: number | null;
  rejected: number;
  /** average correction days of corrected rejections; null when none were corrected */
  avgCorrectionDays: number | null;
  uncorrected: number;
  feedbackRate: number | null;
  /** repair and objection items owed in the month (deadline in it, or passed) */
  handlingOwed: number;
  /** share of them handled within the deadline; null when nothing was owed */
  handlingRate: number | null;
  /** each component on 0–1 before weighting */
  components: ScorecardWeights;
  /** 'not_reported' (未报送): nothing submitted in the month, so there is nothing to score or rank */
  status: 'reported' | 'not_reported';
  /** weighted score, 0–100; 0 for a department that reported nothing */
  score: number;
  /** rank among the departments that reported; null for 未报送 */
  rank: number | null;
}

/** Rejects weights that are negative or do not add up to 1, naming the sum. */
export function validateScorecardWeights(w: ScorecardWeights): ScorecardWeights {
  const values = Object.values(w);
  if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new AssessmentError('invalid_weights', '考核权重必须为非负数');
  const sum = values.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new AssessmentError('invalid_weights', `考核权重合计 ${round(sum, 4)}，应为 1`);
  return w;
}

/** Computes and ranks the month's scorecards; departments without records still appear, as 未报送 and unranked. */
export function scorecards(
  input: { departments: Department[]; expectations: Expectation[]; records: SubmissionRecord[]; feedback?: FeedbackStat[]; handling?: HandlingStat[] },
  options: ScorecardOptions,
): Scorecard[] {
  const weights = validateScorecardWeights({ handling: 0, ...(options.weights ?? DEFAULT_SCORECARD_WEIGHTS) });
  const deadline = options.deadlineWorkingDays ?? 7;
  const target = options.correctionTargetDays ?? 5;
  const zero = options.correctionZeroDays ?? 20;
  const month = options.month;

  const cards = input.departments.map((d) => {
    const recs = input.records.filter((r) => r.department === d.id && r.month === month);
    const expected = input.expectations.filter((e) => e.department === d.id).reduce((a, e) => a + e.monthlyExpected, 0);
    const timed = recs.filter((r) => r.workingDaysToReport !== null);
    const onTime = timed.filter((r) => r.workingDaysToReport! <= deadline).length;
    const rejected = recs.filter((r) => !r.firstPassAccepted);
    const corrected = rejected.filter((r) => r.correctionDays !== null && r.correctionDays !== undefined);
    const avgCorrectionDays = corrected.length ? corrected.reduce((a, r) => a + r.correctionDays!, 0) / corrected.length : null;
    const fb = (input.feedback ?? []).filter((f) => f.department === d.id && f.month === month);
    const fbRequired = fb.reduce((a, f) => a + f.required, 0);
    const fbGiven = fb.reduce((a, f) => a + f.given, 0);
    const hd = (input.handling ?? []).filter((h) => h.department === d.id && h.month === month);
    const handlingOwed = hd.reduce((a, h) => a + h.owed, 0);
    const handlingOnTime = hd.reduce((a, h) => a + h.onTime, 0);

    const volumeRatio = expected > 0 ? recs.length / expected : null;
    // Item-level expectations give the per-item breakdown; a department-wide one only counts in the total.
    const itemNames = [
      ...new Set([
        ...input.expectations.filter((e) => e.department === d.id && e.catalogItem).map((e) => e.catalogItem!),
        ...recs.map((r) => r.catalogItem),
      ]),
    ];
    const items = itemNames.map((catalogItem) => {
      const exp = input.expectations.filter((e) => e.department === d.id && e.catalogItem === catalogItem);
      return {
        catalogItem,
        reported: recs.filter((r) => r.catalogItem === catalogItem).length,
        expected: exp.length ? exp.reduce((a, e) => a + e.monthlyExpected, 0) : null,
      };
    });
    const onTimeShare = timed.length ? onTime / timed.length : null;
    const firstPassRate = recs.length ? (recs.length - rejected.length) / recs.length : null;
    const feedbackRate = fbRequired > 0 ? Math.min(1, fbGiven / fbRequired) : null;
    const handlingRate = handlingOwed > 0 ? Math.min(1, handlingOnTime / handlingOwed) : null;

    // Nothing owed scores full marks; owed but missing scores zero — so silence never beats reporting.
    const correctionSpeed = avgCorrectionDays === null ? 0 : Math.max(0, Math.min(1, (zero - avgCorrectionDays) / (zero - target)));
    const correctionScore = rejected.length === 0 ? 1 : (correctionSpeed * corrected.length) / rejected.length;
    // A department that sent nothing has no facts to score: without this guard the volume part (no
    // expectation → full marks) and the feedback part gave silence 40 points and a rank above reporters.
    const notReported = recs.length === 0;
    const components: ScorecardWeights = notReported
      ? { volume: 0, timeliness: 0, firstPass: 0, correction: 0, feedback: 0, handling: 0 }
      : {
          volume: volumeRatio === null ? 1 : Math.min(1, volumeRatio),
          timeliness: onTimeShare ?? 0,
          firstPass: firstPassRate ?? 0,
          correction: correctionScore,
          feedback: feedbackRate ?? 1,
          // Like feedback: nothing owed scores full marks, each late or still-open item takes its share.
          handling: handlingRate ?? 1,
        };
    const score = 100 * (Object.keys(weights) as (keyof ScorecardWeights)[]).reduce((a, k) => a + weights[k] * components[k], 0);
    return {
      department: d.id,
      name: d.name,
      month,
      reported: recs.length,
      expected,
      volumeRatio: volumeRatio === null ? null : round(volumeRatio, 4),
      items,
      onTimeShare: onTimeShare === null ? null : round(onTimeShare, 4),
      firstPassRate: firstPassRate === null ? null : round(firstPassRate, 4),
      rejected: rejected.length,
      avgCorrectionDays: avgCorrectionDays === null ? null : round(avgCorrectionDays, 2),
      uncorrected: rejected.length - corrected.length,
      feedbackRate: feedbackRate === null ? null : round(feedbackRate, 4),
      handlingOwed,
      handlingRate: handlingRate === null ? null : round(handlingRate, 4),
      components: Object.fromEntries(Object.entries(components).map(([k, v]) => [k, round(v, 4)])) as unknown as ScorecardWeights,
      status: notReported ? ('not_reported' as const) : ('reported' as const),
      score: round(score, 2),
      rank: null as number | null,
    };
  });
  // Reporters first by score, then the 未报送 departments by name; only reporters are ranked.
  const sorted = cards.sort(
    (a, b) => Number(a.status === 'not_reported') - Number(b.status === 'not_reported') || b.score - a.score || a.name.localeCompare(b.name, 'zh'),
  );
  const ranked = sorted.filter((c) => c.status === 'reported');
  for (const c of ranked) c.rank = 1 + ranked.filter((o) => o.score > c.score).length;
  return sorted;
}

const share = (x: number | null) => (x === null ? '—' : `${round(x * 100, 1)}%`);

/** Exports scorecards to .xlsx; department-supplied text is neutralised against formula injection. */
export async function scorecardsToXlsx(cards: Scorecard[]): Promise<Buffer> {
  return writeSheet(
    '部门考核',
    ['排名', '部门', '月份', '上报条数', '应报条数', '完成率', '按时上报率', '一次通过率', '退回条数', '平均整改天数', '未整改条数', '联合奖惩反馈率', '修复异议按期办结率', '综合得分'],
    cards.map((c) => [
      c.rank ?? '—',
      c.name,
      c.month,
      c.reported,
      c.expected,
      share(c.volumeRatio),
      share(c.onTimeShare),
      share(c.firstPassRate),
      c.rejected,
      c.avgCorrectionDays,
      c.uncorrected,
      share(c.feedbackRate),
      share(c.handlingRate),
      c.status === 'not_reported' ? '未报送' : c.score,
    ]),
    [6, 24, 10, 10, 10, 10, 12, 12, 10, 14, 12, 16, 18, 10],
  );
}
