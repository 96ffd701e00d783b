// The living demo city (issue 17 §1): a year of a credit platform's work, loaded on first start through the
// platform's own paths — 双公示 rows through ingest's import (validation, publicity decided by the engine,
// records in versions, rejects kept), withdrawals as later uploads, repairs through the publicity engine, list
// entries through lists' register, credit events and 36 cities' scores through monitoring's imports, the
// checklist through its service. Deterministic for a seed and a day: the same counts on every machine.
import type pg from 'pg';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { getSetting } from '../../platform/settings.ts';
import type { Db } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import type { SessionUser } from '../../platform/http.ts';
import { mulberry32 } from '../../platform/random.ts';
import { isoOfEpochDay } from '../../platform/workCalendar.ts';
import { findActiveItem } from '../../domains/catalog/index.ts';
import { importRows } from '../../domains/ingest/index.ts';
import { endEntriesForRecords, registerEntry } from '../../domains/lists/index.ts';
import { setRecordsRepaired } from '../../domains/publicity/index.ts';
import { installBuiltinListTypes } from '../../domains/lists/index.ts';
import { importEvents, publishEvent } from '../../domains/monitoring/events.service.ts';
import { importScores } from '../../domains/monitoring/index.service.ts';
import { loadChecklist, patchChecklistItem } from '../../domains/monitoring/checklist.service.ts';
import { shippedLabelledTitles, getTree } from '../../domains/monitoring/index.ts';
import { personName } from '../../domains/subjects/demo.ts';
import { demoLoaded, seedDemo, type DemoCredential } from '../seed.ts';
import { breakRow, dayOf, decisionDays, DEMO_PROFILES, penaltyRow, permitRow, type BatchContext, type DemoRow } from './records.ts';
import { seedDistrictReporters } from './districts.ts';
import { seedDemoChecks } from './sanctions.ts';
import { seedDemoCommitments, seedDistrictCommitments } from './commitments.ts';
import { seedDemoApiKeys } from './apikeys.ts';
import { seedDemoReview, type ReviewUpload } from './review.ts';
import { seedDemoRepairs } from './repair.ts';
import { seedDemoObjections } from './objections.ts';
import { seedFirstDistrictWork } from './districtWork.ts';

const SYSTEM: AuditContext = { actor: { username: 'system' } };
const MS_DAY = 86_400_000;

export interface DemoCityOptions {
  /** The last day of the demo year (YYYY-MM-DD, default: yesterday in China). */
  today?: string;
  seed?: number;
  /** 行政处罚 and 行政许可 rows over the year (before rejects); defaults 14,000 and 10,000. */
  penalties?: number;
  permits?: number;
  /** Subjects the records are about (pooled legal persons and shops; default 6,000). */
  subjectPool?: number;
  /** Progress lines for the terminal. */
  log?: (line: string) => void;
  /**
   * Called, and awaited, as each step of DEMO_STEPS begins (and per month of the 双公示 step): `serve` shows it on
   * the loading page while the site answers during the first start; a test holds a step open to see that page.
   */
  progress?: (p: DemoProgress) => void | Promise<void>;
}

/** Where the first start's demo load is: step `step` of `steps`, its Chinese name, and a finer position. */
export interface DemoProgress {
  step: number;
  steps: number;
  name: string;
  detail?: string;
}

/** The demo load's steps, in order, as the loading page names them (the first is seedDemo's, in loadDemoOnFirstStart). */
export const DEMO_STEPS = [
  '载入演示主体和账号',
  '归集一年的双公示记录',
  '登记撤销决定和红黑名单',
  '办理信用修复、联合奖惩、信用承诺和异议申诉',
  '导入信用事件',
  '导入城市信用监测得分和信用制度清单',
] as const;

/** Reports step `step` (1-based) of DEMO_STEPS to the progress hook, if any, and waits for it. */
async function reportStep(opts: DemoCityOptions, step: number, detail?: string): Promise<void> {
  await opts.progress?.({ step, steps: DEMO_STEPS.length, name: DEMO_STEPS[step - 1], ...(detail ? { detail } : {}) });
}

export interface DemoCitySummary {
  batches: number;
  accepted: number;
  rejected: number;
  late: number;
  withdrawn: number;
  repaired: number;
  listEntries: number;
  events: number;
  scoreRows: number;
  /** 联合奖惩 checks run, those with feedback, and the cases published on the portal. */
  checks: number;
  checksWithFeedback: number;
  cases: number;
  /** 信用承诺 collected, marked 履约/违诺, and made online. */
  commitments: number;
  commitmentsMarked: number;
  /** 信用修复 applications filed online, and those the department decided. */
  repairApplications: number;
  repairsDecided: number;
  /** 异议申诉 filed online. */
  objections: number;
  /** API keys of department systems (one revoked), and the checks made through the signed API. */
  apiKeys: number;
  signedChecks: number;
  /** The market regulator's batches under review: waiting, approved, returned with a note. */
  reviewPending: number;
  reviewApproved: number;
  reviewReturned: number;
  /** A district unit's 信用承诺 marked 违诺. */
  districtBreaches: number;
  ms: number;
}

