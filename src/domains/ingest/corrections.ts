// Record changes made outside an upload, for the objections domain (异议申诉, issue 15 §2): the source
// department corrects a record's content or withdraws it after verifying an objection. Nothing is overwritten:
// each change is a new version through the same versioning as an upload (its own one-row batch, channel
// 'form', with the reason stored as the batch's correction reason), and publicity is decided again in the
// caller's transaction. Also the 异议处理中 mark on records (records belong to ingest; publicity reads it).
import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../../db/index.ts';
import { decrypt, sha256 } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { compileItem, itemDefinitions, definitionKey, lookupEnum } from '../catalog/index.ts';
import { decideInput, loadPublicitySettings, recordInput, withListRemoval } from '../publicity/index.ts';

type Values = Record<string, string | number | null>;

/** What objections needs to know of a record it is filed against. */
export interface RecordForObjection {
  id: string;
  subject_id: string | null;
  department_id: number;
  current_version: number;
  status: 'active' | 'withdrawn';
  doc_no: string;
  item_id: string;
  record_type: string;
  audience: 'public' | 'government' | 'none';
}

/** The records with these ids (missing ids are simply absent). */
export async function recordsForObjection(db: DbOrTx, ids: readonly string[]): Promise<RecordForObjection[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('records')
    .select(['id', 'subject_id', 'department_id', 'current_version', 'status', 'doc_no', 'item_id', 'record_type', 'audience'])
    .where('id', 'in', [...ids])
    .orderBy('id')
    .execute();
}

/** Sets (or clears, with null) the 异议处理中 mark of records; call it in the objection's transaction. */
export async function setObjectionMark(db: DbOrTx, ids: readonly string[], mark: 'marked' | 'hidden' | null): Promise<void> {
  if (!ids.length) return;
  await db.updateTable('records').set({ objection_mark: mark }).where('id', 'in', [...ids]).execute();
}

// Fields a correction may not change: the record's key and the subject's identity are what the record *is*;
// changing them is a new record through the normal channels. Personal (masked) fields are sealed per version.
const FIXED_ROLES: ReadonlySet<string> = new Set([
  'authority_uscc',
  'doc_no',
  'subject_uscc',
  'subject_id_number',
  'subject_id_type',
  'subject_category',
  'subject_org_code',
  'subject_regno',
  'subject_tax_no',
  'subject_inst_cert',
  'subject_social_org_cert',
  'legal_rep_id_number',
  'legal_rep_id_type',
  'status',
]);

export interface RecordChange {
  recordId: string;
  /** The department making the change: it must own the record. */
  departmentId: number;
  userId: number | null;
  /** Why, e.g. '异议申诉 12 核实更正'; stored on the batch. */
  reason: string;
  /** Corrected values by field code (outcome 更正), or withdraw the record (outcome 撤销). */
  patch?: Record<string, string>;
  withdraw?: boolean;
}

const badChange = (message: string) => new AppError('record_change_invalid', message, 422);

/** Parses one corrected value as the field's type wants it; throws a Chinese message when it does not fit. */
function parseValue(field: ReturnType<typeof compileItem>['byCode'] extends ReadonlyMap<string, infer F> ? F : never, raw: string, enums: ReturnType<typeof compileItem>['enums']): string | number {
  const v = raw.trim();
  if (!v) throw badChange(`更正内容“${field.name}”不能为空`);
  if (field.maxLength && v.length > field.maxLength) throw badChange(`更正内容“${field.name}”超过 ${field.maxLength} 个字符`);
  switch (field.type) {
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw badChange(`更正内容“${field.name}”须为日期（如 2026-10-09）`);
      return v;
    case 'integer':
    case 'decimal': {
      const n = Number(v);
      if (!Number.isFinite(n) || (field.type === 'integer' && !Number.isInteger(n))) throw badChange(`更正内容“${field.name}”须为数字`);
      return n;
    }
    case 'enum': {
      const code = lookupEnum(enums.get(field.code)!, v);
      if (code === undefined) throw badChange(`更正内容“${field.name}”不是可选的值`);
      return code;
    }
    case 'set': {
      const codes = v.split(/[;；,，、]/).map((x) => lookupEnum(enums.get(field.code)!, x));
      if (codes.some((c) => c === undefined)) throw badChange(`更正内容“${field.name}”含不可选的值`);
      return codes.join(';');
    }
    default:
      return v;
  }
}

/**
 * Writes a new version of a record (corrected content, or withdrawn) in the caller's transaction and decides
 * its publicity again; returns the new version number. The record must belong to the department (403).
 */
