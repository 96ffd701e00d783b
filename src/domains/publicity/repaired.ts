// Credit repair as the publicity engine sees it (信用修复, docs/domain/03-publicity.md §3.3): the record keeps
// every version; its repair date is stored and the engine decides again whether it stays public.
import { sql } from 'kysely';
import type { Db } from '../../db/index.ts';
import { refreshPublicity } from './publicity.service.ts';

/** Stores the repair date of these records and re-decides their publicity (and anything else due) at once. */
export async function markRecordsRepaired(db: Db, secret: string, recordIds: readonly string[], on: string, at: Date = new Date()): Promise<{ checked: number; changed: number }> {
  if (!recordIds.length) return { checked: 0, changed: 0 };
  // Making the records due lets the one decision path (refreshPublicity) apply the repair, as the hourly job would.
  await db
    .updateTable('records')
    .set({ repaired_at: on, publicity_review: sql`least(coalesce(publicity_review, ${on}::date), ${on}::date)` })
    .where('id', 'in', recordIds)
    .execute();
  return refreshPublicity(db, secret, { dueBy: on }, at);
}