/** Cities of the national monitoring (36 large and medium cities); the configured city takes 西宁市's place if absent. */
export const CITIES_36 = [
  '北京市', '天津市', '上海市', '重庆市', '石家庄市', '太原市', '呼和浩特市', '沈阳市', '长春市', '哈尔滨市',
  '南京市', '杭州市', '合肥市', '福州市', '南昌市', '济南市', '郑州市', '武汉市', '长沙市', '广州市',
  '南宁市', '海口市', '成都市', '贵阳市', '昆明市', '拉萨市', '西安市', '兰州市', '西宁市', '银川市',
  '乌鲁木齐市', '大连市', '青岛市', '宁波市', '厦门市', '深圳市',
];

/** The list types the demo enters subjects on: codes and names of the lists domain's shipped types. */
export const DEMO_LIST_TYPES = [
  { code: 'SXBZXR', name: '失信被执行人', color: 'black', authority: '人民法院' },
  { code: 'ZDSSWF', name: '重大税收违法失信主体', color: 'black', authority: '税务机关' },
  { code: 'SPYPSX', name: '食品药品生产经营严重失信者', color: 'black', authority: '市场监督管理部门' },
  { code: 'ANSRX', name: 'A级纳税人', color: 'red', authority: '税务机关' },
  { code: 'SHTZXY', name: '守合同重信用企业', color: 'red', authority: '市场监督管理部门' },
] as const;

/** The department whose demo batches go through the review step: the market regulator (its 审核员 is scjg_reviewer). */
const REVIEW_DEPARTMENT = 'SCJGJ';

const chinaToday = () => new Date(Date.now() + 8 * 3_600_000 - MS_DAY).toISOString().slice(0, 10);

