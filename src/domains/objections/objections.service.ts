// 异议申诉 (docs/domain/03-publicity.md §3.4, issue 15 §2): filing on the portal with a 查询码, the credit
// office's 初审 (ask for missing material, or send to the source department), the department's verification
// and outcome (更正 as a new version, 撤销, or 不予更正 with reasons). Each step runs in one transaction with
// its audit entry, its step row and its notice; the records carry 异议处理中 while the objection is open.
import { randomInt } from 'node:crypto';
import type { Db, DbOrTx, Tx } from '../../db/index.ts';
import type { ObjectionScope } from '../../db/objections.types.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { encrypt, decrypt, hmacSha256 } from '../../platform/crypto.ts';
import { AppError, conflict, forbidden, isPgError, notFound, PG } from '../../platform/errors.ts';
import type { SessionUser } from '../../platform/http.ts';
import type { Notifier } from '../../platform/notifier.ts';
import { departmentScope, departmentsByIds } from '../auth/index.ts';
import { appendRecordVersion, recordsForObjection, setObjectionMark } from '../ingest/index.ts';
import { subjectBasics, subjectHasCode } from '../subjects/index.ts';
import { checkEvidence, type CheckedFile } from './evidence.ts';
import {
  OUTCOME_LABELS,
  SCOPE_LABELS,
  STATUS_LABELS,
  STEP_LABELS,
  type DecideInput,
  type FileInputBody,
  type FiledAnswerDto,
  type PrecheckInput,
  type PublicObjectionDto,
  type StaffObjectionDto,
} from './objections.schemas.ts';
import { beijingDay, calendarOf, dueAfter, objectionSettings } from './objections.settings.ts';
import { pledgeText } from './pledge.ts';

// 查询码: 12 characters without look-alikes (0/O, 1/I/L): about 60 bits, so guessing is hopeless even before
// the rate limit; only a keyed hash is stored.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const newQueryCode = () => Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
const codeHash = (secret: string, code: string) => hmacSha256(secret, `objection:${code.trim().toUpperCase().replace(/[\s-]/g, '')}`);
const maskMobile = (m: string) => `${m.slice(0, 3)}****${m.slice(-4)}`;

/** The 受理编号 staff and the applicant quote (not a secret: it opens nothing without the 查询码). */
export const objectionNo = (id: string, filedAt: Date) => `YS${beijingDay(filedAt).replaceAll('-', '')}${id.padStart(6, '0')}`;

/** What a step needs besides the database: the instance secret, the notifier and the clock. */
export interface ObjectionEnv {
  secret: string;
  notifier: Notifier;
  now?: Date;
}

async function insertFiles(trx: Tx, objectionId: string, stage: 'filing' | 'supplement', files: readonly CheckedFile[]): Promise<void> {
  if (!files.length) return;
  await trx
    .insertInto('objection_files')
    .values(files.map((f) => ({ objection_id: objectionId, stage, file_name: f.name, mime: f.mime, bytes: f.bytes, sha256: f.sha256, content: f.content })))
    .execute();
}

async function step(trx: Tx, objectionId: string, s: 'filed' | 'material_requested' | 'material_added' | 'sent' | 'decided', note: string | null, userId: number | null, at: Date) {
  await trx.insertInto('objection_steps').values({ objection_id: objectionId, step: s, note, user_id: userId, at }).execute();
}

/**
 * Files an objection from the portal (no account): checks the records belong to the subject whose code is
 * given, the evidence and the pledge, refuses a record that already has an open objection (409 with its
 * 受理编号), marks the records, and returns the 查询码 (shown once).
 */
