// Browser test (issue 14): the credit office proposes an entry on a record's basis, notifies, reviews and lists it;
// it shows on the portal's 黑名单 page for its list type and on the subject page; once removed it is gone from both.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { findActiveItem } from '../../src/domains/catalog/catalog.repository.ts';
import { importRows } from '../../src/domains/ingest/index.ts';
import { allowFixtureAuthorities } from '../helpers/authorities.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer } from '../helpers/browser.ts';
import { penaltyRows } from '../factories.ts';

const PASSWORD = 'Admin-password-2026';
const NAME = '西宁名单测试化工有限公司';
let server: E2eServer;
let browser: Browser;
let recordId: string;
let subjectId: string;

before(async () => {
  server = await startE2eServer();
  const db = server.db.db;
  await createUser(db, 'system', { username: 'office_admin', displayName: '信用办王主任', role: 'admin', departmentId: null, password: PASSWORD }, { actor: null });
  const dept = await allowFixtureAuthorities(db, 'SCJGJ');
  const row = penaltyRows(1, 4343, { invalidRate: 0 })[0];
  row['行政相对人名称'] = NAME;
  const item = (await findActiveItem(db, '行政处罚'))!;
  const r = await importRows({ db, pool: server.db.pool, secret: server.app.ctx.config.secret, item, departmentId: dept.id, channel: 'api', rows: [row] });
  assert.equal(r.accepted, 1, JSON.stringify(r));
  const s = await db.selectFrom('subjects').select('id').where('name', '=', NAME).executeTakeFirstOrThrow();
  subjectId = s.id;
  recordId = (await server.db.owner.selectFrom('records').select('id').where('subject_id', '=', s.id).executeTakeFirstOrThrow()).id;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function transition(page: Page, action: string, opts: { objection?: string } = {}) {
  await page.getByTestId(`entry-action-${action}`).click();
  if (opts.objection) await page.getByTestId(`transition-objection-${opts.objection}`).click();
  await page.getByTestId('transition-reason').fill(`${action} 依程序办理`);
  await page.getByTestId('transition-submit').click();
  await page.getByTestId(`entry-action-${action}`).waitFor({ state: 'detached' });
}

test('the credit office lists an entry step by step; the portal shows it, and no longer once removed', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/console/login`);
  await page.getByTestId('login-username').fill('office_admin');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('welcome').waitFor();

  // 拟列入 from the register.
  await page.getByTestId('menu-lists-entries').click();
  await page.getByTestId('entries-propose').click();
  await page.getByTestId('propose-type').click();
  await page.getByTestId('propose-type-AQSCSX').click();
  await page.getByTestId('propose-decision').fill('西应急认〔2026〕8号');
  await page.getByTestId('propose-basis').fill(recordId);
  await page.getByTestId('propose-clause').fill('应急管理部令第11号第六条');
  await page.getByTestId('propose-reason').fill('发生较大生产安全事故并受到重大行政处罚');
  await page.getByTestId('propose-submit').click();
  await page.getByTestId('entry-title').getByText(NAME).waitFor();
  assert.equal(await page.getByTestId('entry-detail-status').innerText(), '拟列入');

  // 告知 → 审核 (the party waived its objection in writing) → 列入并公示.
  await transition(page, 'notify');
  await page.getByTestId('entry-notice').waitFor();
  await transition(page, 'review', { objection: 'waived' });
  await transition(page, 'list');
  assert.equal(await page.getByTestId('entry-detail-status').innerText(), '已列入');
  assert.equal(await page.getByTestId('entry-history').locator('.el-timeline-item').count(), 4);
  await page.screenshot({ path: join(RESULTS_DIR, 'lists-entry.png'), fullPage: true });

  // The portal's 黑名单 page links the type; its page lists the subject, and so does the subject page.
  const portal = await context.newPage();
  await portal.goto(`${server.baseUrl}/lists?kind=black`);
  await portal.getByTestId('list-type-link-AQSCSX').click();
  await portal.getByTestId('list-type-item').getByText(NAME).waitFor();
  await portal.goto(`${server.baseUrl}/subjects/${subjectId}`);
  await portal.getByTestId('subject-list-entry').getByText('安全生产严重失信主体').waitFor();

  // 移出: gone from the subject page and the list's 列入 tab at once.
  await transition(page, 'remove');
  assert.equal(await page.getByTestId('entry-detail-status').innerText(), '已移出');
  await portal.goto(`${server.baseUrl}/subjects/${subjectId}`);
  await portal.getByTestId('subject-name').waitFor();
  await portal.waitForLoadState('networkidle');
  assert.equal(await portal.getByTestId('subject-list-entries').count(), 0);
  await portal.goto(`${server.baseUrl}/lists/AQSCSX`);
  await portal.getByTestId('list-type-empty').waitFor();
  await context.close();
});

test("the credit office amends a list type's 认定依据 and 信用修复 in the dialog; the row shows the new version", async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/console/login`);
  await page.getByTestId('login-username').fill('office_admin');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('welcome').waitFor();
  const versions = async () =>
    ((await (await page.request.get(`${server.baseUrl}/api/lists/types/ZDSSWF/versions`)).json()) as {
      items: { version: number; definition: { basis: string; repairable: boolean | null; criteria: { title: string } } }[];
    }).items;
  const before = await versions();
  const latest = before.reduce((a, b) => (b.version > a.version ? b : a));

  await page.goto(`${server.baseUrl}/console/lists/types`);
  await page.getByTestId('type-edit-ZDSSWF').click();
  const basis = '《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号），自2022年2月1日起施行。';
  await page.getByTestId('type-basis-input').fill(basis);
  await page.getByTestId('type-repairable').getByText('不可以').click();
  await page.getByTestId('type-note').fill('补充认定依据，明确不可信用修复');
  await page.getByTestId('type-save').click();
  await page.getByText('已保存为新版本').waitFor();

  const after = await versions();
  assert.equal(after.length, before.length + 1);
  const now = after.reduce((a, b) => (b.version > a.version ? b : a));
  assert.equal(now.version, latest.version + 1);
  assert.equal(now.definition.basis, basis);
  assert.equal(now.definition.repairable, false);
  // What the dialog did not show is carried over unchanged.
  assert.equal(now.definition.criteria.title, latest.definition.criteria.title);

  // The unfolded row reads the new basis.
  await page.getByTestId('list-types-table').locator('tr', { hasText: '重大税收违法失信主体' }).locator('.el-table__expand-icon').click();
  await page.getByTestId('type-basis-ZDSSWF').getByText(basis).waitFor();
  await context.close();
});