/** Loads the demo city into a database that has the departments, demo subjects and accounts (seedDemo). */
export async function seedDemoCity(db: Db, pool: pg.Pool, config: Config & { secret: string }, opts: DemoCityOptions = {}): Promise<DemoCitySummary> {
  const started = performance.now();
  const log = opts.log ?? (() => undefined);
  const today = opts.today ?? chinaToday();
  const todayDay = dayOf(today);
  const rng = mulberry32(opts.seed ?? 20261207);
  const admin = await adminUser(db);
  const summary: DemoCitySummary = { batches: 0, accepted: 0, rejected: 0, late: 0, withdrawn: 0, repaired: 0, listEntries: 0, events: 0, scoreRows: 0, checks: 0, checksWithFeedback: 0, cases: 0, commitments: 0, commitmentsMarked: 0, repairApplications: 0, repairsDecided: 0, objections: 0, apiKeys: 0, signedChecks: 0, reviewPending: 0, reviewApproved: 0, reviewReturned: 0, districtBreaches: 0, ms: 0 };

  // 1. A year of 双公示: every department uploads once a month, some rows wrong (returned to be corrected).
  const [penaltyItem, permitItem] = await Promise.all([findActiveItem(db, 'sgs_cf_v2'), findActiveItem(db, 'sgs_xk_v2')]);
  if (!penaltyItem || !permitItem) throw new Error('the built-in 双公示 items are missing');
  // The districts report too: each government and its two units (districts.ts), after the city's departments.
  const districtReporters = await seedDistrictReporters(db, config.cityName, SYSTEM);
  const districtIds = new Set(districtReporters.map((r) => r.departmentId));
  const departments = await db.selectFrom('departments').select(['id', 'code', 'name', 'uscc']).where('code', 'in', DEMO_PROFILES.map((p) => p.code)).execute();
  const byCode = new Map(departments.map((d) => [d.code, d]));
  const districtDepartments = districtIds.size ? await db.selectFrom('departments').select(['id', 'code', 'name', 'uscc']).where('id', 'in', [...districtIds]).execute() : [];
  const byId = new Map(districtDepartments.map((d) => [d.id, d]));
  const reporters = [
    ...DEMO_PROFILES.map((profile) => ({ profile, dep: byCode.get(profile.code), district: false })),
    ...districtReporters.map((r) => ({ profile: r.profile, dep: byId.get(r.departmentId), district: true })),
  ];
  const districts = await db.selectFrom('departments').select('region_code').where('kind', '=', 'district').where('parent_id', 'is', null).where('region_code', 'is not', null).orderBy('sort_order').execute();
  const districtCodes = districts.map((d) => d.region_code!).filter((c) => !c.endsWith('01'));
  const weights = { penalties: reporters.reduce((a, r) => a + r.profile.penalties, 0), permits: reporters.reduce((a, r) => a + r.profile.permits, 0) };
  const totals = { penalties: opts.penalties ?? 14_000, permits: opts.permits ?? 10_000 };
  const resend: Array<{ departmentId: number; row: DemoRow }> = [];
  // The market regulator's last two months go through the review step it has had since (review.ts), after the rest.
  const reviewUploads: ReviewUpload[] = [];
  const firstDay = todayDay - 364;
  // 文号 serials count per department and year, from 1 on every load (so two loads are the same).
  const serialCounters = new Map<string, Map<string, number>>();
  const serials = (code: string) => serialCounters.get(code) ?? serialCounters.set(code, new Map()).get(code)!;
  for (let m = 11; m >= 0; m--) {
    await reportStep(opts, 2, `第 ${12 - m}/12 月`);
    // Month m back: reported on its last day (the current month: today).
    const monthStart = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1 - m, 1));
    const reportDay = Math.min(todayDay, Math.floor(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + 1, 0) / MS_DAY));
    // The month's uploads are drawn first (one random stream, so every load draws the same rows), then imported
    // a few at a time: each batch waits on its own round trips, and merges of one item serialise in ingest anyway.
    const uploads: Array<() => Promise<void>> = [];
    for (const { profile, dep, district } of reporters) {
      if (!dep?.uscc) continue;
      // Busy departments report monthly; the smaller ones once a quarter (their share comes in 4 batches).
      const monthly = profile.penalties + profile.permits >= 10;
      if (!monthly && m % 3 !== 0) continue;
      const ctx: BatchContext = { profile, authorityName: dep.name, authorityUscc: dep.uscc, cityName: config.cityName, districtCodes, subjectPool: opts.subjectPool ?? 6000, serials: serials(profile.code) };
      for (const [item, kind] of [[penaltyItem, 'penalties'], [permitItem, 'permits']] as const) {
        const n = Math.round((totals[kind] * profile[kind]) / weights[kind] / (monthly ? 12 : 4));
        if (!n) continue;
        const days = decisionDays(rng, n, reportDay, firstDay);
        // A district's batch of this month is still open on its desk: one row reported late, one to correct.
        const open = district && m === 0;
        if (open) days[0] = Math.max(firstDay, reportDay - 20);
        const rows = days.map((day) => (kind === 'penalties' ? penaltyRow(rng, ctx, day) : permitRow(rng, ctx, day)));
        // One batch in four has rows the validation returns (the clerk's 待更正 list).
        const faulty = rng() < 0.25;
        const sent = rows.map((r, i) => ((faulty && rng() < 0.06) || (open && i === rows.length - 1) ? breakRow(rng, r) : r));
        const reviewed = !district && profile.code === REVIEW_DEPARTMENT && m <= 1;
        // (A withdrawal of a decision still under review would come before the decision itself: none is drawn.)
        for (const r of rows) if (kind === 'penalties' && rng() < 0.012 && !reviewed) resend.push({ departmentId: dep.id, row: r });
        // Every district unit withdrew one decision of its first quarter (its records show a 撤销).
        if (district && kind === 'penalties' && m === 9 && rows.length) resend.push({ departmentId: dep.id, row: rows[0] });
        const reportDate = new Date((reportDay * 24 + 9) * 3_600_000 - 8 * 3_600_000 + Math.floor(rng() * 8 * 3_600_000));
        const channel = rng() < 0.3 ? 'api' : 'file';
        if (reviewed) {
          reviewUploads.push({ item, rows: sent, reportDate, month: m });
          continue;
        }
        uploads.push(async () => {
          const receipt = await importRows({ db, pool, secret: config.secret, item, departmentId: dep.id, channel, rows: sent, reportDate, keyWithSubject: config.ingestKeyWithSubject, piiScreen: config.ingestPiiScreen, decisionDateWarnBefore: config.ingestDecisionDateWarnBefore });
          await backdateBatch(db, receipt.batchId, reportDate, profile.code, item.name);
          summary.batches++;
          summary.accepted += receipt.accepted;
          summary.rejected += receipt.rejected;
          summary.late += receipt.late;
        });
      }
    }
    await inParallel(uploads, 4);
    log(`  ${String(12 - m).padStart(2)}/12 月的双公示已归集（${((performance.now() - started) / 1000).toFixed(1)} 秒）`);
  }

  await reportStep(opts, 3);
  // 2. Withdrawals (撤销): the deciding department sends the record again with 当前状态 无效.
  const byDepartment = new Map<number, DemoRow[]>();
  for (const r of resend) byDepartment.set(r.departmentId, [...(byDepartment.get(r.departmentId) ?? []), { ...r.row, CF_ZT: '撤销', BZ: '原处罚决定已依法撤销' }]);
  for (const [departmentId, rows] of byDepartment) {
    const receipt = await importRows({ db, pool, secret: config.secret, item: penaltyItem, departmentId, channel: 'form', rows, reportDate: new Date(), keyWithSubject: config.ingestKeyWithSubject, piiScreen: config.ingestPiiScreen });
    summary.batches++;
    summary.withdrawn += receipt.withdrawn;
  }

  // 3. Lists: the five list types; the 红黑名单 decisions uploaded through the list items (collected, public on
  //    the portal), each entered in the register; a few black entries rest on serious penalties.
  await ensureListTypes(db);
  const [blackItem, redItem] = await Promise.all([findActiveItem(db, 'list_black_v1'), findActiveItem(db, 'list_red_v1')]);
  if (!blackItem || !redItem) throw new Error('the built-in list items are missing');
  const market = byCode.get('SCJGJ');
  const tax = byCode.get('SWUJU');
  const listed = await sql<{ id: string; subject_id: string; department_id: number; decided: string; name: string; uscc: string; legal_representative: string | null }>`
    SELECT r.id, r.subject_id, r.department_id, to_char(r.decision_date, 'YYYY-MM-DD') AS decided, s.name, s.uscc, s.legal_representative
    FROM records r JOIN subjects s ON s.id = r.subject_id
    WHERE r.record_type = 'penalty' AND r.status = 'active' AND r.audience = 'public' AND s.uscc IS NOT NULL
    ORDER BY r.record_key`.execute(db);
  const clean = await sql<{ id: string; name: string; uscc: string; legal_representative: string | null }>`
    SELECT s.id, s.name, s.uscc, s.legal_representative FROM subjects s
    WHERE s.kind = 'legal' AND s.uscc IS NOT NULL AND NOT EXISTS (SELECT 1 FROM records r WHERE r.subject_id = s.id AND r.record_type = 'penalty')
    ORDER BY s.uscc LIMIT 800`.execute(db);
  for (const dep of [market, tax]) {
    if (!dep?.uscc) continue;
    const isTax = dep === tax;
    const black = listed.rows.filter((r) => r.department_id === dep.id && r.decided <= isoOfEpochDay(todayDay - 30) && rng() < 0.03);
    const red = clean.rows.filter(() => rng() < 0.12);
    const blackType = isTax ? DEMO_LIST_TYPES[1] : DEMO_LIST_TYPES[2];
    const redType = isTax ? DEMO_LIST_TYPES[3] : DEMO_LIST_TYPES[4];
    const blackRows = black.map((r, i) => ({
      BL_ZTMC: r.name, BL_ZTLB: kindOf(r.uscc), BL_TYSHXYDM: r.uscc, BL_FDDBR: r.legal_representative ?? personName(rng), BL_RDYJ: isTax ? '《重大税收违法失信主体信息公布管理办法》' : '《市场监督管理严重违法失信名单管理办法》',
      BL_JDWSH: `宁${isTax ? '税' : '市监'}严失〔${r.decided.slice(0, 4)}〕${i + 1}号`, BL_RDBM: dep.name, BL_RDBMDM: dep.uscc!, BL_MDLX: blackType.name,
      BL_LRSY: '因严重违法行为受到行政处罚', BL_LRRQ: isoOfEpochDay(dayOf(r.decided) + 20), BL_YXQZ: isoOfEpochDay(dayOf(r.decided) + 20 + 365 * 3), BL_ZT: '在列',
    }));
    const year = String(Number(today.slice(0, 4)) - 1);
    const redRows = red.map((s, i) => ({
      RL_ZTMC: s.name, RL_ZTLB: kindOf(s.uscc), RL_TYSHXYDM: s.uscc, RL_FDDBR: s.legal_representative ?? personName(rng), RL_RDYJ: isTax ? '《纳税信用管理办法》' : '《守合同重信用企业公示管理办法》',
      RL_JDWSH: `宁${isTax ? '税' : '市监'}信〔${year}〕${i + 1}号`, RL_RDBM: dep.name, RL_RDBMDM: dep.uscc!, RL_MDLX: redType.name,
      RL_RDRQ: `${today.slice(0, 4)}-04-15` <= today ? `${today.slice(0, 4)}-04-15` : `${year}-04-15`, RL_PJND: year, RL_ZT: '在列',
    }));
    for (const [item, rows, type] of [[blackItem, blackRows, blackType], [redItem, redRows, redType]] as const) {
      if (!rows.length) continue;
      const receipt = await importRows({ db, pool, secret: config.secret, item, departmentId: dep.id, channel: 'file', rows, reportDate: new Date(), keyWithSubject: config.ingestKeyWithSubject, piiScreen: config.ingestPiiScreen });
      summary.batches++;
      summary.accepted += receipt.accepted;
      // The register entry of each collected decision, linked to its record (so a repair or revocation ends it).
      const records = await sql<{ id: string; subject_id: string; doc: string; listed_on: string }>`
        SELECT r.id, r.subject_id, r.content->>${item === blackItem ? 'BL_JDWSH' : 'RL_JDWSH'} AS doc, to_char(r.decision_date, 'YYYY-MM-DD') AS listed_on
        FROM records r
        WHERE r.batch_id = ${receipt.batchId} AND r.subject_id IS NOT NULL ORDER BY r.id`.execute(db);
      for (const r of records.rows) {
        const e = await registerEntry(db, {
          listType: type.code, subjectId: r.subject_id, decisionNo: r.doc, origin: 'collected', recordId: r.id, departmentId: dep.id,
          status: 'listed', listedOn: r.listed_on, expiresOn: isoOfEpochDay(dayOf(r.listed_on) + 365 * (type.color === 'black' ? 3 : 1)),
        });
        if (e.created) summary.listEntries++;
      }
    }
  }
  // 失信被执行人 come from the court's system: entries only (no 双公示 record), one in nine still proposed.
  const court = (await db.selectFrom('departments').select('id').where('code', '=', 'FY').executeTakeFirst())?.id ?? null;
  for (const [i, s] of clean.rows.filter(() => rng() < 0.03).entries()) {
    const listedOn = isoOfEpochDay(firstDay + Math.floor(rng() * 330));
    const e = await registerEntry(db, {
      listType: 'SXBZXR', subjectId: s.id, decisionNo: `（${listedOn.slice(0, 4)}）青01执${100 + i}号`, origin: 'collected', departmentId: court,
      status: i % 9 === 0 ? 'proposed' : 'listed', listedOn, expiresOn: null,
    });
    if (e.created) summary.listEntries++;
  }

  log(`  名单已载入（${((performance.now() - started) / 1000).toFixed(1)} 秒）`);
  await reportStep(opts, 4);
  // 4. Repairs (信用修复): some penalties past their minimum period were repaired; the engine re-decides them and
  //    the list entries resting on them exit (docs/domain/03-publicity.md §3.3).
  const repairable = await sql<{ id: string; department_id: number }>`
    SELECT id, department_id FROM records WHERE record_type = 'penalty' AND audience = 'public' AND status = 'active'
      AND publicity->>'repairableFrom' IS NOT NULL AND publicity->>'repairableFrom' <= ${today}
    ORDER BY record_key`.execute(db);
  const toRepair = repairable.rows.filter(() => rng() < 0.08);
  // Every district department with a repairable penalty has repaired at least one (its records show a 修复).
  for (const id of districtIds) {
    const first = repairable.rows.find((r) => r.department_id === id);
    if (first && !toRepair.some((r) => r.department_id === id)) toRepair.push(first);
  }
  const repairedIds = toRepair.map((r) => r.id);
  if (repairedIds.length) {
    // The same cascade as an approved repair application (repair domain): one transaction.
    await db.transaction().execute(async (trx) => {
      await setRecordsRepaired(trx, config.secret, repairedIds, today);
      await endEntriesForRecords(trx, repairedIds, 'repaired', SYSTEM, today);
    });
  }
  summary.repaired = repairedIds.length;

  // 4b. 联合奖惩: the market regulator's clerk checks listed subjects before decisions and gives feedback on most.
  const clerk = await db.selectFrom('users').select(['id', 'department_id']).where('username', '=', 'scjg_reporter').executeTakeFirst();
  if (clerk?.department_id != null) {
    const checks = await seedDemoChecks(db, pool, config.secret, { id: clerk.id, departmentId: clerk.department_id }, admin.id, rng, SYSTEM);
    summary.checks = checks.checks;
    summary.checksWithFeedback = checks.withFeedback;
    summary.cases = checks.cases;
  }

  // 4c. 信用承诺: collected by the approval bureau and the regulator each quarter, some marked, some made online.
  const clerkUser: SessionUser | null = clerk?.department_id != null
    ? { id: clerk.id, username: 'scjg_reporter', displayName: '市场监管局填报员', role: 'reporter', departmentId: clerk.department_id, departmentName: null, mustChangePassword: false }
    : null;
  const commitments = await seedDemoCommitments(db, pool, config, { todayDay, perQuarter: Math.max(5, Math.round(totals.permits / 400)), clerk: clerkUser, rng }, SYSTEM);
  summary.commitments = commitments.collected + commitments.voluntary;
  summary.commitmentsMarked = commitments.marked;

  // 4d. 信用修复 in progress: firms applied online; the credit office forwarded some, the regulator decided two.
  const reviewer = await db.selectFrom('users').select(['id', 'username', 'display_name', 'department_id']).where('username', '=', 'scjg_reviewer').executeTakeFirst();
  const decider: SessionUser | null = reviewer?.department_id != null
    ? { id: reviewer.id, username: reviewer.username, displayName: reviewer.display_name, role: 'reviewer', departmentId: reviewer.department_id, departmentName: null, mustChangePassword: false }
    : null;
  const repairs = await seedDemoRepairs(db, config.secret, { count: 8, admin, decider, today }, SYSTEM);
  summary.repairApplications = repairs.applications;
  summary.repairsDecided = repairs.decided;

  // 4e. 异议申诉: firms object to public penalties of the regulator and of a district unit; some moved along.
  const districtUnits = districtReporters.filter((r) => r.profile.code.endsWith('SCJG')).map((r) => r.departmentId).slice(0, 1);
  summary.objections = await seedDemoObjections(db, config.secret, { admin, decider, districtUnitIds: districtUnits }, SYSTEM);

  // 4f. API keys: the regulator's licensing system (in use: it checked two applicants through the signed API), its
  //     retired system's key (revoked), and a key the first district's administrator made for its market unit.
  const firstDistrict = districtReporters[0] ? byId.get(districtReporters[0].departmentId) : undefined;
  const districtMarket = districtReporters.find((r) => r.profile.code === `${firstDistrict?.code}SCJG`);
  const districtMarketDep = districtMarket ? byId.get(districtMarket.departmentId) : undefined;
  const districtAdmin = await sessionUser(db, 'district_admin');
  const keys = await seedDemoApiKeys(db, pool, config, {
    admin, market: market ? { id: market.id, name: market.name } : null, districtAdmin,
    districtUnit: districtMarketDep ? { id: districtMarketDep.id, name: districtMarketDep.name, shortName: districtMarketDep.name.replace(config.cityName, '') } : null,
  }, SYSTEM);
  summary.apiKeys = keys.keys;
  summary.signedChecks = keys.signedChecks;

  // 4g. The first district's market unit collects commitments too; its clerk found two broken (the district's 违诺).
  const districtClerk = await sessionUser(db, 'district_scjg_reporter');
  if (districtMarket && districtMarketDep?.uscc && districtClerk) {
    const dc = await seedDistrictCommitments(db, pool, config, {
      unit: { id: districtMarketDep.id, name: districtMarketDep.name, uscc: districtMarketDep.uscc, abbr: districtMarket.profile.abbr },
      clerk: districtClerk, todayDay, perQuarter: 4, rng: mulberry32((opts.seed ?? 20261207) + 17),
    }, SYSTEM);
    summary.commitments += dc.collected;
    summary.commitmentsMarked += dc.marked;
    summary.districtBreaches = dc.breached;
  }

  // 4i. The first district's own casework: its government's clerk and its market unit's reviewer see their own
  //     department's list entries, repair applications, objections and commitments (districtWork.ts).
  const governmentClerk = await sessionUser(db, 'district_reporter');
  const districtReviewer = await sessionUser(db, 'district_scjg_reviewer');
  if (firstDistrict?.uscc && governmentClerk) {
    const since = performance.now();
    const desk = (dep: { id: number; name: string; uscc: string | null }, abbr: string, user: SessionUser) => ({ department: { id: dep.id, name: dep.name, uscc: dep.uscc!, abbr }, user });
    const work = await seedFirstDistrictWork(db, pool, config, {
      today, todayDay, seed: opts.seed ?? 20261207, admin,
      government: desk(firstDistrict, districtReporters[0].profile.abbr, governmentClerk),
      market: districtMarket && districtMarketDep?.uscc && districtReviewer ? desk(districtMarketDep, districtMarket.profile.abbr, districtReviewer) : null,
    }, SYSTEM);
    summary.listEntries += work.listEntries;
    summary.repairApplications += work.repairApplications;
    summary.repairsDecided += work.repairsDecided;
    summary.objections += work.objections;
    summary.commitments += work.commitments;
    summary.commitmentsMarked += work.commitmentsMarked;
    summary.districtBreaches += work.breaches;
    log(`  第一个区县的名单、修复、异议和承诺已载入（用时 ${((performance.now() - since) / 1000).toFixed(1)} 秒）`);
  }

  // 4h. The review step: the regulator's last two months, sent after everything else it reported (so all of that
  //     stays as it was, published), the previous month approved, one upload returned, the current month waiting.
  const reviewClerk = await sessionUser(db, 'scjg_reporter');
  if (market && reviewClerk && decider && reviewUploads.length) {
    const review = await seedDemoReview(db, pool, config, { departmentId: market.id, admin, clerk: reviewClerk, reviewer: decider, uploads: reviewUploads }, SYSTEM);
    summary.reviewPending = review.pending;
    summary.reviewApproved = review.approved;
    summary.reviewReturned = review.returned;
    summary.batches += review.pending + review.approved + review.returned;
    summary.accepted += review.accepted;
    summary.rejected += review.rejected;
    summary.late += review.late;
  }

  await reportStep(opts, 5);
  // 5. Credit events of the year, classified on import; most with a source are published on the portal.
  const titles = shippedLabelledTitles();
  const short = config.cityName.replace(/(市|地区|自治州|盟)$/u, '');
  const lines = ['title,date,source,link'];
  const chosen = titles.filter(() => rng() < 0.25);
  chosen.forEach((t, i) => lines.push(`${csv(t.title.replace(/^某/u, `${short}某`))},${isoOfEpochDay(firstDay + Math.floor(rng() * 365))},${csv(`信用${short}`)},https://example.org/demo/events/${i + 1}`));
  const ev = await importEvents(db, config, admin, { filename: '演示信用事件.csv', buffer: Buffer.from(lines.join('\n'), 'utf8') }, SYSTEM);
  summary.events = ev.inserted;
  const publishable = await sql<{ id: string }>`SELECT id FROM credit_events WHERE review_status IS DISTINCT FROM 'pending' AND link IS NOT NULL ORDER BY id`.execute(db);
  const toPublish = publishable.rows.filter(() => rng() < 0.6);
  await inParallel(toPublish.map((e) => async () => void (await publishEvent(db, admin, e.id, true, SYSTEM))), 4);

  log(`  信用事件已载入（${((performance.now() - started) / 1000).toFixed(1)} 秒）`);
  await reportStep(opts, 6);
  // 6. Scores of the 36 cities for the last 12 months (tree 2020), the configured city among them.
  const scores = scoresCsv(config.cityName, today, rng);
  const si = await importScores(db, admin, { filename: '演示监测得分.csv', buffer: Buffer.from(scores, 'utf8') }, '2020', SYSTEM);
  summary.scoreRows = si.stored;

  // 7. The checklist (seeded with its three states); the city adopted two documents this year.
  const checklist = await loadChecklist(db);
  for (const [i, item] of checklist.filter((c) => c.status === 'blank').slice(0, 2).entries()) {
    await patchChecklistItem(db, admin, item.id, {
      status: 'municipal',
      document: { title: `${config.cityName}${item.name}实施办法（试行）`, number: `宁政办〔${today.slice(0, 4)}〕${11 + i * 7}号`, date: isoOfEpochDay(todayDay - 90 + i * 30), issuer: `${config.cityName}人民政府办公厅` },
    }, SYSTEM);
  }

  summary.ms = Math.round(performance.now() - started);
  await db.insertInto('settings').values({ key: 'demo.city', value: JSON.stringify({ today, ...summary }) }).onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify({ today, ...summary }) })).execute();
  // Every figure of the summary, each with its Chinese label in platform/auditActions.ts (test/audit-details.test.ts).
  await audit(db, SYSTEM, { action: 'demo.city', detail: { today, ...summary } });
  return summary;
}

