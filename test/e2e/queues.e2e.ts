// Browser test (issue 15 §4): a department clerk's check with a hit owes feedback; the navigation shows it as a badge
// on 事前核查. The credit office changes the feedback deadline on 修复与异议设置 and the badge follows on the
// clerk's next page change: not overdue at 60 working days, red (overdue) at 1. The settings page shows each
// setting's source and the [M] marks, refuses a bad value with a Chinese message, and is read-only for the auditor.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { registerEntry } from '../../src/domains/lists/index.ts';
import { installShippedMeasures } from '../../src/domains/sanctions/index.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer, signInConsole } from '../helpers/browser.ts';

const PASSWORD = 'Queues-password-2026';
const LISTED = '91350100M000100Y43';
let server: E2eServer;
let browser: Browser;

before(async () => {
  server = await startE2eServer();
  const db = server.db.db;
  await installShippedMeasures(db);
  const czj = await db.selectFrom('departments').select('id').where('code', '=', 'CZJ').executeTakeFirstOrThrow();
  await createUser(db, 'system', { username: 'czj_clerk', displayName: '财政局采购科李科员', role: 'reporter', departmentId: czj.id, password: PASSWORD }, { actor: null });
  await createUser(db, 'system', { username: 'office_admin', displayName: '信用办赵主任', role: 'admin', departmentId: null, password: PASSWORD }, { actor: null });
  await createUser(db, 'system', { username: 'office_auditor', displayName: '信用办审计员', role: 'auditor', departmentId: null, password: PASSWORD }, { actor: null });
  const s = await db.insertInto('subjects').values({ kind: 'legal', name: '福州某某建材有限公司', uscc: LISTED, created_at: new Date(), updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  await registerEntry(db, { listType: 'ZFCGSX', subjectId: s.id, decisionNo: '榕财采〔2026〕3号', origin: 'collected', status: 'listed', listedOn: '2026-03-01' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const signIn = (page: Page, username: string) => signInConsole(page, server.baseUrl, username, PASSWORD);
const badge = (page: Page, key: string) => page.getByTestId(`badge-${key}`);

test('the feedback deadline set on the settings page turns a check overdue in the clerk’s navigation badge', async () => {
  const clerkCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
  const clerk = await clerkCtx.newPage();
  await signIn(clerk, 'czj_clerk');
  assert.equal(await badge(clerk, 'sanctions-check').count(), 0, 'no work, no badge');

  // The clerk checks a listed supplier: a hit with a measure owing feedback.
  await clerk.getByTestId('menu-sanctions-check').click();
  await clerk.getByTestId('check-input').fill(LISTED);
  await clerk.getByTestId('check-submit').click();
  await clerk.getByTestId('check-result').waitFor();
  // The check was made thirty calendar days ago (the only row written by hand): more than 1 working day and
  // fewer than 60, whatever the holidays.
  await server.db.db.updateTable('sanction_checks').set({ checked_at: new Date(Date.now() - 30 * 86_400_000) }).execute();

  const adminCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
  const admin = await adminCtx.newPage();
  await signIn(admin, 'office_admin');
  await admin.getByTestId('menu-workflow-settings').click();
  const feedback = admin.getByTestId('feedback-settings');
  await feedback.waitFor();
  assert.match(await feedback.innerText(), /待信用办确认（可配置）/);
  // The virus scan in words (issue 17 §4): which is configured (none here) and who sets it, no env name on screen.
  assert.equal(await admin.getByTestId('repair-scan').innerText(), '未配置：材料只核验文件类型，不做病毒扫描');
  assert.match(await admin.getByTestId('repair-settings').innerText(), /病毒扫描由服务器部署配置设定/);
  assert.doesNotMatch(await admin.getByTestId('repair-settings').innerText(), /REPAIR_SCAN_COMMAND/);
  await admin.getByTestId('repair-bar-m').waitFor();
  const days = admin.getByTestId('feedback-days').locator('input');
  assert.equal(await days.inputValue(), '10', 'the default');

  await days.fill('60');
  await days.press('Tab');
  await admin.getByTestId('save-feedback-settings').click();
  await admin.getByText('反馈时限已保存').waitFor();
  // The clerk moves to another page: the badge is asked again.
  await clerk.getByTestId('menu-dashboard').click();
  await clerk.getByTestId('desk').waitFor();
  const b = badge(clerk, 'sanctions-check');
  await b.waitFor();
  await clerk.waitForFunction(() => document.querySelector('[data-testid="badge-sanctions-check"]')?.getAttribute('data-overdue') === '0');
  assert.equal(await b.innerText(), '1');
  assert.equal(await b.evaluate((el) => el.classList.contains('console-menu__badge--overdue')), false);

  await days.fill('1');
  await days.press('Tab');
  await admin.getByTestId('save-feedback-settings').click();
  // The credit office's own badge: one check overdue in some department.
  await admin.waitForFunction(() => document.querySelector('[data-testid="badge-sanctions-stats"]')?.getAttribute('data-overdue') === '1');
  await clerk.getByTestId('menu-sanctions-check').click();
  await clerk.waitForFunction(() => document.querySelector('[data-testid="badge-sanctions-check"]')?.getAttribute('data-overdue') === '1');
  assert.equal(await badge(clerk, 'sanctions-check').evaluate((el) => el.classList.contains('console-menu__badge--overdue')), true, 'red when overdue');
  await clerk.screenshot({ path: join(RESULTS_DIR, 'queues-badge-overdue.png'), fullPage: true });

  // A bad value: refused with a Chinese message, nothing changed.
  await admin.getByTestId('repair-decide-default').locator('input').fill('30');
  await admin.getByTestId('repair-decide-default').locator('input').press('Tab');
  await admin.getByTestId('save-repair-settings').click();
  await admin.getByTestId('repair-settings-error').waitFor();
  assert.match(await admin.getByTestId('repair-settings-error').innerText(), /默认：认定部门决定时限不能长于答复申请人的时限/);
  await admin.screenshot({ path: join(RESULTS_DIR, 'queues-settings.png'), fullPage: true });

  // The auditor reads the same page and cannot save.
  const auditorCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
  const auditor = await auditorCtx.newPage();
  await signIn(auditor, 'office_auditor');
  await auditor.getByTestId('menu-workflow-settings').click();
  await auditor.getByTestId('settings-readonly').waitFor();
  assert.equal(await auditor.getByTestId('save-feedback-settings').count(), 0);
  assert.equal(await auditor.getByTestId('feedback-days').locator('input').inputValue(), '1');
  await Promise.all([clerkCtx.close(), adminCtx.close(), auditorCtx.close()]);
});
