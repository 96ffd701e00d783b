// Credit repair (信用修复, issue 15 §1): eligibility, applying online, forwarding to the deciding department,
// the decision and its cascade, progress by 查询码, queues and figures. Services take `db` and own no HTTP.
// The caller's transaction owns every write; an application is written whole or not at all.
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/index.ts';
import type { RepairStatus } from '../../db/repair.types.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { loadCalendar } from '../../platform/calendar.service.ts';
import { decrypt, encrypt, hmacSha256, sha256 } from '../../platform/crypto.ts';
import { AppError, conflict, forbidden, isPgError, notFound, PG } from '../../platform/errors.ts';
import type { SessionUser } from '../../platform/http.ts';
import type { Notifier } from '../../platform/notifier.ts';
import type { TodoItem } from '../../platform/todos.ts';
import { chinaEpochDay, isoOfEpochDay, type WorkCalendar } from '../../platform/workCalendar.ts';
import { departmentsByIds } from '../auth/index.ts';
import { endEntriesForRecords, activeEntriesForSubjects } from '../lists/index.ts';
import { penaltiesSince, repairFactsOfRecords, repairFactsOfSubject, setRecordsRepaired, type RepairFacts } from '../publicity/index.ts';
import { findByUscc, subjectBasics } from '../subjects/index.ts';
import { recordEligibility, recordTypeName, repeatOffenderBar, type RecordEligibility } from './eligibility.ts';
import { STAFF_CHECKED_IDENTITY, type IdentityProvider } from './identity.ts';
import { checkedMediaType, MATERIAL_KINDS, type MaterialKind, type MaterialScanner, type MediaType } from './materials.ts';
import { commitmentText, type DocumentRecord } from './repair.documents.ts';
import { deadlinesOf, repairSettings } from './repair.settings.ts';

/** What the services need besides the database. */
export interface RepairDeps {
  /** The instance secret: decrypts records' personal fields, seals the agent's mobile, keys the 查询码 hash. */
  secret: string;
  notifier: Notifier;
  scanner?: MaterialScanner;
  identity?: IdentityProvider;
}

/** The day of `at` in China (YYYY-MM-DD). */
export const chinaDay = (at: Date): string => isoOfEpochDay(chinaEpochDay(at));

const codeHash = (secret: string, code: string) => hmacSha256(secret, `repair-query:${code.trim().toUpperCase()}`);
// No 0/O/1/I/L: the code is read from paper and typed by hand.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** A new 查询码: 12 characters (about 59 bits), shown once to the applicant. */
function newQueryCode(): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

const maskMobile = (m: string) => `${m.slice(0, 3)}****${m.slice(-4)}`;
/** The agent's mobile, for a notice. */
const agentMobile = (secret: string, blob: string) => decrypt(secret, blob, 'pii');

/** The subject a USCC names (legal persons and individual businesses); 404 when none. */
async function subjectByUscc(db: DbOrTx, uscc: string) {
  const s = (await findByUscc(db, uscc.trim().toUpperCase()))[0];
  if (!s) throw notFound('repair_subject_not_found');
  return s;
}

/** Records of these ids that are in an open application: record id → application id. */
async function openApplicationsOf(db: DbOrTx, recordIds: readonly string[]): Promise<Map<string, string>> {
  if (!recordIds.length) return new Map();
  const rows = await db.selectFrom('repair_application_records').select(['record_id', 'application_id']).where('record_id', 'in', [...recordIds]).where('open', '=', true).execute();
  return new Map(rows.map((r) => [r.record_id, r.application_id]));
}

/** The subject's eligibility, as the portal shows it before applying (public records only). */
export interface SubjectEligibility {
  subject: { name: string; uscc: string };
  records: Array<RecordEligibility & { departmentName: string }>;
  /** Entries on a list in force that rest on no repairable record here (exit through the list's own authority). */
  listEntries: Array<{ listName: string; decisionNo: string; listedOn: string | null; expiresOn: string | null; note: string }>;
  /** Why the subject may not apply at all now (repeat-offender bar), or null. */
  barred: string | null;
  restructuringChannel: boolean;
}

