// Browser test (issue 17 §4, 资源目录): the credit office changes a local catalogue item without a developer. A
// drafter opens the active item, starts a new version, adds an enumeration data item in the form (a code table
// left empty is refused in words first), sees the template preview, saves the draft, reloads and still sees it,
// submits it and finds the approve button disabled with the four-eyes reason beside it; a second credit-office
// admin approves it, and the downloaded template has the new column. Screenshots at 1366 px go to test-results/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { GENERIC_OTHER_V1 } from '../../src/domains/catalog/builtin/index.ts';
import { createDraft, transition } from '../../src/domains/catalog/catalog.service.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer, signInConsole } from '../helpers/browser.ts';

const PASSWORD = 'Catalog-editor-password-2026';
const ITEM = 'local_water_arrears';
let server: E2eServer;
let browser: Browser;

before(async () => {
  server = await startE2eServer();
  const db = server.db.db;
  const ctx = { actor: null };
  const drafter = await createUser(db, 'system', { username: 'office_drafter', displayName: '信用办张起草', role: 'admin', departmentId: null, password: PASSWORD }, ctx);
  const reviewer = await createUser(db, 'system', { username: 'office_reviewer', displayName: '信用办王审核', role: 'admin', departmentId: null, password: PASSWORD }, ctx);
  // Version 1 of a local item, already published (drafted by the reviewer, approved by the drafter).
  const v1 = await createDraft(db, reviewer, { ...GENERIC_OTHER_V1, id: ITEM, name: '供水欠费信息', sourceDepartments: [] }, ctx);
  await transition(db, reviewer, ITEM, v1.version, 'submit', ctx);
  await transition(db, drafter, ITEM, v1.version, 'approve', ctx);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const signIn = (page: Page, username: string) => signInConsole(page, server.baseUrl, username, PASSWORD);

async function confirmBox(page: Page) {
  await page.locator('.el-message-box__btns .el-button--primary').click();
}

test('a drafter adds an enumeration data item in the form, a second admin approves, the template has the new column', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await signIn(page, 'office_drafter');

  // From the list to the published version, then 修改（新建版本）.
  await page.goto(`${server.baseUrl}/console/catalog?versions=all`);
  await page.getByTestId(`catalog-open-${ITEM}-1`).click();
  await page.getByTestId('catalog-editor-new-version').click();
  await page.getByTestId('catalog-editor-add-field').waitFor();
  assert.ok(await page.getByTestId('catalog-editor-four-eyes').isVisible(), 'the four-eyes rule is told before the buttons');
  await page.getByTestId('catalog-editor-note').fill('新增欠费等级');

  // 添加数据项: name, 字段标识, type 代码表单选, required, code table.
  await page.getByTestId('catalog-editor-add-field').click();
  const dialog = page.getByTestId('field-dialog');
  await dialog.getByTestId('field-name').fill('欠费等级');
  // The 字段标识 is suggested from the name's initials; the drafter may still type their own.
  await page.waitForFunction(() => (document.querySelector('[data-testid=field-code]') as HTMLInputElement | null)?.value === 'QFDJ');
  await dialog.getByTestId('field-code').fill('QF_DJ');
  await dialog.getByTestId('field-type').click();
  await page.getByTestId('field-type-enum').click();
  await dialog.getByTestId('field-required-always').click();
  await dialog.getByTestId('field-dialog-ok').click();
  const problems = dialog.getByTestId('field-dialog-problems');
  await problems.waitFor();
  assert.match(await problems.innerText(), /代码表型数据项须至少有一个代码值/, 'an empty code table is refused in words');
  for (const [i, [code, label]] of [['1', '一般欠费'], ['2', '严重欠费']].entries()) {
    await dialog.getByTestId('field-enum-add').click();
    await dialog.getByTestId(`field-enum-code-${i}`).fill(code);
    await dialog.getByTestId(`field-enum-label-${i}`).fill(label);
  }
  await page.screenshot({ path: join(RESULTS_DIR, 'catalog-editor-field-1366.png') });
  await dialog.getByTestId('field-dialog-ok').click();
  await dialog.waitFor({ state: 'hidden' });

  // The live preview shows the new column, marked required, with its choices.
  const col = page.getByTestId('preview-col-QF_DJ');
  await col.waitFor();
  assert.equal((await col.innerText()).trim(), '*欠费等级');
  assert.ok(!/\{"|"code"|required|enum/.test(await page.getByTestId('catalog-editor').innerText()), 'no JSON or English keys on screen');

  await page.getByTestId('catalog-editor-save').click();
  await page.waitForURL(`**/console/catalog/${ITEM}/versions/2`);
  await page.getByTestId('field-row-QF_DJ').waitFor();

  // Saved on the server: a reload shows the draft, its state and number.
  await page.reload();
  await page.getByTestId('field-row-QF_DJ').waitFor();
  assert.equal((await page.getByTestId('catalog-editor-status').innerText()).trim(), '草稿');
  assert.equal((await page.getByTestId('catalog-editor-version').innerText()).trim(), '第 2 版');
  await page.screenshot({ path: join(RESULTS_DIR, 'catalog-editor-draft-1366.png'), fullPage: true });

  // Submitted: the drafter's approve button is disabled, the reason beside it.
  await page.getByTestId('catalog-editor-submit').click();
  await confirmBox(page);
  await page.getByTestId('catalog-editor-approve').waitFor();
  assert.equal((await page.getByTestId('catalog-editor-status').innerText()).trim(), '待审核');
  assert.equal(await page.getByTestId('catalog-editor-approve').isDisabled(), true);
  assert.match(await page.getByTestId('catalog-editor-approve-reason').innerText(), /起草人不能审核发布本人起草的版本/);
  await page.screenshot({ path: join(RESULTS_DIR, 'catalog-editor-four-eyes-1366.png') });

  // A second credit-office admin approves it.
  await page.getByTestId('logout').click();
  await page.getByTestId('login-username').waitFor();
  await signIn(page, 'office_reviewer');
  await page.goto(`${server.baseUrl}/console/catalog/${ITEM}/versions/2`);
  const approve = page.getByTestId('catalog-editor-approve');
  await approve.waitFor();
  assert.equal(await approve.isDisabled(), false);
  assert.equal(await page.getByTestId('catalog-editor-approve-reason').count(), 0);
  await approve.click();
  await confirmBox(page);
  await page.getByTestId('catalog-editor-new-version').waitFor();
  assert.equal((await page.getByTestId('catalog-editor-status').innerText()).trim(), '已发布');
  await page.screenshot({ path: join(RESULTS_DIR, 'catalog-editor-approved-1366.png') });

  // The template downloads with the new column, from the editor and from the list of active items.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('catalog-editor-template-csv').click()]);
  const header = (await readFile((await csv.path())!, 'utf8')).replace(/^\uFEFF/, '').split(/\r?\n/)[0].split(',');
  assert.equal(header.at(-1), '欠费等级', header.join(','));
  await page.goto(`${server.baseUrl}/console/catalog`);
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`template-xlsx-${ITEM}`).last().click()]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile((await xlsx.path())!);
  assert.ok((wb.worksheets[0].getRow(1).values as unknown[]).includes('欠费等级'), 'the published template has the new column');
  await context.close();
});
