// Routes of the portal (`/…`) and the console (`/console/…`), history mode.
// Every page component is lazy-loaded so the portal does not ship console code.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { canOpen, type MenuKey } from './console/roles';
import { clearSession, ensureSession, safeConsoleRedirect } from './console/session';
import { onUnauthorized } from './api/http';

declare module 'vue-router' {
  interface RouteMeta {
    /** Page title shown in the browser tab (the site title is appended). */
    title?: string;
    /** Console pages: the menu entry whose role list guards this page. */
    menuKey?: MenuKey;
  }
}

const PortalGuide = () => import('./portal/GuidePage.vue');

const routes: RouteRecordRaw[] = [
  {
    path: '/console/login',
    name: 'console-login',
    component: () => import('./console/LoginPage.vue'),
    meta: { title: '登录' },
  },
  {
    path: '/console/password',
    name: 'console-password',
    component: () => import('./console/ChangePasswordPage.vue'),
    meta: { title: '修改密码' },
  },
  {
    path: '/console',
    component: () => import('./console/ConsoleLayout.vue'),
    children: [
      { path: '', name: 'console-home', component: () => import('./console/DashboardPage.vue'), meta: { title: '工作台', menuKey: 'dashboard' } },
      { path: 'departments', name: 'console-departments', component: () => import('./console/DepartmentsPage.vue'), meta: { title: '部门管理', menuKey: 'departments' } },
      { path: 'users', name: 'console-users', component: () => import('./console/UsersPage.vue'), meta: { title: '用户管理', menuKey: 'users' } },
      { path: 'apikeys', name: 'console-apikeys', component: () => import('./console/ApiKeysPage.vue'), meta: { title: 'API密钥', menuKey: 'apikeys' } },
      { path: 'audit', name: 'console-audit', component: () => import('./console/AuditPage.vue'), meta: { title: '审计日志', menuKey: 'audit' } },
      { path: 'mydept', name: 'console-mydept', component: () => import('./console/MyDepartmentPage.vue'), meta: { title: '本部门', menuKey: 'mydept' } },
      { path: 'ingest', name: 'console-ingest', component: () => import('./console/IngestPage.vue'), meta: { title: '数据归集', menuKey: 'ingest' } },
      { path: 'batches', name: 'console-batches', component: () => import('./console/BatchesPage.vue'), meta: { title: '回执', menuKey: 'batches' } },
      { path: 'batches/:id', name: 'console-batch', component: () => import('./console/BatchDetailPage.vue'), meta: { title: '回执详情', menuKey: 'batches' } },
      // The receipts page used to live here; keep old bookmarks working.
      { path: 'receipts', redirect: { name: 'console-batches' } },
      { path: 'records', name: 'console-records', component: () => import('./console/RecordsPage.vue'), meta: { title: '归集记录', menuKey: 'records' } },
      { path: 'records/:id', name: 'console-record', component: () => import('./console/RecordDetailPage.vue'), meta: { title: '记录详情', menuKey: 'records' } },
      { path: 'ingest-stats', name: 'console-ingest-stats', component: () => import('./console/IngestStatsPage.vue'), meta: { title: '归集统计', menuKey: 'ingest-stats' } },
      { path: 'catalog', name: 'console-catalog', component: () => import('./console/CatalogPage.vue'), meta: { title: '资源目录', menuKey: 'catalog' } },
      { path: 'catalog/new', name: 'console-catalog-new', component: () => import('./console/CatalogEditorPage.vue'), meta: { title: '新建目录项版本', menuKey: 'catalog' } },
      { path: 'catalog/:id/versions/:version(\\d{1,9})', name: 'console-catalog-version', component: () => import('./console/CatalogEditorPage.vue'), meta: { title: '目录项版本', menuKey: 'catalog' } },
      { path: 'monitoring', name: 'console-monitoring', component: () => import('./console/monitoring/MonitoringDashboardPage.vue'), meta: { title: '监测总览', menuKey: 'monitoring-dashboard' } },
      { path: 'monitoring/events', name: 'console-monitoring-events', component: () => import('./console/monitoring/EventsPage.vue'), meta: { title: '信用事件', menuKey: 'monitoring-events' } },
      { path: 'monitoring/checklist', name: 'console-monitoring-checklist', component: () => import('./console/monitoring/ChecklistPage.vue'), meta: { title: '信用制度清单', menuKey: 'monitoring-checklist' } },
      { path: 'monitoring/index', name: 'console-monitoring-index', component: () => import('./console/monitoring/IndexPage.vue'), meta: { title: '指标与推演', menuKey: 'monitoring-index' } },
      { path: 'repair', name: 'console-repair', component: () => import('./console/RepairQueuePage.vue'), meta: { title: '信用修复', menuKey: 'repair' } },
      { path: 'monitoring/report', name: 'console-monitoring-report', component: () => import('./console/monitoring/ReportPage.vue'), meta: { title: '监测通报', menuKey: 'monitoring-report' } },
      { path: 'publicity-settings', name: 'console-publicity-settings', component: () => import('./console/PublicitySettingsPage.vue'), meta: { title: '公示规则设置', menuKey: 'publicity-settings' } },
      { path: 'lists/entries', name: 'console-list-entries', component: () => import('./console/lists/ListEntriesPage.vue'), meta: { title: '红黑名单', menuKey: 'lists-entries' } },
      { path: 'lists/entries/:id(\\d{1,18})', name: 'console-list-entry', component: () => import('./console/lists/ListEntryPage.vue'), meta: { title: '名单条目', menuKey: 'lists-entries' } },
      { path: 'lists/types', name: 'console-list-types', component: () => import('./console/lists/ListTypesPage.vue'), meta: { title: '名单类型', menuKey: 'lists-types' } },
      { path: 'lists/stats', name: 'console-list-stats', component: () => import('./console/lists/ListStatsPage.vue'), meta: { title: '名单统计', menuKey: 'lists-stats' } },
      { path: 'objections', name: 'console-objections', component: () => import('./console/ObjectionsPage.vue'), meta: { title: '异议申诉', menuKey: 'objections' } },
      { path: 'commitments', name: 'console-commitments', component: () => import('./console/CommitmentsPage.vue'), meta: { title: '信用承诺', menuKey: 'commitments' } },
      // A page the role may not open (the guard below sends the user here, saying why).
      { path: 'forbidden', name: 'console-forbidden', component: () => import('./console/ForbiddenPage.vue'), meta: { title: '无权访问' } },
      { path: 'sanctions/check', name: 'console-sanctions-check', component: () => import('./console/sanctions/SanctionsCheckPage.vue'), meta: { title: '事前核查', menuKey: 'sanctions-check' } },
      { path: 'sanctions/stats', name: 'console-sanctions-stats', component: () => import('./console/sanctions/SanctionsStatsPage.vue'), meta: { title: '联合奖惩统计', menuKey: 'sanctions-stats' } },
      { path: 'sanctions/measures', name: 'console-sanctions-measures', component: () => import('./console/sanctions/MeasuresPage.vue'), meta: { title: '措施清单', menuKey: 'sanctions-measures' } },
      { path: 'stats/credit-services', name: 'console-credit-services-stats', component: () => import('./console/CreditServicesStatsPage.vue'), meta: { title: '信用服务统计', menuKey: 'credit-services-stats' } },
      { path: 'workflow-settings', name: 'console-workflow-settings', component: () => import('./console/WorkflowSettingsPage.vue'), meta: { title: '修复与异议设置', menuKey: 'workflow-settings' } },
      { path: ':rest(.*)*', name: 'console-not-found', component: () => import('./console/NotFoundPage.vue'), meta: { title: '页面不存在', menuKey: 'dashboard' } },
    ],
  },
  {
    path: '/',
    component: () => import('./portal/PortalLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('./portal/HomePage.vue') },
      { path: 'search', name: 'search', component: () => import('./portal/SearchPage.vue'), meta: { title: '信用查询' } },
      { path: 'subjects/:id(\\d{1,18})', name: 'subject', component: () => import('./portal/SubjectPage.vue'), meta: { title: '信用主体' } },
      { path: 'records/:id(\\d{1,19})', name: 'record', component: () => import('./portal/RecordPage.vue'), meta: { title: '公示详情' } },
      { path: 'sgs', name: 'sgs', component: () => import('./portal/SgsPage.vue'), meta: { title: '双公示' } },
      { path: 'lists', name: 'lists', component: () => import('./portal/ListsPage.vue'), meta: { title: '红黑名单' } },
      { path: 'lists/:code([A-Z][A-Z0-9_]{1,30})', name: 'list-type', component: () => import('./portal/ListTypePage.vue'), meta: { title: '红黑名单' } },
      { path: 'policies', name: 'policies', component: () => import('./portal/PoliciesPage.vue'), meta: { title: '信用制度' } },
      { path: 'credit-events', name: 'credit-events', component: () => import('./portal/CreditEventsPage.vue'), meta: { title: '信用事件公开' } },
      { path: 'code-conversions', name: 'code-conversions', component: () => import('./portal/CodeConversionsPage.vue'), meta: { title: '统一社会信用代码转换公示' } },
      { path: 'repair', name: 'repair', component: PortalGuide, props: { guide: 'repair' }, meta: { title: '信用修复' } },
      { path: 'repair/apply', name: 'repair-apply', component: () => import('./portal/RepairApplyPage.vue'), meta: { title: '在线申请信用修复' } },
      { path: 'repair/progress', name: 'repair-progress', component: () => import('./portal/RepairProgressPage.vue'), meta: { title: '信用修复进度查询' } },
      { path: 'objection', name: 'objection', component: PortalGuide, props: { guide: 'objection' }, meta: { title: '异议申诉' } },
      { path: 'objection/new', name: 'objection-new', component: () => import('./portal/ObjectionFilePage.vue'), meta: { title: '提出异议申诉' } },
      { path: 'objection/progress', name: 'objection-progress', component: () => import('./portal/ObjectionProgressPage.vue'), meta: { title: '异议申诉进度查询' } },
      { path: 'commitments', name: 'commitments', component: () => import('./portal/CommitmentsPage.vue'), meta: { title: '信用承诺公示' } },
      { path: 'sanction-cases', name: 'sanction-cases', component: () => import('./portal/SanctionCasesPage.vue'), meta: { title: '联合奖惩案例' } },
      { path: 'verify', name: 'verify', component: () => import('./portal/VerifyPage.vue'), meta: { title: '信用报告核验' } },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('./portal/NotFoundPage.vue'), meta: { title: '页面不存在' } },
    ],
  },
];

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior(_to, _from, saved) {
    return saved ?? { top: 0 };
  },
});

