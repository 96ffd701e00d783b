// Reads of the member departments (auth owns the departments table) for other domains' figures.
import type { DbOrTx } from '../../db/index.ts';

/** Active member units (everything but the credit office itself), in the configured order. */
export async function memberDepartments(db: DbOrTx): Promise<{ id: number; code: string; name: string }[]> {
  return db
    .selectFrom('departments')
    .select(['id', 'code', 'name'])
    .where('active', '=', true)
    .where('kind', '!=', 'office')
    .orderBy('sort_order')
    .orderBy('id')
    .execute();
}

/** Departments by id (any state), for other domains that show a department's name or check its USCC. */
export async function departmentsByIds(db: DbOrTx, ids: readonly number[]): Promise<Map<number, { id: number; code: string; name: string; uscc: string | null }>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db.selectFrom('departments').select(['id', 'code', 'name', 'uscc']).where('id', 'in', unique).execute();
  return new Map(rows.map((d) => [d.id, d]));
}

/** Whether the department's batches wait for its 审核员's approval before they are written (issue 17 §3). */
export async function departmentReviewRequired(db: DbOrTx, id: number): Promise<boolean> {
  const r = await db.selectFrom('departments').select('review_required').where('id', '=', id).executeTakeFirst();
  return r?.review_required ?? false;
}
