// SQL of the assessment domain. It owns no table: the scorecards are computed from collection figures
// that ingest exports (ingest/stats.ts). Two reads remain here because their owners export no reader
// yet: the settings rows (platform) and the member departments (auth). Functions take `db | trx`.
import type { DbOrTx } from '../../db/index.ts';

/** A settings value (parsed jsonb), or undefined. */
export async function getSetting(db: DbOrTx, key: string): Promise<unknown> {
  const r = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return r?.value;
}

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
