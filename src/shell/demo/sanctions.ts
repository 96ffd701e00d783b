// The demo city's joint rewards and punishments (联合奖惩, issue 17 §1): the market regulator checks subjects on
// the lists before its decisions, through sanctions' own check service, and gives feedback on most checks with
// hits (one measure not applied, with its reason); the rest are still owed (the clerk's 待反馈 to-do). The credit
// office publishes two of the applied measures as 联合奖惩案例 on the portal.
import type pg from 'pg';
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { AuditContext } from '../../platform/audit.ts';
import { installShippedMeasures, markNotable, recordFeedback, runCheck, SCENARIOS } from '../../domains/sanctions/index.ts';

export interface DemoChecksSummary {
  checks: number;
  withFeedback: number;
  cases: number;
}

/**
 * Runs the demo's checks as the department of `officer` (a clerk of the market regulator), on listed subjects
 * and some without entries; deterministic for the rng. `adminId` is the credit office's user who publishes cases.
 */
export async function seedDemoChecks(
  db: Db,
  pool: pg.Pool,
  secret: string,
  officer: { id: number; departmentId: number },
  adminId: number,
  rng: () => number,
  ctx: AuditContext,
): Promise<DemoChecksSummary> {
  // The shipped measure list (serve installs it on start too; idempotent).
  await installShippedMeasures(db);
  const listed = await sql<{ uscc: string }>`
    SELECT DISTINCT s.uscc FROM list_entries e JOIN subjects s ON s.id = e.subject_id
    WHERE e.status = 'listed' AND s.uscc IS NOT NULL ORDER BY s.uscc LIMIT 40`.execute(db);
  const clean = await sql<{ uscc: string }>`
    SELECT s.uscc FROM subjects s WHERE s.kind = 'legal' AND s.uscc IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM list_entries e WHERE e.subject_id = s.id) ORDER BY s.uscc LIMIT 20`.execute(db);
  const summary: DemoChecksSummary = { checks: 0, withFeedback: 0, cases: 0 };
  const withHits: Array<{ checkId: string; scenario: string; subjectId: string; measureIds: string[]; subjectName: string }> = [];
  // One check per listed subject (two in three with a clean subject beside it), in a scenario of the regulator's work.
  for (const [i, s] of listed.rows.entries()) {
    const subjects = [{ uscc: s.uscc }, ...(i % 3 !== 2 && clean.rows[i % Math.max(1, clean.rows.length)] ? [{ uscc: clean.rows[i % clean.rows.length].uscc }] : [])];
    const scenario = SCENARIOS[Math.floor(rng() * 5)];
    const answer = await runCheck(db, { secret, departmentId: officer.departmentId, channel: 'console', userId: officer.id, scenario, subjects }, ctx, pool);
    summary.checks++;
    const hit = answer.subjects.find((a) => a.subject && a.measures.length + a.incentives.length > 0);
    if (hit) withHits.push({ checkId: answer.checkId, scenario, subjectId: hit.subject!.id, subjectName: hit.subject!.name, measureIds: [...hit.measures, ...hit.incentives].map((m) => m.id) });
  }
  // Feedback on three checks in four; the last measure of every fifth one was not applied (with the reason).
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  for (const [i, c] of withHits.entries()) {
    if (i % 4 === 3) continue;
    const items = c.measureIds.map((measureId, k) => {
      const applied = !(i % 5 === 0 && k === c.measureIds.length - 1);
      return {
        subjectId: c.subjectId, measureId, applied, actedOn: today,
        reason: applied ? null : '该事项已办结，本次不适用此措施',
        caseDescription: applied ? `在${c.scenario}中依据名单对${c.subjectName}实施了该措施` : `核查后未对${c.subjectName}实施该措施`,
      };
    });
    await db.transaction().execute(async (trx) => void (await recordFeedback(trx, c.checkId, officer, items, ctx)));
    summary.withFeedback++;
  }
  // Two applied measures become 联合奖惩案例 on the portal (title and summary written by the credit office).
  const applied = await db.selectFrom('sanction_feedback').select(['id', 'case_description']).where('applied', '=', true).orderBy('id').limit(2).execute();
  for (const f of applied) {
    await markNotable(db, f.id, adminId, { title: '依据信用名单实施联合奖惩', summary: f.case_description }, ctx);
    summary.cases++;
  }
  return summary;
}
