// The hand-over from ingest (issue 14 §2): entries sent through the 黑名单/红名单 catalogue items (file, signed API,
// form — all committed by ingest) are read into the one register by this domain, batch by batch.
//
// Why a pull and not a hook inside ingest's commit: the commit runs on a raw connection with COPY and is the
// platform's most measured path; a listener there would put this domain's Kysely writes and alias look-ups inside
// every batch's transaction. Here ingest only exports two reads (listfeed.ts) and this domain keeps its cursor:
// list batches above a watermark; each committed batch is read once (list_sync_batches, claimed with ON CONFLICT so
// two runners never read one twice), and the watermark moves up to the first batch still being written. A batch
// committed late (a long import that started earlier) is therefore never skipped. The `lists.sync` job runs it every
// minute; registerEntry deduplicates, so a re-upload adds nothing.
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../db/index.ts';
import type { ListExitReason } from '../../db/lists.types.ts';
import type { AuditContext } from '../../platform/audit.ts';
import { audit } from '../../platform/audit.ts';
import { listActiveItems } from '../catalog/index.ts';
import { batchesOfItems, batchRecords, type BatchRecord } from '../ingest/index.ts';
import { endEntriesForRecords, registerEntry } from './register.ts';
import { typeResolver } from './types.service.ts';

const LIST_RECORD_TYPES: Record<string, 'black' | 'red'> = { black_list: 'black', red_list: 'red' };
const ISO = /^\d{4}-\d{2}-\d{2}$/;
// The catalogue's 长期 value (publicity/cell-values.ts LONG_TERM_ISO): no end date.
const LONG_TERM = '2099-12-31';
const SYSTEM: AuditContext = { actor: { username: 'lists.sync' } };

interface ListItemFields {
  color: 'black' | 'red';
  listType?: string;
  status?: string;
  validTo?: string;
  removal?: string;
}

/** The catalogue's list items (by record type), with the field codes of the roles the register reads. */
async function listItems(db: DbOrTx): Promise<Map<string, ListItemFields>> {
  const out = new Map<string, ListItemFields>();
  for (const item of await listActiveItems(db)) {
    const color = LIST_RECORD_TYPES[item.recordType];
    if (!color) continue;
    const by = (role: string) => item.items.find((f) => f.role === role)?.code;
    out.set(item.id, { color, listType: by('list_type'), status: by('status'), validTo: by('valid_to'), removal: by('removal_date') });
  }
  return out;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
const day = (v: unknown): string | null => {
  const s = text(v);
  return s && ISO.test(s) && s !== LONG_TERM ? s : null;
};

/** The 状态 of a collected entry: in force, removed (移出) or repaired (修复); codes and labels of LIST_STATUS_ENUM. */
function exitOf(v: unknown): ListExitReason | null {
  const s = text(v);
  if (s === '2' || s === '已移出' || s === '移出') return 'other';
  if (s === '3' || s === '已修复' || s === '修复' || s === '信用修复') return 'repaired';
  return null;
}

/** Reads one committed batch's records into the register; returns entries added and entries ended. */
async function syncBatch(trx: DbOrTx, records: BatchRecord[], items: Map<string, ListItemFields>, resolve: Awaited<ReturnType<typeof typeResolver>>): Promise<{ added: number; ended: number }> {
  let added = 0;
  let ended = 0;
  for (const r of records) {
    const f = items.get(r.itemId) ?? (LIST_RECORD_TYPES[r.recordType] ? { color: LIST_RECORD_TYPES[r.recordType] } : undefined);
    if (!f || !r.subjectId) continue;
    if (r.status === 'withdrawn') {
      // A withdrawn record (撤销, or 状态 已移出/已修复, which ingest also treats as a withdrawal) ends its entry;
      // one never registered is not registered now.
      const reason = (f.status ? exitOf(r.content[f.status]) : null) ?? 'revoked';
      const on = (f.removal ? day(r.content[f.removal]) : null) ?? undefined;
      ended += (await endEntriesForRecords(trx, [r.id], reason, SYSTEM, on)).length;
      continue;
    }
    const type = resolve(f.listType ? text(r.content[f.listType]) : null, f.color);
    const exit = f.status ? exitOf(r.content[f.status]) : null;
    const e = await registerEntry(trx, {
      listType: type.code,
      subjectId: r.subjectId,
      decisionNo: r.docNo,
      origin: 'collected',
      recordId: r.id,
      departmentId: r.departmentId,
      status: 'listed',
      listedOn: r.decisionDate,
      expiresOn: f.validTo ? day(r.content[f.validTo]) : null,
    });
    if (e.created) {
      added++;
      if (type.unmapped) await trx.updateTable('list_entries').set({ unmapped_type: type.unmapped }).where('id', '=', e.id).execute();
    }
    if (exit) {
      const on = (f.removal ? day(r.content[f.removal]) : null) ?? undefined;
      ended += (await endEntriesForRecords(trx, [r.id], exit, SYSTEM, on)).length;
    }
  }
  return { added, ended };
}

/**
 * Reads every committed list batch not read yet into the register (idempotent; safe to run from two processes).
 * Returns how many batches were read, entries added and entries ended.
 */
export async function syncCollectedEntries(db: Db): Promise<{ batches: number; entries: number; ended: number }> {
  const items = await listItems(db);
  const itemIds = [...items.keys()];
  const resolve = await typeResolver(db);
  const totals = { batches: 0, entries: 0, ended: 0 };
  for (;;) {
    const watermark = (await db.selectFrom('list_sync_state').select('watermark').executeTakeFirst())?.watermark ?? '0';
    const batches = await batchesOfItems(db, itemIds, String(watermark));
    if (batches.length === 0) break;
    let next: string = String(watermark);
    let blocked = false;
    for (const b of batches) {
      if (b.status === 'committed') {
        const did = await db.transaction().execute(async (trx) => {
          const claimed = await trx.insertInto('list_sync_batches').values({ batch_id: b.id, entries: 0 }).onConflict((oc) => oc.doNothing()).returning('batch_id').executeTakeFirst();
          if (!claimed) return null;
          const r = await syncBatch(trx, await batchRecords(trx, b.id), items, resolve);
          await trx.updateTable('list_sync_batches').set({ entries: r.added }).where('batch_id', '=', b.id).execute();
          await audit(trx, SYSTEM, { action: 'list_entry.sync', target: `batch:${b.id}`, detail: { added: r.added, ended: r.ended } });
          return r;
        });
        if (did) {
          totals.batches++;
          totals.entries += did.added;
          totals.ended += did.ended;
        }
      }
      // The watermark stops below the first batch still being written; it commits later and is read then.
      if (b.status === 'processing') blocked = true;
      if (!blocked) next = b.id;
    }
    await db
      .insertInto('list_sync_state')
      .values({ id: true, watermark: next })
      .onConflict((oc) => oc.column('id').doUpdateSet({ watermark: sql`greatest(list_sync_state.watermark, excluded.watermark)` }))
      .execute();
    if (blocked || batches.length < 500) break;
  }
  return totals;
}
