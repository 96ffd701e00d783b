// Role labels and the console menu. The menu table is the single source for both
// what the side menu shows and which routes the router guard lets a role open;
// the server still enforces every permission on its own.
import type { DepartmentKind, Role } from '../api/types';

export const ROLE_LABELS: Record<Role, string> = {
  admin: '信用办管理员',
  reporter: '填报员',
  reviewer: '审核员',
  district_admin: '区县管理员',
  auditor: '审计员',
};

export const ALL_ROLES: Role[] = ['admin', 'reporter', 'reviewer', 'district_admin', 'auditor'];

/**
 * Roles each role may give and manage (create, change, deactivate, reset): the server's GRANTS table
 * (src/domains/auth/grants.ts), which has the final say. A district admin manages only its district's clerks.
 */
export const CREATABLE_ROLES: Record<Role, Role[]> = {
  admin: ALL_ROLES,
  district_admin: ['reporter', 'reviewer'],
  reporter: [],
  reviewer: [],
  auditor: [],
};

/** Roles whose accounts must belong to a department. */
export const ROLES_NEEDING_DEPARTMENT: Role[] = ['reporter', 'reviewer', 'district_admin'];

export const DEPARTMENT_KIND_LABELS: Record<DepartmentKind, string> = {
  city_unit: '市直单位',
  district: '区县',
  soe: '国有企业',
  office: '信用办',
};

/** Chinese label of a role, falling back to the raw code for unknown values. */
export function roleLabel(role: string | null | undefined): string {
  if (!role) return '—';
  return (ROLE_LABELS as Record<string, string>)[role] ?? role;
}

/** Chinese label of a department kind. */
export function departmentKindLabel(kind: string): string {
  return (DEPARTMENT_KIND_LABELS as Record<string, string>)[kind] ?? kind;
}

export type MenuKey =
  | 'dashboard'
  | 'departments'
  | 'users'
  | 'apikeys'
  | 'audit'
  | 'mydept'
  | 'ingest'
  | 'batches'
  | 'records'
  | 'ingest-stats'
  | 'catalog'
  | 'monitoring-dashboard'
  | 'monitoring-events'
  | 'monitoring-checklist'
  | 'monitoring-index'
  | 'monitoring-report'
  | 'publicity-settings'
  | 'lists-types'
  | 'lists-entries'
  | 'lists-stats'
  | 'repair'
  | 'objections'
  | 'commitments'
  | 'sanctions-check'
  | 'sanctions-stats'
  | 'sanctions-measures'
  | 'credit-services-stats'
  | 'workflow-settings';

/** Roles that report data (upload, online form); the auditor only reads receipts, records and statistics. */
export const INGEST_ROLES: readonly Role[] = ['admin', 'district_admin', 'reporter', 'reviewer'];

/** Roles that choose the reporting department on upload; department users always report for their own. */
export const INGEST_CHOOSES_DEPARTMENT: readonly Role[] = ['admin', 'district_admin'];

/** Roles that manage the resource catalogue (local items, review of versions). */
export const CATALOG_ADMIN_ROLES: readonly Role[] = ['admin'];

/** Roles that may create and revoke API keys (the server's POST /api/apikeys and /api/apikeys/:id/revoke). */
export const APIKEY_WRITE_ROLES: readonly Role[] = ['admin', 'district_admin'];

/** Roles that may view collected records with personal data unmasked (the server audits every such read). */
export const UNMASK_ROLES: readonly Role[] = ['admin'];

/** Roles that may list every catalogue version (drafts, in review, retired), not only the active ones. */
export const CATALOG_ALL_VERSIONS_ROLES: readonly Role[] = ['admin', 'auditor'];

export interface MenuEntry {
  key: MenuKey;
  label: string;
  path: string;
  roles: readonly Role[];
}

const MONITORING_ROLES: readonly Role[] = ['admin', 'auditor', 'district_admin'];
/** Who sees the publicity settings page; only admin may save (server: PUT /api/publicity/settings). */
const PUBLICITY_SETTINGS_ROLES: readonly Role[] = ['admin', 'auditor'];

