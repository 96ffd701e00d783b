// The entry history (list_entry_history): who moved an entry from which state to which, when and why. Written in
// the transaction of the transition, beside its audit row.
import type { DbOrTx } from '../../db/index.ts';
import type { ListEntryStatus } from '../../db/lists.types.ts';

/** Appends one transition to an entry's history. */
export async function addHistory(
  db: DbOrTx,
  h: { entryId: string; action: string; from: ListEntryStatus | null; to: ListEntryStatus; reason: string | null; actorId: number | null; actorName: string; detail?: object },
): Promise<void> {
  await db
    .insertInto('list_entry_history')
    .values({
      entry_id: h.entryId,
      action: h.action,
      from_status: h.from,
      to_status: h.to,
      reason: h.reason,
      actor_id: h.actorId,
      actor_name: h.actorName,
      detail: JSON.stringify(h.detail ?? {}),
    })
    .execute();
}

/** An entry's history, oldest first. */
export async function entryHistory(db: DbOrTx, entryId: string) {
  const rows = await db.selectFrom('list_entry_history').selectAll().where('entry_id', '=', entryId).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, action: r.action, fromStatus: r.from_status, toStatus: r.to_status, reason: r.reason, actorName: r.actor_name, at: r.at.toISOString() }));
}
