// Department scorecards over the database (部门考核): each month's committed batches, receipts and
// stored rejections, read through ingest's exported collection figures, become the per-record facts
// the core (scorecards.ts) ranks; weights and expected volumes come from settings rows.
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { DbOrTx } from '../../db/index.ts';
import { loadCalendar } from '../../platform/calendar.service.ts';
import { AppError } from '../../platform/errors.ts';
import { writeSheet } from '../../platform/xlsx.ts';
import { getVersion as getCatalogVersion, type CatalogItem } from '../catalog/index.ts';
import { committedBatchCounts, matchHeaders, rejectingBatches, rejectionCorrections, type RejectKeySpec } from '../ingest/index.ts';
import { getSetting } from '../../platform/settings.ts';
import { memberDepartments } from '../auth/index.ts';
import { objectionHandlingByDepartment } from '../objections/index.ts';
import { repairHandlingByDepartment } from '../repair/index.ts';
import { feedbackByDepartment } from '../sanctions/index.ts';
import { AssessmentError } from './errors.ts';
import { DEFAULT_SCORECARD_WEIGHTS, scorecards, validateScorecardWeights, type Expectation, type HandlingStat, type Scorecard, type ScorecardWeights, type SubmissionRecord } from './scorecards.ts';
import { checkMonth, monthInstants } from './util.ts';

export const EXPECTED_VOLUMES_KEY = 'monitoring.expectedVolumes';

const ExpectedVolumesSchema = Type.Array(
  Type.Object({
    /** department code, id or full name */
    department: Type.String({ minLength: 1 }),
    /** catalogue item id; absent = all items of the department */
    item: Type.Optional(Type.String({ minLength: 1 })),
    monthlyExpected: Type.Number({ minimum: 0 }),
  }),
);

export const SCORECARD_WEIGHTS_KEY = 'monitoring.scorecardWeights';

// Receipts and stored rejections give volume, timeliness, first pass and correction turnaround;
// joint-punishment feedback (docs/domain/04-joint-measures.md §4.2 step 3) comes from the sanctions domain's
// checks: the share of checks with measures that the department fully fed back on. Handling (issue 15 §1:
// overdue items count in the scorecards) is the share of repair decisions and objection verifications owed in
// the month that the department made within its working-day deadline (the repair and objection settings). The
// default (0.3 / 0.2 / 0.2 / 0.1 / 0.1 / 0.1) adds up to 1; the settings row `monitoring.scorecardWeights` may
// replace it with other weights that also add up to 1.
export const BATCH_SCORECARD_WEIGHTS: ScorecardWeights = { ...DEFAULT_SCORECARD_WEIGHTS, volume: 0.3, timeliness: 0.2, feedback: 0.1, handling: 0.1 };
// A late record counts as reported after the 7-working-day deadline (docs/domain/01-sgs.md §1.1).
const DEADLINE_DAYS = 7;
// Correction within 5 working days scores full marks, falling linearly to nothing at 20 (the core's defaults, [M]).
const CORRECTION_TARGET_DAYS = 5;
const CORRECTION_ZERO_DAYS = 20;

