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