export async function fileObjection(db: Db, env: ObjectionEnv, input: FileInputBody, ctx: AuditContext): Promise<FiledAnswerDto> {
  const now = env.now ?? new Date();
  if (!input.pledgeConfirmed) throw new AppError('objection_invalid', '请阅读并确认《异议申诉信用承诺书》', 422);
  const limits = await objectionSettings(db);
  const files = checkEvidence(input.files, { required: true, maxFiles: limits.maxFiles, maxFileBytes: limits.maxFileBytes });
  const ids = [...new Set(input.recordIds)];
  const records = await recordsForObjection(db, ids);
  // One answer for a missing record and for another subject's record: nothing about other records leaks.
  const subjectId = records[0]?.subject_id ?? null;
  if (records.length !== ids.length || !subjectId || records.some((r) => r.subject_id !== subjectId) || !(await subjectHasCode(db, env.secret, subjectId, input.subjectCode))) {
    await audit(db, ctx, { action: 'objection.file', outcome: 'denied', detail: { reason: 'records_or_code_mismatch', records: ids } });
    throw new AppError('objection_invalid', '所选信息与填写的主体代码不符：请从本主体的公示信息页面提出异议', 422);
  }
  const departments = new Set(records.map((r) => r.department_id));
  if (departments.size > 1) throw new AppError('objection_invalid', '所选信息来自不同的认定部门，请按部门分别提出异议', 422);
  const settings = await objectionSettings(db);
  const calendar = await calendarOf(db);
  const subject = await subjectBasics(db, subjectId);
  const code = newQueryCode();
  const dueOn = dueAfter(calendar, now, settings.precheckDays);
  try {
    return await db.transaction().execute(async (trx) => {
      const o = await trx
        .insertInto('objections')
        .values({
          query_code_hash: codeHash(env.secret, code),
          subject_id: subjectId,
          department_id: records[0].department_id,
          scope: input.scope as ObjectionScope,
          statement: input.statement.trim(),
          applicant_relation: input.relation,
          applicant_name: input.applicantName.trim(),
          applicant_mobile_enc: encrypt(env.secret, input.mobile, 'objection-mobile'),
          applicant_mobile_masked: maskMobile(input.mobile),
          pledge_text: pledgeText({ subjectName: subject?.name ?? null, applicantName: input.applicantName.trim(), day: beijingDay(now) }),
          status: 'precheck',
          due_on: dueOn,
          filed_at: now,
        })
        .returning(['id', 'filed_at'])
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('objection_records')
        .values(records.map((r) => ({ objection_id: o.id, record_id: r.id, version_at_filing: r.current_version })))
        .execute();
      await insertFiles(trx, o.id, 'filing', files);
      await setObjectionMark(trx, ids, settings.whileOpen === 'hide' ? 'hidden' : 'marked');
      await step(trx, o.id, 'filed', null, null, now);
      const no = objectionNo(o.id, o.filed_at);
      await audit(trx, ctx, { action: 'objection.file', target: `objection:${o.id}`, detail: { no, records: ids, scope: input.scope, files: files.length } });
      await env.notifier.notify(trx, {
        recipient: input.mobile,
        topic: 'objection.filed',
        ref: `objection:${o.id}`,
        subject: '异议申诉已受理',
        body: `您的异议申诉（受理编号 ${no}）已提交，信用办将于 ${dueOn} 前完成初审。请凭查询码和主体代码查询进度。`,
      });
      return { no, queryCode: code, dueOn };
    });
  } catch (e) {
    if (isPgError(e, PG.uniqueViolation)) {
      const open = await openObjectionFor(db, ids);
      throw conflict('objection_open_exists', `该信息已有正在处理的异议申诉（受理编号 ${open ?? '—'}），请等待其办结`, { openNo: open });
    }
    throw e;
  }
}

/** The 受理编号 of the open objection on any of these records, or null. */
async function openObjectionFor(db: DbOrTx, recordIds: readonly string[]): Promise<string | null> {
  const r = await db
    .selectFrom('objection_records as x')
    .innerJoin('objections as o', 'o.id', 'x.objection_id')
    .select(['o.id', 'o.filed_at'])
    .where('x.record_id', 'in', [...recordIds])
    .where('x.open', '=', true)
    .executeTakeFirst();
  return r ? objectionNo(r.id, r.filed_at) : null;
}

