// 信用承诺 (issue 15 §3, docs/domain/02-catalogue.md §2.2): a subject's 主动型 commitment made online, the
// fulfilment a department (or, for online commitments, the credit office) marks as 履约 or 违诺 with its basis,
// the breaches credit staff see, and the public list. Collected commitments are records (catalogue item
// credit_commitment_v1) read through ingest and publicity; this domain owns only what they do not hold.
import type { Db, DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { encrypt } from '../../platform/crypto.ts';
import { AppError, conflict, forbidden, isPgError, notFound, PG } from '../../platform/errors.ts';
import type { SessionUser } from '../../platform/http.ts';
import { chinaEpochDay, isoOfEpochDay } from '../../platform/workCalendar.ts';
import { departmentScope, departmentsByIds } from '../auth/index.ts';
import { currentContents, recordsForObjection, recordsOfTypeIn } from '../ingest/index.ts';
import { subjectBasics, subjectHasCode } from '../subjects/index.ts';
import { KIND_BY_CODE, KIND_LABELS, type BreachDto, type CommitmentStats, type FulfilmentInput, type PublicCommitmentDto, type VoluntaryInput } from './commitments.schemas.ts';

const today = (at: Date) => isoOfEpochDay(chinaEpochDay(at));

/** The generated text of a 主动型 commitment (the subject confirms it before it is made public). */
export function voluntaryText(subjectName: string, matter: string, day: string): string {
  return [
    '信用承诺书（主动型）',
    `${subjectName}就“${matter}”郑重承诺：`,
    '一、严格遵守法律法规和行业规范，依法诚信经营；',
    '二、所提供的信息和材料真实、准确、完整；',
    '三、自觉接受政府、行业组织、社会公众和新闻舆论的监督；',
    '四、如违背承诺，愿意承担相应责任，并同意将违诺情况记入信用记录、依法公开。',
    `承诺日期：${day}`,
  ].join('\n');
}

/** A subject that may commit online: an organisation or an individual business (it has a USCC). */
async function committingSubject(db: DbOrTx, subjectId: string) {
  const s = await subjectBasics(db, subjectId);
  if (!s || !s.uscc) throw new AppError('commitment_invalid', '仅法人及非法人组织、个体工商户可在线作出主动型信用承诺', 422);
  return s;
}

/** The text the portal shows for confirmation. */
export async function voluntaryPreview(db: DbOrTx, subjectId: string, matter: string, at = new Date()): Promise<string> {
  const s = await committingSubject(db, subjectId);
  return voluntaryText(s.name, matter.trim(), today(at));
}

/** Makes a subject's 主动型 commitment (the subject's USCC proves who commits; the text must be confirmed). */
export async function makeVoluntaryCommitment(db: Db, secret: string, input: VoluntaryInput, ctx: AuditContext, at = new Date()): Promise<PublicCommitmentDto> {
  if (!input.confirmed) throw new AppError('commitment_invalid', '请阅读并确认信用承诺书', 422);
  const s = await committingSubject(db, input.subjectId);
  if (!(await subjectHasCode(db, secret, input.subjectId, input.subjectCode))) {
    await audit(db, ctx, { action: 'commitment.make', outcome: 'denied', detail: { subjectId: input.subjectId, reason: 'code_mismatch' } });
    throw new AppError('commitment_invalid', '统一社会信用代码与该主体不符', 422);
  }
  const day = today(at);
  const text = voluntaryText(s.name, input.matter.trim(), day);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('commitments')
      .values({
        subject_id: input.subjectId,
        kind: 'voluntary',
        matter: input.matter.trim(),
        text,
        made_on: day,
        applicant_name: input.applicantName.trim(),
        applicant_mobile_enc: encrypt(secret, input.mobile, 'commitment-mobile'),
        applicant_mobile_masked: `${input.mobile.slice(0, 3)}****${input.mobile.slice(-4)}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, ctx, { action: 'commitment.make', target: `commitment:${row.id}`, detail: { subjectId: input.subjectId, matter: input.matter.trim() } });
    return { id: row.id, subjectId: input.subjectId, subjectName: s.name, kind: 'voluntary', kindLabel: KIND_LABELS.voluntary, matter: input.matter.trim(), text, madeOn: day };
  });
}

/** Online 主动型 commitments, newest first (all, or one subject's), with a keyset cursor on id. */
export async function voluntaryCommitments(db: DbOrTx, q: { subjectId?: string; cursor?: string; limit?: number }): Promise<{ items: PublicCommitmentDto[]; nextCursor: string | null }> {
  const limit = q.limit ?? 20;
  let query = db.selectFrom('commitments').select(['id', 'subject_id', 'kind', 'matter', 'text', 'made_on']).orderBy('id', 'desc').limit(limit + 1);
  if (q.subjectId) query = query.where('subject_id', '=', q.subjectId);
  if (q.cursor && /^\d{1,19}$/.test(q.cursor)) query = query.where('id', '<', q.cursor);
  const rows = await query.execute();
  const names = new Map<string, string | null>();
  for (const r of rows.slice(0, limit)) if (!names.has(r.subject_id)) names.set(r.subject_id, (await subjectBasics(db, r.subject_id))?.name ?? null);
  const items = rows.slice(0, limit).map((r) => ({ id: r.id, subjectId: r.subject_id, subjectName: names.get(r.subject_id) ?? null, kind: r.kind, kindLabel: KIND_LABELS[r.kind], matter: r.matter, text: r.text, madeOn: r.made_on }));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

/**
 * Marks a commitment 履约 or 违诺 with its basis, once (409 after). A collected commitment is marked by the
 * department that reported it (403 for another); an online 主动型 one by the credit office.
 */
export async function markFulfilment(db: Db, user: SessionUser, input: FulfilmentInput, ctx: AuditContext, at = new Date()): Promise<{ id: string }> {
  if (!input.recordId === !input.commitmentId) throw new AppError('commitment_invalid', '请指定一条信用承诺（归集的记录或在线承诺，二选一）', 422);
  let departmentId: number | null = null;
  if (input.recordId) {
    const [r] = await recordsForObjection(db, [input.recordId]);
    if (!r || r.record_type !== 'commitment') throw notFound('commitment_not_found');
    if (user.departmentId !== r.department_id) {
      await audit(db, ctx, { action: 'commitment.fulfilment', target: `record:${input.recordId}`, outcome: 'denied', detail: { reason: 'other_department' } });
      throw forbidden('department_forbidden', '只有受理该承诺的部门可以标记履约情况');
    }
    departmentId = r.department_id;
  } else {
    const c = await db.selectFrom('commitments').select('id').where('id', '=', input.commitmentId!).executeTakeFirst();
    if (!c) throw notFound('commitment_not_found');
    if (user.role !== 'admin') throw forbidden('role_forbidden', '在线主动型承诺的履约情况由信用办标记');
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('commitment_fulfilments')
        .values({ record_id: input.recordId ?? null, commitment_id: input.commitmentId ?? null, outcome: input.outcome, basis: input.basis.trim(), department_id: departmentId, user_id: user.id, marked_on: today(at) })
        .returning('id')
        .executeTakeFirstOrThrow();
      const target = input.recordId ? `record:${input.recordId}` : `commitment:${input.commitmentId}`;
      await audit(trx, ctx, { action: 'commitment.fulfilment', target, detail: { outcome: input.outcome, basis: input.basis.trim() } });
      return { id: row.id };
    });
  } catch (e) {
    if (isPgError(e, PG.uniqueViolation)) throw conflict('commitment_already_marked');
    throw e;
  }
}

/** Breaches (违诺) for credit staff: all for the credit office and auditors, a department's own otherwise. */
export async function breaches(db: DbOrTx, user: SessionUser): Promise<BreachDto[]> {
  const scope = await departmentScope(db, user);
  let q = db.selectFrom('commitment_fulfilments').selectAll().where('outcome', '=', 'breached').orderBy('marked_on', 'desc').orderBy('id', 'desc').limit(500);
  if (scope !== null) q = q.where('department_id', 'in', scope.length ? scope : [-1]);
  const rows = await q.execute();
  const recordIds = rows.flatMap((r) => (r.record_id ? [r.record_id] : []));
  const records = new Map((await recordsForObjection(db, recordIds)).map((r) => [r.id, r]));
  const contents = await currentContents(db, recordIds);
  const online = new Map(
    (rows.some((r) => r.commitment_id)
      ? await db.selectFrom('commitments').selectAll().where('id', 'in', rows.flatMap((r) => (r.commitment_id ? [r.commitment_id] : []))).execute()
      : []
    ).map((c) => [c.id, c]),
  );
  const depts = await departmentsByIds(db, rows.flatMap((r) => (r.department_id ? [r.department_id] : [])));
  const out: BreachDto[] = [];
  for (const r of rows) {
    const c = r.commitment_id ? online.get(r.commitment_id) : undefined;
    const content = r.record_id ? (contents.get(r.record_id) ?? {}) : {};
    const subjectId = c?.subject_id ?? (r.record_id ? (records.get(r.record_id)?.subject_id ?? null) : null);
    out.push({
      id: r.id,
      source: r.record_id ? 'collected' : 'online',
      recordId: r.record_id,
      commitmentId: r.commitment_id,
      subjectId,
      subjectName: subjectId ? ((await subjectBasics(db, subjectId))?.name ?? null) : null,
      kindLabel: c ? KIND_LABELS[c.kind] : (KIND_LABELS[KIND_BY_CODE[String(content.CN_LX ?? '')] ?? 'voluntary'] ?? ''),
      matter: c?.matter ?? String(content.CN_SX ?? ''),
      basis: r.basis,
      markedOn: r.marked_on,
      departmentName: r.department_id ? (depts.get(r.department_id)?.name ?? null) : '信用办',
    });
  }
  return out;
}

/** Commitment figures for [from, to] (days): made (collected by decision day + online), kept and breached (by marking day). */
export async function commitmentStats(db: DbOrTx, q: { from: string; to: string }): Promise<CommitmentStats> {
  const before = isoOfEpochDay(chinaEpochDay(new Date(`${q.to}T12:00:00+08:00`)) + 1);
  const collected = await recordsOfTypeIn(db, 'commitment', q.from, before);
  const online = Number(
    (await db.selectFrom('commitments').select((e) => e.fn.countAll<string>().as('n')).where('made_on', '>=', q.from).where('made_on', '<=', q.to).executeTakeFirstOrThrow()).n,
  );
  const marks = await db
    .selectFrom('commitment_fulfilments')
    .select((e) => [e.fn.count<string>('id').filterWhere('outcome', '=', 'kept').as('kept'), e.fn.count<string>('id').filterWhere('outcome', '=', 'breached').as('breached')])
    .where('marked_on', '>=', q.from)
    .where('marked_on', '<=', q.to)
    .executeTakeFirstOrThrow();
  return { made: collected + online, collected, online, kept: Number(marks.kept), breached: Number(marks.breached) };
}
