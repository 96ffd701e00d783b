// The settings table (owned by the platform): small jsonb values by key that domains keep, such as the
// scorecard weights. Domains read them through here, never with their own SQL on the table.
import type { DbOrTx } from '../db/index.ts';

/** A settings value (parsed jsonb), or undefined when the key was never set. */
export async function getSetting(db: DbOrTx, key: string): Promise<unknown> {
  const r = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return r?.value;
}

/** Stores a settings value by key (insert or replace); the caller audits the change in the same transaction. */
export async function putSetting(db: DbOrTx, key: string, value: unknown): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
    .execute();
}