/** The objection whose 查询码 and subject code both match, or a 404 that says nothing about which was wrong. */
async function byCodes(db: DbOrTx, secret: string, queryCode: string, subjectCode: string, ctx: AuditContext) {
  const o = await db.selectFrom('objections').selectAll().where('query_code_hash', '=', codeHash(secret, queryCode)).executeTakeFirst();
  if (!o || !(await subjectHasCode(db, secret, o.subject_id, subjectCode))) {
    await audit(db, ctx, { action: 'objection.lookup', outcome: 'denied', detail: { found: false } });
    throw notFound('objection_not_found');
  }
  return o;
}

async function recordRefs(db: DbOrTx, objectionIds: readonly string[]) {
  if (!objectionIds.length) return new Map<string, Array<{ id: string; docNo: string; open: boolean; newVersion: number | null }>>();
  const rows = await db.selectFrom('objection_records').selectAll().where('objection_id', 'in', [...objectionIds]).orderBy('record_id').execute();
  const recs = new Map((await recordsForObjection(db, [...new Set(rows.map((r) => r.record_id))])).map((r) => [r.id, r]));
  const out = new Map<string, Array<{ id: string; docNo: string; open: boolean; newVersion: number | null }>>();
  for (const r of rows) {
    const list = out.get(r.objection_id) ?? [];
    list.push({ id: r.record_id, docNo: recs.get(r.record_id)?.doc_no ?? '', open: r.open, newVersion: r.new_version });
    out.set(r.objection_id, list);
  }
  return out;
}

async function stepsOf(db: DbOrTx, objectionId: string) {
  const rows = await db.selectFrom('objection_steps').selectAll().where('objection_id', '=', objectionId).orderBy('id').execute();
  return rows.map((s) => ({ step: s.step, label: STEP_LABELS[s.step], note: s.note, at: s.at.toISOString() }));
}

/** The applicant's view of progress and outcome (查询码 + the subject's code; audited). */
export async function lookupObjection(db: Db, secret: string, queryCode: string, subjectCode: string, ctx: AuditContext): Promise<PublicObjectionDto> {
  const o = await byCodes(db, secret, queryCode, subjectCode, ctx);
  await audit(db, ctx, { action: 'objection.lookup', target: `objection:${o.id}` });
  return {
    no: objectionNo(o.id, o.filed_at),
    scope: o.scope,
    scopeLabel: SCOPE_LABELS[o.scope],
    status: o.status,
    statusLabel: STATUS_LABELS[o.status],
    outcome: o.outcome,
    outcomeLabel: o.outcome ? OUTCOME_LABELS[o.outcome] : null,
    outcomeReason: o.outcome_reason,
    materialNote: o.status === 'awaiting_material' ? o.material_note : null,
    filedAt: o.filed_at.toISOString(),
    dueOn: o.due_on,
    records: (await recordRefs(db, [o.id])).get(o.id) ?? [],
    steps: await stepsOf(db, o.id),
  };
}

/** The applicant adds the missing material (only while it is asked for); back to 初审 with a new deadline. */
export async function addMaterial(db: Db, env: ObjectionEnv, input: { queryCode: string; subjectCode: string; note?: string; files: FileInputBody['files'] }, ctx: AuditContext): Promise<PublicObjectionDto> {
  const now = env.now ?? new Date();
  const settings = await objectionSettings(db);
  const files = checkEvidence(input.files, { required: true, maxFiles: settings.maxFiles, maxFileBytes: settings.maxFileBytes });
  const o = await byCodes(db, env.secret, input.queryCode, input.subjectCode, ctx);
  const dueOn = dueAfter(await calendarOf(db), now, settings.precheckDays);
  await db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable('objections')
      .set({ status: 'precheck', due_on: dueOn })
      .where('id', '=', o.id)
      .where('status', '=', 'awaiting_material')
      .executeTakeFirst();
    if (!moved.numUpdatedRows) throw conflict('objection_wrong_state', '当前无须补充材料：信用办未要求补充，或申诉已办结');
    await insertFiles(trx, o.id, 'supplement', files);
    await step(trx, o.id, 'material_added', input.note?.trim() || null, null, now);
    await audit(trx, ctx, { action: 'objection.material_added', target: `objection:${o.id}`, detail: { files: files.length } });
  });
  return lookupObjection(db, env.secret, input.queryCode, input.subjectCode, ctx);
}

