// The demo city's 信用承诺 (issue 17 §1): the approval bureau and the market regulator collect the commitments
// they receive (告知承诺制, 容缺受理, 行业自律) through ingest's import, each quarter, like any catalogue item; the
// regulator's clerk marks some fulfilled and two breached (违诺, shown to credit staff); a few firms commit
// online (主动型) through the commitments service. Deterministic for the rng.
import type pg from 'pg';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/index.ts';
import type { AuditContext } from '../../platform/audit.ts';
import type { SessionUser } from '../../platform/http.ts';
import { isoOfEpochDay } from '../../platform/workCalendar.ts';
import { findActiveItem } from '../../domains/catalog/index.ts';
import { makeVoluntaryCommitment, markFulfilment } from '../../domains/commitments/index.ts';
import { importRows } from '../../domains/ingest/index.ts';

const MS_DAY = 86_400_000;

/** Who receives which commitments, and for what (kind labels of the catalogue's 承诺类型). */
const RECEIVERS = [
  { code: 'XZSPJ', abbr: '审批', kinds: ['审批替代型', '容缺受理型'], matters: ['食品经营许可', '公共场所卫生许可', '建筑工程施工许可', '营业执照变更登记'] },
  { code: 'SCJGJ', abbr: '市监', kinds: ['行业自律型', '审批替代型'], matters: ['食品经营许可', '广告发布登记', '守法诚信经营'] },
] as const;

export interface DemoCommitmentsSummary {
  collected: number;
  marked: number;
  voluntary: number;
}

/** Loads the year's commitments: `perQuarter` rows per receiving department and quarter (days relative to `todayDay`). */
export async function seedDemoCommitments(
  db: Db,
  pool: pg.Pool,
  config: Config & { secret: string },
  opts: { todayDay: number; perQuarter: number; clerk: SessionUser | null; rng: () => number },
  ctx: AuditContext,
): Promise<DemoCommitmentsSummary> {
  const item = await findActiveItem(db, 'credit_commitment_v1');
  if (!item) throw new Error('the built-in 信用承诺 item is missing');
  const firms = await sql<{ id: string; name: string; uscc: string }>`
    SELECT id, name, uscc FROM subjects WHERE kind = 'legal' AND uscc IS NOT NULL ORDER BY uscc LIMIT 400`.execute(db);
  if (!firms.rows.length) return { collected: 0, marked: 0, voluntary: 0 };
  const { rng, todayDay } = opts;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)];
  const summary: DemoCommitmentsSummary = { collected: 0, marked: 0, voluntary: 0 };
  for (const r of RECEIVERS) {
    const dep = await db.selectFrom('departments').select(['id', 'name', 'uscc']).where('code', '=', r.code).executeTakeFirst();
    if (!dep?.uscc) continue;
    let serial = 0;
    for (let q = 3; q >= 0; q--) {
      const last = todayDay - q * 91;
      const rows = Array.from({ length: opts.perQuarter }, () => {
        const firm = pick(firms.rows);
        const matter = pick(r.matters);
        const day = isoOfEpochDay(last - Math.floor(rng() * 80));
        return {
          QT_MC: firm.name, QT_ZTLB: '法人及非法人组织', QT_TYSHXYDM: firm.uscc,
          CN_LX: pick(r.kinds), CN_SX: matter, QT_NR: `本单位承诺符合${matter}的条件，所提交材料真实有效，如有不实，愿意承担相应法律责任`,
          QT_WSH: `宁${r.abbr}诺〔${day.slice(0, 4)}〕${++serial}号`, QT_RQ: day, QT_JG: dep.name, QT_JGDM: dep.uscc!,
        };
      });
      const receipt = await importRows({ db, pool, secret: config.secret, item, departmentId: dep.id, channel: 'file', rows, reportDate: new Date(), keyWithSubject: config.ingestKeyWithSubject, piiScreen: config.ingestPiiScreen });
      summary.collected += receipt.accepted;
    }
  }
  // The regulator's clerk checked the oldest of its commitments: kept, but two broken (违诺).
  if (opts.clerk?.departmentId != null) {
    const received = await db.selectFrom('records').select('id').where('record_type', '=', 'commitment').where('department_id', '=', opts.clerk.departmentId).orderBy('decision_date').orderBy('id').limit(8).execute();
    for (const [i, rec] of received.entries()) {
      const breached = i < 2;
      await markFulfilment(db, opts.clerk, { recordId: rec.id, outcome: breached ? 'breached' : 'kept', basis: breached ? '经现场核查，实际经营条件与承诺不符，已责令限期整改' : '经核查，承诺事项已按期履行' }, ctx);
      summary.marked++;
    }
  }
  // Three firms committed online (主动型) on the portal.
  for (const firm of firms.rows.slice(0, 3)) {
    const mobile = `139${String(Math.floor(rng() * 1e8)).padStart(8, '0')}`;
    await makeVoluntaryCommitment(db, config.secret, { subjectId: firm.id, subjectCode: firm.uscc, matter: '依法诚信经营，自觉接受社会监督', applicantName: '经办人', mobile, confirmed: true }, ctx);
    summary.voluntary++;
  }
  return summary;
}

