// Reads of the register: the console's entry list and entry page, the public list pages (列入 / 移出) and a
// subject's active entries. Subject names come from the subjects domain and department names from auth, so the
// register never joins their tables. Public rows carry lawful fields only (docs/domain/03-publicity.md §3.5):
// a natural person's name as PUBLIC_PERSON_NAME says, never an ID number.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import type { ListEntriesTable } from '../../db/lists.types.ts';
import type { Selectable } from 'kysely';
import { notFound } from '../../platform/errors.ts';
import type { SessionUser } from '../../platform/http.ts';
import { departmentScope, departmentsByIds } from '../auth/index.ts';
import { publicPersonName, type PublicPersonName } from '../codes/index.ts';
import { recordsByIds, type SourcedRecord } from '../ingest/index.ts';
import { subjectBasicsByIds, subjectIdsMatching } from '../subjects/index.ts';
import { entryHistory } from './history.ts';
import { allowedActions } from './lifecycle.ts';
import type { EntriesQuery, EntryDetail, EntryRow, PublicEntry } from './lists.schemas.ts';
import { EXIT_LABEL } from './register.ts';
import { listTypes } from './types.service.ts';

type Entry = Omit<Selectable<ListEntriesTable>, 'updated_at'>;
const COLS = [
  'id', 'list_type', 'subject_id', 'decision_no', 'origin', 'record_id', 'department_id', 'status', 'removed_reason', 'lock_version', 'created_at',
  'unmapped_type', 'basis_record_ids', 'criteria_clause', 'reason', 'list_type_version', 'created_by',
] as const;
const DATES = {
  listed_on: sql<string | null>`to_char(listed_on, 'YYYY-MM-DD')`.as('listed_on'),
  expires_on: sql<string | null>`to_char(expires_on, 'YYYY-MM-DD')`.as('expires_on'),
  removed_on: sql<string | null>`to_char(removed_on, 'YYYY-MM-DD')`.as('removed_on'),
  notified_on: sql<string | null>`to_char(notified_on, 'YYYY-MM-DD')`.as('notified_on'),
  objection_until: sql<string | null>`to_char(objection_until, 'YYYY-MM-DD')`.as('objection_until'),
};

async function rowsOf(db: DbOrTx, entries: Entry[]): Promise<EntryRow[]> {
  const types = new Map((await listTypes(db)).map((t) => [t.code, t]));
  const subjects = await subjectBasicsByIds(db, entries.map((e) => e.subject_id));
  const depts = await departmentsByIds(db, entries.map((e) => e.department_id).filter((d): d is number => d !== null));
  return entries.map((e) => {
    const s = subjects.get(e.subject_id);
    const t = types.get(e.list_type);
    return {
      id: e.id,
      listType: e.list_type,
      listName: t?.name ?? e.list_type,
      color: t?.color ?? 'black',
      subjectId: e.subject_id,
      subjectName: s?.name ?? '',
      subjectKind: s?.kind ?? 'legal',
      uscc: s?.uscc ?? null,
      decisionNo: e.decision_no,
      origin: e.origin,
      departmentId: e.department_id,
      departmentName: e.department_id !== null ? (depts.get(e.department_id)?.name ?? null) : null,
      status: e.status,
      listedOn: e.listed_on,
      expiresOn: e.expires_on,
      removedOn: e.removed_on,
      removedReason: e.removed_reason,
      objectionUntil: e.objection_until,
      unmappedType: e.unmapped_type,
      lockVersion: e.lock_version,
      createdAt: e.created_at.toISOString(),
    };
  });
}

/**
 * The departments whose entries this user reads: its own for a reporter, its district's for a district admin
 * (auth's departmentScope, the scope every console list of that role has), every one (null) for the others.
 */
async function entryScope(db: DbOrTx, user: SessionUser): Promise<number[] | null> {
  if (user.role === 'reporter') return user.departmentId === null ? [] : [user.departmentId];
  if (user.role === 'district_admin') return departmentScope(db, user);
  return null;
}