type Row = Awaited<ReturnType<typeof loadForUpdate>>;
async function loadForUpdate(trx: Tx, id: string) {
  const o = await trx.selectFrom('objections').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!o) throw notFound('objection_not_found', '异议申诉不存在');
  return o;
}

function applicantMobile(secret: string, o: Row): string {
  return decrypt(secret, o.applicant_mobile_enc, 'objection-mobile');
}

/**
 * The credit office's 初审: ask the applicant for missing material (with what is missing), or send the
 * objection to the source department, which then has `departmentDays` working days.
 */
export async function precheck(db: Db, env: ObjectionEnv, user: SessionUser, id: string, input: PrecheckInput, ctx: AuditContext): Promise<void> {
  const now = env.now ?? new Date();
  const settings = await objectionSettings(db);
  const calendar = await calendarOf(db);
  await db.transaction().execute(async (trx) => {
    const o = await loadForUpdate(trx, id);
    if (o.status === 'decided') throw conflict('objection_already_decided');
    if (o.status !== 'precheck') throw conflict('objection_wrong_state', `该异议申诉当前处于“${STATUS_LABELS[o.status]}”环节，不能初审`);
    const no = objectionNo(o.id, o.filed_at);
    if (input.action === 'request_material') {
      const dueOn = dueAfter(calendar, now, settings.materialDays);
      await trx.updateTable('objections').set({ status: 'awaiting_material', material_note: input.note.trim(), due_on: dueOn }).where('id', '=', id).execute();
      await step(trx, id, 'material_requested', input.note.trim(), user.id, now);
      await audit(trx, ctx, { action: 'objection.material_requested', target: `objection:${id}`, detail: { note: input.note.trim() } });
      await env.notifier.notify(trx, {
        recipient: applicantMobile(env.secret, o),
        topic: 'objection.material_requested',
        ref: `objection:${id}`,
        subject: '异议申诉需补充材料',
        body: `您的异议申诉（受理编号 ${no}）需补充材料：${input.note.trim()}。请于 ${dueOn} 前凭查询码在门户补充。`,
      });
      return;
    }
    const dueOn = dueAfter(calendar, now, settings.departmentDays);
    await trx.updateTable('objections').set({ status: 'at_department', sent_at: now, due_on: dueOn, material_note: null }).where('id', '=', id).execute();
    await step(trx, id, 'sent', input.note?.trim() || null, user.id, now);
    await audit(trx, ctx, { action: 'objection.sent', target: `objection:${id}`, detail: { departmentId: o.department_id, dueOn } });
    await env.notifier.notify(trx, {
      recipient: `department:${o.department_id}`,
      topic: 'objection.sent',
      ref: `objection:${id}`,
      subject: '异议申诉待核实',
      body: `异议申诉（受理编号 ${no}，${SCOPE_LABELS[o.scope]}）已转本部门核实，请于 ${dueOn} 前办结。`,
    });
  });
}

/**
 * The source department's outcome (谁认定、谁负责): 更正 writes a new version of each record through ingest
 * (or takes the newer version the department already reported), 撤销 withdraws the records through ingest,
 * 不予更正 keeps them with the reasons. Only the department that reported the records (403 otherwise), only
 * once (409), all in one transaction with the mark cleared, the audit entry and the notice.
 */
