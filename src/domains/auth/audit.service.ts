// The audit log as the credit office reads it (issue 17 §4): Chinese action names, the acting person's
// department by name, the detail as labelled fields, and an .xlsx export of the same filtered list.
// Natural persons' numbers that reached a detail or target (a username typed as an ID number, a file
// name) are masked in the staff form (codes/pii.ts) on screen and in the export alike.
import type { DbOrTx } from '../../db/index.ts';
import { audit, listAudit, type AuditContext, type AuditQuery, type AuditRow } from '../../platform/audit.ts';
import { nameAuditTargets, type AuditTargetNamer } from '../../platform/auditTargets.ts';
import { AUDIT_ACTIONS, auditActionLabel, describeAuditDetail, type AuditField, type AuditValueNames } from '../../platform/auditActions.ts';
import { writeSheet } from '../../platform/xlsx.ts';
import { findPersonalNumbers, maskPersonalNumbersIn } from '../codes/index.ts';
import type { Role } from '../../db/types.ts';
import { ROLES } from './auth.service.ts';
import { departmentsByIds } from './departments.ts';

/** An audit entry for the console: the stored row plus its words. */
export interface AuditEntryView extends AuditRow {
  actionLabel: string;
  actorDepartmentName: string | null;
  /** The target in words (`用户 张三（zhangsan）`); `target` keeps the stored `kind:id`. */
  targetLabel: string | null;
  fields: AuditField[];
}

/** Most rows one export carries (newest first); the console tells the user to narrow the filters beyond it. */
export const AUDIT_EXPORT_MAX = 10_000;

const OUTCOME_LABELS: Record<string, string> = { ok: '成功', denied: '拒绝', failed: '失败' };

/** Beijing time as the console shows it: 2026-12-07 14:05:09. */
function chinaTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function mask(text: string): string {
  const found = findPersonalNumbers(text);
  return found.length ? maskPersonalNumbersIn(text, found) : text;
}

/** The stored detail with every string masked, for the raw `detail` the API still carries. */
function maskDeep(v: unknown): unknown {
  if (typeof v === 'string') return mask(v);
  if (Array.isArray(v)) return v.map(maskDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskDeep(x)]));
  return v;
}

// Detail keys that hold a department id, shown by the department's name (the auditor found bare ids, issue 17).
const DEPARTMENT_KEYS = new Set(['departmentId', 'department_id']);

/** Department ids written in a detail (also inside before/after), to look up with the actors' departments in one query. */
function detailDepartmentIds(detail: unknown): number[] {
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return [];
  return Object.entries(detail as Record<string, unknown>).flatMap(([k, v]) => (DEPARTMENT_KEYS.has(k) && typeof v === 'number' ? [v] : detailDepartmentIds(v)));
}

async function describe(db: DbOrTx, rows: AuditRow[], namers: readonly AuditTargetNamer[]): Promise<AuditEntryView[]> {
  // One query for the page's targets, whatever their kinds.
  const targets = await nameAuditTargets(db, namers, [...new Set(rows.flatMap((r) => (r.target === null ? [] : [r.target])))]);
  const departments = await departmentsByIds(db, rows.flatMap((r) => [...(r.actorDepartmentId === null ? [] : [r.actorDepartmentId]), ...detailDepartmentIds(r.detail)]));
  // Roles and departments by name; anything else as written (auditActions.ts).
  const names: AuditValueNames = (key, value) => {
    if (key === 'role' && typeof value === 'string') return ROLES[value as Role];
    if (DEPARTMENT_KEYS.has(key) && typeof value === 'number') return departments.get(value)?.name;
    return undefined;
  };
  return rows.map((r) => ({
    ...r,
    target: r.target === null ? null : mask(r.target),
    targetLabel: r.target === null ? null : mask(targets.get(r.target) ?? r.target),
    detail: maskDeep(r.detail),
    actionLabel: auditActionLabel(r.action),
    actorDepartmentName: r.actorDepartmentId === null ? null : (departments.get(r.actorDepartmentId)?.name ?? `部门 ${r.actorDepartmentId}`),
    fields: describeAuditDetail(r.detail, names, r.action).map((f) => ({ label: f.label, value: mask(f.value) })),
  }));
}

/** One page of the log, newest first, in words (targets named by `namers`, the shell's list in the app). */
export async function auditPage(db: DbOrTx, q: AuditQuery, namers: readonly AuditTargetNamer[] = []): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
  const page = await listAudit(db, q);
  return { items: await describe(db, page.items, namers), nextCursor: page.nextCursor };
}

/** The actions a filter may choose from, with their Chinese names, in name order. */
export function auditActionOptions(): { action: string; label: string }[] {
  return Object.entries(AUDIT_ACTIONS)
    .map(([action, label]) => ({ action, label }))
    .sort((a, b) => a.label.localeCompare(b.label, 'zh'));
}

/** The filtered log as .xlsx (at most AUDIT_EXPORT_MAX rows), targets named as on screen; the export itself is audited. */
export async function auditXlsx(db: DbOrTx, q: AuditQuery, ctx: AuditContext, namers: readonly AuditTargetNamer[] = []): Promise<{ body: Buffer; rows: number; truncated: boolean }> {
  const rows: AuditEntryView[] = [];
  let cursor: string | undefined;
  let more: boolean;
  for (;;) {
    const page = await auditPage(db, { ...q, cursor, limit: 500 }, namers);
    rows.push(...page.items);
    more = page.nextCursor !== null;
    if (!more || rows.length >= AUDIT_EXPORT_MAX) break;
    cursor = page.nextCursor!;
  }
  const truncated = rows.length > AUDIT_EXPORT_MAX || more;
  const kept = rows.slice(0, AUDIT_EXPORT_MAX);
  const filters = Object.fromEntries(Object.entries(q).filter(([k, v]) => v !== undefined && k !== 'cursor' && k !== 'limit'));
  await audit(db, ctx, { action: 'audit.export', detail: { ...filters, rows: kept.length } });
  const body = await writeSheet(
    '审计日志',
    ['时间', '操作人', '角色', '所属部门', '操作', '操作代码', '对象', '详情', 'IP', '结果'],
    kept.map((r) => [
      chinaTime(r.at),
      r.actorUsername ?? r.actorAppKey ?? '',
      r.actorRole === null ? '' : (ROLES[r.actorRole as Role] ?? r.actorRole),
      r.actorDepartmentName ?? '',
      r.actionLabel,
      r.action,
      r.targetLabel ?? '',
      r.fields.map((f) => `${f.label}：${f.value}`).join('；'),
      r.ip ?? '',
      OUTCOME_LABELS[r.outcome] ?? r.outcome,
    ]),
    [22, 16, 12, 24, 20, 26, 24, 60, 16, 8],
  );
  return { body, rows: kept.length, truncated };
}