/** Eligibility of each public negative record of the subject named by `uscc` on the day of `at`. */
export async function subjectEligibility(db: Db, secret: string, uscc: string, at: Date = new Date(), channel: 'standard' | 'restructuring' = 'standard'): Promise<SubjectEligibility> {
  const subject = await subjectByUscc(db, uscc);
  const today = chinaDay(at);
  const settings = await repairSettings(db);
  // Only what the public may see on the day (the engine's decision for `at`): a record no longer public needs
  // no repair and is not disclosed here.
  const facts = (await repairFactsOfSubject(db, secret, subject.id, at)).filter((f) => f.decision?.audience === 'public');
  const open = await openApplicationsOf(db, facts.map((f) => f.recordId));
  const depts = await departmentsByIds(db, facts.map((f) => f.departmentId));
  const records = facts.map((f) => ({ ...recordEligibility(f, today, channel, open.has(f.recordId)), departmentName: depts.get(f.departmentId)?.name ?? '' }));
  const docNos = new Set(facts.map((f) => f.docNo));
  const entries = await activeEntriesForSubjects(db, [subject.id], today);
  const listEntries = entries
    .filter((e) => e.color === 'black' && !docNos.has(e.decisionNo))
    .map((e) => ({ listName: e.listName, decisionNo: e.decisionNo, listedOn: e.listedOn, expiresOn: e.expiresOn, note: '由认定部门依名单管理规定办理移出' }));
  return { subject: { name: subject.name, uscc: subject.uscc ?? uscc }, records, listEntries, barred: await barOf(db, settings, subject.id, at), restructuringChannel: settings.restructuringChannel };
}

async function barOf(db: DbOrTx, settings: Awaited<ReturnType<typeof repairSettings>>, subjectId: string, at: Date): Promise<string | null> {
  if (!settings.repeatOffenderBar.enabled) return null;
  const since = new Date(at);
  since.setUTCFullYear(since.getUTCFullYear() - settings.repeatOffenderBar.years);
  return repeatOffenderBar(settings, await penaltiesSince(db, subjectId, chinaDay(since)));
}

/** One uploaded file of an application. */
export interface MaterialUpload {
  kind: MaterialKind;
  fileName: string;
  content: Buffer;
}

export interface RepairApplicationInput {
  uscc: string;
  agentName: string;
  agentMobile: string;
  channel: 'standard' | 'restructuring';
  recordIds: string[];
  commitmentConfirmed: boolean;
  identityToken?: string | null;
  materials: MaterialUpload[];
}

const docRecord = (f: RepairFacts): DocumentRecord => ({ typeName: recordTypeName(f.recordType), docNo: f.docNo, decisionDate: f.decisionDate, authority: f.authority });

/** The checked records of an application: public, the subject's, one department, each eligible. */
async function checkedRecords(db: DbOrTx, secret: string, subjectId: string, input: Pick<RepairApplicationInput, 'recordIds' | 'channel'>, at: Date) {
  const ids = [...new Set(input.recordIds)];
  if (!ids.length) throw new AppError('repair_no_records');
  const facts = await repairFactsOfRecords(db, secret, ids, at);
  if (facts.length !== ids.length || facts.some((f) => f.subjectId !== subjectId || f.decision?.audience !== 'public')) throw notFound('repair_record_not_found');
  const open = await openApplicationsOf(db, ids);
  const today = chinaDay(at);
  for (const f of facts) {
    const e = recordEligibility(f, today, input.channel, open.has(f.recordId));
    if (e.state === 'open_application') {
      throw conflict('repair_open_exists', `信息 ${f.docNo} 已有办理中的信用修复申请（申请编号 ${open.get(f.recordId)}），请凭查询码查看进度`, { applicationId: open.get(f.recordId), recordId: f.recordId });
    }
    if (e.state === 'not_repairable') throw conflict('repair_not_repairable', `信息 ${f.docNo}：${e.reason}`, { recordId: f.recordId, reason: e.reason });
    if (e.state === 'not_yet') throw conflict('repair_not_yet_eligible', `信息 ${f.docNo}：${e.reason}`, { recordId: f.recordId, earliestDate: e.earliestDate, reason: e.reason });
  }
  // 谁认定、谁修复 (docs/domain/03-publicity.md §3.3): one application goes to one deciding department.
  if (new Set(facts.map((f) => f.departmentId)).size > 1) throw new AppError('repair_mixed_departments');
  return facts;
}

/** The 信用修复承诺书 an application would carry (shown on the portal before submitting). */
export async function previewCommitment(db: Db, secret: string, input: Pick<RepairApplicationInput, 'uscc' | 'agentName' | 'recordIds' | 'channel'>, at: Date = new Date()): Promise<string> {
  const subject = await subjectByUscc(db, input.uscc);
  const facts = await checkedRecords(db, secret, subject.id, input, at);
  return commitmentText({ subjectName: subject.name, uscc: subject.uscc ?? input.uscc, agentName: input.agentName, records: facts.map(docRecord), channel: input.channel });
}