export async function decideObjection(db: Db, env: ObjectionEnv, user: SessionUser, id: string, input: DecideInput, ctx: AuditContext): Promise<void> {
  const now = env.now ?? new Date();
  const calendar = await calendarOf(db);
  await db.transaction().execute(async (trx) => {
    const o = await loadForUpdate(trx, id);
    if (user.departmentId !== o.department_id) {
      await audit(trx, ctx, { action: 'objection.decide', target: `objection:${id}`, outcome: 'denied', detail: { reason: 'other_department' } });
      throw forbidden('department_forbidden', '只有报送该信息的认定部门可以核实处理这条异议申诉');
    }
    if (o.status === 'decided') throw conflict('objection_already_decided');
    if (o.status !== 'at_department') throw conflict('objection_wrong_state', `该异议申诉当前处于“${STATUS_LABELS[o.status]}”环节，尚未转本部门核实`);
    const links = await trx.selectFrom('objection_records').selectAll().where('objection_id', '=', id).forUpdate().execute();
    const recordIds = links.map((l) => l.record_id);
    const no = objectionNo(o.id, o.filed_at);
    const newVersions = new Map<string, number>();
    if (input.outcome === 'corrected') {
      const byRecord = new Map((input.corrections ?? []).map((c) => [c.recordId, c.values]));
      for (const k of byRecord.keys()) if (!recordIds.includes(k)) throw new AppError('objection_invalid', '更正内容所指的信息不在本异议申诉中', 422);
      const current = new Map((await recordsForObjection(trx, recordIds)).map((r) => [r.id, r]));
      for (const l of links) {
        const values = byRecord.get(l.record_id);
        if (values && Object.keys(values).length) {
          newVersions.set(l.record_id, await appendRecordVersion(trx, env.secret, { recordId: l.record_id, departmentId: o.department_id, userId: user.id, reason: `异议申诉 ${no} 核实更正：${input.reason}`, patch: values }));
        } else if ((current.get(l.record_id)?.current_version ?? 0) > l.version_at_filing) {
          // Corrected through the normal channels (file, API, form) since the filing: that version is the answer.
          newVersions.set(l.record_id, current.get(l.record_id)!.current_version);
        } else throw conflict('objection_not_corrected', `信息 ${current.get(l.record_id)?.doc_no ?? l.record_id} 尚无更正后的新版本：请填写更正内容，或先通过归集报送更正后的数据`);
      }
    } else if (input.outcome === 'withdrawn') {
      for (const r of recordIds) newVersions.set(r, await appendRecordVersion(trx, env.secret, { recordId: r, departmentId: o.department_id, userId: user.id, reason: `异议申诉 ${no} 核实撤销：${input.reason}`, withdraw: true }));
    }
    for (const l of links) {
      await trx.updateTable('objection_records').set({ open: false, new_version: newVersions.get(l.record_id) ?? null }).where('objection_id', '=', id).where('record_id', '=', l.record_id).execute();
    }
    await setObjectionMark(trx, recordIds, null);
    const workingDays = calendar.workingDaysBetween(beijingDay(o.filed_at), beijingDay(now)).days;
    await trx
      .updateTable('objections')
      .set({ status: 'decided', outcome: input.outcome, outcome_reason: input.reason.trim(), decided_at: now, decided_by: user.id, working_days: workingDays })
      .where('id', '=', id)
      .execute();
    await step(trx, id, 'decided', `${OUTCOME_LABELS[input.outcome]}：${input.reason.trim()}`, user.id, now);
    await audit(trx, ctx, { action: 'objection.decide', target: `objection:${id}`, detail: { outcome: input.outcome, records: recordIds, versions: Object.fromEntries(newVersions), workingDays } });
    await env.notifier.notify(trx, {
      recipient: applicantMobile(env.secret, o),
      topic: 'objection.decided',
      ref: `objection:${id}`,
      subject: '异议申诉已办结',
      body: `您的异议申诉（受理编号 ${no}）已办结：${OUTCOME_LABELS[input.outcome]}。理由：${input.reason.trim()}`,
    });
  });
}

