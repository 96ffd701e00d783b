// The local list lifecycle (issue 14 §3; docs/domain/04-joint-measures.md §4.1a and §4.2): 拟列入 with its basis →
// 告知 (告知书 with the objection window) → 审核 → 列入 and 公示 → 有效期 → 移出. Each transition is one
// transaction: the entry row (guarded by its lock_version, so of two people acting at once one wins and the
// other gets a 409), a history row and an audit row.
import { CompiledQuery, sql } from 'kysely';
import type pg from 'pg';
import type { Db, DbOrTx } from '../../db/index.ts';
import type { ListEntryStatus, ListExitReason } from '../../db/lists.types.ts';
import type { Role } from '../../db/types.ts';
import { hmacSha256With, sealer } from '../../db/crypto.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { loadCalendar } from '../../platform/calendar.service.ts';
import { AppError, conflict, forbidden, isPgError, notFound, PG } from '../../platform/errors.ts';
import type { SessionUser } from '../../platform/http.ts';
import { getSetting } from '../../platform/settings.ts';
import { chinaToday } from '../../platform/workCalendar.ts';
import { checkIdNumber, checkUscc } from '../codes/index.ts';
import { recordsByIds } from '../ingest/index.ts';
import { setListRecordsRemoved } from '../publicity/index.ts';
import { linkSubjects, type BulkQuery } from '../subjects/index.ts';
import { addHistory } from './history.ts';
import type { ProposeBody, SubjectInput, TransitionAction, TransitionBody } from './lists.schemas.ts';
import { currentListType } from './types.service.ts';

/**
 * Who may do what (README.md, "Roles"). A department's reporter proposes and notifies for its own department;
 * the reviewer (or the credit office's admin) reviews or rejects; only the credit office's admin lists and
 * removes, because listing and removal are what the public and every check see.
 */
export const LIFECYCLE_ROLES: Record<'propose' | TransitionAction, Role[]> = {
  propose: ['admin', 'reporter'],
  notify: ['admin', 'reporter'],
  review: ['admin', 'reviewer'],
  reject: ['admin', 'reviewer'],
  list: ['admin'],
  remove: ['admin'],
};

/** The states an action moves an entry out of, and into. */
const MOVES: Record<TransitionAction, { from: ListEntryStatus[]; to: ListEntryStatus }> = {
  notify: { from: ['proposed'], to: 'notified' },
  review: { from: ['notified'], to: 'reviewed' },
  reject: { from: ['proposed', 'notified', 'reviewed'], to: 'rejected' },
  list: { from: ['reviewed'], to: 'listed' },
  remove: { from: ['listed'], to: 'removed' },
};

export const STATUS_LABEL: Record<ListEntryStatus, string> = {
  proposed: '拟列入',
  notified: '已告知',
  reviewed: '已审核',
  listed: '已列入',
  removed: '已移出',
  rejected: '不予列入',
};
export const ACTION_LABEL: Record<TransitionAction | 'propose' | 'expire', string> = {
  propose: '拟列入',
  notify: '告知',
  review: '审核通过',
  reject: '不予列入',
  list: '列入并公示',
  remove: '移出',
  expire: '有效期届满移出',
};

/** The objection window in working days (setting `lists.objectionWorkingDays`, default 5). */
export const OBJECTION_DAYS_SETTING = 'lists.objectionWorkingDays';
export async function objectionWorkingDays(db: DbOrTx): Promise<number> {
  const v = await getSetting(db, OBJECTION_DAYS_SETTING);
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 60 ? v : 5;
}

export { chinaToday };

/** The actions this user may take on an entry in its current state (the console shows only these buttons). */
export function allowedActions(user: SessionUser, e: { status: ListEntryStatus; department_id: number | null; origin: string }): TransitionAction[] {
  return (Object.keys(MOVES) as TransitionAction[]).filter((a) => {
    if (!LIFECYCLE_ROLES[a].includes(user.role)) return false;
    if (!MOVES[a].from.includes(e.status)) return false;
    if (e.origin === 'collected' && a !== 'remove') return false;
    return user.role !== 'reporter' || e.department_id === user.departmentId;
  });
}

const query = (db: DbOrTx): BulkQuery =>
  (async (text: string, values?: unknown[]) => {
    const r = await db.executeQuery(CompiledQuery.raw(text, values ?? []));
    return { rows: r.rows, rowCount: r.rows.length } as unknown as pg.QueryResult;
  }) as BulkQuery;

