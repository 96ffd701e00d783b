// The demo city's 异议申诉 (issue 17 §1): firms object to public penalties through objections' own service
// (evidence files, pledge, deadlines on the working-day calendar). At the credit office's first check, one was asked
// for more material, two were sent to the market regulator and one of those decided (不予更正, with its reason),
// one waits; one on a district unit's record was sent to the unit, so a district administrator's queue is not empty.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import type { AuditContext } from '../../platform/audit.ts';
import type { SessionUser } from '../../platform/http.ts';
import { createNotifier } from '../../platform/notifier.ts';
import { actorOf } from '../../domains/auth/index.ts';
import { decideObjection, fileObjection, precheck } from '../../domains/objections/index.ts';

const PDF_BASE64 = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');
const MS_DAY = 86_400_000;

/** Public penalties of one department, one per firm, not already under a repair application. */
async function objectable(db: Db, departmentIds: readonly number[], n: number): Promise<Array<{ id: string; uscc: string }>> {
  if (!departmentIds.length) return [];
  const r = await sql<{ id: string; uscc: string }>`
    SELECT DISTINCT ON (s.id) r.id, s.uscc FROM records r JOIN subjects s ON s.id = r.subject_id
    WHERE r.record_type = 'penalty' AND r.audience = 'public' AND r.status = 'active' AND r.repaired_at IS NULL
      AND r.department_id = ANY(${[...departmentIds]}::int[]) AND s.kind = 'legal' AND s.uscc IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM repair_application_records a WHERE a.record_id = r.id)
    ORDER BY s.id DESC, r.record_key LIMIT ${n}`.execute(db);
  return r.rows;
}

/** Files the demo's objections and moves some along; returns how many were filed. */
export async function seedDemoObjections(db: Db, secret: string, opts: { admin: SessionUser; decider: SessionUser | null; districtUnitIds: readonly number[] }, ctx: AuditContext): Promise<number> {
  const now = Date.now();
  const cityRecords = opts.decider?.departmentId != null ? await objectable(db, [opts.decider.departmentId], 4) : [];
  const districtRecords = await objectable(db, opts.districtUnitIds, 1);
  const grounds = [
    { scope: 'error', statement: '公示的处罚金额与处罚决定书不一致，请予以更正。' },
    { scope: 'over_period', statement: '该行政处罚的最短公示期已满，且已履行处罚决定，不应继续公示。' },
    { scope: 'inconsistent', statement: '公示内容与认定机关作出的决定书内容不一致，申请核实。' },
  ] as const;
  let filed = 0;
  for (const [i, rec] of [...cityRecords, ...districtRecords].entries()) {
    const g = grounds[i % grounds.length];
    const at = new Date(now - (6 - i) * 2 * MS_DAY);
    const env = (d: Date) => ({ secret, notifier: createNotifier(), now: d });
    await fileObjection(db, env(at), {
      recordIds: [rec.id], subjectCode: rec.uscc, scope: g.scope, statement: g.statement, relation: 'subject', applicantName: '企业经办人',
      mobile: `1380000${String(2000 + i).slice(-4)}`, pledgeConfirmed: true, files: [{ name: '处罚决定书及缴款凭证.pdf', contentBase64: PDF_BASE64 }],
    }, ctx);
    filed++;
    // Filed one after another: the newest objection is this one.
    const id = (await db.selectFrom('objections').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()).id;
    const next = new Date(at.getTime() + MS_DAY);
    // The first is still at the credit office's first check; the second was asked for more material; the third and
    // fourth were sent to the regulator, which refused the fourth; the district's was sent to its unit to verify.
    const district = i >= cityRecords.length;
    if (i === 1 && !district) await precheck(db, env(next), opts.admin, id, { action: 'request_material', note: '请补充加盖公章的缴款凭证' }, ctx);
    if (i === 2 || i === 3 || district) await precheck(db, env(next), opts.admin, id, { action: 'send' }, ctx);
    if (i === 3 && !district && opts.decider) {
      await decideObjection(db, env(new Date(next.getTime() + MS_DAY)), opts.decider, id, { outcome: 'refused', reason: '经核实，公示内容与行政处罚决定书一致，不予更正' }, ctx);
    }
  }
  return filed;
}

/**
 * A department's own 异议申诉 (issue 17 §1: a district government's clerk saw an empty page): two firms object to
 * its public penalties; the credit office sent both on; `decider` verified the older one (不予更正, with its reason)
 * and the newer one, sent two days ago, waits for it within its deadline. Returns how many were filed.
 */
export async function seedDepartmentObjections(db: Db, secret: string, opts: { admin: SessionUser; decider: SessionUser }, ctx: AuditContext): Promise<number> {
  if (opts.decider.departmentId == null) return 0;
  const records = await objectable(db, [opts.decider.departmentId], 2);
  const now = Date.now();
  let filed = 0;
  for (const [i, rec] of records.entries()) {
    const older = i === 0 && records.length > 1;
    const at = new Date(now - (older ? 9 : 3) * MS_DAY);
    const env = (d: Date) => ({ secret, notifier: createNotifier(), now: d });
    await fileObjection(db, env(at), {
      recordIds: [rec.id], subjectCode: rec.uscc, scope: older ? 'error' : 'inconsistent',
      statement: older ? '公示的违法行为类型与处罚决定书记载不一致，请予以更正。' : '公示的处罚内容与决定书不一致，且处罚已履行完毕，申请核实。',
      relation: 'subject', applicantName: '企业经办人', mobile: `1380001${String(2000 + i).slice(-4)}`, pledgeConfirmed: true,
      files: [{ name: '处罚决定书及缴款凭证.pdf', contentBase64: PDF_BASE64 }],
    }, ctx);
    filed++;
    const id = (await db.selectFrom('objections').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow()).id;
    const sent = new Date(at.getTime() + MS_DAY);
    await precheck(db, env(sent), opts.admin, id, { action: 'send' }, ctx);
    if (older) {
      await decideObjection(db, env(new Date(sent.getTime() + 2 * MS_DAY)), opts.decider, id, { outcome: 'refused', reason: '经核实，公示内容与行政处罚决定书一致，不予更正' }, { ...ctx, actor: actorOf(opts.decider) });
    }
  }
  return filed;
}
