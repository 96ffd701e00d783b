// The first district's own casework (issue 17 §1): its government's clerk (district_reporter) opened 红黑名单,
// 信用修复, 异议申诉 and 信用承诺 and found them empty, as did its market unit's reviewer on 信用修复, because every
// one of those pages shows a department user its own department's items and the demo gave the district none. Here
// the district government decides list entries (one taken off early), both departments get repair applications in
// every state (one waiting with its deadline), the government objections (one open) and commitments (kept and
// broken) — each through its domain's service, as the rest of the demo city is loaded. Deterministic for a day.
import type pg from 'pg';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/index.ts';
import type { AuditContext } from '../../platform/audit.ts';
import type { SessionUser } from '../../platform/http.ts';
import { mulberry32 } from '../../platform/random.ts';
import { isoOfEpochDay } from '../../platform/workCalendar.ts';
import { actorOf } from '../../domains/auth/index.ts';
import { findActiveItem } from '../../domains/catalog/index.ts';
import { importRows } from '../../domains/ingest/index.ts';
import { endEntriesForRecords, registerEntry } from '../../domains/lists/index.ts';
import { personName } from '../../domains/subjects/demo.ts';
import { seedDistrictCommitments } from './commitments.ts';
import { seedDepartmentObjections } from './objections.ts';
import { dayOf } from './records.ts';
import { seedDepartmentRepairs } from './repair.ts';

/** The list the district government decides on (its construction work: wages owed on building sites). */
const WAGE_ARREARS = { code: 'QXNMGGZ', name: '严重拖欠农民工工资失信联合惩戒对象', validityYears: 3 } as const;

/** One of the district's departments with its demo account. */
export interface DistrictDesk {
  department: { id: number; name: string; uscc: string; abbr: string };
  user: SessionUser;
}

export interface DistrictWorkSummary {
  listEntries: number;
  listRemoved: number;
  repairApplications: number;
  repairsDecided: number;
  objections: number;
  commitments: number;
  commitmentsMarked: number;
  breaches: number;
}

/**
 * Loads the first district's casework: the government (`government`, its clerk) and its market unit (`market`, its
 * reviewer). `admin` is the credit office's administrator who forwards repairs and sends objections on.
 */
export async function seedFirstDistrictWork(
  db: Db,
  pool: pg.Pool,
  config: Config & { secret: string },
  opts: { today: string; todayDay: number; seed: number; admin: SessionUser; government: DistrictDesk; market: DistrictDesk | null },
  ctx: AuditContext,
): Promise<DistrictWorkSummary> {
  const { government, market } = opts;
  const lists = await seedWageArrearsList(db, pool, config, { desk: government, todayDay: opts.todayDay, seed: opts.seed + 23 }, ctx);
  const summary: DistrictWorkSummary = { listEntries: lists.entries, listRemoved: lists.removed, repairApplications: 0, repairsDecided: 0, objections: 0, commitments: 0, commitmentsMarked: 0, breaches: 0 };
  // Repairs first: the objections then go to records not under an application (objections.ts objectable).
  for (const desk of [government, ...(market ? [market] : [])]) {
    const r = await seedDepartmentRepairs(db, config.secret, { decider: desk.user, admin: opts.admin, today: opts.today, fates: ['approved', 'refused', 'forwarded'] }, ctx);
    summary.repairApplications += r.applications;
    summary.repairsDecided += r.decided;
  }
  summary.objections = await seedDepartmentObjections(db, config.secret, { admin: opts.admin, decider: government.user }, ctx);
  // The government collects commitments for its 政务服务 permits, as its market unit does (city.ts 4g).
  const c = await seedDistrictCommitments(db, pool, config, {
    unit: government.department, clerk: government.user, todayDay: opts.todayDay, perQuarter: 3, rng: mulberry32(opts.seed + 29),
  }, ctx);
  summary.commitments = c.collected;
  summary.commitmentsMarked = c.marked;
  summary.breaches = c.breached;
  return summary;
}

/**
 * The district government's 严重拖欠农民工工资 decisions (docs/domain/04-joint-measures.md §4.2): three firms it
 * fined on building sites, listed over the year in one 黑名单 upload through ingest's import and entered in the
 * register with lists' registerEntry, as city.ts enters the city's; the oldest, listed more than six months ago,
 * paid the wages and was taken off early: the decision sent again as 已移出 (a withdrawal to ingest) and its entry
 * ended through lists' endEntriesForRecords, in one transaction, as the lists' hand-over does for such a record.
 */
