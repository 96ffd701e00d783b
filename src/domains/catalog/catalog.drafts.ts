// The catalogue editor's server side (issue 17 §4): a draft version is saved on the server and may be
// re-saved by its drafter while it is a draft, given up (discarded), read with who drafted it, and its
// template downloaded before it is approved. Review itself stays in catalog.service.ts (transition).
import type { Db, DbOrTx, Tx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { AppError, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { getUser, type SessionUser } from '../auth/index.ts';
import { validateCatalogItem } from './catalog.model.ts';
import { getVersion, type CatalogVersionRow } from './catalog.repository.ts';
import type { CatalogItem, CatalogVersionDetail } from './catalog.schemas.ts';

/** Why a user may not approve a version, or null when nothing in the four-eyes rule stands in the way. */
export function approveBlockedReason(v: Pick<CatalogVersionRow, 'createdBy'>, user: Pick<SessionUser, 'id'>): string | null {
  // Four eyes: the author of a version may not approve it (catalog.service.ts transition enforces it).
  return v.createdBy === user.id ? '您是本版本的起草人。按双人复核规则，起草人不能审核发布本人起草的版本，请由另一名信用办管理员审核。' : null;
}

async function displayName(db: DbOrTx, id: number | null): Promise<string | null> {
  if (id === null) return null;
  return (await getUser(db, id))?.displayName ?? null;
}

/** One version with its definition, who drafted and reviewed it, and what the asking user may do with it. */
export async function versionDetail(db: DbOrTx, user: SessionUser, itemId: string, version: number): Promise<CatalogVersionDetail> {
  const v = await getVersion(db, itemId, version);
  if (!v || v.status === 'discarded') throw notFound('catalog_not_found', '目录项版本不存在');
  const latest = await db
    .selectFrom('catalog_versions')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('item_id', '=', itemId)
    .executeTakeFirst();
  const isAdmin = user.role === 'admin';
  return {
    definition: v.item,
    status: v.status,
    builtin: v.builtin,
    latestVersion: Number(latest?.v ?? version),
    createdByName: await displayName(db, v.createdBy),
    reviewedByName: await displayName(db, v.reviewedBy),
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    activatedAt: v.activatedAt,
    draftedByMe: v.createdBy === user.id,
    canEdit: isAdmin && !v.builtin && v.status === 'draft' && v.createdBy === user.id,
    approveBlockedReason: isAdmin ? approveBlockedReason(v, user) : '只有信用办管理员可以审核目录版本。',
  };
}

/**
 * Locks a version for a change to its draft and checks that it is one: it exists and is not discarded (404), is
 * not a national builtin (409), and is still a draft (409, `notDraft` says what to do instead).
 */
export async function lockDraft(trx: Tx, itemId: string, version: number, notDraft: string) {
  const row = await trx
    .selectFrom('catalog_versions')
    .select(['status', 'builtin', 'created_by', 'name'])
    .where('item_id', '=', itemId)
    .where('version', '=', version)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.status === 'discarded') throw notFound('catalog_not_found', '目录项版本不存在');
  if (row.builtin) throw conflict('catalog_builtin');
  if (row.status !== 'draft') throw conflict('catalog_bad_state', notDraft);
  return row;
}

/** Rewrites a draft with a new definition (the drafter only, and only while it is a draft); audited. */
export async function updateDraft(db: Db, user: SessionUser, itemId: string, version: number, def: unknown, ctx: AuditContext): Promise<CatalogItem> {
  // The identity comes from the URL: a draft cannot be moved to another item or number.
  const v = validateCatalogItem({ ...(def as object), id: itemId, status: 'draft', version });
  if (!v.ok) throw new AppError('catalog_invalid', '目录项定义有误', 400, v.errors);
  const item = v.item;
  return db.transaction().execute(async (trx) => {
    const row = await lockDraft(trx, itemId, version, '只有草稿可以修改；已提交审核的版本请先退回');
    if (row.created_by !== user.id) throw forbidden('catalog_not_drafter');
    await trx
      .updateTable('catalog_versions')
      .set({ definition: JSON.stringify(item), name: item.name, record_type: item.recordType, updated_at: new Date() })
      .where('item_id', '=', itemId)
      .where('version', '=', version)
      .execute();
    await audit(trx, ctx, { action: 'catalog.update', target: `catalog:${itemId}@${version}`, detail: { name: item.name } });
    return item;
  });
}

/**
 * Sets a draft aside (状态 discarded): any credit-office admin may, so that a draft left by someone who has
 * moved on does not block a new version. The number stays taken; audited.
 */
export async function discardDraft(db: Db, itemId: string, version: number, ctx: AuditContext): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await lockDraft(trx, itemId, version, '只有草稿可以放弃；待审核的版本请先退回');
    await trx.updateTable('catalog_versions').set({ status: 'discarded' }).where('item_id', '=', itemId).where('version', '=', version).execute();
    await audit(trx, ctx, { action: 'catalog.discard', target: `catalog:${itemId}@${version}`, detail: { name: row.name } });
  });
}

/** The version of an item that is still being drafted or reviewed, if any (one at a time per item). */
export async function openVersion(db: DbOrTx, itemId: string): Promise<number | undefined> {
  const r = await db
    .selectFrom('catalog_versions')
    .select('version')
    .where('item_id', '=', itemId)
    .where('status', 'in', ['draft', 'in_review'])
    .orderBy('version', 'desc')
    .executeTakeFirst();
  return r?.version;
}