/** What the applicant gets back: the 查询码 (shown once) and the answer deadline. */
export interface AppliedRepair {
  id: string;
  queryCode: string;
  answerDue: string;
  departmentName: string;
  commitment: string;
}

/**
 * Files an application: checks identity, materials (type, size, count, scan), the records' eligibility and
 * the bars, then writes the application, its records and materials, the audit entry and the 受理 notice in
 * one transaction. Deadlines: docs/domain/03-publicity.md §3.3 (answer within 10 working days, per regime in settings).
 */
export async function applyForRepair(db: Db, deps: RepairDeps, input: RepairApplicationInput, ctx: AuditContext, at: Date = new Date()): Promise<AppliedRepair> {
  if (!input.commitmentConfirmed) throw new AppError('repair_commitment_required');
  const settings = await repairSettings(db);
  const subject = await subjectByUscc(db, input.uscc);
  if (input.channel === 'restructuring' && !settings.restructuringChannel) throw conflict('repair_channel_disabled');

  // Materials first: cheap to refuse, and nothing is written before all of them pass.
  if (input.materials.length > settings.maxFiles) throw new AppError('repair_too_many_materials', `材料最多 ${settings.maxFiles} 个，本次上传了 ${input.materials.length} 个`);
  const files: Array<MaterialUpload & { mediaType: MediaType }> = [];
  for (const m of input.materials) {
    if (m.content.length > settings.maxFileBytes) {
      throw new AppError('repair_material_too_large', `材料「${m.fileName}」超过 ${(settings.maxFileBytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB 的上限`);
    }
    if (m.content.length === 0) throw new AppError('repair_material_fake', `材料「${m.fileName}」是空文件`);
    const mediaType = checkedMediaType(m.fileName, m.content);
    if (!(m.kind in MATERIAL_KINDS)) throw new AppError('repair_material_type', `未知的材料类别：${m.kind}`);
    files.push({ ...m, mediaType });
  }
  const identity = await (deps.identity ?? STAFF_CHECKED_IDENTITY).verify({ uscc: input.uscc, agentName: input.agentName, agentMobile: input.agentMobile, token: input.identityToken });
  const proof = files.find((f) => f.kind === 'power_of_attorney' || f.kind === 'legal_rep_proof');
  if (!identity.confirmed && !proof) throw new AppError('repair_identity_missing');
  if (input.channel === 'restructuring' && !files.some((f) => f.kind === 'court_ruling')) throw new AppError('repair_court_ruling_missing');

  const bar = await barOf(db, settings, subject.id, at);
  if (bar) throw conflict('repair_repeat_offender', bar);
  const facts = await checkedRecords(db, deps.secret, subject.id, input, at);

  // Scan last, just before writing: the slowest check, run only for an application that would be accepted.
  if (deps.scanner) {
    for (const f of files) {
      const r = await deps.scanner(f.fileName, f.content);
      if (!r.clean) throw new AppError('repair_material_infected', `材料「${f.fileName}」未通过病毒扫描${r.reason ? `（${r.reason}）` : ''}，未保存任何内容`);
    }
  }

  const regime = facts[0].decision?.regime ?? 'default';
  const departmentId = facts[0].departmentId;
  const dept = (await departmentsByIds(db, [departmentId])).get(departmentId);
  const cal = await loadCalendar(db);
  const appliedOn = chinaDay(at);
  const answerDue = cal.addWorkingDays(appliedOn, deadlinesOf(settings, regime).answerDays).date;
  const commitment = commitmentText({ subjectName: subject.name, uscc: subject.uscc ?? input.uscc, agentName: input.agentName, records: facts.map(docRecord), channel: input.channel });
  const queryCode = newQueryCode();

  try {
    const id = await db.transaction().execute(async (trx) => {
      const app = await trx
        .insertInto('repair_applications')
        .values({
          query_code_hash: codeHash(deps.secret, queryCode),
          subject_id: subject.id,
          uscc: subject.uscc ?? input.uscc,
          subject_name: subject.name,
          channel: input.channel,
          agent_name: input.agentName,
          agent_mobile_enc: encrypt(deps.secret, input.agentMobile, 'pii'),
          agent_mobile_masked: maskMobile(input.agentMobile),
          identity_kind: identity.confirmed ? 'provincial' : (proof!.kind as 'power_of_attorney' | 'legal_rep_proof'),
          department_id: departmentId,
          regime,
          status: 'submitted',
          commitment_text: commitment,
          applied_on: appliedOn,
          answer_due: answerDue,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('repair_application_records')
        .values(
          facts.map((f) => ({
            application_id: app.id,
            record_id: f.recordId,
            facts: JSON.stringify({ regime: f.decision?.regime, severity: f.decision?.severity, repairableFrom: f.decision?.repairableFrom, publicUntil: f.decision?.until, docNo: f.docNo }),
          })),
        )
        .execute();
      for (const f of files) {
        await trx
          .insertInto('repair_materials')
          .values({ application_id: app.id, kind: f.kind, file_name: f.fileName.slice(0, 200), media_type: f.mediaType, bytes: f.content.length, sha256: sha256(f.content), content: f.content })
          .execute();
      }
      await audit(trx, ctx, {
        action: 'repair.apply',
        target: `repair:${app.id}`,
        detail: { subjectId: subject.id, records: facts.map((f) => f.recordId), channel: input.channel, materials: files.length, answerDue },
      });
      await deps.notifier.notify(trx, {
        recipient: input.agentMobile,
        topic: 'repair.accepted',
        ref: `repair:${app.id}`,
        subject: '信用修复申请已受理',
        body: `${subject.name}的信用修复申请已受理（申请编号 ${app.id}），将于 ${answerDue} 前答复。请凭查询码和统一社会信用代码查询进度。`,
      });
      return app.id;
    });
    return { id, queryCode, answerDue, departmentName: dept?.name ?? '', commitment };
  } catch (e) {
    // Two applications for the same record at the same moment: the partial unique index lets one through.
    if (isPgError(e, PG.uniqueViolation)) throw conflict('repair_open_exists');
    throw e;
  }
}

/** An application as staff see it in the queue. */
export interface QueueItem {
  id: string;
  subjectName: string;
  uscc: string;
  departmentId: number;
  departmentName: string;
  channel: 'standard' | 'restructuring';
  status: RepairStatus;
  agentName: string;
  agentMobile: string;
  appliedOn: string;
  answerDue: string;
  forwardedOn: string | null;
  decideDue: string | null;
  decidedOn: string | null;
  /** The deadline that runs now: the department's while forwarded, else the answer to the applicant. */
  due: string | null;
  overdue: boolean;
  records: number;
}

/** Whether an application is past a deadline on `today`: open past its due day, or decided after it. */
function isOverdue(r: { status: RepairStatus; answer_due: string; decide_due: string | null; decided_on: string | null }, today: string): boolean {
  const end = r.decided_on ?? today;
  const late = (due: string | null) => due !== null && (r.decided_on ? end > due : today > due);
  return late(r.answer_due) || late(r.decide_due);
}

function isCreditOffice(user: SessionUser): boolean {
  return user.role === 'admin' || user.role === 'auditor';
}

/** Applications the user may see: the credit office all, a department those routed to it once forwarded. */
function scoped(db: DbOrTx, user: SessionUser) {
  let q = db.selectFrom('repair_applications as a');
  if (!isCreditOffice(user)) q = q.where('a.department_id', '=', user.departmentId ?? -1).where('a.status', '!=', 'submitted');
  return q;
}

/** The console queue: open applications first, overdue before the rest, then by the running deadline. */
export async function repairQueue(db: Db, user: SessionUser, o: { status?: 'open' | 'decided' | 'all' } = {}, at: Date = new Date()): Promise<QueueItem[]> {
  const today = chinaDay(at);
  let q = scoped(db, user).select([
    'a.id',
    'a.subject_name',
    'a.uscc',
    'a.department_id',
    'a.channel',
    'a.status',
    'a.agent_name',
    'a.agent_mobile_masked',
    'a.applied_on',
    'a.answer_due',
    'a.forwarded_on',
    'a.decide_due',
    'a.decided_on',
    (eb) => eb.selectFrom('repair_application_records as r').select((e) => e.fn.countAll<string>().as('n')).whereRef('r.application_id', '=', 'a.id').as('records'),
  ]);
  if (o.status !== 'all') q = q.where('a.status', 'in', o.status === 'decided' ? ['approved', 'refused'] : ['submitted', 'forwarded']);
  const rows = await q.orderBy('a.id', 'desc').limit(1000).execute();
  const depts = await departmentsByIds(db, rows.map((r) => r.department_id));
  const items = rows.map((r) => {
    const due = r.status === 'forwarded' ? r.decide_due : r.status === 'submitted' ? r.answer_due : null;
    return {
      id: r.id,
      subjectName: r.subject_name,
      uscc: r.uscc,
      departmentId: r.department_id,
      departmentName: depts.get(r.department_id)?.name ?? '',
      channel: r.channel,
      status: r.status,
      agentName: r.agent_name,
      agentMobile: r.agent_mobile_masked,
      appliedOn: r.applied_on,
      answerDue: r.answer_due,
      forwardedOn: r.forwarded_on,
      decideDue: r.decide_due,
      decidedOn: r.decided_on,
      due,
      overdue: isOverdue(r, today),
      records: Number(r.records ?? 0),
    };
  });
  const open = (s: RepairStatus) => s === 'submitted' || s === 'forwarded';
  return items.sort(
    (a, b) => Number(open(b.status)) - Number(open(a.status)) || Number(b.overdue) - Number(a.overdue) || (a.due ?? '9999').localeCompare(b.due ?? '9999') || Number(a.id) - Number(b.id),
  );
}

/** One application with its records and materials (no content), for staff in scope; 404 otherwise. */
export async function repairApplication(db: Db, user: SessionUser, id: string, ctx: AuditContext, at: Date = new Date()) {
  const a = await scoped(db, user).selectAll('a').where('a.id', '=', id).executeTakeFirst();
  if (!a) throw notFound('repair_not_found');
  const records = await db.selectFrom('repair_application_records').select(['record_id', 'facts', 'open']).where('application_id', '=', id).orderBy('record_id').execute();
  const materials = await db.selectFrom('repair_materials').select(['id', 'kind', 'file_name', 'media_type', 'bytes', 'created_at']).where('application_id', '=', id).orderBy('id').execute();
  const depts = await departmentsByIds(db, [a.department_id]);
  // Reading an application shows the agent's masked mobile only; the read is audited like other personal data.
  await audit(db, ctx, { action: 'repair.view', target: `repair:${id}` });
  return {
    id: a.id,
    subjectName: a.subject_name,
    uscc: a.uscc,
    channel: a.channel,
    status: a.status,
    agentName: a.agent_name,
    agentMobile: a.agent_mobile_masked,
    identityKind: a.identity_kind,
    departmentId: a.department_id,
    departmentName: depts.get(a.department_id)?.name ?? '',
    regime: a.regime,
    appliedOn: a.applied_on,
    answerDue: a.answer_due,
    forwardedOn: a.forwarded_on,
    decideDue: a.decide_due,
    decidedOn: a.decided_on,
    decisionReason: a.decision_reason,
    decisionNo: a.decision_no,
    overdue: isOverdue(a, chinaDay(at)),
    commitment: a.commitment_text,
    records: records.map((r) => ({ recordId: r.record_id, open: r.open, ...(r.facts as Record<string, string | null>) })),
    materials: materials.map((m) => ({ id: m.id, kind: m.kind, kindName: MATERIAL_KINDS[m.kind as MaterialKind] ?? m.kind, fileName: m.file_name, mediaType: m.media_type, bytes: m.bytes })),
  };
}

/** One material's file, for staff in scope (audited); never served on a public path. */
export async function repairMaterial(db: Db, user: SessionUser, id: string, materialId: string, ctx: AuditContext) {
  const a = await scoped(db, user).select('a.id').where('a.id', '=', id).executeTakeFirst();
  if (!a) throw notFound('repair_not_found');
  const m = await db.selectFrom('repair_materials').select(['file_name', 'media_type', 'content']).where('application_id', '=', id).where('id', '=', materialId).executeTakeFirst();
  if (!m) throw notFound('repair_not_found');
  await audit(db, ctx, { action: 'repair.material.download', target: `repair:${id}`, detail: { material: materialId } });
  return { fileName: m.file_name, mediaType: m.media_type, content: m.content };
}

/** Locks an application for a transition; 404 when it does not exist. */
async function lockApplication(trx: DbOrTx, id: string) {
  const a = await trx.selectFrom('repair_applications').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!a) throw notFound('repair_not_found');
  return a;
}

/**
 * The credit office forwards an application to the deciding department after checking the proof of authority
 * (谁认定、谁修复); the department's 3 working days run from this day (docs/domain/03-publicity.md §3.3).
 */
export async function forwardRepair(db: Db, deps: RepairDeps, user: SessionUser, id: string, ctx: AuditContext, at: Date = new Date()): Promise<{ decideDue: string }> {
  const cal = await loadCalendar(db);
  const settings = await repairSettings(db);
  return db.transaction().execute(async (trx) => {
    const a = await lockApplication(trx, id);
    if (a.status !== 'submitted') throw conflict('repair_already_forwarded');
    const today = chinaDay(at);
    const decideDue = cal.addWorkingDays(today, deadlinesOf(settings, a.regime).decideDays).date;
    await trx.updateTable('repair_applications').set({ status: 'forwarded', forwarded_on: today, forwarded_by: user.id, decide_due: decideDue, updated_at: sql`now()` }).where('id', '=', id).execute();
    await audit(trx, ctx, { action: 'repair.forward', target: `repair:${id}`, detail: { departmentId: a.department_id, decideDue } });
    await deps.notifier.notify(trx, {
      recipient: `department:${a.department_id}`,
      topic: 'repair.forwarded',
      ref: `repair:${id}`,
      subject: '收到信用修复申请',
      body: `信用修复申请（编号 ${id}）已转送本部门，请于 ${decideDue} 前作出决定。`,
    });
    await deps.notifier.notify(trx, {
      recipient: agentMobile(deps.secret, a.agent_mobile_enc),
      topic: 'repair.forwarded',
      ref: `repair:${id}`,
      subject: '信用修复申请已转送认定部门',
      body: `你的信用修复申请（编号 ${id}）已转送认定部门办理。`,
    });
    return { decideDue };
  });
}


/**
 * The deciding department approves or refuses, with reasons. Approval, in one transaction: the records are set
 * repaired and their publicity decided again (audience none: off public pages, search, reports, exports and
 * sharing, docs/domain/03-publicity.md §3.3 办法 art. 3), list entries resting on them end (the lists cascade), and
 * the application keeps the history. Deciding twice → 409; another department's application → 403.
 */
export async function decideRepair(
  db: Db,
  deps: RepairDeps,
  user: SessionUser,
  id: string,
  body: { approve: boolean; reason?: string | null },
  ctx: AuditContext,
  at: Date = new Date(),
): Promise<{ status: RepairStatus; decisionNo: string; endedListEntries: number }> {
  const reason = body.reason?.trim() || null;
  if (!body.approve && !reason) throw new AppError('repair_reason_required', '不予修复须写明理由');
  // The department check first, outside the transaction, so that the denied attempt stays in the audit log.
  const owner = await db.selectFrom('repair_applications').select('department_id').where('id', '=', id).executeTakeFirst();
  if (!owner) throw notFound('repair_not_found');
  if (owner.department_id !== user.departmentId) {
    await audit(db, ctx, { action: 'repair.decide', target: `repair:${id}`, outcome: 'denied', detail: { reason: 'other_department' } });
    throw forbidden('forbidden', '只有认定该信息的部门可以决定这项信用修复申请（谁认定、谁修复）');
  }
  return db.transaction().execute(async (trx) => {
    const a = await lockApplication(trx, id);
    if (a.status === 'approved' || a.status === 'refused') throw conflict('repair_already_decided', `该申请已于 ${a.decided_on} 作出${a.status === 'approved' ? '修复' : '不予修复'}决定，不能重复决定`);
    if (a.status !== 'forwarded') throw conflict('repair_not_forwarded');
    const today = chinaDay(at);
    const records = (await trx.selectFrom('repair_application_records').select('record_id').where('application_id', '=', id).execute()).map((r) => r.record_id);
    let ended: string[] = [];
    if (body.approve) {
      await setRecordsRepaired(trx, deps.secret, records, today, at);
      ended = await endEntriesForRecords(trx, records, 'repaired', ctx, today);
    }
    const status: RepairStatus = body.approve ? 'approved' : 'refused';
    const decisionNo = `${body.approve ? '信修决' : '信修不决'}〔${today.slice(0, 4)}〕${id}号`;
    await trx
      .updateTable('repair_applications')
      .set({ status, decided_on: today, decided_at: at, decided_by: user.id, decision_reason: reason, decision_no: decisionNo, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
    await trx.updateTable('repair_application_records').set({ open: false }).where('application_id', '=', id).execute();
    await audit(trx, ctx, { action: body.approve ? 'repair.approve' : 'repair.refuse', target: `repair:${id}`, detail: { records, reason, listEntriesEnded: ended } });
    await deps.notifier.notify(trx, {
      recipient: agentMobile(deps.secret, a.agent_mobile_enc),
      topic: 'repair.decided',
      ref: `repair:${id}`,
      subject: body.approve ? '信用修复申请已通过' : '信用修复申请未通过',
      body: body.approve
        ? `你的信用修复申请（编号 ${id}）已通过，相关信息已终止公示。决定书可凭查询码下载。`
        : `你的信用修复申请（编号 ${id}）未通过。理由：${reason}。决定书可凭查询码下载。`,
    });
    return { status, decisionNo, endedListEntries: ended.length };
  });
}

/** Progress as the applicant sees it with the 查询码 and the subject's USCC together; 404 for any wrong pair. */
export async function repairProgress(db: Db, secret: string, uscc: string, code: string) {
  const a = await db
    .selectFrom('repair_applications as a')
    .select(['a.id', 'a.status', 'a.applied_on', 'a.answer_due', 'a.forwarded_on', 'a.decided_on', 'a.decision_reason', 'a.decision_no', 'a.department_id', 'a.subject_name'])
    .where('a.query_code_hash', '=', codeHash(secret, code))
    .where('a.uscc', '=', uscc.trim().toUpperCase())
    .executeTakeFirst();
  if (!a) throw notFound('repair_query_not_found');
  const records = await db
    .selectFrom('repair_application_records')
    .select([sql<string>`facts->>'docNo'`.as('doc_no')])
    .where('application_id', '=', a.id)
    .orderBy('record_id')
    .execute();
  const depts = await departmentsByIds(db, [a.department_id]);
  return {
    id: a.id,
    subjectName: a.subject_name,
    status: a.status,
    appliedOn: a.applied_on,
    answerDue: a.answer_due,
    forwardedOn: a.forwarded_on,
    decidedOn: a.decided_on,
    decisionReason: a.decision_reason,
    decisionNo: a.decision_no,
    departmentName: depts.get(a.department_id)?.name ?? '',
    docNos: records.map((r) => r.doc_no),
  };
}

/** The data of an application's decision document (approved or refused), by id; null while undecided. */
export async function decisionDocumentData(db: Db, secret: string, id: string) {
  const a = await db
    .selectFrom('repair_applications as a')
    .select(['a.status', 'a.decision_no', 'a.applied_on', 'a.decided_on', 'a.decision_reason', 'a.department_id', 'a.uscc', 'a.subject_name'])
    .where('a.id', '=', id)
    .executeTakeFirst();
  if (!a) throw notFound('repair_not_found');
  if (a.status !== 'approved' && a.status !== 'refused') return null;
  const recordIds = (await db.selectFrom('repair_application_records').select('record_id').where('application_id', '=', id).execute()).map((r) => r.record_id);
  const facts = await repairFactsOfRecords(db, secret, recordIds);
  const depts = await departmentsByIds(db, [a.department_id]);
  return {
    approved: a.status === 'approved',
    decisionNo: a.decision_no ?? '',
    subjectName: a.subject_name,
    uscc: a.uscc,
    departmentName: depts.get(a.department_id)?.name ?? '',
    appliedOn: a.applied_on,
    decidedOn: a.decided_on ?? '',
    reason: a.decision_reason,
    records: facts.map(docRecord),
  };
}

/** Figures for monitoring and the scorecards: applied, approved, refused, average working days, overdue. */
export interface RepairStats {
  applied: number;
  approved: number;
  refused: number;
  open: number;
  /** Mean working days from applying to the decision, over decided applications; null when none. */
  averageWorkingDays: number | null;
  /** Open past a deadline, or decided after one. */
  overdue: number;
  byDepartment: Array<{ departmentId: number; departmentName: string; applied: number; approved: number; refused: number; overdue: number; averageWorkingDays: number | null }>;
}

/** Repair figures for applications made between `from` and `to` (inclusive, YYYY-MM-DD). */
export async function repairStats(db: DbOrTx, range: { from: string; to: string }, at: Date = new Date()): Promise<RepairStats> {
  const rows = await db
    .selectFrom('repair_applications')
    .select(['department_id', 'status', 'applied_on', 'answer_due', 'decide_due', 'decided_on'])
    .where('applied_on', '>=', range.from)
    .where('applied_on', '<=', range.to)
    .execute();
  const cal: WorkCalendar = await loadCalendar(db);
  const today = chinaDay(at);
  type Acc = { applied: number; approved: number; refused: number; overdue: number; days: number[] };
  const acc = (): Acc => ({ applied: 0, approved: 0, refused: 0, overdue: 0, days: [] });
  const all = acc();
  const per = new Map<number, Acc>();
  for (const r of rows) {
    const d = per.get(r.department_id) ?? acc();
    per.set(r.department_id, d);
    for (const x of [all, d]) {
      x.applied++;
      if (r.status === 'approved') x.approved++;
      if (r.status === 'refused') x.refused++;
      if (isOverdue(r, today)) x.overdue++;
      if (r.decided_on) x.days.push(cal.workingDaysBetween(r.applied_on, r.decided_on).days);
    }
  }
  const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 10) / 10 : null);
  const depts = await departmentsByIds(db, [...per.keys()]);
  return {
    applied: all.applied,
    approved: all.approved,
    refused: all.refused,
    open: all.applied - all.approved - all.refused,
    averageWorkingDays: mean(all.days),
    overdue: all.overdue,
    byDepartment: [...per.entries()]
      .map(([id, x]) => ({ departmentId: id, departmentName: depts.get(id)?.name ?? '', applied: x.applied, approved: x.approved, refused: x.refused, overdue: x.overdue, averageWorkingDays: mean(x.days) }))
      .sort((a, b) => a.departmentId - b.departmentId),
  };
}

/** The desk's to-dos: the credit office forwards and watches overdue ones; a department decides its own. */
export async function repairTodoItems(db: DbOrTx, user: SessionUser, at: Date = new Date()): Promise<TodoItem[]> {
  const today = chinaDay(at);
  if (user.role === 'auditor') return [];
  if (user.role === 'admin') {
    const r = await db
      .selectFrom('repair_applications')
      .select([
        sql<number>`count(*) FILTER (WHERE status = 'submitted')::int`.as('to_forward'),
        sql<number>`count(*) FILTER (WHERE status = 'submitted' AND answer_due < ${today})::int`.as('to_forward_overdue'),
        // Late at a department; late ones still to forward are in to_forward's overdue (a badge sums both, once each).
        sql<number>`count(*) FILTER (WHERE status = 'forwarded' AND (answer_due < ${today} OR decide_due < ${today}))::int`.as('overdue'),
      ])
      .executeTakeFirstOrThrow();
    const items: TodoItem[] = [];
    if (r.to_forward) items.push({ key: 'repair.to_forward', label: '待转送的信用修复申请', count: r.to_forward, overdue: r.to_forward_overdue, link: '/console/repair?status=open' });
    if (r.overdue) items.push({ key: 'repair.overdue', label: '超期的信用修复申请', count: r.overdue, overdue: r.overdue, link: '/console/repair?status=open' });
    return items;
  }
  if (user.departmentId === null) return [];
  const r = await db
    .selectFrom('repair_applications')
    .select([sql<number>`count(*)::int`.as('due'), sql<number>`count(*) FILTER (WHERE decide_due < ${today} OR answer_due < ${today})::int`.as('overdue')])
    .where('department_id', '=', user.departmentId)
    .where('status', '=', 'forwarded')
    .executeTakeFirstOrThrow();
  return r.due ? [{ key: 'repair.due', label: '待决定的信用修复申请', count: r.due, overdue: r.overdue, link: '/console/repair?status=open' }] : [];
}

/**
 * The data of a 信用修复告知书 for one collected penalty (两书同达, docs/domain/03-publicity.md §3.3), from the
 * engine's decision: for the department that reported it, or the credit office; 404 otherwise.
 */
export async function noticeDocumentData(db: Db, secret: string, user: SessionUser, recordId: string, at: Date = new Date()) {
  const f = (await repairFactsOfRecords(db, secret, [recordId], at)).find((x) => x.recordType === 'penalty');
  if (!f || (!isCreditOffice(user) && f.departmentId !== user.departmentId)) throw notFound('record_not_found');
  const subject = f.subjectId ? await subjectBasics(db, f.subjectId) : undefined;
  const depts = await departmentsByIds(db, [f.departmentId]);
  const e = recordEligibility(f, chinaDay(at), 'standard', false);
  const deadlines = deadlinesOf(await repairSettings(db), f.decision?.regime ?? 'default');
  const repairable = e.state !== 'not_repairable' || (f.decision !== null && !f.decision.specificSerious && f.decision.repairableFrom !== null);
  return {
    subjectName: subject?.name ?? '',
    record: docRecord(f),
    departmentName: depts.get(f.departmentId)?.name ?? '',
    publicUntil: f.decision?.until ?? null,
    earliestDate: repairable ? (f.decision?.repairableFrom ?? null) : null,
    notRepairableReason: repairable ? null : (e.reason ?? f.decision?.explanation ?? null),
    materials: e.materials.map((m) => m.name),
    answerDays: deadlines.answerDays,
    decideDays: deadlines.decideDays,
    issuedOn: chinaDay(at),
  };
}