/** The registry id of a named subject, creating it as an import would (subjects.linkSubjects). */
async function subjectFor(trx: DbOrTx, s: SubjectInput, secret: string): Promise<string> {
  const uscc = s.uscc?.trim().toUpperCase() || null;
  const idNumber = s.idNumber?.trim().toUpperCase() || null;
  if (uscc && checkUscc(uscc).verdict === 'invalid') throw new AppError('validation_failed', `统一社会信用代码“${uscc}”校验不通过`, 400);
  if (!uscc && s.kind !== 'natural_person') throw new AppError('list_subject_required', '法人、非法人组织和个体工商户须填写统一社会信用代码', 400);
  if (!uscc && !idNumber) throw new AppError('list_subject_required', '自然人须填写身份证件号码', 400);
  if (idNumber && checkIdNumber(idNumber).verdict === 'invalid') throw new AppError('validation_failed', '身份证件号码校验不通过', 400);
  const idHash = !uscc && idNumber ? hmacSha256With(secret)(`id:${idNumber}`) : null;
  const [id] = await linkSubjects(query(trx), [{ kind: s.kind, name: s.name.trim(), uscc, idHash, idNumber: uscc ? null : idNumber, orgCode: null, regNo: null }], sealer(secret, 'pii'));
  if (!id) throw new AppError('list_subject_required', undefined, 400);
  return id;
}

const actorName = (u: SessionUser) => u.displayName || u.username;

/**
 * 拟列入: a proposal that names its list type, decision number, criteria clause and at least one existing record
 * as its basis (docs/domain/04-joint-measures.md §4.1a: the party is told the reasons and basis before listing).
 * The subject is the basis record's, or the one named (created in the registry when new).
 */
