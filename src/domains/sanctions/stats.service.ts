// Statistics of joint reward and punishment (issue 14 §7; docs/domain/04-joint-measures.md §4.2 step 4): by period ×
// department × list type × measure — checks, hits, measures applied and not applied, feedback rate, incentive
// and punishment cases. Also the figures monitoring (事前/事中/事后 evidence) and assessment (feedback weight) read.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { writeSheet } from '../../platform/xlsx.ts';
import { departmentsByIds } from '../auth/index.ts';
import { KNOWN_LIST_TYPES } from './scenarios.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A period of China-time days, both ends included. */
export interface Period {
  from: string;
  to: string;
}

function checkPeriod(p: Period): void {
  if (!DAY.test(p.from) || !DAY.test(p.to) || p.from > p.to) throw new AppError('invalid_parameter', '统计期间无效：须为 YYYY-MM-DD，且起始不晚于截止', 400);
}

// The instants of a China-time day range, so the checked_at index serves it.
const inPeriod = (p: Period) => sql<boolean>`checked_at >= (${p.from}::date::timestamp AT TIME ZONE 'Asia/Shanghai') AND checked_at < ((${p.to}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;

const rate = (given: number, due: number): number | null => (due > 0 ? Math.round((given / due) * 10000) / 10000 : null);

/** The statistics of a period, optionally for one department. */
export async function sanctionStats(db: DbOrTx, p: Period, departmentId?: number) {
  checkPeriod(p);
  const dept = departmentId === undefined ? sql`true` : sql`department_id = ${departmentId}`;
  const byDept = await sql<{ department_id: number; checks: string; with_hits: string; owing: string; complete: string }>`
    SELECT department_id, count(*) AS checks, count(*) FILTER (WHERE hits > 0) AS with_hits,
           count(*) FILTER (WHERE feedback_due > 0) AS owing,
           count(*) FILTER (WHERE feedback_due > 0 AND feedback_given >= feedback_due) AS complete
      FROM sanction_checks WHERE ${inPeriod(p)} AND ${dept}
     GROUP BY department_id ORDER BY department_id`.execute(db);
  const byList = await sql<{ department_id: number; list_type: string; color: string; checks: string; subjects: string }>`
    SELECT c.department_id, h.list_type, h.color, count(DISTINCT c.id) AS checks, count(DISTINCT h.subject_id) AS subjects
      FROM sanction_checks c JOIN sanction_check_hits h ON h.check_id = c.id
     WHERE ${inPeriod(p)} AND ${dept}
     GROUP BY c.department_id, h.list_type, h.color ORDER BY c.department_id, h.list_type`.execute(db);
  const byMeasure = await sql<{ department_id: number; list_type: string; code: string; name: string; kind: string; applied: string; not_applied: string }>`
    SELECT f.department_id, lt.list_type, m.code, m.name, m.kind,
           count(*) FILTER (WHERE f.applied) AS applied, count(*) FILTER (WHERE NOT f.applied) AS not_applied
      FROM sanction_feedback f
      JOIN sanction_checks c ON c.id = f.check_id
      JOIN sanction_measures m ON m.id = f.measure_id
      CROSS JOIN LATERAL unnest(f.list_types) AS lt(list_type)
     WHERE ${inPeriod(p)} AND ${departmentId === undefined ? sql`true` : sql`c.department_id = ${departmentId}`}
     GROUP BY f.department_id, lt.list_type, m.code, m.name, m.kind ORDER BY f.department_id, lt.list_type, m.code`.execute(db);
  const names = await departmentsByIds(db, [...new Set([...byDept.rows, ...byList.rows, ...byMeasure.rows].map((r) => r.department_id))]);
  const nameOf = (id: number) => names.get(id)?.name ?? String(id);
  const departments = byDept.rows.map((r) => ({
    departmentId: r.department_id,
    department: nameOf(r.department_id),
    checks: Number(r.checks),
    checksWithHits: Number(r.with_hits),
    feedbackOwed: Number(r.owing),
    feedbackComplete: Number(r.complete),
    feedbackRate: rate(Number(r.complete), Number(r.owing)),
  }));
  const listTypes = byList.rows.map((r) => ({
    departmentId: r.department_id,
    department: nameOf(r.department_id),
    listType: r.list_type,
    listName: KNOWN_LIST_TYPES[r.list_type]?.name ?? r.list_type,
    color: r.color as 'black' | 'red',
    checks: Number(r.checks),
    subjects: Number(r.subjects),
  }));
  const measures = byMeasure.rows.map((r) => ({
    departmentId: r.department_id,
    department: nameOf(r.department_id),
    listType: r.list_type,
    listName: KNOWN_LIST_TYPES[r.list_type]?.name ?? r.list_type,
    measureCode: r.code,
    measure: r.name,
    kind: r.kind as 'punishment' | 'incentive',
    applied: Number(r.applied),
    notApplied: Number(r.not_applied),
  }));
  // Cases count once per feedback row, not once per list type it carried.
  const cases = await sql<{ kind: string; n: string }>`
    SELECT m.kind, count(*) AS n FROM sanction_feedback f
      JOIN sanction_checks c ON c.id = f.check_id JOIN sanction_measures m ON m.id = f.measure_id
     WHERE f.applied AND ${inPeriod(p)} AND ${departmentId === undefined ? sql`true` : sql`c.department_id = ${departmentId}`}
     GROUP BY m.kind`.execute(db);
  const owed = departments.reduce((n, d) => n + d.feedbackOwed, 0);
  const complete = departments.reduce((n, d) => n + d.feedbackComplete, 0);
  return {
    period: p,
    totals: {
      checks: departments.reduce((n, d) => n + d.checks, 0),
      checksWithHits: departments.reduce((n, d) => n + d.checksWithHits, 0),
      applied: measures.reduce((n, m) => n + m.applied, 0),
      notApplied: measures.reduce((n, m) => n + m.notApplied, 0),
      feedbackRate: rate(complete, owed),
      punishmentCases: Number(cases.rows.find((r) => r.kind === 'punishment')?.n ?? 0),
      incentiveCases: Number(cases.rows.find((r) => r.kind === 'incentive')?.n ?? 0),
    },
    departments,
    listTypes,
    measures,
  };
}

export type SanctionStats = Awaited<ReturnType<typeof sanctionStats>>;

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);

/** The statistics as .xlsx (department sheet with the measure rows below it; cells neutralised by writeSheet). */
export async function sanctionStatsXlsx(s: SanctionStats): Promise<Buffer> {
  const rows: (string | number | null)[][] = [
    ...s.departments.map((d) => ['部门', d.department, '', '', d.checks, d.checksWithHits, '', '', pct(d.feedbackRate)]),
    ...s.listTypes.map((l) => ['名单', l.department, l.listName, '', l.checks, l.subjects, '', '', '']),
    ...s.measures.map((m) => ['措施', m.department, m.listName, `${m.measure}（${m.kind === 'incentive' ? '激励' : '惩戒'}）`, '', '', m.applied, m.notApplied, '']),
    ['合计', '', '', '', s.totals.checks, s.totals.checksWithHits, s.totals.applied, s.totals.notApplied, pct(s.totals.feedbackRate)],
  ];
  return writeSheet(
    `联合奖惩统计 ${s.period.from}至${s.period.to}`.slice(0, 31),
    ['维度', '部门', '名单类型', '措施', '核查次数', '命中（核查/主体）', '已实施', '未实施', '反馈率'],
    rows,
    [8, 28, 28, 48, 10, 16, 10, 10, 10],
  );
}

/**
 * Feedback owed and given per department for checks made in [start, end), in the shape assessment's scorecards
 * take (FeedbackStat): required = checks with measures to feed back on, given = those fully fed back.
 */
export async function feedbackByDepartment(db: DbOrTx, start: Date, end: Date): Promise<Array<{ departmentId: number; required: number; given: number }>> {
  const r = await sql<{ department_id: number; required: string; given: string }>`
    SELECT department_id, count(*) AS required, count(*) FILTER (WHERE feedback_given >= feedback_due) AS given
      FROM sanction_checks WHERE checked_at >= ${start} AND checked_at < ${end} AND feedback_due > 0
     GROUP BY department_id`.execute(db);
  return r.rows.map((x) => ({ departmentId: x.department_id, required: Number(x.required), given: Number(x.given) }));
}

/**
 * Evidence for monitoring's 事前/事中/事后信用监管 indicators (docs/domain/05-monitoring.md §5.2): checks before
 * acting (事前), hits and measures applied after (事后), the feedback rate, and how many departments check at all.
 */
export async function sanctionsEvidence(db: DbOrTx, p: Period) {
  const s = await sanctionStats(db, p);
  return {
    period: p,
    checkingDepartments: s.departments.length,
    checks: s.totals.checks,
    checksWithHits: s.totals.checksWithHits,
    punishmentCases: s.totals.punishmentCases,
    incentiveCases: s.totals.incentiveCases,
    measuresNotApplied: s.totals.notApplied,
    feedbackRate: s.totals.feedbackRate,
  };
}
