// The demo city's open 信用修复 work (issue 17 §1): firms with penalties past their minimum publicity period apply
// online through repair's own service (materials, identity, eligibility, deadlines on the working-day calendar);
// the credit office forwarded some, the market regulator decided two (one approved, one refused with its reason),
// the rest wait on the queue — so 信用修复, its desk to-dos and 信用服务统计 show a year's work in progress.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { AuditContext } from '../../platform/audit.ts';
import type { SessionUser } from '../../platform/http.ts';
import { createNotifier } from '../../platform/notifier.ts';
import { actorOf } from '../../domains/auth/index.ts';
import { applyForRepair, decideRepair, forwardRepair } from '../../domains/repair/index.ts';

// A one-page PDF stand-in for the scanned power of attorney (the file-type sniff accepts it).
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const MS_DAY = 86_400_000;

export interface DemoRepairsSummary {
  applications: number;
  decided: number;
}

/**
 * Files up to `count` applications for repairable public penalties of the regulator (one per firm, the oldest
 * first), on days spread over the last three weeks; forwards the older half and has the regulator decide two.
 */
export async function seedDemoRepairs(db: Db, secret: string, opts: { count: number; admin: SessionUser; decider: SessionUser | null; today: string }, ctx: AuditContext): Promise<DemoRepairsSummary> {
  const deps = { secret, notifier: createNotifier() };
  const departmentId = opts.decider?.departmentId ?? -1;
  const now = Date.now();
  // Eligible on the day the first application was filed (the applications are spread back from today).
  const by = new Date(now - opts.count * 2 * MS_DAY + 8 * 3_600_000).toISOString().slice(0, 10);
  const eligibleBy = by < opts.today ? by : opts.today;
  const candidates = await sql<{ id: string; uscc: string }>`
    SELECT DISTINCT ON (s.id) r.id, s.uscc FROM records r JOIN subjects s ON s.id = r.subject_id
    WHERE r.record_type = 'penalty' AND r.audience = 'public' AND r.status = 'active' AND r.repaired_at IS NULL
      AND r.department_id = ${departmentId} AND s.kind = 'legal' AND s.uscc IS NOT NULL
      AND r.publicity->>'repairableFrom' IS NOT NULL AND r.publicity->>'repairableFrom' <= ${eligibleBy}
    ORDER BY s.id, r.record_key`.execute(db);
  const summary: DemoRepairsSummary = { applications: 0, decided: 0 };
  for (const [i, c] of candidates.rows.slice(0, opts.count).entries()) {
    // Filed every other day: the older half forwarded by the credit office, two of those decided; the rest wait.
    const filedAt = new Date(now - (opts.count - i) * 2 * MS_DAY);
    const applied = await applyForRepair(db, deps, {
      uscc: c.uscc, agentName: '企业经办人', agentMobile: `1370000${String(1000 + i).slice(-4)}`, channel: 'standard', recordIds: [c.id],
      commitmentConfirmed: true, materials: [{ kind: 'power_of_attorney', fileName: '授权委托书.pdf', content: PDF }],
    }, ctx, filedAt);
    summary.applications++;
    if (i >= opts.count / 2) continue;
    await forwardRepair(db, deps, opts.admin, applied.id, ctx, new Date(filedAt.getTime() + MS_DAY));
    if (opts.decider && i < 2) {
      await decideRepair(db, deps, opts.decider, applied.id, i === 0 ? { approve: true } : { approve: false, reason: '申请材料未能证明已履行行政处罚决定，罚款尚未缴清' }, ctx, new Date(filedAt.getTime() + 2 * MS_DAY));
      summary.decided++;
    }
  }
  return summary;
}

/** What became of one of a department's demo applications. */
export type DemoRepairFate = 'approved' | 'refused' | 'forwarded';

/**
 * A department's own 信用修复 work (issue 17 §1: a district's clerk and its unit's reviewer saw an empty queue): one
 * application per fate, oldest first, on its repairable public penalties (one per firm; none already under an
 * application or an objection), forwarded by the credit office a day after filing and decided by `decider` two days
 * later; the last, forwarded today, waits for the department with its 3-working-day deadline running.
 */
export async function seedDepartmentRepairs(
  db: Db,
  secret: string,
  opts: { decider: SessionUser; admin: SessionUser; today: string; fates: readonly DemoRepairFate[] },
  ctx: AuditContext,
): Promise<DemoRepairsSummary> {
  const deps = { secret, notifier: createNotifier() };
  const now = Date.now();
  const n = opts.fates.length;
  // Filed every fourth day back from yesterday; eligible on the day the first one was filed.
  const filed = (i: number) => new Date(now - ((n - 1 - i) * 4 + 1) * MS_DAY);
  const by = new Date(filed(0).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const eligibleBy = by < opts.today ? by : opts.today;
  const candidates = await sql<{ id: string; uscc: string }>`
    SELECT DISTINCT ON (s.id) r.id, s.uscc FROM records r JOIN subjects s ON s.id = r.subject_id
    WHERE r.record_type = 'penalty' AND r.audience = 'public' AND r.status = 'active' AND r.repaired_at IS NULL
      AND r.department_id = ${opts.decider.departmentId ?? -1} AND s.kind IN ('legal', 'individual_business') AND s.uscc IS NOT NULL
      AND r.publicity->>'repairableFrom' IS NOT NULL AND r.publicity->>'repairableFrom' <= ${eligibleBy}
      AND NOT EXISTS (SELECT 1 FROM repair_applications a WHERE a.subject_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM objection_records o WHERE o.record_id = r.id)
    ORDER BY s.id, r.record_key`.execute(db);
  const summary: DemoRepairsSummary = { applications: 0, decided: 0 };
  // A small city may have fewer repairable penalties than fates: the oldest fates go first, the waiting one stays.
  const fates = opts.fates.slice(Math.max(0, n - candidates.rows.length));
  for (const [i, c] of candidates.rows.slice(0, fates.length).entries()) {
    const fate = fates[i];
    const filedAt = filed(i + n - fates.length);
    const applied = await applyForRepair(db, deps, {
      uscc: c.uscc, agentName: '企业经办人', agentMobile: `1370001${String(1000 + i).slice(-4)}`, channel: 'standard', recordIds: [c.id],
      commitmentConfirmed: true, materials: [{ kind: 'power_of_attorney', fileName: '授权委托书.pdf', content: PDF }],
    }, ctx, filedAt);
    summary.applications++;
    // The waiting one was forwarded this morning, so its deadline is still ahead on every load day.
    await forwardRepair(db, deps, opts.admin, applied.id, ctx, fate === 'forwarded' ? new Date(now) : new Date(filedAt.getTime() + MS_DAY));
    if (fate === 'forwarded') continue;
    const decision = fate === 'approved' ? { approve: true } : { approve: false, reason: '申请人未提交已缴清罚款的凭证，不符合信用修复条件' };
    await decideRepair(db, deps, opts.decider, applied.id, decision, { ...ctx, actor: actorOf(opts.decider) }, new Date(filedAt.getTime() + 3 * MS_DAY));
    summary.decided++;
  }
  return summary;
}