export async function appendRecordVersion(trx: Tx, secret: string, c: RecordChange): Promise<number> {
  const rec = await trx
    .selectFrom('records as r')
    .select(['r.id', 'r.item_id', 'r.record_type', 'r.department_id', 'r.current_version', 'r.decision_date', 'r.repaired_at', 'r.list_removed_at', 'r.content', 'r.pii_enc', 'r.version_subject_id', 'r.catalog_version'])
    .where('r.id', '=', c.recordId)
    // A record holds its current version (migration 20261208T0835w); one without content has no version to correct.
    .where('r.content', 'is not', null)
    .forUpdate('r')
    .executeTakeFirst();
  if (!rec || rec.catalog_version === null) throw new AppError('record_not_found', '记录不存在', 404);
  if (rec.department_id !== c.departmentId) throw new AppError('department_forbidden', '无权更改其他部门的记录', 403);
  const item = (await itemDefinitions(trx, [{ itemId: rec.item_id, version: rec.catalog_version }])).get(definitionKey(rec.item_id, rec.catalog_version));
  if (!item) throw new Error(`catalogue item ${rec.item_id} v${rec.catalog_version} is not stored`);
  const compiled = compileItem(item);
  const content: Values = { ...(rec.content as Values) };
  let decisionDate = rec.decision_date;
  for (const [code, raw] of Object.entries(c.patch ?? {})) {
    const field = compiled.byCode.get(code);
    if (!field) throw badChange(`更正内容含目录中没有的数据项 ${code}`);
    if ((field.role && FIXED_ROLES.has(field.role)) || field.masked) throw badChange(`“${field.name}”不能在异议处理中更正：请通过归集重新报送`);
    content[code] = parseValue(field, raw, compiled.enums);
    if (field.role === 'decision_date') decisionDate = String(content[code]);
  }
  const valuesJson = JSON.stringify(content);
  const version = rec.current_version + 1;
  const batch = await trx
    .insertInto('ingest_batches')
    .values({
      department_id: rec.department_id,
      item_id: rec.item_id,
      catalog_version: rec.catalog_version,
      channel: 'form',
      status: 'committed',
      total: 1,
      accepted: 1,
      updated: c.withdraw ? 0 : 1,
      withdrawn: c.withdraw ? 1 : 0,
      created_by: c.userId,
      correction_reason: c.reason,
      finished_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Nothing is overwritten: the current version moves to the record's history, then the record takes the new one.
  await sql`INSERT INTO record_history (content, content_hash, pii_enc, late, working_days, provisional, row_number, withdrawn, batch_id, channel,
      department_id, catalog_version, record_id, version, subject_id, created_at)
    SELECT content, current_hash, pii_enc, late, working_days, provisional, row_number, status = 'withdrawn', batch_id, channel,
      version_department_id, catalog_version, id, current_version, version_subject_id, version_at
    FROM records WHERE id = ${rec.id}`.execute(trx);
  // The engine reads the version's values with the personal fields put back, as the publicity job does.
  const pii = rec.pii_enc ? (JSON.parse(decrypt(secret, rec.pii_enc, 'pii')) as Values) : null;
  const input = withListRemoval(recordInput(rec.record_type, decisionDate, pii ? { ...content, ...pii } : content), rec.list_removed_at);
  const d = decideInput(input && c.withdraw ? { ...input, withdrawn: true } : input, rec.repaired_at, new Date(), await loadPublicitySettings(trx));
  await trx
    .updateTable('records')
    .set({
      current_version: version,
      current_hash: sha256(valuesJson),
      content: valuesJson,
      pii_enc: rec.pii_enc,
      version_subject_id: rec.version_subject_id,
      late: false,
      working_days: null,
      provisional: false,
      batch_id: batch.id,
      row_number: 1,
      channel: 'form',
      version_department_id: rec.department_id,
      catalog_version: rec.catalog_version,
      version_at: sql<Date>`now()`,
      status: c.withdraw ? 'withdrawn' : 'active',
      decision_date: decisionDate,
      updated_at: new Date(),
      audience: d.audience,
      public_from: d.from,
      public_until: d.until,
      publicity: d.publicity,
      publicity_review: d.review,
      publicity_checked_at: new Date(),
    })
    .where('id', '=', rec.id)
    .execute();
  return version;
}

/** The current content of records by id (masked personal fields stay masked), for domains that show a record's facts. */
export async function currentContents(db: DbOrTx, ids: readonly string[]): Promise<Map<string, Values>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('records as r')
    .select(['r.id', 'r.content'])
    .where('r.id', 'in', [...ids])
    .where('r.content', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.id, r.content as Values]));
}
