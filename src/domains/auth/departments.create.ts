// Adding a department (issue 17 §4): the credit office registers a new member unit — a city bureau, a
// district or a state-owned enterprise — with its code and, when known, its USCC (checked like every
// USCC, so the online form and legacy uploads get a valid 认定机关 code from it).
import type { Db } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { AppError, conflict, isPgError, PG } from '../../platform/errors.ts';
import { checkUscc } from '../codes/index.ts';
import { getDepartment, type DepartmentDto } from './auth.service.ts';

export interface NewDepartment {
  code: string;
  name: string;
  shortName: string;
  kind: 'city_unit' | 'district' | 'soe';
  parentId?: number | null;
  regionCode?: string | null;
  uscc?: string | null;
}

/** A department's USCC normalised (upper-case, half-width), or 400 invalid_uscc with the checker's reasons. */
export function validDepartmentUscc(raw: string): string {
  const v = checkUscc(raw);
  if (v.verdict === 'invalid') throw new AppError('invalid_uscc', `统一社会信用代码无效：${v.reasons.map((r) => r.message).join('；')}`, 400);
  return v.normalized;
}

/** Creates an active department (credit office only), audited; 409 when the code or the name is taken. */
export async function createDepartment(db: Db, input: NewDepartment, ctx: AuditContext): Promise<DepartmentDto> {
  const uscc = input.uscc ? validDepartmentUscc(input.uscc) : null;
  try {
    return await db.transaction().execute(async (trx) => {
      if (input.parentId != null) {
        const parent = await trx.selectFrom('departments').select(['id', 'active']).where('id', '=', input.parentId).executeTakeFirst();
        if (!parent) throw new AppError('department_not_found', '上级部门不存在', 400);
      }
      // New units are listed after the existing ones of the same level.
      const last = await trx.selectFrom('departments').select((eb) => eb.fn.max('sort_order').as('m')).executeTakeFirst();
      const row = await trx
        .insertInto('departments')
        .values({
          code: input.code.trim().toUpperCase(),
          name: input.name.trim(),
          short_name: input.shortName.trim(),
          kind: input.kind,
          parent_id: input.parentId ?? null,
          region_code: input.regionCode ?? null,
          uscc,
          sort_order: Number(last?.m ?? 0) + 10,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(trx, ctx, { action: 'departments.create', target: `department:${row.id}`, detail: { code: input.code, name: input.name, uscc } });
      return (await getDepartment(trx, row.id))!;
    });
  } catch (e) {
    if (isPgError(e, PG.uniqueViolation)) {
      const constraint = (e as { constraint?: string }).constraint ?? '';
      throw constraint.includes('code') ? conflict('department_code_taken', '部门编码已被使用') : conflict('department_name_taken', '已有同名部门');
    }
    throw e;
  }
}