/** The 主体类别 a USCC's registration prefix names (92 = 个体工商户). */
const kindOf = (uscc: string) => (uscc.startsWith('92') ? '个体工商户' : '法人及非法人组织');

/**
 * The city's size follows DEMO_SUBJECTS (default 3,000): about eight 双公示 records per registered subject, so the
 * default city has some 24,000 records and a small test installation (DEMO_SUBJECTS=50) loads in seconds.
 */
export function cityScale(subjects: number): Pick<DemoCityOptions, 'penalties' | 'permits' | 'subjectPool'> {
  return { penalties: Math.round((subjects * 14) / 3), permits: Math.round((subjects * 10) / 3), subjectPool: Math.max(20, subjects * 2) };
}

/** Runs the tasks with at most `n` at a time. */
async function inParallel(tasks: ReadonlyArray<() => Promise<void>>, n: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, async () => {
    while (next < tasks.length) await tasks[next++]();
  }));
}

function csv(s: string): string {
  return /[",\n]/u.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}


/** The demo account `username` as a session user, or null when the demo has no such account. */
async function sessionUser(db: Db, username: string): Promise<SessionUser | null> {
  const u = await db.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'department_id']).where('username', '=', username).executeTakeFirst();
  return u ? { id: u.id, username: u.username, displayName: u.display_name, role: u.role, departmentId: u.department_id, departmentName: null, mustChangePassword: false } : null;
}