async function seedWageArrearsList(
  db: Db,
  pool: pg.Pool,
  config: Config & { secret: string },
  opts: { desk: DistrictDesk; todayDay: number; seed: number },
  ctx: AuditContext,
): Promise<{ entries: number; removed: number }> {
  const item = await findActiveItem(db, 'list_black_v1');
  if (!item) throw new Error('the built-in 黑名单 item is missing');
  const { department, user } = opts.desk;
  // Firms the government itself fined, not on any list yet.
  const firms = await sql<{ subject_id: string; name: string; uscc: string; legal_representative: string | null }>`
    SELECT DISTINCT ON (s.id) s.id AS subject_id, s.name, s.uscc, s.legal_representative FROM records r JOIN subjects s ON s.id = r.subject_id
    WHERE r.department_id = ${department.id} AND r.record_type = 'penalty' AND r.status = 'active' AND s.kind = 'legal'
      AND s.uscc IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM list_entries e WHERE e.subject_id = s.id)
    ORDER BY s.id LIMIT 3`.execute(db);
  if (!firms.rows.length) return { entries: 0, removed: 0 };
  // Subjects registered by an import carry no 法定代表人: a name drawn as city.ts draws them.
  const rng = mulberry32(opts.seed);
  // Listed 200, 120 and 45 days ago; the first taken off 30 days ago (列入满6个月、已清偿).
  const listedDays = [opts.todayDay - 200, opts.todayDay - 120, opts.todayDay - 45];
  const rows = firms.rows.map((f, i) => {
    const listedOn = isoOfEpochDay(listedDays[i]);
    return {
      BL_ZTMC: f.name, BL_ZTLB: f.uscc.startsWith('92') ? '个体工商户' : '法人及非法人组织', BL_TYSHXYDM: f.uscc, BL_FDDBR: f.legal_representative ?? personName(rng),
      BL_MDLX: WAGE_ARREARS.name, BL_LRSY: '拖欠农民工工资数额较大，经责令限期支付逾期仍未支付',
      BL_RDYJ: '《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条', BL_JDWSH: `宁${department.abbr}欠薪失〔${listedOn.slice(0, 4)}〕${i + 1}号`,
      BL_RDBM: department.name, BL_RDBMDM: department.uscc, BL_LRRQ: listedOn,
      BL_YXQZ: isoOfEpochDay(listedDays[i] + 365 * WAGE_ARREARS.validityYears), BL_ZT: '在列',
    };
  });
  const common = { db, pool, secret: config.secret, item, departmentId: department.id, createdBy: user.id, keyWithSubject: config.ingestKeyWithSubject, piiScreen: config.ingestPiiScreen };
  const receipt = await importRows({ ...common, channel: 'file', rows, reportDate: new Date() });
  const records = await sql<{ id: string; subject_id: string; doc: string; listed_on: string }>`
    SELECT r.id, r.subject_id, r.content->>'BL_JDWSH' AS doc, to_char(r.decision_date, 'YYYY-MM-DD') AS listed_on
    FROM records r WHERE r.batch_id = ${receipt.batchId} AND r.subject_id IS NOT NULL ORDER BY r.id`.execute(db);
  let entries = 0;
  for (const r of records.rows) {
    const e = await registerEntry(db, {
      listType: WAGE_ARREARS.code, subjectId: r.subject_id, decisionNo: r.doc, origin: 'collected', recordId: r.id, departmentId: department.id,
      status: 'listed', listedOn: r.listed_on, expiresOn: isoOfEpochDay(dayOf(r.listed_on) + 365 * WAGE_ARREARS.validityYears),
    });
    if (e.created) entries++;
  }
  const first = records.rows.find((r) => r.doc === rows[0].BL_JDWSH);
  if (!first) return { entries, removed: 0 };
  const removedOn = isoOfEpochDay(opts.todayDay - 30);
  const removal = await importRows({ ...common, channel: 'form', rows: [{ ...rows[0], BL_ZT: '已移出', BL_YCRQ: removedOn, BZ: '已清偿拖欠工资并作出信用承诺，列入满6个月，提前移出' }], reportDate: new Date() });
  if (removal.withdrawn !== 1) throw new Error(`the demo's list removal was not taken as a withdrawal (${JSON.stringify(removal)})`);
  const ended = await db.transaction().execute((trx) => endEntriesForRecords(trx, [first.id], 'other', { ...ctx, actor: actorOf(user) }, removedOn));
  return { entries, removed: ended.length };
}
