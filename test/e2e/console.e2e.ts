// Browser test (issue: foundation "done when"): the credit-office admin signs in, creates a department
// user; that user signs in and sees only their department's screens; the audit log shows all of it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer } from '../helpers/browser.ts';

const ADMIN_PASSWORD = 'Admin-password-2026';
const CLERK_PASSWORD = 'Clerk-password-2026';

let server: E2eServer;
let browser: Browser;

before(async () => {
  server = await startE2eServer();
  await createUser(server.db.db, 'system', { username: 'office_admin', displayName: '信用办王主任', role: 'admin', departmentId: null, password: ADMIN_PASSWORD }, { actor: null });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`${server.baseUrl}/console/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('welcome').waitFor();
}

async function signOut(page: Page) {
  await page.getByTestId('logout').click();
  await page.getByTestId('login-username').waitFor();
}

test('admin creates a department user, who sees only their department; the audit log shows it all', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const market = await server.db.db.selectFrom('departments').select(['id', 'name']).where('code', '=', 'SCJGJ').executeTakeFirstOrThrow();

  // A wrong password shows the server's Chinese message.
  await page.goto(`${server.baseUrl}/console/login`);
  await page.getByTestId('login-username').fill('office_admin');
  await page.getByTestId('login-password').fill('not-the-password-1');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-error').waitFor();
  assert.match(await page.getByTestId('login-error').innerText(), /用户名或密码错误/);

  await signIn(page, 'office_admin', ADMIN_PASSWORD);
  assert.match(await page.getByTestId('welcome').innerText(), /信用办王主任/);
  for (const m of ['menu-departments', 'menu-users', 'menu-apikeys', 'menu-audit']) assert.ok(await page.getByTestId(m).isVisible(), m);

  // Create a reporter in 市场监督管理局.
  await page.getByTestId('menu-users').click();
  await page.getByTestId('user-create-open').click();
  await page.getByTestId('user-form-username').fill('scjg_clerk');
  await page.getByTestId('user-form-displayname').fill('市场监管局李填报');
  await page.getByTestId('user-form-role').click();
  await page.getByTestId('option-role-reporter').click();
  await page.getByTestId('user-form-department').click();
  await page.getByTestId(`option-dept-${market.id}`).click();
  await page.getByTestId('user-form-password').fill(CLERK_PASSWORD);
  await page.getByTestId('user-form-submit').click();
  await page.getByTestId('users-table').getByText('scjg_clerk').waitFor();
  await page.screenshot({ path: join(RESULTS_DIR, 'console-users.png'), fullPage: true });
  await signOut(page);

  // The department user sees only their department's screens.
  await signIn(page, 'scjg_clerk', CLERK_PASSWORD);
  assert.match(await page.getByTestId('welcome').innerText(), /市场监管局李填报/);
  assert.ok(await page.getByTestId('menu-mydept').isVisible());
  for (const m of ['menu-departments', 'menu-users', 'menu-apikeys', 'menu-audit']) assert.equal(await page.getByTestId(m).count(), 0, `${m} hidden`);
  await page.getByTestId('menu-mydept').click();
  // The panel renders before its data arrives: wait for the department's name itself.
  await page.getByTestId('mydept-info').getByText(market.name).first().waitFor();
  assert.match(await page.getByTestId('mydept-info').innerText(), new RegExp(market.name));
  await page.screenshot({ path: join(RESULTS_DIR, 'console-department-user.png'), fullPage: true });
  // Typing an admin URL does not open the audit log, and the API refuses it too.
  await page.goto(`${server.baseUrl}/console/audit`);
  await page.waitForLoadState('networkidle');
  assert.equal(await page.getByTestId('audit-table').count(), 0);
  const api = await page.evaluate(async () => (await fetch('/api/audit')).status);
  assert.equal(api, 403);
  const other = await server.db.db.selectFrom('departments').select('id').where('code', '=', 'SWUJU').executeTakeFirstOrThrow();
  const otherStatus = await page.evaluate(async (id) => (await fetch(`/api/departments/${id}`)).status, other.id);
  assert.equal(otherStatus, 403);
  await page.goto(`${server.baseUrl}/console`);
  await signOut(page);

  // Back as admin: the audit log shows the sign-ins, the creation and the refused requests.
  await signIn(page, 'office_admin', ADMIN_PASSWORD);
  await page.getByTestId('menu-audit').click();
  const table = page.getByTestId('audit-table');
  // Actions by their Chinese names (issue 17 §4), details as labelled fields.
  await table.getByText('新增账号').first().waitFor();
  const text = await table.innerText();
  for (const expected of ['新增账号', '登录', 'scjg_clerk', 'office_admin', '查看部门', '原因', '其他部门的数据']) assert.ok(text.includes(expected), expected);
  assert.ok(!/users\.create|"reason"/.test(text), 'no action codes or raw JSON on screen');
  await page.screenshot({ path: join(RESULTS_DIR, 'console-audit.png'), fullPage: true });

  const rows = await server.db.db.selectFrom('audit_log').select(['action', 'outcome', 'actor_username']).execute();
  assert.ok(rows.some((r) => r.action === 'auth.login' && r.outcome === 'failed'));
  assert.ok(rows.some((r) => r.action === 'users.create' && r.actor_username === 'office_admin'));
  assert.ok(rows.some((r) => r.action === 'auth.login' && r.actor_username === 'scjg_clerk'));
  assert.ok(rows.some((r) => r.action === 'auth.role' && r.outcome === 'denied' && r.actor_username === 'scjg_clerk'));
  await context.close();
});

test('the portal home page shows the city title and a search box, also on a phone', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/`);
  await page.getByTestId('site-title').waitFor();
  assert.match(await page.getByTestId('site-title').innerText(), /信用西宁/);
  assert.ok(await page.getByTestId('portal-search-input').isVisible());
  await page.screenshot({ path: join(RESULTS_DIR, 'portal-home-mobile.png'), fullPage: true });
  await context.close();
});