async function adminUser(db: Db): Promise<SessionUser> {
  const u = await db.selectFrom('users').select(['id', 'username', 'display_name', 'department_id']).where('username', '=', 'admin').executeTakeFirst();
  if (!u) throw new Error('the demo admin account is missing: run seedDemo first');
  return { id: u.id, username: u.username, displayName: u.display_name, role: 'admin', departmentId: u.department_id, departmentName: null, mustChangePassword: false };
}

/**
 * Dates a demo batch on the day its department reported it. Demo only: the import ran now, but the city's
 * collection figures (monthly volume, scorecards, 超期) should show the year the data stands for.
 */
async function backdateBatch(db: Db, batchId: string, at: Date, department: string, item: string): Promise<void> {
  await db
    .updateTable('ingest_batches')
    .set({ created_at: at, finished_at: new Date(at.getTime() + 40_000), file_name: `${department}-${item}-${at.toISOString().slice(0, 7)}.xlsx` })
    .where('id', '=', batchId)
    .execute();
}

/** The lists domain's shipped types (idempotent; `serve` installs them too) include the demo's codes. */
async function ensureListTypes(db: Db): Promise<void> {
  await installBuiltinListTypes(db);
}

/** A score file of the 36 cities for the 12 months up to `today`, tree 2020 (leaves drawn, parents summed). */
export function scoresCsv(cityName: string, today: string, rng: () => number): string {
  const tree = getTree('2020');
  const cities = CITIES_36.includes(cityName) ? CITIES_36 : CITIES_36.map((c) => (c === '西宁市' ? cityName : c));
  const leaves = tree.nodes.filter((n) => !tree.nodes.some((c) => c.parent === n.code));
  const strength = new Map(cities.map((c) => [c, c === cityName ? 0.77 : 0.8 + rng() * 0.12]));
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const lines = ['month,city,indicator,score'];
  for (let m = 11; m >= 0; m--) {
    const d = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1 - m, 1));
    const month = d.toISOString().slice(0, 7);
    for (const city of cities) {
      // The city improves through the year, as a city that runs its platform does.
      const s = strength.get(city)! + (11 - m) * (city === cityName ? 0.006 : 0.002);
      const byCode = new Map<string, number>();
      for (const leaf of leaves) byCode.set(leaf.code, r2(leaf.weight * Math.min(0.99, Math.max(0.55, s + (rng() - 0.5) * 0.1))));
      for (const n of [...tree.nodes].reverse()) {
        const kids = tree.nodes.filter((c) => c.parent === n.code);
        if (kids.length) byCode.set(n.code, r2(kids.reduce((a, k) => a + byCode.get(k.code)!, 0)));
      }
      for (const n of tree.nodes) lines.push(`${month},${city},${n.name},${byCode.get(n.code)!.toFixed(2)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * What `serve` does on start: with DEMO_DATA on and no demo loaded yet, the demo subjects and accounts, then the
 * demo city, saying how long it took; with DEMO_DATA=false, nothing (an empty platform). Returns the accounts.
 */
export async function loadDemoOnFirstStart(db: Db, pool: pg.Pool, config: Config & { secret: string }, say: (line: string) => void, opts: DemoCityOptions = {}): Promise<DemoCredential[]> {
  if (!config.demoData) return [];
  if (await demoLoaded(db)) {
    // seedDemo marks the demo loaded before the city goes in, so a first start stopped during the load leaves the
    // accounts (their passwords never printed) and part of a city. A second load over that half would collide, so
    // say what happened and how to start over instead of going on silently with an unusable demo.
    if ((await getSetting(db, 'demo.city')) === undefined) say(demoInterruptedNotice(config));
    return [];
  }
  say('首次启动：正在载入演示数据 / first start: loading demo data…');
  await reportStep(opts, 1);
  const creds = await seedDemo(db, config);
  const city = await seedDemoCity(db, pool, config, { ...cityScale(config.demoSubjects), ...opts });
  say(`演示城市已载入，用时 ${(city.ms / 1000).toFixed(1)} 秒：${city.accepted} 条记录（${city.batches} 个批次，${city.rejected} 行待更正），${city.listEntries} 条名单，${city.events} 条信用事件`);
  return creds;
}

/** What a start says when an earlier first start stopped before its demo city was in. */
export function demoInterruptedNotice(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  const reset = config.databaseUrl ? '清空 DATABASE_URL 所指的数据库' : `删除数据目录 ${config.dataDir}`;
  return `注意：上一次首次启动在载入演示数据时中断，演示城市不完整，演示账号的密码也未显示。要重新载入，请停止平台，${reset}，再执行 npm start。/ the demo load of an earlier first start was interrupted; to load it again, stop the platform, ${config.databaseUrl ? 'empty the DATABASE_URL database' : `remove ${config.dataDir}`} and start again.`;
}