/** Staff rows: the objections in the user's scope (all for the credit office), overdue first, then by deadline. */
export async function staffObjections(db: DbOrTx, user: SessionUser, q: { status?: 'open' | 'decided' | 'all'; id?: string; now?: Date }): Promise<StaffObjectionDto[]> {
  const scope = await departmentScope(db, user);
  let query = db.selectFrom('objections').selectAll();
  // A department sees an objection once the credit office has sent it (before that it is the office's).
  if (scope !== null) query = query.where('department_id', 'in', scope.length ? scope : [-1]).where('sent_at', 'is not', null);
  if (q.id) query = query.where('id', '=', q.id);
  const status = q.status ?? 'open';
  if (status === 'open') query = query.where('status', '<>', 'decided');
  if (status === 'decided') query = query.where('status', '=', 'decided');
  const rows = await query.orderBy('due_on').orderBy('id').limit(500).execute();
  const today = beijingDay(q.now ?? new Date());
  const refs = await recordRefs(db, rows.map((r) => r.id));
  const depts = await departmentsByIds(db, rows.map((r) => r.department_id));
  const names = new Map<string, string | null>();
  for (const r of rows) if (!names.has(r.subject_id)) names.set(r.subject_id, (await subjectBasics(db, r.subject_id))?.name ?? null);
  const files = rows.length
    ? await db.selectFrom('objection_files').select(['id', 'objection_id', 'file_name', 'mime', 'bytes', 'stage']).where('objection_id', 'in', rows.map((r) => r.id)).orderBy('id').execute()
    : [];
  const out: StaffObjectionDto[] = [];
  for (const r of rows) {
    out.push({
      id: r.id,
      no: objectionNo(r.id, r.filed_at),
      subjectId: r.subject_id,
      subjectName: names.get(r.subject_id) ?? null,
      departmentId: r.department_id,
      departmentName: depts.get(r.department_id)?.name ?? null,
      scope: r.scope,
      scopeLabel: SCOPE_LABELS[r.scope],
      statement: r.statement,
      relation: r.applicant_relation,
      applicantName: r.applicant_name,
      mobileMasked: r.applicant_mobile_masked,
      status: r.status,
      statusLabel: STATUS_LABELS[r.status],
      outcome: r.outcome,
      outcomeReason: r.outcome_reason,
      materialNote: r.material_note,
      filedAt: r.filed_at.toISOString(),
      dueOn: r.due_on,
      // Waiting for the applicant's material is not the staff's delay.
      overdue: r.status !== 'decided' && r.status !== 'awaiting_material' && r.due_on < today,
      workingDays: r.working_days,
      records: refs.get(r.id) ?? [],
      files: files.filter((f) => f.objection_id === r.id).map((f) => ({ id: f.id, name: f.file_name, mime: f.mime, bytes: f.bytes, stage: f.stage })),
      steps: status === 'all' || q.id ? await stepsOf(db, r.id) : [],
    });
  }
  // Overdue first, then by deadline (the SQL order), so that nothing late hides below the fold.
  return out.sort((a, b) => Number(b.overdue) - Number(a.overdue));
}

/** One objection for staff (404 outside the user's scope, so nothing leaks), with its steps. */
export async function staffObjection(db: DbOrTx, user: SessionUser, id: string): Promise<StaffObjectionDto> {
  const [o] = await staffObjections(db, user, { status: 'all', id });
  if (!o) throw notFound('objection_not_found', '异议申诉不存在');
  return o;
}

/** An evidence file for staff in scope; the read is audited (it may carry personal data). */
export async function evidenceFile(db: Db, user: SessionUser, id: string, fileId: string, ctx: AuditContext): Promise<{ name: string; mime: string; content: Buffer }> {
  await staffObjection(db, user, id);
  const f = await db.selectFrom('objection_files').select(['file_name', 'mime', 'content']).where('id', '=', fileId).where('objection_id', '=', id).executeTakeFirst();
  if (!f) throw notFound('objection_not_found', '证明材料不存在');
  await audit(db, ctx, { action: 'objection.evidence.read', target: `objection:${id}`, detail: { fileId } });
  return { name: f.file_name, mime: f.mime, content: f.content };
}
