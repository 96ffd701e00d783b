// Browser test of the 措施清单 console (issue 14 §4): the credit office adds a local measure without a legal basis
// (saved as a draft; activation is disabled with the 国办发〔2020〕49号 reason), enters the basis and activates it,
// amends it (version 2 shown, version 1 kept in the history), and retires it; a clerk's console check returns the
// measure while it is in force and no longer after it is retired.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { installBuiltinListTypes, registerEntry } from '../../src/domains/lists/index.ts';
import { installShippedMeasures } from '../../src/domains/sanctions/index.ts';
import { launchChromium, RESULTS_DIR, signInConsole, startE2eServer, type E2eServer } from '../helpers/browser.ts';

const PASSWORD = 'Measures-password-2026';
const LISTED = '91350100M000100Y43';
const NAME = '暂停本市政府采购供应商库入库资格';
const BASIS = '《福州市政府采购供应商管理办法》第十二条';
let server: E2eServer;
let browser: Browser;

before(async () => {
  server = await startE2eServer();
  const db = server.db.db;
  await installBuiltinListTypes(db);
  await installShippedMeasures(db);
  const czj = await db.selectFrom('departments').select('id').where('code', '=', 'CZJ').executeTakeFirstOrThrow();
  await createUser(db, 'system', { username: 'office_admin', displayName: '信用办王主任', role: 'admin', departmentId: null, password: PASSWORD }, { actor: null });
  await createUser(db, 'system', { username: 'czj_clerk', displayName: '财政局采购科张科员', role: 'reporter', departmentId: czj.id, password: PASSWORD }, { actor: null });
  const s = await db.insertInto('subjects').values({ kind: 'legal', name: '福州某某建材有限公司', uscc: LISTED, created_at: new Date(), updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  await registerEntry(db, { listType: 'ZFCGSX', subjectId: s.id, decisionNo: '榕财采〔2026〕3号', origin: 'collected', status: 'listed', listedOn: '2026-03-01' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The clerk's console check of the listed supplier before a 政府采购 award: the measures block's text. */
async function clerkCheck(page: Page): Promise<string> {
  await page.getByTestId('menu-sanctions-check').click();
  await page.getByTestId('check-input').fill(LISTED);
  await page.getByTestId('check-submit').click();
  await page.getByTestId('check-result').waitFor();
  const text = await page.getByTestId('measures').innerText();
  await page.reload();
  return text;
}

test('add without a basis → activation disabled with the reason; basis → active; amend → v2; retire → gone from a check', async () => {
  const adminCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1600, height: 1000 } });
  const admin = await adminCtx.newPage();
  await signInConsole(admin, server.baseUrl, 'office_admin', PASSWORD);
  await admin.getByTestId('menu-sanctions-measures').click();
  await admin.getByTestId('measures-table').getByText('限制参加政府采购活动').first().waitFor();

  // Add a local measure without a legal basis: it can only be saved as a draft.
  await admin.getByTestId('measures-add').click();
  const form = admin.getByTestId('measure-form');
  await form.getByTestId('measure-name').fill(NAME);
  await form.getByTestId('measure-class').getByText('第二类', { exact: true }).click();
  await form.getByTestId('measure-list-types').click();
  await admin.locator('.el-select-dropdown__item:visible', { hasText: '政府采购严重违法失信行为记录' }).click();
  await admin.keyboard.press('Escape');
  await form.getByTestId('measure-scenarios').getByText('政府采购', { exact: true }).click();
  await form.getByTestId('measure-dept').fill('市财政局');
  assert.ok(await form.getByTestId('measure-activate-now').locator('input').isDisabled(), 'no activation without a basis');
  assert.match(await form.innerText(), /无设定依据的措施不能启用（国办发〔2020〕49号）/);
  await form.getByTestId('measure-save').click();
  await form.waitFor({ state: 'hidden' });

  const code = (await server.db.db.selectFrom('sanction_measures').select('code').where('name', '=', NAME).executeTakeFirstOrThrow()).code;
  await admin.getByTestId(`measure-status-${code}-1`).getByText('草稿').waitFor();

  // Activation: the button is disabled with the reason until a basis is entered.
  await admin.getByTestId(`measure-activate-${code}`).click();
  const dialog = admin.getByTestId('activate-dialog');
  assert.ok(await dialog.getByTestId('activate-submit').isDisabled());
  assert.match(await dialog.getByTestId('activate-rule').innerText(), /无设定依据的措施不能启用（国办发〔2020〕49号）/);
  await admin.screenshot({ path: join(RESULTS_DIR, 'measures-activate-disabled.png'), fullPage: true });
  await dialog.getByTestId('activate-basis').fill(BASIS);
  await dialog.getByTestId('activate-basis-doc').fill('榕财规〔2025〕2号');
  assert.ok(await dialog.getByTestId('activate-submit').isEnabled());
  await dialog.getByTestId('activate-submit').click();
  await admin.getByTestId(`measure-status-${code}-1`).getByText('启用').waitFor();

  // A clerk's console check now returns the measure with its basis.
  const clerkCtx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
  const clerk = await clerkCtx.newPage();
  await signInConsole(clerk, server.baseUrl, 'czj_clerk', PASSWORD);
  const inForce = await clerkCheck(clerk);
  assert.ok(inForce.includes(NAME), inForce);
  assert.ok(inForce.includes('榕财规〔2025〕2号'), inForce);

  // Amend: version 2 is shown; version 1 is kept in the history as superseded.
  await admin.getByTestId(`measure-amend-${code}`).click();
  await form.getByTestId('measure-name').fill(`${NAME}（一年）`);
  await form.getByTestId('measure-save').click();
  await form.waitFor({ state: 'hidden' });
  await admin.getByTestId(`measure-status-${code}-2`).getByText('启用').waitFor();
  await admin.getByTestId(`measure-history-${code}`).click();
  const history = admin.getByTestId('history-table');
  await history.getByText('第2版').waitFor();
  assert.match(await history.innerText(), /第2版[\s\S]*（一年）[\s\S]*启用[\s\S]*第1版[\s\S]*已被新版本替换/);
  await admin.screenshot({ path: join(RESULTS_DIR, 'measures-history.png'), fullPage: true });
  await admin.keyboard.press('Escape');
  await admin.getByTestId('history-dialog').waitFor({ state: 'hidden' });

  // Retire, after a confirmation that says checks will never return it again.
  await admin.getByTestId(`measure-retire-${code}`).click();
  const confirm = admin.locator('.el-message-box');
  assert.match(await confirm.innerText(), /不再出现在任何事前核查和批量比对的结果中/);
  await confirm.getByRole('button', { name: '确定停用' }).click();
  await admin.getByTestId(`measure-retire-${code}`).waitFor({ state: 'detached' });
  await admin.screenshot({ path: join(RESULTS_DIR, 'measures.png'), fullPage: true });

  const afterRetire = await clerkCheck(clerk);
  assert.ok(!afterRetire.includes(NAME), afterRetire);
  assert.match(afterRetire, /限制参加政府采购活动/, 'the shipped measure still applies');
  await clerkCtx.close();
  await adminCtx.close();
});
