// Browser test (issue 14 "done when"): a clerk of 财政局 checks a listed supplier before a 政府采购 award, sees the
// measure and its legal basis, records feedback; the credit office sees it in the 联合奖惩 statistics.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { registerEntry } from '../../src/domains/lists/index.ts';
import { installShippedMeasures } from '../../src/domains/sanctions/index.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer, signInConsole } from '../helpers/browser.ts';
import { installBuiltinListTypes } from '../../src/domains/lists/index.ts';

const PASSWORD = 'Sanctions-password-2026';
const LISTED = '91350100M000100Y43';
let server: E2eServer;
let browser: Browser;

before(async () => {
  server = await startE2eServer();
  const db = server.db.db;
  await installShippedMeasures(db);
  const czj = await db.selectFrom('departments').select('id').where('code', '=', 'CZJ').executeTakeFirstOrThrow();
  await createUser(db, 'system', { username: 'czj_clerk', displayName: '财政局采购科张科员', role: 'reporter', departmentId: czj.id, password: PASSWORD }, { actor: null });
  await createUser(db, 'system', { username: 'office_admin', displayName: '信用办王主任', role: 'admin', departmentId: null, password: PASSWORD }, { actor: null });
  await installBuiltinListTypes(db); // the lists domain's shipped types (SXBZXR, ZFCGSX, ANSRX …)
  const s = await db.insertInto('subjects').values({ kind: 'legal', name: '福州某某建材有限公司', uscc: LISTED, created_at: new Date(), updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  await registerEntry(db, { listType: 'ZFCGSX', subjectId: s.id, decisionNo: '榕财采〔2026〕3号', origin: 'collected', status: 'listed', listedOn: '2026-03-01' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const signIn = (page: Page, username: string) => signInConsole(page, server.baseUrl, username, PASSWORD);

test('a clerk checks a listed supplier before a 政府采购 award, records feedback; the credit office sees it in the statistics', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, 'czj_clerk');
  await page.getByTestId('menu-sanctions-check').click();
  await page.getByTestId('check-input').fill(LISTED);
  await page.getByTestId('check-submit').click();
  const result = page.getByTestId('check-result');
  await result.waitFor();
  assert.match(await page.getByTestId('check-status').innerText(), /命中黑名单/);
  const measures = page.getByTestId('measures');
  assert.match(await measures.innerText(), /限制参加政府采购活动/);
  assert.match(await measures.innerText(), /财办库〔2014〕526号/);
  await page.getByTestId('feedback-description').fill('某办公用品采购项目：取消该供应商中标候选资格');
  await page.getByTestId('feedback-submit').click();
  await page.getByTestId('feedback-message').getByText('已反馈 1 / 1 项措施').waitFor();
  await page.screenshot({ path: join(RESULTS_DIR, 'sanctions-check.png'), fullPage: true });
  await page.getByTestId('logout').click();
  await page.getByTestId('login-username').waitFor();

  await signIn(page, 'office_admin');
  await page.getByTestId('menu-sanctions-stats').click();
  const table = page.getByTestId('stats-measures');
  await table.getByText('限制参加政府采购活动', { exact: false }).waitFor();
  assert.match(await table.innerText(), /财政局[\s\S]*政府采购严重违法失信行为记录[\s\S]*1\s+0/);
  assert.match(await page.getByTestId('stats-totals').innerText(), /反馈率\s*100%/);
  await page.screenshot({ path: join(RESULTS_DIR, 'sanctions-stats.png'), fullPage: true });
  await context.close();
});
