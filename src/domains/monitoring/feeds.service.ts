// What the newer domains feed to the monitoring (issue 14 §7, issue 15 §5): the list register, joint reward and
// punishment, repair, objections and commitments, as local estimates of a month and as the credit office's
// statistics of credit services. Monitoring imports these domains (through their index.ts); none of them
// imports monitoring, so there is no cycle.
import ExcelJS from 'exceljs';
import type { DbOrTx } from '../../db/index.ts';
import { neutraliseCell } from '../../platform/spreadsheet.ts';
import { chinaToday } from '../../platform/workCalendar.ts';
import { commitmentsByKind } from '../commitments/index.ts';
import { blacklistFigures, listStatistics } from '../lists/index.ts';
import { objectionStats } from '../objections/index.ts';
import { repairStats } from '../repair/index.ts';
import { publishedCaseCounts, sanctionsEvidence } from '../sanctions/index.ts';
import type { LocalEstimates } from './estimates.ts';
import type { CreditServicesStats } from './feeds.schemas.ts';
import { badPeriod, isRealDate } from './period.ts';

/** The first and last day of a YYYY-MM month. */
export function monthDays(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/**
 * The month's estimates from the lists, sanctions, repair, objections and commitments domains. Each is set only
 * when the month has something behind it, never as a made-up zero. `publishedRecords` is the month's 双公示
 * records (the denominator of 异议占比, docs/domain/05-monitoring.md §5.2 信息异议情况).
 */
export async function creditServiceEstimates(db: DbOrTx, month: string, publishedRecords: number, at: Date = new Date()): Promise<LocalEstimates> {
  const p = monthDays(month);
  const out: LocalEstimates = {};
  // "In force at the end" of the current month means today: an entry ending later this month is still in force.
  const today = chinaToday(at);
  const end = today >= p.from && today < p.to ? today : p.to;
  const black = await blacklistFigures(db, p.from, end);
  if (black.published > 0) out.blacklistPublicityCount = black.published;
  if (black.organisationEntries > 0 || black.organisationEntriesAdded > 0) {
    out.organisationBlacklistEntries = { inForce: black.organisationEntries, added: black.organisationEntriesAdded };
  }
  if (black.organisations > 0 && black.blackOrganisations > 0) out.blacklistEnterpriseShare = { black: black.blackOrganisations, organisations: black.organisations };
  const lists = await listStatistics(db, p.from, end);
  if (lists.redSubjects > 0 && lists.redShare !== null) out.redListShare = lists.redShare;

  const ev = await sanctionsEvidence(db, p);
  if (ev.checks > 0) out.preActionChecks = { checks: ev.checks, withHits: ev.checksWithHits, departments: ev.checkingDepartments };
  if (ev.punishmentCases + ev.incentiveCases + ev.measuresNotApplied > 0) {
    out.measuresApplied = { punishment: ev.punishmentCases, incentive: ev.incentiveCases, notApplied: ev.measuresNotApplied };
  }
  if (ev.feedbackRate !== null) out.sanctionFeedbackRate = ev.feedbackRate;
  const cases = await publishedCaseCounts(db, p);
  if (cases.punishment + cases.incentive > 0) out.casesPublished = cases;

  const kinds = await commitmentsByKind(db, p);
  const c = kinds.reduce((a, k) => ({ made: a.made + k.made, kept: a.kept + k.kept, breached: a.breached + k.breached }), { made: 0, kept: 0, breached: 0 });
  if (c.made + c.kept + c.breached > 0) out.commitments = c;

  const repairs = await repairStats(db, p, at);
  if (repairs.applied > 0) out.repairs = { applied: repairs.applied, approved: repairs.approved, refused: repairs.refused };
  if (repairs.averageWorkingDays !== null) out.repairAverageDays = repairs.averageWorkingDays;

  const objections = await objectionStats(db, { ...p, now: at });
  // 异议占比: objections filed in the month, open or closed, per 双公示 record of the month.
  if (objections.filed > 0 && publishedRecords > 0) out.objectionShare = objections.filed / publishedRecords;
  if (objections.averageWorkingDays !== null) out.objectionHandlingDays = objections.averageWorkingDays;
  return out;
}

// ================================================================ credit-services statistics (issue 15 §5)

/** The longest period one request may ask for (ten years of days). */
const MAX_DAYS = 3660;

function checkDays(from: string, to: string): void {
  if (!isRealDate(from) || !isRealDate(to)) throw badPeriod(`日期「${isRealDate(from) ? to : from}」不是有效日期`);
  if (from > to) throw badPeriod(`开始日期 ${from} 晚于结束日期 ${to}`);
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_DAYS) throw badPeriod(`一次最多统计 ${MAX_DAYS} 天`);
}

/** Repair, objection and commitment figures of [from, to] (China-time days, inclusive) for the credit office. */
export async function creditServicesStats(db: DbOrTx, q: { from: string; to: string }, at: Date = new Date()): Promise<CreditServicesStats> {
  checkDays(q.from, q.to);
  const period = { from: q.from, to: q.to };
  const repairs = await repairStats(db, period, at);
  const objections = await objectionStats(db, { ...period, now: at });
  const byKind = await commitmentsByKind(db, period);
  const sum = (k: 'made' | 'kept' | 'breached') => byKind.reduce((n, x) => n + x[k], 0);
  return { period, repairs, objections, commitments: { made: sum('made'), kept: sum('kept'), breached: sum('breached'), byKind } };
}

const days = (x: number | null) => (x === null ? '—' : x);

/** The statistics as .xlsx: one sheet per service (strings neutralised against formula injection). */
export async function creditServicesXlsx(s: CreditServicesStats): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = (name: string, header: string[], rows: (string | number)[][], width = 18) => {
    const ws = wb.addWorksheet(name);
    ws.addRow([`统计期间：${s.period.from} 至 ${s.period.to}`]);
    ws.addRow(header.map(neutraliseCell)).font = { bold: true };
    for (const r of rows) ws.addRow(r.map((v) => (typeof v === 'string' ? neutraliseCell(v) : v)));
    header.forEach((_, i) => (ws.getColumn(i + 1).width = i === 0 ? 30 : width));
  };
  const r = s.repairs;
  sheet(
    '信用修复',
    ['部门', '申请', '准予修复', '不予修复', '超期', '平均办理用时（工作日）'],
    [...r.byDepartment.map((d) => [d.departmentName, d.applied, d.approved, d.refused, d.overdue, days(d.averageWorkingDays)]), ['合计', r.applied, r.approved, r.refused, r.overdue, days(r.averageWorkingDays)]],
  );
  const o = s.objections;
  sheet('异议申诉', ['分类', '项目', '件数'], [
    ...o.byScope.map((x) => ['异议类型', x.label, x.count]),
    ...o.byOutcome.map((x) => ['处理结果', x.label, x.count]),
    ['合计', '提交', o.filed],
    ['合计', '处理中', o.open],
    ['合计', '超期', o.overdue],
    ['合计', '平均办理用时（工作日）', days(o.averageWorkingDays)],
  ]);
  const c = s.commitments;
  sheet('信用承诺', ['承诺类型', '作出', '履约', '违诺'], [...c.byKind.map((k) => [k.label, k.made, k.kept, k.breached]), ['合计', c.made, c.kept, c.breached]]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
