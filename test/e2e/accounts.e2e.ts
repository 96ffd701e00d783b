// Browser test (issue 11 §2): the credit-office admin resets a clerk's password in 用户管理 (confirmed); the
// clerk signs in with the one-time password and is held on 修改密码 until it is changed; the admin then
// deactivates the clerk (confirmed), whose open page is sent back to the login, and then the clerk's department.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer } from '../helpers/browser.ts';

const ADMIN_PASSWORD = 'Admin-password-2026';
const CLERK_PASSWORD = 'Clerk-password-2026';
const NEW_PASSWORD = 'Clerk-renewed-2027';

let server: E2eServer;
let browser: Browser;

before(async () => {
  server = await startE2eServer();
  const market = await server.db.db.selectFrom('departments').select('id').where('code', '=', 'SCJGJ').executeTakeFirstOrThrow();
  await createUser(server.db.db, 'system', { username: 'office_admin', displayName: '信用办王主任', role: 'admin', departmentId: null, password: ADMIN_PASSWORD }, { actor: null });
  await createUser(server.db.db, 'system', { username: 'scjg_li', displayName: '李填报', role: 'reporter', departmentId: market.id, password: CLERK_PASSWORD }, { actor: null });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function typeLogin(page: Page, username: string, password: string) {
  await page.goto(`${server.baseUrl}/console/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

async function confirmBox(page: Page, button: string) {
  const box = page.locator('.el-message-box');
  await box.waitFor();
  await box.getByRole('button', { name: button }).click();
  await box.waitFor({ state: 'hidden' });
}

test('reset password → forced change at sign-in; deactivate ends the open session', async () => {
  const admin = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } })).newPage();
  await typeLogin(admin, 'office_admin', ADMIN_PASSWORD);
  await admin.getByTestId('welcome').waitFor();
  await admin.getByTestId('menu-users').click();
  await admin.getByTestId('user-actions-scjg_li').click();
  await admin.getByTestId('user-reset-scjg_li').click();
  const otp = await admin.getByTestId('user-reset-password').inputValue();
  assert.match(otp, /^[A-Za-z0-9]{12}7k$/);
  await admin.getByTestId('user-reset-submit').click();
  await confirmBox(admin, '确定重置');
  await admin.getByTestId('users-table').getByText('待改密码').waitFor();

  const clerkContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const clerk = await clerkContext.newPage();
  await typeLogin(clerk, 'scjg_li', otp);
  await clerk.getByTestId('password-forced').waitFor();
  // Any other console page leads back here until the password is changed.
  await clerk.goto(`${server.baseUrl}/console/records`);
  await clerk.getByTestId('password-forced').waitFor();
  await clerk.screenshot({ path: join(RESULTS_DIR, 'console-password-forced.png'), fullPage: true });
  await clerk.getByTestId('password-current').fill(otp);
  await clerk.getByTestId('password-new').fill(NEW_PASSWORD);
  await clerk.getByTestId('password-confirm').fill(NEW_PASSWORD);
  await clerk.getByTestId('password-submit').click();
  await clerk.waitForURL(/\/console\/records$/);
  await clerk.getByTestId('current-user').waitFor();

  await admin.getByTestId('menu-users').click();
  await admin.getByTestId('user-actions-scjg_li').click();
  await admin.getByTestId('user-toggle-scjg_li').click();
  await confirmBox(admin, '确定停用');
  await admin.getByTestId('users-table').getByText('停用', { exact: true }).waitFor();

  // The clerk's next call finds the session ended and lands on the login page.
  await clerk.getByTestId('menu-batches').click();
  await clerk.getByTestId('login-username').waitFor();
  await typeLogin(clerk, 'scjg_li', NEW_PASSWORD);
  await clerk.getByTestId('login-error').waitFor();
  assert.match(await clerk.getByTestId('login-error').innerText(), /用户名或密码错误/);

  // 部门管理: the credit office cuts a whole department off, after a confirmation.
  await admin.getByTestId('menu-departments').click();
  await admin.getByTestId('department-toggle-SCJGJ').click();
  await confirmBox(admin, '确定停用');
  await admin.getByTestId('department-toggle-SCJGJ').getByText('启用').waitFor();
  const market = await server.db.db.selectFrom('departments').select('active').where('code', '=', 'SCJGJ').executeTakeFirstOrThrow();
  assert.equal(market.active, false);

  const rows = await server.db.db.selectFrom('audit_log').select(['action', 'actor_username']).orderBy('id').execute();
  for (const action of ['users.reset_password', 'auth.password_change', 'users.deactivate', 'departments.update']) assert.ok(rows.some((r) => r.action === action), action);
});
