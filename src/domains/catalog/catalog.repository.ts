// Catalogue versions in the database: built-in items are installed as active versions; lookups by id or name.
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/index.ts';
import { BUILTIN_ITEMS } from './builtin/index.ts';
import type { CatalogItem } from './catalog.schemas.ts';

/**
 * Installs every built-in catalogue item version that is missing (idempotent). A newer built-in version
 * retires the older active built-in versions of its item, so an upgraded database never has two active
 * versions of one item (records keep pointing at the version they were validated against).
 */
export async function installBuiltinCatalog(db: DbOrTx): Promise<number> {
  let added = 0;
  for (const item of BUILTIN_ITEMS) {
    await db
      .updateTable('catalog_versions')
      .set({ status: 'retired' })
      .where('item_id', '=', item.id)
      .where('builtin', '=', true)
      .where('status', '=', 'active')
      .where('version', '<', item.version)
      .execute();
    const r = await db
      .insertInto('catalog_versions')
      .values({
        item_id: item.id,
        version: item.version,
        name: item.name,
        record_type: item.recordType,
        definition: JSON.stringify(item),
        status: 'active',
        builtin: true,
        activated_at: new Date(),
      })
      .onConflict((oc) => oc.doNothing())
      .returning('item_id')
      .executeTakeFirst();
    if (r) added++;
  }
  return added;
}

/** The active version of a catalogue item, found by identifier or Chinese name (e.g. 行政处罚). */
export async function findActiveItem(db: DbOrTx, ref: string): Promise<CatalogItem | undefined> {
  const row = await db
    .selectFrom('catalog_versions')
    .select('definition')
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('item_id', '=', ref), eb('name', '=', ref), eb(sql`lower(item_id)`, '=', ref.toLowerCase())]))
    .orderBy('builtin', 'desc')
    .executeTakeFirst();
  return row ? (row.definition as CatalogItem) : undefined;
}

// A version's definition never changes once stored: the service only ever inserts a version and moves its
// status, and migration 20261128T1800_public_read_speed.sql makes PostgreSQL refuse a change of item_id,
// version or definition, and the deletion of a version that was ever active (records point to those). So
// definitions can be kept in memory by (item, version), and the same object is handed out every time, which
// also lets compileItem's per-object cache hit. The cache belongs to one database handle (a Kysely instance):
// two databases in one process (tests) may hold different items under the same id and version. Inside a
// transaction the cache is that transaction's own, so a version the transaction inserts and then rolls back
// is never remembered beyond it.
const definitionCaches = new WeakMap<DbOrTx, Map<string, CatalogItem>>();

const versionKey = (itemId: string, version: number) => `${itemId}\u0000${version}`;

/**
 * The definitions of the given (item, version) pairs, from memory or in one query for those not yet seen.
 * A pair that is not stored is absent from the result. Returns the same object for a pair on every call.
 */
export async function itemDefinitions(db: DbOrTx, wanted: Iterable<{ itemId: string; version: number }>): Promise<Map<string, CatalogItem>> {
  let cache = definitionCaches.get(db);
  if (!cache) definitionCaches.set(db, (cache = new Map()));
  const out = new Map<string, CatalogItem>();
  const missing = new Map<string, { itemId: string; version: number }>();
  for (const w of wanted) {
    const k = versionKey(w.itemId, w.version);
    const hit = cache.get(k);
    if (hit) out.set(k, hit);
    else missing.set(k, w);
  }
  if (missing.size) {
    const ms = [...missing.values()];
    const rows = await sql<{ item_id: string; version: number; definition: CatalogItem }>`
      SELECT c.item_id, c.version, c.definition FROM catalog_versions c
      JOIN unnest(${ms.map((m) => m.itemId)}::text[], ${ms.map((m) => m.version)}::int[]) AS w(item_id, version)
        ON c.item_id = w.item_id AND c.version = w.version`.execute(db);
    for (const r of rows.rows) {
      const k = versionKey(r.item_id, r.version);
      cache.set(k, r.definition);
      out.set(k, r.definition);
    }
  }
  return out;
}

/** The key of an (item, version) pair in the map itemDefinitions returns. */
export const definitionKey = versionKey;

/** Every active catalogue item. */
export async function listActiveItems(db: DbOrTx): Promise<CatalogItem[]> {
  const rows = await db.selectFrom('catalog_versions').select('definition').where('status', '=', 'active').orderBy('item_id').execute();
  return rows.map((r) => r.definition as CatalogItem);
}

export interface CatalogVersionRow {
  item: CatalogItem;
  /** 'discarded': a draft given up in the editor; never listed, but its number stays taken. */
  status: 'draft' | 'in_review' | 'active' | 'retired' | 'discarded';
  builtin: boolean;
  createdBy: number | null;
  reviewedBy: number | null;
  createdAt: string;
  activatedAt: string | null;
  /** When a draft was last saved in the editor; null when never re-saved. */
  updatedAt: string | null;
}

/** Every version of every item (for the credit office), newest version first within an item; discarded drafts left out. */
export async function listAllVersions(db: DbOrTx): Promise<CatalogVersionRow[]> {
  const rows = await db
    .selectFrom('catalog_versions')
    .selectAll()
    .where('status', '!=', 'discarded')
    .orderBy('item_id')
    .orderBy('version', 'desc')
    .execute();
  return rows.map(toVersionRow);
}

/** One version of one item. */
export async function getVersion(db: DbOrTx, itemId: string, version: number): Promise<CatalogVersionRow | undefined> {
  const r = await db.selectFrom('catalog_versions').selectAll().where('item_id', '=', itemId).where('version', '=', version).executeTakeFirst();
  return r ? toVersionRow(r) : undefined;
}

function toVersionRow(r: {
  definition: unknown;
  status: CatalogVersionRow['status'];
  builtin: boolean;
  created_by: number | null;
  reviewed_by: number | null;
  created_at: Date | string;
  activated_at: Date | string | null;
  updated_at: Date | string | null;
}): CatalogVersionRow {
  return {
    // A discarded draft reads as a draft in the definition's own status vocabulary.
    item: { ...(r.definition as CatalogItem), status: r.status === 'discarded' ? 'draft' : r.status },
    status: r.status,
    builtin: r.builtin,
    createdBy: r.created_by,
    reviewedBy: r.reviewed_by,
    createdAt: new Date(r.created_at).toISOString(),
    activatedAt: r.activated_at ? new Date(r.activated_at).toISOString() : null,
    updatedAt: r.updated_at ? new Date(r.updated_at).toISOString() : null,
  };
}

/**
 * The names of these items' stored versions (item → version → name), for lists in other domains that show
 * which item and version a batch or record used. One small query; names of a stored version never change.
 */
export async function itemVersionNames(db: DbOrTx, itemIds: readonly string[]): Promise<Map<string, Map<number, string>>> {
  const unique = [...new Set(itemIds)];
  const out = new Map<string, Map<number, string>>();
  if (!unique.length) return out;
  const rows = await db.selectFrom('catalog_versions').select(['item_id', 'version', 'name']).where('item_id', 'in', unique).execute();
  for (const r of rows) {
    if (!out.has(r.item_id)) out.set(r.item_id, new Map());
    out.get(r.item_id)!.set(r.version, r.name);
  }
  return out;
}

/** The name of an item's newest stored version, from itemVersionNames' answer. */
export function latestItemName(names: ReadonlyMap<string, ReadonlyMap<number, string>>, itemId: string): string | null {
  const versions = names.get(itemId);
  if (!versions?.size) return null;
  return versions.get(Math.max(...versions.keys())) ?? null;
}