const ScorecardWeightsSchema = Type.Object(
  {
    volume: Type.Number({ minimum: 0 }),
    timeliness: Type.Number({ minimum: 0 }),
    firstPass: Type.Number({ minimum: 0 }),
    correction: Type.Number({ minimum: 0 }),
    feedback: Type.Optional(Type.Number({ minimum: 0 })),
    handling: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/**
 * The scorecard weights: the settings row when present (checked: non-negative, adding up to 1), else the default.
 * A row written before `feedback` or `handling` existed leaves them out: they are 0 there, so its own weights
 * still add up to 1 and keep their meaning.
 */
async function scorecardWeights(db: DbOrTx): Promise<ScorecardWeights> {
  const value = await getSetting(db, SCORECARD_WEIGHTS_KEY);
  if (value === undefined || value === null) return BATCH_SCORECARD_WEIGHTS;
  const bad = (detail: string) =>
    new AppError(
      'invalid_setting',
      `设置项 ${SCORECARD_WEIGHTS_KEY} 格式错误：${detail}。应为 {"volume":0.3,"timeliness":0.2,"firstPass":0.2,"correction":0.1,"feedback":0.1,"handling":0.1}，合计为 1`,
      500,
    );
  if (!Value.Check(ScorecardWeightsSchema, value)) throw bad('须为非负数');
  const weights: ScorecardWeights = { ...value, feedback: value.feedback ?? 0, handling: value.handling ?? 0 };
  try {
    return validateScorecardWeights(weights);
  } catch (e) {
    if (e instanceof AssessmentError) throw bad(e.message);
    throw e;
  }
}

async function expectations(db: DbOrTx, departments: { id: number; code: string; name: string }[]): Promise<Expectation[]> {
  const value = await getSetting(db, EXPECTED_VOLUMES_KEY);
  if (value === undefined || value === null) return [];
  if (!Value.Check(ExpectedVolumesSchema, value)) {
    throw new AppError('invalid_setting', `设置项 ${EXPECTED_VOLUMES_KEY} 格式错误，应为 [{"department":"部门代码","item":"目录项（可选）","monthlyExpected":数量}]`, 500);
  }
  return value.map((e) => {
    const d = departments.find((x) => x.code === e.department || String(x.id) === e.department || x.name === e.department);
    if (!d) throw new AppError('invalid_setting', `设置项 ${EXPECTED_VOLUMES_KEY} 中的部门「${e.department}」不存在`, 500);
    return { department: String(d.id), ...(e.item ? { catalogItem: e.item } : {}), monthlyExpected: e.monthlyExpected };
  });
}

/** Corrected rejections of one department and catalogue item: working days → how many rows. */
interface CorrectionGroup {
  days: Map<number, number>;
  corrected: number;
}

/**
 * Where each rejecting batch of the month keeps the record key in its rejected rows: the batch's
 * header matched against its catalogue version (as the import did), giving the cells of the
 * 'authority_uscc' and 'doc_no' roles; a legacy format without an authority column takes the
 * department's USCC, as the import does. Batches whose key cannot be located are left out (their
 * rejections stay uncorrected).
 */
async function rejectKeySpecs(db: DbOrTx, batches: Awaited<ReturnType<typeof rejectingBatches>>): Promise<RejectKeySpec[]> {
  const items = new Map<string, CatalogItem | null>();
  const specs: RejectKeySpec[] = [];
  for (const b of batches) {
    const k = `${b.item_id}\u0000${b.catalog_version}`;
    if (!items.has(k)) items.set(k, (await getCatalogVersion(db, b.item_id, b.catalog_version))?.item ?? null);
    const item = items.get(k);
    if (!item || !Array.isArray(b.header)) continue;
    const authField = item.items.find((f) => f.role === 'authority_uscc');
    const docField = item.items.find((f) => f.role === 'doc_no');
    if (!authField || !docField) continue;
    const mapping = matchHeaders(item, (b.header as unknown[]).map((h) => (typeof h === 'string' ? h : String(h ?? ''))));
    const docIndex = mapping.sources[docField.code]?.[0];
    const authIndex = mapping.sources[authField.code]?.[0];
    if (docIndex === undefined) continue;
    if (authIndex === undefined) {
      if (!mapping.format.legacy || !mapping.fromContext.includes('authority_uscc') || !b.department_uscc) continue;
      specs.push({ batchId: b.id, authorityIndex: null, authorityDefault: b.department_uscc, docIndex });
    } else {
      specs.push({ batchId: b.id, authorityIndex: authIndex, authorityDefault: null, docIndex });
    }
  }
  return specs;
}

/**
 * Correction turnaround of the month's rejections, per department and catalogue item: working days
 * (holiday calendar with the credit office's overrides, docs/domain/01-sgs.md §1.1) from the rejecting batch to
 * the first later batch of the same department and item that stored the record.
 */
async function correctionGroups(db: DbOrTx, start: Date, end: Date): Promise<Map<string, CorrectionGroup>> {
  const specs = await rejectKeySpecs(db, await rejectingBatches(db, start, end));
  const rows = await rejectionCorrections(db, specs);
  const out = new Map<string, CorrectionGroup>();
  if (!rows.some((r) => r.corrected_day !== null)) return out;
  const calendar = await loadCalendar(db);
  for (const r of rows) {
    if (r.corrected_day === null) continue;
    const key = `${r.department_id}\u0000${r.item_id}`;
    const g = out.get(key) ?? { days: new Map<number, number>(), corrected: 0 };
    out.set(key, g);
    const days = Math.max(0, calendar.workingDaysBetween(r.rejected_day, r.corrected_day).days);
    g.days.set(days, (g.days.get(days) ?? 0) + r.n);
    g.corrected += r.n;
  }
  return out;
}

/**
 * Repair decisions (deadline `decide_due`, docs/domain/03-publicity.md §3.3) and objection verifications (the
 * department's `departmentDays`, §3.4) whose deadline falls in the month, per department: owed once the deadline
 * has passed or the item was decided, on time when decided by the deadline.
 */
async function handlingOf(db: DbOrTx, month: string, at: Date): Promise<HandlingStat[]> {
  const [y, m] = month.split('-').map(Number);
  const range = { from: `${month}-01`, to: `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}` };
  const all = [...(await repairHandlingByDepartment(db, range, at)), ...(await objectionHandlingByDepartment(db, range, at))];
  return all.map((h) => ({ department: String(h.departmentId), month, owed: h.owed, onTime: h.onTime }));
}

export interface ScorecardsResult {
  month: string;
  weights: ScorecardWeights;
  expectedKnown: boolean;
  cards: Scorecard[];
}

/**
 * Monthly scorecards from the committed batches created in the month: reported = rows submitted,
 * first pass = accepted ÷ total, on time = 1 − late ÷ accepted (receipt counts), and correction
 * turnaround of the rejected rows from the stored rejections (see `correctionGroups`). The counts
 * are expanded into the per-record facts the core takes (shared objects, so memory stays small).
 */
export async function scorecardsFor(db: DbOrTx, month: string, at: Date = new Date()): Promise<ScorecardsResult> {
  checkMonth(month);
  const weights = await scorecardWeights(db);
  const members = await memberDepartments(db);
  const { start, end } = monthInstants(month);
  const groups = await committedBatchCounts(db, start, end);
  const corrections = await correctionGroups(db, start, end);
  const departments = new Map(members.map((d) => [String(d.id), d.name]));
  const records: SubmissionRecord[] = [];
  for (const g of groups) {
    departments.set(String(g.department_id), g.department_name);
    const base = { department: String(g.department_id), catalogItem: g.item_id, month };
    const accepted = Math.min(g.accepted, g.total);
    const late = Math.min(g.late, accepted);
    const rejected = g.total - accepted;
    const fix = corrections.get(`${g.department_id}\u0000${g.item_id}`);
    const facts: [SubmissionRecord, number][] = [
      [{ ...base, workingDaysToReport: 0, firstPassAccepted: true }, accepted - late],
      [{ ...base, workingDaysToReport: DEADLINE_DAYS + 1, firstPassAccepted: true }, late],
    ];
    let corrected = 0;
    for (const [days, n] of fix?.days ?? []) {
      const take = Math.min(n, rejected - corrected);
      facts.push([{ ...base, workingDaysToReport: null, firstPassAccepted: false, correctionDays: days }, take]);
      corrected += take;
    }
    facts.push([{ ...base, workingDaysToReport: null, firstPassAccepted: false, correctionDays: null }, rejected - corrected]);
    for (const [fact, n] of facts) for (let i = 0; i < n; i++) records.push(fact);
  }
  const exp = await expectations(db, members);
  const feedback = (await feedbackByDepartment(db, start, end)).map((f) => ({ department: String(f.departmentId), month, required: f.required, given: f.given }));
  const handling = await handlingOf(db, month, at);
  const cards = scorecards(
    { departments: [...departments].map(([id, name]) => ({ id, name })), expectations: exp, records, feedback, handling },
    {
      month,
      weights,
      deadlineWorkingDays: DEADLINE_DAYS,
      correctionTargetDays: CORRECTION_TARGET_DAYS,
      correctionZeroDays: CORRECTION_ZERO_DAYS,
    },
  );
  return { month, weights, expectedKnown: exp.length > 0, cards };
}

/** Scorecards as the API shows them: expected volume null when not set; feedback rate null when nothing was owed. */
export function scorecardsView(r: ScorecardsResult) {
  return {
    month: r.month,
    weights: r.weights,
    expectedKnown: r.expectedKnown,
    correctionTargetDays: CORRECTION_TARGET_DAYS,
    correctionZeroDays: CORRECTION_ZERO_DAYS,
    items: r.cards.map((c) => ({
      departmentId: Number(c.department),
      name: c.name,
      rank: c.rank,
      status: c.status,
      score: c.score,
      reported: c.reported,
      expected: c.volumeRatio === null ? null : c.expected,
      volumeRatio: c.volumeRatio,
      onTimeShare: c.onTimeShare,
      firstPassRate: c.firstPassRate,
      rejected: c.rejected,
      corrected: c.rejected - c.uncorrected,
      uncorrected: c.uncorrected,
      avgCorrectionDays: c.avgCorrectionDays,
      feedbackRate: c.feedbackRate,
      handlingOwed: c.handlingOwed,
      handlingRate: c.handlingRate,
      items: c.items,
      components: c.components,
    })),
  };
}

const share = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);

/** Scorecards as .xlsx, with the joint-punishment feedback rate (— when the department owed none). */
export async function scorecardsXlsx(result: ScorecardsResult): Promise<Buffer> {
  return writeSheet(
    '部门考核',
    ['排名', '部门', '月份', '上报条数', '应报条数', '完成率', '按时上报率', '一次通过率', '退回条数', '已更正', '未更正', '平均更正用时（工作日）', '联合奖惩反馈率', '修复异议应办件数', '修复异议按期办结率', '综合得分'],
    result.cards.map((c) => [
      c.rank ?? '—',
      c.name,
      c.month,
      c.reported,
      c.volumeRatio === null ? '未设定' : c.expected,
      share(c.volumeRatio),
      share(c.onTimeShare),
      share(c.firstPassRate),
      c.rejected,
      c.rejected - c.uncorrected,
      c.uncorrected,
      c.avgCorrectionDays === null ? '—' : c.avgCorrectionDays,
      share(c.feedbackRate),
      c.handlingOwed,
      share(c.handlingRate),
      c.status === 'not_reported' ? '未报送' : c.score,
    ]),
    [6, 28, 10, 10, 10, 10, 12, 12, 10, 10, 10, 22, 14, 16, 18, 10],
  );
}
