// The institution checklist over the database (信用制度完善程度): seeded from the shipped default on
// first use, changed item by item or replaced by an .xlsx import, exported, and the city's own
// documents listed for the portal. Writers serialise on an advisory lock; every change is audited.
import type { Db, DbOrTx } from '../../db/index.ts';
import { audit, type AuditContext } from '../../platform/audit.ts';
import { sha256 } from '../../platform/crypto.ts';
import { notFound } from '../../platform/errors.ts';
import type { SessionUser } from '../auth/index.ts';
import {
  MonitoringError,
  STATUS_LABELS,
  checklistToXlsx,
  defaultChecklist,
  importChecklistXlsx,
  summarizeChecklist,
  validateChecklist,
  type InstitutionItem,
  type InstitutionStatus,
} from './index.ts';
import { checklistNumberLabel } from './checklist.ts';
import { importError } from './errors.ts';
import * as repo from './monitoring.repository.ts';
import { isRealDate } from './period.ts';
import { uploadFormat, type Upload } from './upload.ts';
import { INSTALLER_NOTE_PATTERN } from '../../platform/installerNotes.ts';

// ================================================================ institution checklist

function rowToItem(r: repo.ChecklistRow): InstitutionItem {
  const doc = r.doc_title
    ? {
        ...Object.fromEntries(
          Object.entries({ title: r.doc_title, number: r.doc_number, date: r.doc_date, link: r.doc_link, issuer: r.doc_issuer }).filter(([, v]) => v !== null && v !== ''),
        ),
        ...(r.doc_unconfirmed ? { unconfirmed: true } : {}),
      }
    : undefined;
  return {
    id: r.id,
    domain: r.domain,
    ...(r.subdomain ? { subdomain: r.subdomain } : {}),
    name: r.name,
    status: r.status,
    ...(doc ? { document: doc as InstitutionItem['document'] } : {}),
    ...(r.basis ? { basis: r.basis } : {}),
    ...(r.online_url ? { online: { url: r.online_url, ...(r.online_date ? { date: r.online_date } : {}) } } : {}),
  };
}

function itemToRow(item: InstitutionItem, position: number, userId: number | null) {
  return {
    id: item.id,
    position,
    domain: item.domain,
    subdomain: item.subdomain ?? null,
    name: item.name,
    status: item.status,
    doc_title: item.document?.title ?? null,
    doc_number: item.document?.number || null,
    doc_date: item.document?.date || null,
    doc_link: item.document?.link || null,
    doc_issuer: item.document?.issuer || null,
    basis: item.basis ?? null,
    online_url: item.online?.url ?? null,
    online_date: item.online?.date || null,
    doc_unconfirmed: item.document?.unconfirmed === true,
    updated_by: userId,
  };
}

/** Document dates the core's pattern check lets through but the calendar does not (e.g. 2019-02-30). */
function checkDocumentDates(items: InstitutionItem[]): void {
  const issues = [
    ...items
      .filter((i) => i.document?.date && !isRealDate(i.document.date))
      .map((i) => ({ row: null, message: `「${i.name}」（${i.id}）：发布日期「${i.document!.date}」不是有效日期` })),
    ...items
      .filter((i) => i.online?.date && !isRealDate(i.online.date))
      .map((i) => ({ row: null, message: `「${i.name}」（${i.id}）：网上公开日期「${i.online!.date}」不是有效日期` })),
  ];
  if (issues.length) throw importError('invalid_checklist', '信用制度清单', issues);
}

/** Seeds the checklist from the shipped default on first use (an import never leaves it empty). */
async function ensureChecklist(db: Db): Promise<void> {
  if ((await repo.countChecklist(db)) > 0) return;
  await db.transaction().execute(async (trx) => {
    await repo.lock(trx, repo.LOCKS.checklist);
    if ((await repo.countChecklist(trx)) > 0) return;
    await repo.insertChecklist(trx, defaultChecklist().map((item, i) => itemToRow(item, i + 1, null)));
  });
}

/**
 * Run on start (openContext): a shipped item (by number) whose basis still carries an earlier install's development
 * note gets the shipped basis, which users read in the API and the exported .xlsx as plain Chinese (《…》, 文号,
 * 待核实 in words; issue 17 §4). A basis the credit office wrote, and an item it added, are left alone. Returns the
 * number of rows changed (0 before the checklist is first seeded).
 */
export async function installChecklistBasis(db: DbOrTx): Promise<number> {
  const shipped = defaultChecklist().flatMap((i) => (i.basis ? [{ id: i.id, basis: i.basis }] : []));
  return repo.replaceChecklistBasis(db, shipped, INSTALLER_NOTE_PATTERN);
}

/** The checklist as domain objects, seeded when empty. */
export async function loadChecklist(db: Db): Promise<InstitutionItem[]> {
  await ensureChecklist(db);
  return (await repo.listChecklist(db)).map(rowToItem);
}

export interface ChecklistItemDto {
  id: string;
  /** The number in words for the console ("综合-01" for GEN-01). */
  numberLabel: string;
  domain: string;
  subdomain: string | null;
  name: string;
  status: InstitutionStatus;
  statusLabel: string;
  document: { title: string; number: string | null; date: string | null; link: string | null; issuer: string | null; unconfirmed: boolean } | null;
  basis: string | null;
  /** where and since when the document is published online; null = not published (the monitor does not see it) */
  online: { url: string; date: string | null } | null;
  updatedAt: string;
}

