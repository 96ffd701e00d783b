// Audit targets in words (issue 17 §4): an entry names its object as `kind:id` (user:6, batch:…), which an auditor
// cannot read. Each domain that owns a kind's table contributes the SQL that names its ids (an AuditTargetNamer,
// kept in that domain's folder, so table ownership holds); the shell lists them (src/shell/auditTargets.ts) and a
// page of the log is named in ONE query, the union of the namers its targets need, never a query per entry.
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../db/index.ts';

/** Names the ids of one target kind: `sql` selects (id text, name text) for the ids given as text[]. */
export interface AuditTargetNamer {
  kind: string;
  sql: (ids: string[]) => RawBuilder<{ id: string; name: string }>;
}

// What each kind of target is, for a target whose id no namer knows (deleted, failed login with a typed name …).
export const AUDIT_TARGET_KINDS: Record<string, string> = {
  apikey: 'API 密钥',
  batch: '批次',
  catalog: '目录项',
  checklist_item: '清单事项',
  commitment: '信用承诺',
  credit_event: '信用事件',
  department: '部门',
  event_classifier_build: '事件分类模型',
  indicator_tree: '指标体系',
  list_entry: '名单条目',
  list_type: '名单类型',
  measure: '惩戒措施',
  objection: '异议申请',
  record: '信用记录',
  repair: '信用修复申请',
  report: '信用报告',
  sanction_check: '联合奖惩核查',
  sanction_feedback: '奖惩反馈',
  score_import: '评分导入',
  setting: '设置',
  user: '用户',
};

/** The ids that can be keys of a bigserial table (stored targets are text; anything else names no row). */
export function bigintIds(ids: readonly string[]): string[] {
  return ids.filter((id) => /^\d{1,18}$/.test(id));
}

/** Splits `kind:id` at the first colon; a target without one is all id. */
export function parseAuditTarget(target: string): { kind: string | null; id: string } {
  const i = target.indexOf(':');
  return i < 0 ? { kind: null, id: target } : { kind: target.slice(0, i), id: target.slice(i + 1) };
}

/**
 * The words for each of `targets` (`用户 张三（zhangsan）`, `批次 …`), in one query over the namers their kinds
 * need; a target no namer knows reads as its kind and id, and one of an unknown kind as written.
 */
export async function nameAuditTargets(db: DbOrTx, namers: readonly AuditTargetNamer[], targets: readonly string[]): Promise<Map<string, string>> {
  const byKind = new Map<string, Set<string>>();
  for (const t of targets) {
    const { kind, id } = parseAuditTarget(t);
    if (kind === null) continue;
    if (!byKind.has(kind)) byKind.set(kind, new Set());
    byKind.get(kind)!.add(id);
  }
  const parts = namers.filter((n) => byKind.has(n.kind)).map((n) => sql`SELECT ${n.kind}::text AS kind, t.id::text AS id, t.name::text AS name FROM (${n.sql([...byKind.get(n.kind)!])}) t`);
  const found = new Map<string, string>();
  if (parts.length) {
    const rows = await sql<{ kind: string; id: string; name: string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db);
    for (const r of rows.rows) found.set(`${r.kind}:${r.id}`, r.name);
  }
  const out = new Map<string, string>();
  for (const t of targets) {
    const { kind, id } = parseAuditTarget(t);
    const label = kind === null ? undefined : AUDIT_TARGET_KINDS[kind];
    const name = found.get(t);
    out.set(t, label ? `${label} ${name ?? id}` : t);
  }
  return out;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The audit log's target namers, set by buildApp from the shell's list (src/shell/auditTargets.ts). */
    auditTargetNamers: readonly AuditTargetNamer[];
  }
}
