// 资源目录 lifecycle: the credit office drafts a local item (or a new version of one), submits it for
// review, and a different administrator approves it; approval retires the previous active version.
// Records keep the catalogue version they were validated against (record_versions.catalog_version).
import type { Db } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { AppError, conflict, forbidden, isPgError, notFound, PG } from '../../platform/errors.ts';
import type { SessionUser } from '../auth/index.ts';
import { validateCatalogItem } from './catalog.model.ts';
import { openVersion } from './catalog.drafts.ts';
import { getVersion } from './catalog.repository.ts';
import type { CatalogItem } from './catalog.schemas.ts';

/** Stores a definition as a new draft version (version = latest + 1); built-in items cannot be redefined. */
export async function createDraft(db: Db, user: SessionUser, def: unknown, ctx: AuditContext): Promise<CatalogItem> {
  const v = validateCatalogItem({ ...(def as object), status: 'draft', version: 1 });
  if (!v.ok) throw new AppError('catalog_invalid', '目录项定义有误', 400, v.errors);
  const item = v.item;
  try {
    return await db.transaction().execute(async (trx) => {
      const latest = await trx.selectFrom('catalog_versions').select(['version', 'builtin']).where('item_id', '=', item.id).orderBy('version', 'desc').executeTakeFirst();
      if (latest?.builtin) throw conflict('catalog_builtin', '国家标准目录项不能在本地修改，请新建本地目录项');
      // One version at a time is drafted or reviewed per item, so that two drafts never race to approval.
      const open = await openVersion(trx, item.id);
      if (open !== undefined) throw conflict('catalog_open_draft', `该目录项的第 ${open} 版尚在起草或审核中，请先完成或放弃该版本`);
      const version = (latest?.version ?? 0) + 1;
      const stored: CatalogItem = { ...item, version, status: 'draft' };
      await trx
        .insertInto('catalog_versions')
        .values({ item_id: item.id, version, name: item.name, record_type: item.recordType, definition: JSON.stringify(stored), status: 'draft', created_by: user.id })
        .execute();
      await audit(trx, ctx, { action: 'catalog.draft', target: `catalog:${item.id}@${version}`, detail: { name: item.name } });
      return stored;
    });
  } catch (e) {
    // Two saves of a new version at once both pass the open-draft check and take the same number: the
    // primary key lets one in, and the other is told what happened instead of a 500.
    if (isPgError(e, PG.uniqueViolation)) throw conflict('catalog_draft_race');
    throw e;
  }
}

type Transition = 'submit' | 'approve' | 'reject';

/** Moves a version through review: draft → in_review → active (or back to draft). */
export async function transition(db: Db, user: SessionUser, itemId: string, version: number, action: Transition, ctx: AuditContext): Promise<void> {
  const v = await getVersion(db, itemId, version);
  if (!v) throw notFound('catalog_not_found', '目录项版本不存在');
  if (v.builtin) throw conflict('catalog_builtin', '国家标准目录项无需审核');
  const from = { submit: 'draft', approve: 'in_review', reject: 'in_review' }[action];
  if (v.status !== from) throw conflict('catalog_bad_state', `当前状态为“${STATUS_LABEL[v.status]}”，不能执行此操作`);
  // Four eyes: the author of a version may not approve it.
  if (action === 'approve' && v.createdBy === user.id) {
    await audit(db, ctx, { action: 'catalog.approve', target: `catalog:${itemId}@${version}`, outcome: 'denied', detail: { reason: 'own_draft' } });
    throw forbidden('catalog_self_approval', '不能审核通过自己起草的目录项，请由另一位管理员审核');
  }
  await db.transaction().execute(async (trx) => {
    if (action === 'approve') {
      await trx.updateTable('catalog_versions').set({ status: 'retired' }).where('item_id', '=', itemId).where('status', '=', 'active').execute();
      await trx.updateTable('catalog_versions').set({ status: 'active', reviewed_by: user.id, activated_at: new Date() }).where('item_id', '=', itemId).where('version', '=', version).execute();
    } else {
      const to = action === 'submit' ? 'in_review' : 'draft';
      await trx.updateTable('catalog_versions').set({ status: to, reviewed_by: action === 'reject' ? user.id : null }).where('item_id', '=', itemId).where('version', '=', version).execute();
    }
    await audit(trx, ctx, { action: `catalog.${action}`, target: `catalog:${itemId}@${version}` });
  });
}

export const STATUS_LABEL = { draft: '草稿', in_review: '待审核', active: '已发布', retired: '已停用', discarded: '已放弃' } as const;
