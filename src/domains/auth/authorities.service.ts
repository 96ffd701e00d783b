// Authorities a department may report for (代报机关, issue 11 §1). A row's authority (处罚机关/许可机关 USCC)
// and its source (数据来源单位 USCC) must be the uploading department's own USCC or one listed here; the credit
// office keeps the list (a district or an enforcement detachment reporting for its parent, say).
import type { Db, DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { AppError, conflict, isPgError, notFound, PG } from '../../platform/errors.ts';
import { checkUscc } from '../codes/index.ts';

export interface AuthorityDto {
  uscc: string;
  name: string;
  note: string | null;
  createdAt: string;
}

/** What an import needs to know about the uploading department: its name, own USCC and the authorities it reports for. */
export interface ReportingAuthorities {
  departmentName: string;
  own: string | null;
  /** The own USCC (when set) and every listed authority. */
  allowed: ReadonlySet<string>;
}

/** The department's own USCC and its list of authorities it may report for; 404 when the department does not exist. */
export async function listAuthorities(db: DbOrTx, departmentId: number): Promise<{ own: string | null; items: AuthorityDto[] }> {
  const dept = await db.selectFrom('departments').select('uscc').where('id', '=', departmentId).executeTakeFirst();
  if (!dept) throw notFound('department_not_found', '部门不存在');
  const rows = await db
    .selectFrom('department_authorities')
    .select(['authority_uscc', 'authority_name', 'note', 'created_at'])
    .where('department_id', '=', departmentId)
    .orderBy('created_at')
    .orderBy('authority_uscc')
    .execute();
  return {
    own: dept.uscc,
    items: rows.map((r) => ({ uscc: r.authority_uscc, name: r.authority_name, note: r.note, createdAt: new Date(r.created_at).toISOString() })),
  };
}

/** Adds an authority the department may report for (credit office only; the route checks the role); audited. */
export async function addAuthority(
  db: Db,
  departmentId: number,
  input: { uscc: string; name: string; note?: string | null },
  createdBy: number | null,
  ctx: AuditContext,
): Promise<AuthorityDto> {
  const v = checkUscc(input.uscc);
  if (v.verdict === 'invalid') throw new AppError('invalid_uscc', `统一社会信用代码无效：${v.reasons.map((r) => r.message).join('；')}`, 400);
  const uscc = v.normalized;
  const name = input.name.trim();
  if (!name) throw new AppError('authority_name_required', '请填写机关名称', 400);
  const note = input.note?.trim() || null;
  try {
    return await db.transaction().execute(async (trx) => {
      const dept = await trx.selectFrom('departments').select(['uscc', 'name']).where('id', '=', departmentId).executeTakeFirst();
      if (!dept) throw notFound('department_not_found', '部门不存在');
      if (dept.uscc === uscc) throw conflict('authority_is_own', '这是本部门自己的统一社会信用代码，无须添加为代报机关');
      const row = await trx
        .insertInto('department_authorities')
        .values({ department_id: departmentId, authority_uscc: uscc, authority_name: name, note, created_by: createdBy })
        .returning(['authority_uscc', 'authority_name', 'note', 'created_at'])
        .executeTakeFirstOrThrow();
      await audit(trx, ctx, { action: 'departments.authorities.add', target: `department:${departmentId}`, detail: { uscc, name, note } });
      return { uscc: row.authority_uscc, name: row.authority_name, note: row.note, createdAt: new Date(row.created_at).toISOString() };
    });
  } catch (e) {
    if (isPgError(e, PG.uniqueViolation)) throw conflict('authority_exists', `该部门已可代报统一社会信用代码为 ${uscc} 的机关`);
    throw e;
  }
}

/** Removes an authority from the department's list (credit office only); audited. Records already reported stay as they are. */
export async function removeAuthority(db: Db, departmentId: number, uscc: string, ctx: AuditContext): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('department_authorities')
      .where('department_id', '=', departmentId)
      .where('authority_uscc', '=', uscc.trim().toUpperCase())
      .returning(['authority_uscc', 'authority_name'])
      .executeTakeFirst();
    if (!row) throw notFound('authority_not_found', '该部门的代报机关列表中没有这个统一社会信用代码');
    await audit(trx, ctx, { action: 'departments.authorities.remove', target: `department:${departmentId}`, detail: { uscc: row.authority_uscc, name: row.authority_name } });
  });
}

/** The authorities an import of this department may name (read once per batch). */
export async function reportingAuthorities(db: DbOrTx, departmentId: number): Promise<ReportingAuthorities> {
  const dept = await db.selectFrom('departments').select(['name', 'uscc']).where('id', '=', departmentId).executeTakeFirstOrThrow();
  const rows = await db.selectFrom('department_authorities').select('authority_uscc').where('department_id', '=', departmentId).execute();
  const allowed = new Set(rows.map((r) => r.authority_uscc));
  if (dept.uscc) allowed.add(dept.uscc);
  return { departmentName: dept.name, own: dept.uscc, allowed };
}