router.beforeEach(async (to) => {
  const inConsole = to.path === '/console' || to.path.startsWith('/console/');
  if (!inConsole) return true;

  const user = await ensureSession();
  if (to.name === 'console-login') {
    return user ? { path: safeConsoleRedirect(to.query.redirect) } : true;
  }
  if (!user) {
    return { name: 'console-login', query: to.fullPath === '/console' ? {} : { redirect: to.fullPath } };
  }
  // A session opened with a one-time password may only change it (the server refuses everything else).
  if (user.mustChangePassword && to.name !== 'console-password') {
    return { name: 'console-password', query: to.fullPath === '/console' ? {} : { redirect: to.fullPath } };
  }
  if (to.meta.menuKey && !canOpen(user.role, to.meta.menuKey)) {
    // Say why (which roles may open it) instead of silently bouncing to 工作台.
    return { name: 'console-forbidden', query: { page: to.fullPath, need: to.meta.menuKey } };
  }
  return true;
});

// A 401 on any console call means the session ended (expired, logged out elsewhere).
onUnauthorized(() => {
  clearSession();
  const current = router.currentRoute.value;
  if (current.path.startsWith('/console') && current.name !== 'console-login') {
    void router.replace({ name: 'console-login', query: { redirect: current.fullPath } });
  }
});