/**
 * A district unit's commitments (issue 17 §1, the district's 信用承诺 page): `unit` received `perQuarter`
 * 告知承诺 each quarter, collected through ingest's import like the city's; its clerk checked the oldest six a
 * month or more ago, four kept and two broken (违诺), through the commitments service. Returns the rows collected
 * and the marks made.
 */
export async function seedDistrictCommitments(
  db: Db,
  pool: pg.Pool,
  config: Config & { secret: string },
  opts: { unit: { id: number; name: string; uscc: string; abbr: string }; clerk: SessionUser; todayDay: number; perQuarter: number; rng: () => number },
  ctx: AuditContext,
): Promise<{ collected: number; marked: number; breached: number }> {
  const item = await findActiveItem(db, 'credit_commitment_v1');
  if (!item) throw new Error('the built-in 信用承诺 item is missing');
  const firms = await sql<{ name: string; uscc: string }>`
    SELECT name, uscc FROM subjects WHERE kind = 'legal' AND uscc IS NOT NULL ORDER BY uscc DESC LIMIT 200`.execute(db);
  if (!firms.rows.length) return { collected: 0, marked: 0, breached: 0 };
  const { rng, todayDay, unit } = opts;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)];
  const matters = ['小餐饮经营许可', '食品经营许可', '个体工商户登记'];
  let serial = 0;
  let collected = 0;
  for (let q = 3; q >= 0; q--) {
    const last = todayDay - q * 91;
    const rows = Array.from({ length: opts.perQuarter }, () => {
      const firm = pick(firms.rows);
      const matter = pick(matters);
      const day = isoOfEpochDay(last - Math.floor(rng() * 80));
      return {
        QT_MC: firm.name, QT_ZTLB: '法人及非法人组织', QT_TYSHXYDM: firm.uscc,
        CN_LX: pick(['审批替代型', '容缺受理型']), CN_SX: matter, QT_NR: `本单位承诺符合${matter}的条件，所提交材料真实有效，如有不实，愿意承担相应法律责任`,
        QT_WSH: `宁${unit.abbr}诺〔${day.slice(0, 4)}〕${++serial}号`, QT_RQ: day, QT_JG: unit.name, QT_JGDM: unit.uscc,
      };
    });
    const receipt = await importRows({ db, pool, secret: config.secret, item, departmentId: unit.id, channel: 'file', rows, reportDate: new Date(), createdBy: opts.clerk.id, keyWithSubject: config.ingestKeyWithSubject, piiScreen: config.ingestPiiScreen });
    collected += receipt.accepted;
  }
  const received = await db.selectFrom('records').select('id').where('record_type', '=', 'commitment').where('department_id', '=', unit.id).orderBy('decision_date').orderBy('id').limit(6).execute();
  let breached = 0;
  for (const [i, rec] of received.entries()) {
    const broken = i === 1 || i === 4;
    // Marked on the day the unit's inspection found it (a month or more ago, the oldest first).
    const at = new Date((todayDay - 90 + i * 10) * MS_DAY + 2 * 3_600_000);
    await markFulfilment(db, opts.clerk, {
      recordId: rec.id,
      outcome: broken ? 'breached' : 'kept',
      basis: broken ? '经现场核查，实际经营场所与承诺不符，已责令限期整改并依法处理' : '经现场核查，承诺事项已按期履行',
    }, ctx, at);
    if (broken) breached++;
  }
  return { collected, marked: received.length, breached };
}
