// The one write that takes a collected red/black-list record out of public view when the credit office moves its
// list entry out (移出, issue 14 §3): list_removed_at and the publicity columns it changes, decided again in the
// caller's transaction, so the public pages, search and new credit reports stop showing it at once. The record and
// its versions stay (history), and every later decision keeps the removal (publicity.service.ts withListRemoval).
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { refreshPublicity } from './publicity.service.ts';

/** Marks these list records removed on `day` (the earliest removal is kept) and decides their publicity again at `at`. */
export async function setListRecordsRemoved(trx: DbOrTx, secret: string, recordIds: readonly string[], day: string, at: Date = new Date()): Promise<number> {
  if (!recordIds.length) return 0;
  await trx
    .updateTable('records')
    .set({ list_removed_at: sql<string>`least(coalesce(list_removed_at, ${day}::date), ${day}::date)`, updated_at: sql`now()` })
    .where('id', 'in', [...recordIds])
    .where('record_type', 'in', ['red_list', 'black_list'])
    .execute();
  return (await refreshPublicity(trx, secret, { recordIds }, at)).checked;
}