export async function proposeEntry(db: Db, user: SessionUser, body: ProposeBody, secret: string, ctx: AuditContext): Promise<{ id: string }> {
  const type = await currentListType(db, body.listType);
  if (!type || !type.active) throw new AppError('list_type_unknown', `名单类型“${body.listType}”不存在或已停用`, 400);
  const ids = [...new Set(body.basisRecordIds)];
  if (ids.length === 0 || !body.criteriaClause.trim()) throw new AppError('list_basis_required', undefined, 400);
  const records = await recordsByIds(db, ids);
  const missing = ids.filter((id) => !records.some((r) => r.id === id && r.status === 'active'));
  if (missing.length) throw new AppError('list_basis_not_found', `依据记录不存在或已撤销：${missing.join('、')}`, 400);
  if (user.role === 'reporter' && records.some((r) => r.departmentId !== user.departmentId)) throw forbidden('list_basis_foreign');
  const departmentId = user.role === 'reporter' ? user.departmentId : (body.departmentId ?? records[0].departmentId);
  return db.transaction().execute(async (trx) => {
    const subjectId = body.subject ? await subjectFor(trx, body.subject, secret) : records.find((r) => r.subjectId)?.subjectId;
    if (!subjectId) throw new AppError('list_subject_required', undefined, 400);
    let id: string;
    try {
      id = (
        await trx
          .insertInto('list_entries')
          .values({
            list_type: type.code,
            list_type_version: type.version,
            subject_id: subjectId,
            decision_no: body.decisionNo.trim(),
            origin: 'local',
            department_id: departmentId,
            status: 'proposed',
            basis_record_ids: ids,
            criteria_clause: body.criteriaClause.trim(),
            reason: body.reason.trim(),
            created_by: user.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    } catch (e) {
      if (isPgError(e, PG.uniqueViolation)) throw conflict('list_entry_exists');
      throw e;
    }
    await addHistory(trx, { entryId: id, action: 'propose', from: null, to: 'proposed', reason: body.reason.trim(), actorId: user.id, actorName: actorName(user), detail: { basis: ids, criteria: body.criteriaClause } });
    await audit(trx, ctx, { action: 'list_entry.propose', target: `list_entry:${id}`, detail: { listType: type.code, subjectId, basis: ids } });
    return { id };
  });
}

function addYears(day: string, years: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const t = new Date(Date.UTC(y + Math.trunc(years), m - 1, d));
  // 29 February plus whole years lands on 1 March in a common year: keep the last day of February.
  if (t.getUTCMonth() !== m - 1) t.setUTCDate(0);
  return t.toISOString().slice(0, 10);
}

/**
 * One lifecycle transition. Checks, in order: the entry exists (404), the role and department may act (403),
 * the state allows the action (409 with the current state named), the objection window (409), then updates the
 * row only if its lock_version is still the one the user saw (otherwise 409: someone else acted first).
 * Removing a collected entry also takes the record that brought it in out of public view, in this transaction
 * (publicity.setListRecordsRemoved; `secret` decrypts the record's personal fields for the decision).
 */
export async function transitionEntry(db: Db, user: SessionUser, entryId: string, body: TransitionBody, ctx: AuditContext, secret: string): Promise<{ status: ListEntryStatus; lockVersion: number }> {
  return db.transaction().execute(async (trx) => {
    const e = await trx.selectFrom('list_entries').selectAll().where('id', '=', entryId).executeTakeFirst();
    if (!e) throw notFound('list_entry_not_found');
    const move = MOVES[body.action];
    if (!LIFECYCLE_ROLES[body.action].includes(user.role)) throw forbidden('role_forbidden');
    if (user.role === 'reporter' && e.department_id !== user.departmentId) throw forbidden('list_entry_foreign');
    if (!move.from.includes(e.status) || (e.origin === 'collected' && body.action !== 'remove')) {
      throw conflict('list_transition_invalid', `当前状态为“${STATUS_LABEL[e.status]}”，不能执行“${ACTION_LABEL[body.action]}”${e.origin === 'collected' && body.action !== 'remove' ? '（归集的名单条目由认定部门维护）' : ''}`);
    }
    const today = chinaToday();
    const set: Record<string, unknown> = { status: move.to, updated_at: sql`now()`, lock_version: sql`lock_version + 1` };
    const detail: Record<string, unknown> = {};
    if (body.action === 'notify') {
      const days = await objectionWorkingDays(trx);
      const until = (await loadCalendar(trx)).addWorkingDays(today, days).date;
      Object.assign(set, { notified_on: today, objection_until: until });
      Object.assign(detail, { objectionUntil: until, workingDays: days });
    } else if (body.action === 'review') {
      // docs/domain/04-joint-measures.md §4.1a: the party's objection is answered before listing.
      const open = e.objection_until !== null && e.objection_until >= today;
      if (open && !body.objection) throw conflict('list_objection_open', `异议期至 ${e.objection_until} 届满；期满前审核须注明当事人已陈述申辩并已答复，或书面放弃`);
      if (body.objection) detail.objection = body.objection;
    } else if (body.action === 'list') {
      const type = await currentListType(trx, e.list_type);
      const listedOn = body.listedOn ?? today;
      const expiresOn = body.expiresOn !== undefined ? body.expiresOn : type?.definition.validityYears ? addYears(listedOn, type.definition.validityYears) : null;
      Object.assign(set, { listed_on: listedOn, expires_on: expiresOn });
      Object.assign(detail, { listedOn, expiresOn });
    } else if (body.action === 'remove') {
      const reason: ListExitReason = body.exitReason ?? 'other';
      Object.assign(set, { removed_on: today, removed_reason: reason });
      detail.exitReason = reason;
    }
    const done = await trx
      .updateTable('list_entries')
      .set(set)
      .where('id', '=', entryId)
      .where('lock_version', '=', body.lockVersion)
      .where('status', 'in', move.from)
      .returning(['status', 'lock_version'])
      .executeTakeFirst();
    if (!done) throw conflict('list_entry_conflict');
    // docs/domain/04-joint-measures.md §4.2 (exit cascades): the collected record that brought the entry in stops
    // being public with the entry (public pages, search, new reports); the record itself stays, as history.
    if (body.action === 'remove' && e.origin === 'collected' && e.record_id) {
      await setListRecordsRemoved(trx, secret, [e.record_id], today);
      detail.recordUnpublished = e.record_id;
    }
    await addHistory(trx, { entryId, action: body.action, from: e.status, to: move.to, reason: body.reason, actorId: user.id, actorName: actorName(user), detail });
    await audit(trx, ctx, { action: `list_entry.${body.action}`, target: `list_entry:${entryId}`, detail: { from: e.status, to: move.to, reason: body.reason, ...detail } });
    return { status: done.status, lockVersion: done.lock_version };
  });
}

/**
 * Ends the listed entries whose validity has passed (有效期届满移出): run by the hourly `lists.expire` job. Each
 * gets a history and an audit row. activeEntriesForSubjects already ignores them from the day after expiry.
 */
export async function expireEntries(db: Db, ctx: AuditContext, today = chinaToday()): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ended = await trx
      .updateTable('list_entries')
      .set({ status: 'removed', removed_on: today, removed_reason: 'expired', updated_at: sql`now()`, lock_version: sql`lock_version + 1` })
      .where('status', '=', 'listed')
      .where('expires_on', '<', today)
      .returning(['id', 'expires_on'])
      .execute();
    for (const e of ended) {
      await addHistory(trx, { entryId: e.id, action: 'expire', from: 'listed', to: 'removed', reason: `有效期至 ${e.expires_on} 届满`, actorId: null, actorName: '系统', detail: { reason: 'expired' } });
      await audit(trx, ctx, { action: 'list_entry.remove', target: `list_entry:${e.id}`, detail: { reason: 'expired', expiresOn: e.expires_on } });
    }
    return ended.length;
  });
}
