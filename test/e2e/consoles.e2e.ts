// Browser test (issue 17 §4): the credit office runs its consoles at 1366 px — adds a department with
// its USCC, sees the 资源目录 template column without scrolling, reads the audit log in words — and a
// department clerk's online form is filled with the department's own USCC. Screenshots go to test-results/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { generateUscc } from '../../src/domains/codes/index.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer, signInConsole } from '../helpers/browser.ts';

const PASSWORD = 'Consoles-password-2026';

let server: E2eServer;
let browser: Browser;

before(async () => {
  server = await startE2eServer();
  await createUser(server.db.db, 'system', { username: 'office_chief', displayName: '信用办李科长', role: 'admin', departmentId: null, password: PASSWORD }, { actor: null });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const signIn = (page: Page, username: string) => signInConsole(page, server.baseUrl, username, PASSWORD);

test('departments, catalogue, audit log and the online form at 1366 px', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await signIn(page, 'office_chief');

  // 部门管理: add a department with its USCC; the list shows the code.
  const uscc = generateUscc(() => 0.55, { prefix: '11', region: '630100' });
  await page.goto(`${server.baseUrl}/console/departments`);
  await page.getByTestId('department-add').click();
  await page.getByTestId('department-edit-name').fill('西宁市数据资源管理局');
  await page.getByTestId('department-edit-short').fill('数据资源局');
  await page.getByTestId('department-edit-code').fill('XNSJJ');
  await page.getByTestId('department-edit-uscc').fill(uscc);
  await page.getByTestId('department-edit-submit').click();
  await page.getByTestId('department-uscc-XNSJJ').waitFor();
  assert.equal(await page.getByTestId('department-uscc-XNSJJ').innerText(), uscc);
  await page.screenshot({ path: join(RESULTS_DIR, 'consoles-departments-1366.png'), fullPage: true });

  // 资源目录: the template links are inside the viewport without scrolling the table.
  await page.goto(`${server.baseUrl}/console/catalog`);
  const link = page.getByTestId('template-xlsx-sgs_cf_v2').last();
  await link.waitFor();
  const box = (await link.boundingBox())!;
  assert.ok(box.x >= 0 && box.x + box.width <= 1366, `template link at x ${box.x}–${box.x + box.width}`);
  assert.ok(await page.getByTestId('catalog-four-eyes').isVisible(), 'the two-person rule is told before the buttons');
  await page.screenshot({ path: join(RESULTS_DIR, 'consoles-catalog-1366.png') });

  // 审计日志: actions in Chinese, details as fields, the new department's creation listed.
  await page.goto(`${server.baseUrl}/console/audit`);
  const table = page.getByTestId('audit-table');
  await table.getByText('新增部门').first().waitFor();
  const text = await table.innerText();
  assert.ok(!/departments\.create|\{"/.test(text), 'no action codes or JSON on screen');
  await page.screenshot({ path: join(RESULTS_DIR, 'consoles-audit-1366.png'), fullPage: true });
  // Targets in words (the new department by name, not department:N), and the table fits 1366 px unscrolled.
  assert.ok(text.includes('部门 西宁市数据资源管理局'), 'the target is named');
  assert.ok(!/\bdepartment:\d+/.test(text), 'no raw kind:id targets on screen');
  const scroll = await table.locator('.el-table__body-wrapper .el-scrollbar__wrap').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  assert.ok(scroll.scroll <= scroll.client, `the audit table scrolls sideways: ${scroll.scroll} > ${scroll.client}`);
  mkdirSync(join(RESULTS_DIR, 'house'), { recursive: true });
  await page.screenshot({ path: join(RESULTS_DIR, 'house', 'audit-1366.png'), fullPage: true });

  // A clerk of the new department: 本部门 shows the USCC, and the online form fills it in.
  const dept = await server.db.db.selectFrom('departments').select('id').where('code', '=', 'XNSJJ').executeTakeFirstOrThrow();
  await createUser(server.db.db, 'system', { username: 'sjj_clerk', displayName: '数据局填报员', role: 'reporter', departmentId: dept.id, password: PASSWORD }, { actor: null });
  await page.getByTestId('logout').click();
  await page.getByTestId('login-username').waitFor();
  await signIn(page, 'sjj_clerk');
  await page.goto(`${server.baseUrl}/console/mydept`);
  await page.getByTestId('mydept-uscc').waitFor();
  assert.equal(await page.getByTestId('mydept-uscc').innerText(), uscc);
  await page.goto(`${server.baseUrl}/console/ingest?catalog=sgs_cf_v2&tab=form`);
  await page.waitForLoadState('networkidle');
  const values = await page.locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  assert.ok(values.includes(uscc), 'the online form carries the department USCC as the authority code');
  await page.screenshot({ path: join(RESULTS_DIR, 'consoles-form-prefilled.png'), fullPage: true });
  await context.close();
});