/** The console register: filtered by type, status, department and subject, newest first; a reporter sees its department's, a district admin its district's. */
export async function searchEntries(db: DbOrTx, user: SessionUser, q: EntriesQuery): Promise<{ total: number; items: EntryRow[] }> {
  const page = q.page ?? 1;
  const size = q.pageSize ?? 20;
  let base = db.selectFrom('list_entries');
  const scope = await entryScope(db, user);
  if (scope !== null) base = base.where('department_id', 'in', scope.length ? scope : [-1]);
  if (q.listType) base = base.where('list_type', '=', q.listType);
  if (q.status) base = base.where('status', '=', q.status);
  if (q.unmapped) base = base.where('unmapped_type', 'is not', null);
  const dept = q.departmentId;
  if (dept !== undefined) base = dept === null ? base.where('department_id', 'is', null) : base.where('department_id', '=', dept);
  if (q.subject?.trim()) {
    const ids = await subjectIdsMatching(db, q.subject);
    if (!ids.length) return { total: 0, items: [] };
    base = base.where('subject_id', 'in', ids);
  }
  const total = Number((await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const entries = await base.select([...COLS, ...Object.values(DATES)]).orderBy('id', 'desc').limit(size).offset((page - 1) * size).execute();
  return { total, items: await rowsOf(db, entries) };
}

async function entryById(db: DbOrTx, id: string): Promise<Entry | undefined> {
  return db.selectFrom('list_entries').select([...COLS, ...Object.values(DATES)]).where('id', '=', id).executeTakeFirst();
}

/** One entry with its basis, history and the actions this user may take (only within the user's entry scope). */
export async function entryDetail(db: DbOrTx, user: SessionUser, id: string): Promise<EntryDetail> {
  const e = await entryById(db, id);
  const scope = e ? await entryScope(db, user) : null;
  if (!e || (scope !== null && (e.department_id === null || !scope.includes(e.department_id)))) throw notFound('list_entry_not_found');
  const [row] = await rowsOf(db, [e]);
  const basisIds = e.basis_record_ids.length ? e.basis_record_ids : e.record_id ? [e.record_id] : [];
  const basis = await recordsByIds(db, basisIds);
  return {
    entry: row,
    criteriaClause: e.criteria_clause,
    reason: e.reason,
    notifiedOn: e.notified_on,
    basis: basis.map((r) => ({ id: r.id, itemId: r.itemId, docNo: r.docNo, status: r.status })),
    source: e.origin === 'collected' ? collectedSource(row, basis.find((r) => r.id === e.record_id)) : null,
    history: await entryHistory(db, id),
    allowed: allowedActions(user, e),
  };
}

/**
 * Where a collected entry came from (every row knows its department, batch, file and row, channel: target
 * architecture, data principles): the reporting department, the batch of its record's current version and the
 * decision document; an entry a department's system registered without a record names the department and document.
 */
function collectedSource(row: EntryRow, record: SourcedRecord | undefined): EntryDetail['source'] {
  return {
    departmentName: row.departmentName,
    decisionNo: row.decisionNo,
    recordId: record?.id ?? null,
    batchId: record?.batchId ?? null,
    channel: record?.channel ?? null,
    fileName: record?.fileName ?? null,
    rowNumber: record?.rowNumber ?? null,
  };
}

/** The entry as the notice (告知书) needs it. */
export async function noticeFacts(db: DbOrTx, user: SessionUser, id: string) {
  const d = await entryDetail(db, user, id);
  const types = await listTypes(db);
  return { ...d, type: types.find((t) => t.code === d.entry.listType)! };
}

function publicRow(r: EntryRow, personName: PublicPersonName, authority: string | null): PublicEntry {
  return {
    id: r.id,
    listName: r.listName,
    color: r.color,
    subjectId: r.subjectId,
    subjectName: r.subjectKind === 'natural_person' ? publicPersonName(r.subjectName, personName) : r.subjectName,
    uscc: r.subjectKind === 'natural_person' ? null : r.uscc,
    decisionNo: r.decisionNo,
    authority,
    listedOn: r.listedOn,
    expiresOn: r.expiresOn,
    removedOn: r.removedOn,
    removedReason: r.removedReason ? EXIT_LABEL[r.removedReason] : null,
  };
}

/** Active (列入) entries: status listed and not past validity, on `day`. */
const inForce = (day: string) => sql<boolean>`status = 'listed' AND (expires_on IS NULL OR expires_on >= ${day}::date)`;

/**
 * A public list page: 列入 (entries in force) or 移出 (removed entries). Publicity of a natural person stops at exit
 * (docs/domain/03-publicity.md §3.5), so a removed natural person's row names no one (自然人).
 */
export async function publicList(db: DbOrTx, code: string, tab: 'listed' | 'removed', page: number, size: number, personName: PublicPersonName, day: string) {
  const t = (await listTypes(db)).find((x) => x.code === code);
  if (!t) throw notFound('list_type_not_found');
  let base = db.selectFrom('list_entries').where('list_type', '=', code);
  base = tab === 'listed' ? base.where(inForce(day)) : base.where('status', '=', 'removed');
  const total = Number((await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const entries = await base
    .select([...COLS, ...Object.values(DATES)])
    .orderBy(tab === 'listed' ? 'listed_on' : 'removed_on', (ob) => ob.desc().nullsLast())
    .orderBy('id', 'desc')
    .limit(size)
    .offset((page - 1) * size)
    .execute();
  const rows = await rowsOf(db, entries);
  return {
    listType: { code: t.code, name: t.name, color: t.color, authority: t.definition.authority, criteria: [t.definition.criteria.title, t.definition.criteria.docNo].filter(Boolean).join(' ') },
    total,
    items: rows.map((r) => {
      const p = publicRow(r, personName, t.definition.authority);
      return tab === 'removed' && r.subjectKind === 'natural_person' ? { ...p, subjectName: '自然人' } : p;
    }),
  };
}

/** The public list types with the number of entries in force. */
export async function publicTypes(db: DbOrTx, day: string) {
  const counts = await db.selectFrom('list_entries').select(['list_type', (eb) => eb.fn.countAll<string>().as('n')]).where(inForce(day)).groupBy('list_type').execute();
  const by = new Map(counts.map((c) => [c.list_type, Number(c.n)]));
  return (await listTypes(db)).filter((t) => t.active || by.has(t.code)).map((t) => ({ code: t.code, name: t.name, color: t.color, listed: by.get(t.code) ?? 0 }));
}

/** A subject's entries in force, as the public subject page and the credit report show them. */
export async function publicSubjectEntries(db: DbOrTx, subjectId: string, personName: PublicPersonName, day: string): Promise<PublicEntry[]> {
  const entries = await db.selectFrom('list_entries').select([...COLS, ...Object.values(DATES)]).where('subject_id', '=', subjectId).where(inForce(day)).orderBy('id').execute();
  const types = new Map((await listTypes(db)).map((t) => [t.code, t]));
  return (await rowsOf(db, entries)).map((r) => publicRow(r, personName, types.get(r.listType)?.definition.authority ?? null));
}

/**
 * The credit report's section (reports domain): the subject's locally determined entries in force, as titled rows.
 * Collected entries are public records already and appear in the report's 守信激励/失信惩戒 categories through
 * publicity; history (removed entries) is never in a report (issue 14 §3: history to the credit office only).
 */
export async function reportListEntries(db: DbOrTx, subjectId: string, day: string): Promise<Array<{ color: 'black' | 'red'; title: string; rows: Array<[string, string]> }>> {
  const entries = await db.selectFrom('list_entries').select([...COLS, ...Object.values(DATES)]).where('subject_id', '=', subjectId).where('origin', '=', 'local').where(inForce(day)).orderBy('id').execute();
  const types = new Map((await listTypes(db)).map((t) => [t.code, t]));
  return (await rowsOf(db, entries)).map((r) => {
    const t = types.get(r.listType);
    return {
      color: r.color,
      title: `${r.listName}（${r.decisionNo}）`,
      rows: [
        ['名单类型', r.listName],
        ['决定文书号', r.decisionNo],
        ['认定部门', r.departmentName ?? t?.definition.authority ?? '—'],
        ['认定依据', [t?.definition.criteria.title, t?.definition.criteria.docNo].filter(Boolean).join(' ') || '—'],
        ['列入日期', r.listedOn ?? '—'],
        ['有效期至', r.expiresOn ?? '长期'],
      ],
    };
  });
}