function checklistDto(r: repo.ChecklistRow): ChecklistItemDto {
  return {
    id: r.id,
    numberLabel: checklistNumberLabel(r.id),
    domain: r.domain,
    subdomain: r.subdomain,
    name: r.name,
    status: r.status,
    statusLabel: STATUS_LABELS[r.status],
    document: r.doc_title ? { title: r.doc_title, number: r.doc_number, date: r.doc_date, link: r.doc_link, issuer: r.doc_issuer, unconfirmed: r.doc_unconfirmed } : null,
    basis: r.basis,
    online: r.online_url ? { url: r.online_url, date: r.online_date } : null,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** The checklist with its counts by status and domain and the summary sentence. */
export async function checklistView(db: Db) {
  await ensureChecklist(db);
  const rows = await repo.listChecklist(db);
  const s = summarizeChecklist(rows.map(rowToItem));
  return {
    items: rows.map(checklistDto),
    summary: {
      total: s.total,
      national: s.national,
      municipal: s.municipal,
      blank: s.blank,
      online: s.online,
      unpublished: s.unpublished.map((i) => ({ id: i.id, name: i.name, title: i.document?.title ?? i.name })),
      text: s.text,
      byDomain: s.byDomain.map(({ domain, total, national, municipal, blank }) => ({ domain, total, national, municipal, blank })),
    },
  };
}

export interface ChecklistPatch {
  status: InstitutionStatus;
  /** omitted: keep the current document; null: remove it */
  document?: { title: string; number?: string; date?: string; link?: string; issuer?: string; unconfirmed?: boolean } | null;
  /** omitted: keep; null: not published online */
  online?: { url: string; date?: string } | null;
}

/** Changes one item's status and document; validated by the core's checklist rules and audited. */
export async function patchChecklistItem(db: Db, user: SessionUser, id: string, patch: ChecklistPatch, ctx: AuditContext): Promise<ChecklistItemDto> {
  await ensureChecklist(db);
  return db.transaction().execute(async (trx) => {
    await repo.lock(trx, repo.LOCKS.checklist);
    const row = await repo.getChecklistItem(trx, id, true);
    if (!row) throw notFound('checklist_item_not_found', `信用制度清单中没有编号为「${id}」的制度`);
    const before = rowToItem(row);
    const document = patch.document === undefined ? before.document : (patch.document ?? undefined);
    const after: InstitutionItem = { ...before, status: patch.status, ...(document ? { document: Object.fromEntries(Object.entries(document).filter(([, v]) => v !== '' && v !== undefined)) as InstitutionItem['document'] } : {}) };
    if (!document) delete after.document;
    const online = patch.online === undefined ? before.online : (patch.online ?? undefined);
    if (online) after.online = online;
    else delete after.online;
    validateChecklist([after]);
    checkDocumentDates([after]);
    const { position: _p, ...values } = itemToRow(after, row.position, user.id);
    const updated = await repo.updateChecklistItem(trx, id, { ...values, updated_at: new Date() });
    await audit(trx, ctx, {
      action: 'monitoring.checklist.update',
      target: `checklist_item:${id}`,
      detail: {
        name: row.name,
        before: { status: before.status, document: before.document ?? null, online: before.online ?? null },
        after: { status: after.status, document: after.document ?? null, online: after.online ?? null },
      },
    });
    return checklistDto(updated);
  });
}

/** Replaces the whole checklist from an .xlsx after the core has validated every row; audited. */
export async function importChecklist(db: Db, user: SessionUser, up: Upload, ctx: AuditContext): Promise<{ previous: number; items: number; summary: string }> {
  if ((await uploadFormat(up)) !== 'xlsx') throw new MonitoringError('unsupported_format', '信用制度清单须为 .xlsx 文件（可先导出清单作为模板）');
  const items = await importChecklistXlsx(up.buffer);
  checkDocumentDates(items);
  return db.transaction().execute(async (trx) => {
    await repo.lock(trx, repo.LOCKS.checklist);
    const previous = await repo.deleteChecklist(trx);
    await repo.insertChecklist(trx, items.map((item, i) => itemToRow(item, i + 1, user.id)));
    // A file exported by an earlier release carries its development notes in 依据: the shipped plain text replaces
    // them now, as the next start would (installChecklistBasis), so the notes are never shown in between.
    await installChecklistBasis(trx);
    const summary = summarizeChecklist(items).text;
    await audit(trx, ctx, { action: 'monitoring.checklist.import', detail: { fileName: up.filename, sha256: sha256(up.buffer), previous, items: items.length, summary } });
    return { previous, items: items.length, summary };
  });
}

/** The checklist as .xlsx in the import layout. */
export async function exportChecklist(db: Db): Promise<Buffer> {
  return checklistToXlsx(await loadChecklist(db));
}

/** Municipal credit documents the city has issued (市级已出台), for the portal's 信用制度 page. */
export async function publicPolicies(db: DbOrTx) {
  // Read-only on the public path: an unseeded checklist has no municipal documents anyway.
  return (await repo.municipalDocuments(db)).map((r) => ({
    title: r.doc_title!,
    number: r.doc_number,
    date: r.doc_date,
    link: r.doc_link,
    issuer: r.doc_issuer,
    domain: r.domain,
    institution: r.name,
  }));
}
