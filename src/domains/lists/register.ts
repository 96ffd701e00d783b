// The list-entry register (红黑名单登记, issue 14 §2): one table for collected and locally determined entries,
// deduplicated by subject + list type + decision number (docs/domain/04-joint-measures.md §4.2).
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import type { ListExitReason } from '../../db/lists.types.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { chinaToday } from '../../platform/workCalendar.ts';
import { addHistory } from './history.ts';

/** An entry in force, as checks, subject pages and reports see it. */
export interface ActiveListEntry {
  id: string;
  listType: string;
  listName: string;
  color: 'black' | 'red';
  subjectId: string;
  decisionNo: string;
  departmentId: number | null;
  listedOn: string | null;
  expiresOn: string | null;
}

/**
 * The entries in force for these subjects on `at` (YYYY-MM-DD, default today): status 列入 and not past their
 * validity. An entry that has exited (移出) is never returned, so every consumer sees an exit at once.
 */
export async function activeEntriesForSubjects(db: DbOrTx, subjectIds: readonly string[], at?: string): Promise<ActiveListEntry[]> {
  if (subjectIds.length === 0) return [];
  const day = at ?? chinaToday();
  const rows = await db
    .selectFrom('list_entries as e')
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('list_types')
          .distinctOn('code')
          .select(['code', 'name', 'color'])
          .orderBy('code')
          .orderBy('version', 'desc')
          .as('t'),
      (j) => j.onRef('t.code', '=', 'e.list_type'),
    )
    .select([
      'e.id',
      'e.list_type',
      't.name',
      't.color',
      'e.subject_id',
      'e.decision_no',
      'e.department_id',
      sql<string | null>`to_char(e.listed_on, 'YYYY-MM-DD')`.as('listed_on'),
      sql<string | null>`to_char(e.expires_on, 'YYYY-MM-DD')`.as('expires_on'),
    ])
    // One array parameter, not one parameter per id: a screening chunk asks for 5,000 subjects, and compiling and
    // binding 5,000 parameters cost more than reading the entries (issue 14 "Performance").
    .where(sql<boolean>`e.subject_id = ANY(${subjectIds}::bigint[])`)
    .where('e.status', '=', 'listed')
    .where((eb) => eb.or([eb('e.expires_on', 'is', null), eb('e.expires_on', '>=', day)]))
    .orderBy('e.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    listType: r.list_type,
    listName: r.name,
    color: r.color,
    subjectId: r.subject_id,
    decisionNo: r.decision_no,
    departmentId: r.department_id,
    listedOn: r.listed_on,
    expiresOn: r.expires_on,
  }));
}

export interface NewListEntry {
  listType: string;
  subjectId: string;
  decisionNo: string;
  origin: 'collected' | 'local';
  recordId?: string | null;
  departmentId?: number | null;
  status: 'proposed' | 'listed';
  listedOn?: string | null;
  expiresOn?: string | null;
}

/**
 * Adds an entry unless subject + list type + decision number is already registered (then nothing changes and
 * `created` is false), so a second upload of the same entries adds nothing.
 */
export async function registerEntry(db: DbOrTx, e: NewListEntry): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insertInto('list_entries')
    .values({
      list_type: e.listType,
      subject_id: e.subjectId,
      decision_no: e.decisionNo,
      origin: e.origin,
      record_id: e.recordId ?? null,
      department_id: e.departmentId ?? null,
      status: e.status,
      listed_on: e.listedOn ?? null,
      expires_on: e.expiresOn ?? null,
    })
    .onConflict((oc) => oc.columns(['subject_id', 'list_type', 'decision_no']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await db
    .selectFrom('list_entries')
    .select('id')
    .where('subject_id', '=', e.subjectId)
    .where('list_type', '=', e.listType)
    .where('decision_no', '=', e.decisionNo)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/** Chinese labels of the exit reasons (移出原因). */
export const EXIT_LABEL: Record<ListExitReason, string> = { expired: '有效期届满', repaired: '信用修复', revoked: '决定撤销', court: '法院裁判', other: '其他' };

/**
 * The history's sentence for an exit that follows the entry's record (the cascade): the reason named as a person
 * would say it. `other` is the determining authority sending the record again as 已移出 (docs/domain/04-joint-measures.md
 * §4.2, step 5: exits cascade), with no finer reason given.
 */
export const CASCADE_REASON: Record<ListExitReason, string> = {
  expired: '依据记录的有效期已届满，名单条目随之移出。',
  repaired: '依据记录已完成信用修复，名单条目随之移出。',
  revoked: '依据记录所载决定已撤销，名单条目随之移出。',
  court: '依据记录所载决定经法院裁判撤销或变更，名单条目随之移出。',
  other: '认定部门报送该名单记录已移出（未注明具体原因，按“其他”登记），名单条目随之移出。',
};

/**
 * Ends (移出) the listed entries that rest on these records, e.g. when a record is repaired or its decision is
 * revoked (issue 14 §3, issue 15 §1: exit cascades at once). Pass the caller's transaction so the exit commits
 * with the change that caused it. Returns the ids of the entries ended.
 */
export async function endEntriesForRecords(
  db: DbOrTx,
  recordIds: readonly string[],
  reason: ListExitReason,
  ctx: AuditContext,
  on?: string,
): Promise<string[]> {
  if (recordIds.length === 0) return [];
  const day = on ?? chinaToday();
  const ended = await db
    .updateTable('list_entries')
    .set({ status: 'removed', removed_on: day, removed_reason: reason, updated_at: sql`now()`, lock_version: sql`lock_version + 1` })
    .where('record_id', 'in', recordIds)
    .where('status', '=', 'listed')
    .returning('id')
    .execute();
  const actor = ctx.actor;
  for (const e of ended) {
    await audit(db, ctx, { action: 'list_entry.remove', target: `list_entry:${e.id}`, detail: { reason, on: day, cascade: true } });
    await addHistory(db, {
      entryId: e.id,
      action: 'remove',
      from: 'listed',
      to: 'removed',
      reason: CASCADE_REASON[reason],
      actorId: actor?.userId ?? null,
      actorName: actor?.username ?? actor?.appKey ?? '系统',
      detail: { reason, cascade: true, records: [...recordIds] },
    });
  }
  return ended.map((e) => e.id);
}

/**
 * activeEntriesForSubjects as one SQL expression for a caller's own statement: a JSON array of ActiveListEntry
 * (the same rule — listed and not past its validity — and the same order) over the subject ids `subjectIds`
 * (a subquery) yields. Keep the rule in step with activeEntriesForSubjects above.
 */
export function activeEntriesJson(subjectIds: RawBuilder<unknown>, at?: string): RawBuilder<ActiveListEntry[]> {
  const day = at ?? chinaToday();
  return sql<ActiveListEntry[]>`(
    SELECT coalesce(json_agg(json_build_object(
             'id', e.id::text, 'listType', e.list_type, 'listName', t.name, 'color', t.color, 'subjectId', e.subject_id::text,
             'decisionNo', e.decision_no, 'departmentId', e.department_id,
             'listedOn', to_char(e.listed_on, 'YYYY-MM-DD'), 'expiresOn', to_char(e.expires_on, 'YYYY-MM-DD')) ORDER BY e.id), '[]'::json)
      FROM list_entries e
      JOIN (SELECT DISTINCT ON (code) code, name, color FROM list_types ORDER BY code, version DESC) t ON t.code = e.list_type
     WHERE e.subject_id IN (${subjectIds}) AND e.status = 'listed' AND (e.expires_on IS NULL OR e.expires_on >= ${day}::date))`;
}