export const MENU: readonly MenuEntry[] = [
  { key: 'dashboard', label: '工作台', path: '/console', roles: ALL_ROLES },
  { key: 'departments', label: '部门管理', path: '/console/departments', roles: ['admin', 'district_admin'] },
  { key: 'users', label: '用户管理', path: '/console/users', roles: ['admin', 'district_admin'] },
  // API密钥: who the server lets list keys (GET /api/apikeys); a district admin sees and manages its district's own,
  // the auditor only reads (APIKEY_WRITE_ROLES).
  { key: 'apikeys', label: 'API密钥', path: '/console/apikeys', roles: ['admin', 'district_admin', 'auditor'] },
  { key: 'audit', label: '审计日志', path: '/console/audit', roles: ['admin', 'auditor'] },
  { key: 'mydept', label: '本部门', path: '/console/mydept', roles: ['reporter', 'reviewer'] },
  { key: 'ingest', label: '数据归集', path: '/console/ingest', roles: INGEST_ROLES },
  { key: 'batches', label: '回执', path: '/console/batches', roles: ALL_ROLES },
  { key: 'records', label: '归集记录', path: '/console/records', roles: ALL_ROLES },
  { key: 'ingest-stats', label: '归集统计', path: '/console/ingest-stats', roles: ALL_ROLES },
  { key: 'catalog', label: '资源目录', path: '/console/catalog', roles: ALL_ROLES },
  // 城市信用监测 (monitoring): leaders, the credit office and auditors; writes are admin-only on the server.
  { key: 'monitoring-dashboard', label: '监测总览', path: '/console/monitoring', roles: MONITORING_ROLES },
  { key: 'monitoring-events', label: '信用事件', path: '/console/monitoring/events', roles: MONITORING_ROLES },
  { key: 'monitoring-checklist', label: '信用制度清单', path: '/console/monitoring/checklist', roles: MONITORING_ROLES },
  { key: 'monitoring-index', label: '指标与推演', path: '/console/monitoring/index', roles: MONITORING_ROLES },
  { key: 'monitoring-report', label: '监测通报', path: '/console/monitoring/report', roles: MONITORING_ROLES },
  // 公示规则设置 (issue 13): the credit office confirms them; the auditor reads them.
  { key: 'publicity-settings', label: '公示规则设置', path: '/console/publicity-settings', roles: PUBLICITY_SETTINGS_ROLES },
  // 红黑名单 (lists): the server's role table is in src/domains/lists/README.md.
  { key: 'lists-entries', label: '红黑名单', path: '/console/lists/entries', roles: ['admin', 'reviewer', 'auditor', 'reporter', 'district_admin'] },
  { key: 'lists-types', label: '名单类型', path: '/console/lists/types', roles: ALL_ROLES },
  { key: 'lists-stats', label: '名单统计', path: '/console/lists/stats', roles: ['admin', 'reviewer', 'auditor'] },
  // 信用修复 (issue 15): the credit office forwards and watches deadlines, departments decide their own.
  { key: 'repair', label: '信用修复', path: '/console/repair', roles: ['admin', 'auditor', 'reviewer', 'reporter'] },
  // Issue 15: the credit office pre-checks objections, the source department verifies and decides.
  { key: 'objections', label: '异议申诉', path: '/console/objections', roles: ALL_ROLES },
  { key: 'commitments', label: '信用承诺', path: '/console/commitments', roles: ALL_ROLES },
  // 联合奖惩: clerks check and feed back for their department; the credit office and auditors see the statistics.
  { key: 'sanctions-check', label: '事前核查', path: '/console/sanctions/check', roles: ['reporter', 'reviewer'] },
  { key: 'sanctions-stats', label: '联合奖惩统计', path: '/console/sanctions/stats', roles: ['admin', 'auditor'] },
  { key: 'sanctions-measures', label: '措施清单', path: '/console/sanctions/measures', roles: ALL_ROLES },
  // 信用服务统计 (issue 15 §5): repair, objections and commitments figures for the credit office and auditors.
  { key: 'credit-services-stats', label: '信用服务统计', path: '/console/stats/credit-services', roles: ['admin', 'auditor'] },
  // 修复与异议设置 (issue 15 §4): the credit office's deadlines and limits; the auditor reads, only admin saves.
  { key: 'workflow-settings', label: '修复与异议设置', path: '/console/workflow-settings', roles: ['admin', 'auditor'] },
];

/** Menu entries the given role may see, in display order. */
export function menuFor(role: Role): MenuEntry[] {
  return MENU.filter((m) => m.roles.includes(role));
}

/** Whether the role may open the page behind a menu key. */
export function canOpen(role: Role, key: MenuKey): boolean {
  return MENU.some((m) => m.key === key && m.roles.includes(role));
}
