// The district's and the auditor's journeys on the demo city (issue 17, "Done when"), with a screenshot of each step
// under test-results/journeys/<role>-<nn>-<step>.png at 1366 px and one at 390 px.
//  - 区县管理员 (district_admin): the desk with the district's own to-dos (the demo district has been reporting
//    for a year); 部门管理 shows its district and its units only, without the credit office's buttons; it opens an
//    account for a clerk of the district (only clerk roles are offered); it uploads the district's penalties and
//    reads the receipt (one row returned); 回执 and 归集统计 show its district only, with the year's figures and the
//    upload's added to them; the audit log, which it may not open, says why, and the server refuses it too.
//  - 审计员 (auditor): the audit log in words (no English field names, no JSON), filtered by person, department,
//    action and time, and exported with the same filters; a record's version history, personal data masked; the pages it
//    may not write on say so (数据归集 无权访问, 信用承诺 and 公示规则设置 read-only), and the server refuses the write.
//  - The pages the last walk found empty, now filled by the demo: the district's 用户管理 (its units' clerks and
//    reviewer) and 信用承诺 (its 违诺); the market regulator's 审核员 queue (held batches, a returned one with its
//    note); the credit office's API密钥 (a key in use, a revoked one, secrets never shown).
// The auditor's test runs after the district's, on the same server, and reads the district's actions in the log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { csvEscape, generatePenaltyRows, PENALTY_HEADERS } from '../../src/domains/ingest/fixtures.ts';
import { launchChromium, screenshots, signInConsole, startE2eServer, type E2eServer } from '../helpers/browser.ts';
import { DEMO_E2E_PASSWORD, loadSmallDemoCity } from '../helpers/demo.ts';

const CLERK = { username: 'chengdong_li', displayName: '城东区李填报', password: 'Chengdong-clerk-2026' };

let server: E2eServer;
let browser: Browser;
let dir: string;
let district: { id: number; name: string; uscc: string };
/** The district's own units (the demo's 区市场监督管理局 and 区综合行政执法局). */
let units: string[];
let otherDistrict: string;

before(async () => {
  server = await startE2eServer();
  await loadSmallDemoCity(server);
  const db = server.db.db;
  const admin = await db.selectFrom('users').select('department_id').where('username', '=', 'district_admin').executeTakeFirstOrThrow();
  const d = await db.selectFrom('departments').select(['id', 'name', 'uscc']).where('id', '=', admin.department_id!).executeTakeFirstOrThrow();
  district = { id: d.id, name: d.name, uscc: d.uscc! };
  units = (await db.selectFrom('departments').select('name').where('parent_id', '=', d.id).orderBy('id').execute()).map((u) => u.name);
  otherDistrict = (await db.selectFrom('departments').select('name').where('kind', '=', 'district').where('id', '!=', d.id).orderBy('sort_order').executeTakeFirstOrThrow()).name;
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'cc-e2e-journeys-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const shot = screenshots('journeys');

/** Texts of one column of an Element Plus table (1-based), body rows only. */
async function column(page: Page, table: string, n: number): Promise<string[]> {
  return (await page.getByTestId(table).locator(`.el-table__body tr td:nth-child(${n})`).allInnerTexts()).map((t) => t.trim());
}

/** The status and message of an API call made with the page's session, as the browser would. */
async function apiAs(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; message: string }> {
  return page.evaluate(
    async ([m, p, b]) => {
      const r = await fetch(p as string, { method: m as string, headers: b === undefined ? {} : { 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });
      const j = (await r.json().catch(() => ({}))) as { error?: { message?: string } };
      return { status: r.status, message: j.error?.message ?? '' };
    },
    [method, path, body] as const,
  );
}

/** A JSON GET with the page's session, as the browser would. */
async function getJson<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;
}

/** The district's row of 归集统计 as the API gives it to the page: batches, rows, accepted, returned. */
async function districtFigures(page: Page): Promise<number[]> {
  const { items } = await getJson<{ items: Array<{ departmentId: number; batches: number; rows: number; accepted: number; rejected: number }> }>(page, '/api/ingest/stats');
  const r = items.find((i) => i.departmentId === district.id)!;
  return [r.batches, r.rows, r.accepted, r.rejected];
}

/** Types a range into the audit log's 时间 picker (China time; the browser runs in Asia/Shanghai). */
async function setRange(page: Page, from: string, to: string): Promise<void> {
  for (const [placeholder, value] of [['开始时间', from], ['结束时间', to]]) {
    const input = page.locator(`input.el-range-input[placeholder="${placeholder}"]`);
    await input.fill(value);
    await input.press('Enter');
  }
  await page.keyboard.press('Escape');
}

/** The district's penalties as the district's own authority: five rows, one without its 违法事实. */
async function districtFile(): Promise<string> {
  const col = (name: string) => PENALTY_HEADERS.indexOf(name);
  const rows = [...generatePenaltyRows(5, 630102)].map((r) => [...r.cells]);
  for (const r of rows) {
    r[col('处罚机关')] = district.name;
    r[col('处罚机关统一社会信用代码')] = district.uscc;
    r[col('数据来源单位')] = district.name;
    r[col('数据来源单位统一社会信用代码')] = district.uscc;
  }
  rows[3][col('违法事实')] = '';
  const file = join(dir, '城东区-行政处罚.csv');
  await writeFile(file, [PENALTY_HEADERS.map(csvEscape).join(','), ...rows.map((r) => r.map(csvEscape).join(','))].join('\r\n') + '\r\n');
  return file;
}

test('district admin: desk, its departments and a new clerk, an upload and its receipt, its statistics, what it may not open', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();

  // 1. The desk: who, which district.
  await signInConsole(page, server.baseUrl, 'district_admin', DEMO_E2E_PASSWORD);
  assert.match(await page.getByTestId('welcome-department').innerText(), new RegExp(district.name));
  await page.getByTestId('desk').waitFor();
  // The demo district's open work is on its desk: rows its units must correct, reports that came in late.
  const toCorrect = page.getByTestId('todo-ingest.rows_to_correct');
  await toCorrect.waitFor();
  assert.ok(Number(await toCorrect.getAttribute('data-count')) > 0, 'rows to correct on the district desk');
  assert.ok(Number(await page.getByTestId('todo-ingest.late_reports').getAttribute('data-count')) > 0, 'late reports on the district desk');
  await shot(page, 'district_admin-01-desk');

  // 2. 部门管理: its district (and units) only, with the USCC; adding or editing departments is the credit office's.
  await page.goto(`${server.baseUrl}/console/departments`);
  await page.getByTestId('departments-table').getByText(district.name).first().waitFor();
  const departments = await page.getByTestId('departments-table').innerText();
  assert.ok(departments.includes(district.uscc), 'the district USCC is shown');
  assert.ok(!departments.includes(otherDistrict), `another district (${otherDistrict}) is not listed`);
  assert.equal(units.length, 2, 'the demo district has two units');
  for (const u of units) assert.ok(departments.includes(u), `its unit ${u} is listed`);
  assert.equal(await page.getByTestId('department-add').count(), 0, 'no 新增部门 for a district admin');
  await shot(page, 'district_admin-02-departments');

  // 3. 用户管理: a clerk for the district; only clerk roles are offered.
  await page.goto(`${server.baseUrl}/console/users`);
  await page.getByTestId('users-table').waitFor();
  await page.getByTestId('user-create-open').click();
  await page.getByTestId('user-create-dialog').waitFor();
  await page.getByTestId('user-form-username').fill(CLERK.username);
  await page.getByTestId('user-form-displayname').fill(CLERK.displayName);
  await page.getByTestId('user-form-role').click();
  await page.getByTestId('option-role-reporter').waitFor();
  assert.equal(await page.getByTestId('option-role-admin').count(), 0, 'a district admin cannot make a credit-office admin');
  assert.equal(await page.getByTestId('option-role-auditor').count(), 0);
  await page.getByTestId('option-role-reporter').click();
  await page.getByTestId('user-form-department').click();
  await page.getByTestId(`option-dept-${district.id}`).click();
  await page.getByTestId('user-form-password').fill(CLERK.password);
  await shot(page, 'district_admin-03-new-clerk');
  await page.getByTestId('user-form-submit').click();
  await page.getByTestId('user-create-dialog').waitFor({ state: 'hidden' });
  await page.getByTestId('users-table').getByText(CLERK.username).waitFor();

  // 4. 数据归集: the district's penalties; the receipt says what was accepted and why a row was returned.
  //    The district's figures before the upload: a year of its own reports.
  const before = await districtFigures(page);
  assert.ok(before.every((n) => n > 0), `the demo district has batches, rows, accepted and returned rows: ${before.join(' ')}`);
  await page.goto(`${server.baseUrl}/console/ingest`);
  await page.getByTestId('ingest-catalog-select').click();
  await page.getByTestId('option-catalog-sgs_cf_v2').click();
  // The district reports for itself (its units are offered too, nothing outside the district).
  await page.getByTestId('ingest-department-select').click();
  await page.getByTestId(`option-dept-${district.id}`).click();
  assert.match(await page.getByTestId('ingest-department-select').innerText(), new RegExp(district.name), 'the district reports for itself');
  await page.getByTestId('ingest-file-input').setInputFiles(await districtFile());
  await page.getByTestId('ingest-upload-submit').click();
  await page.locator('[data-testid=receipt-status]:not([data-status=processing]):not([data-status=pending])').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('receipt-status').getAttribute('data-status'), 'committed');
  assert.equal((await page.getByTestId('receipt-accepted').innerText()).replace(/\D/g, ''), '4');
  assert.equal((await page.getByTestId('receipt-rejected').innerText()).replace(/\D/g, ''), '1');
  assert.match(await page.getByTestId('rejects-table').innerText(), /违法事实/);
  await shot(page, 'district_admin-04-receipt');

  // 5. 回执: the district's batches only (its own and its units'), the upload first; a row opens its receipt.
  await page.goto(`${server.baseUrl}/console/batches`);
  await page.getByTestId('batches-table').locator('.el-table__body tr').first().waitFor();
  const senders = await column(page, 'batches-table', 3);
  assert.equal(senders[0], district.name, 'the upload is the newest batch');
  const outside = [...new Set(senders)].filter((s) => s !== district.name && !units.includes(s));
  assert.deepEqual(outside, [], `only the district's batches: ${senders.join('、')}`);
  assert.ok(senders.length > 1 && senders.some((s) => units.includes(s)), `the district's year of batches is listed: ${senders.join('、')}`);
  await shot(page, 'district_admin-05-batches');
  await page.getByTestId('batches-table').locator('.el-table__body tr').first().click();
  await page.locator('[data-testid=receipt-status][data-status=committed]').waitFor();

  // 6. 归集统计: the district's row, the upload's figures added to the year's; its units listed; no city department.
  await page.goto(`${server.baseUrl}/console/ingest-stats`);
  await page.getByTestId('stats-table').getByText(district.name).first().waitFor();
  const stats = await page.getByTestId('stats-table').innerText();
  assert.ok(!stats.includes('西宁市市场监督管理局'), 'the city departments are not the district admin\'s');
  for (const u of units) assert.ok(stats.includes(u), `its unit ${u} is listed`);
  const row = (await page.getByTestId('stats-table').locator('.el-table__body tr').filter({ hasText: district.name }).first().innerText()).split(/\s+/);
  const delta = [1, 5, 4, 1];
  assert.deepEqual(row.slice(1, 5).map((c) => c.replaceAll(',', '')), before.map((n, i) => String(n + delta[i])), `batches, rows, accepted, returned (before: ${before.join(' ')}): ${row.join(' ')}`);
  await shot(page, 'district_admin-06-statistics');

  // 7. What it may not open says why; the server refuses it as well.
  await page.goto(`${server.baseUrl}/console/audit`);
  await page.getByTestId('forbidden').waitFor();
  assert.match(await page.getByTestId('forbidden').innerText(), /不能打开审计日志/);
  assert.match(await page.getByTestId('forbidden-roles').innerText(), /信用办管理员、审计员/);
  const refused = await apiAs(page, 'GET', '/api/audit');
  assert.equal(refused.status, 403);
  assert.match(refused.message, /[\u4e00-\u9fff]/, `a reason in Chinese: ${refused.message}`);
  await shot(page, 'district_admin-07-forbidden');

  // 9. 用户管理 lists the district's own people besides its administrator: its units' clerks and a reviewer.
  await page.goto(`${server.baseUrl}/console/users`);
  await page.getByTestId('users-table').getByText('district_scjg_reviewer').waitFor();
  // Exactly the district's accounts: the demo's administrator, clerks and reviewer, and the clerk opened in step 3.
  const people = await column(page, 'users-table', 1);
  assert.deepEqual([...people].sort(), ['district_admin', 'district_reporter', 'district_scjg_reporter', 'district_scjg_reviewer', 'district_zhzf_reporter', CLERK.username].sort());
  assert.ok((await column(page, 'users-table', 3)).includes('审核员'), 'a reviewer of its unit');
  await shot(page, 'district_admin-09-users');

  // 10. 信用承诺: the district unit's broken commitments (违诺) with their basis, read-only for the district admin.
  await page.goto(`${server.baseUrl}/console/commitments`);
  await page.getByTestId('commitments-readonly').waitFor();
  const breachRows = page.locator('.el-table__body tr');
  await breachRows.first().waitFor();
  assert.ok((await breachRows.count()) >= 1, 'the district sees its breaches');
  const breaches = await page.locator('.el-table__body').innerText();
  assert.ok(breaches.includes(units.find((u) => u.includes('市场监督管理局'))!), `the breach is its unit's: ${breaches}`);
  assert.ok(!breaches.includes('西宁市市场监督管理局'), 'not the city regulator\'s');
  await shot(page, 'district_admin-10-commitments');
  await context.close();

  // 8. On a phone: the desk.
  const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  await signInConsole(small, server.baseUrl, 'district_admin', DEMO_E2E_PASSWORD);
  await small.getByTestId('desk').waitFor();
  // Nothing in the header covers the page title: the user's name gives way, the buttons are icons.
  await small.locator('.console-header__title', { hasText: '工作台' }).waitFor();
  await small.getByTestId('current-user').waitFor({ state: 'hidden' });
  const title = (await small.locator('.console-header__title').boundingBox())!;
  const right = (await small.locator('.console-header__right').boundingBox())!;
  assert.ok(title.x + title.width <= right.x, `title ends at ${title.x + title.width}, the user and buttons start at ${right.x}`);
  assert.ok(right.x + right.width <= 390, 'the header fits the screen');
  assert.equal(await small.getByTestId('logout').getAttribute('aria-label'), '退出登录');
  await shot(small, 'district_admin-08-desk-390');
  await phone.close();
});

test('auditor: the audit log in words, filtered and exported, a record\'s history, and write actions refused with a reason', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();

  // 1. The desk.
  await signInConsole(page, server.baseUrl, 'auditor', DEMO_E2E_PASSWORD);
  await page.getByTestId('desk').waitFor();
  await shot(page, 'auditor-01-desk');

  // 2. 审计日志: actions and fields in Chinese, nothing as JSON (the demo city's own load is among the entries).
  await page.goto(`${server.baseUrl}/console/audit`);
  const table = page.getByTestId('audit-table');
  await table.getByText('载入演示城市数据').first().waitFor();
  const labels = await table.locator('[data-testid=audit-fields] dt').allInnerTexts();
  assert.ok(labels.length > 0);
  const english = [...new Set(labels.filter((l) => !/[\u4e00-\u9fff]/.test(l)))];
  assert.deepEqual(english, [], `field names without a Chinese name: ${english.join(', ')}`);
  assert.doesNotMatch(await table.innerText(), /\{"|[a-z]+\.[a-z_]+\.[a-z_]+/, 'no JSON, no action codes');
  await shot(page, 'auditor-02-audit-log');

  // 3. Filters: the district admin's account creations, in the district.
  await page.getByTestId('audit-filter-actor').fill('district_admin');
  await page.getByTestId('audit-filter-department').click();
  await page.getByTestId(`option-dept-${district.id}`).click();
  await page.getByTestId('audit-filter-action').click();
  await page.getByTestId('option-action-users.create').click();
  // The filtered page's answer, not the unfiltered list still on screen (which also names the clerk).
  const filtered = page.waitForResponse((r) => r.url().includes('/api/audit?') && r.url().includes('users.create') && r.url().includes('district_admin'));
  await page.getByTestId('audit-search').click();
  await filtered;
  await table.getByText(CLERK.username).first().waitFor();
  // The person's cell shows the login with the role under it (区县管理员): the login is its first line.
  const actors = (await column(page, 'audit-table', 2)).map((cell) => cell.split('\n')[0]);
  const actions = await page.getByTestId('audit-action').allInnerTexts();
  assert.deepEqual([...new Set(actors)], ['district_admin']);
  assert.deepEqual([...new Set(actions)], ['新增账号']);
  // The detail names the role and the department, not their codes.
  const created = await table.locator('.el-table__body tr').filter({ hasText: CLERK.username }).first().getByTestId('audit-fields').innerText();
  assert.match(created, /角色\s*填报员/);
  assert.match(created, new RegExp(`部门\\s*${district.name}`));
  // The time range: yesterday alone holds none of these entries; today holds them again.
  const chinaDay = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  await setRange(page, `${chinaDay(-1)} 00:00:00`, `${chinaDay(-1)} 23:59:59`);
  await page.getByTestId('audit-search').click();
  await table.getByText('暂无审计记录').waitFor();
  await setRange(page, `${chinaDay(0)} 00:00:00`, `${chinaDay(0)} 23:59:59`);
  await page.getByTestId('audit-search').click();
  await table.getByText(CLERK.username).first().waitFor();
  await shot(page, 'auditor-03-audit-filtered');

  // 4. Export: the same filtered list as .xlsx, in Chinese.
  const download = page.waitForEvent('download');
  await page.getByTestId('audit-export').click();
  const file = join(dir, 'audit.xlsx');
  await (await download).saveAs(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const sheet = wb.worksheets[0];
  const head = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  assert.deepEqual(head.slice(0, 5), ['时间', '操作人', '角色', '所属部门', '操作']);
  const body: string[][] = [];
  sheet.eachRow((r, n) => void (n > 1 && body.push((r.values as unknown[]).slice(1).map((v) => String(v ?? '')))));
  assert.equal(body.length, actions.length, 'the export holds the rows on screen');
  for (const r of body) assert.deepEqual([r[1], r[3], r[4]], ['district_admin', district.name, '新增账号']);
  await shot(page, 'auditor-04-audit-exported');

  // 5. A record's history: a withdrawn penalty (two versions); personal data stays masked for the auditor.
  const withdrawn = await server.db.db
    .selectFrom('records')
    .select(['id', 'doc_no'])
    .where('current_version', '>=', 2)
    .where('record_type', '=', 'penalty')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  await page.goto(`${server.baseUrl}/console/records`);
  await page.getByTestId('records-filter-q').fill(withdrawn.doc_no);
  await page.getByTestId('records-search').click();
  await page.getByTestId('records-table').getByText(withdrawn.doc_no).first().waitFor();
  await shot(page, 'auditor-05-records');
  await page.getByTestId('records-table').locator('.el-table__body tr').first().click();
  await page.getByTestId('record-versions').waitFor();
  await page.getByTestId('record-version-2').waitFor();
  await page.getByTestId('record-version-1').waitFor();
  assert.equal(await page.getByTestId('record-unmask').count(), 0, 'the auditor is not offered personal data unmasked');
  await shot(page, 'auditor-06-record-history');

  // 6. Writes: 数据归集 says why it is closed; 信用承诺 and 公示规则设置 are read-only and say so; the server refuses.
  await page.goto(`${server.baseUrl}/console/ingest`);
  await page.getByTestId('forbidden').waitFor();
  assert.match(await page.getByTestId('forbidden-role').innerText(), /审计员/);
  assert.match(await page.getByTestId('forbidden-roles').innerText(), /填报员/);
  await shot(page, 'auditor-07-ingest-forbidden');
  await page.goto(`${server.baseUrl}/console/commitments`);
  await page.getByTestId('commitments-readonly').waitFor();
  assert.equal(await page.getByTestId('commitments-mark-form').count(), 0, 'no form the server would refuse');
  const refused = await apiAs(page, 'POST', '/api/commitments/fulfilments', { recordId: '1', outcome: 'kept', basis: '审计员尝试' });
  assert.equal(refused.status, 403);
  assert.match(refused.message, /[\u4e00-\u9fff]/, `a reason in Chinese: ${refused.message}`);
  await shot(page, 'auditor-08-commitments-readonly');
  await page.goto(`${server.baseUrl}/console/publicity-settings`);
  await page.getByText('只读：仅信用办管理员可以修改这些设置').waitFor();
  assert.equal(await page.getByTestId('publicity-settings-save').count(), 0);
  await shot(page, 'auditor-09-settings-readonly');
  await context.close();

  // 7. On a phone: the audit log.
  const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  await signInConsole(small, server.baseUrl, 'auditor', DEMO_E2E_PASSWORD);
  await small.goto(`${server.baseUrl}/console/audit`);
  await small.getByTestId('audit-table').getByText('登录').first().waitFor();
  await shot(small, 'auditor-10-audit-log-390');
  await phone.close();
});

test('reviewer: the market regulator\'s queue of held batches, one opened with its rows, and a returned batch with its note', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signInConsole(page, server.baseUrl, 'scjg_reviewer', DEMO_E2E_PASSWORD);
  const todo = page.getByTestId('todo-ingest.batches_to_review');
  await todo.waitFor();
  const waiting = Number(await todo.getAttribute('data-count'));
  assert.ok(waiting > 0, 'batches to review on the reviewer\'s desk');
  await shot(page, 'reviewer-01-desk');

  // 1. The queue: the regulator's held batches, as many as the desk says, all 待审核.
  await page.goto(`${server.baseUrl}/console/batches?status=pending_review`);
  const rows = page.getByTestId('batches-table').locator('.el-table__body tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), waiting);
  assert.deepEqual([...new Set(await column(page, 'batches-table', 3))], ['西宁市市场监督管理局']);
  assert.deepEqual([...new Set(await column(page, 'batches-table', 6))], ['待审核']);
  await shot(page, 'reviewer-02-queue');

  // 2. A held batch opens with its rows to review and the two decisions; nothing of it is public yet.
  await rows.first().click();
  await page.getByTestId('review-panel').waitFor();
  await page.getByTestId('held-rows').locator('.el-table__body tr').first().waitFor();
  await page.getByTestId('review-approve').waitFor();
  await shot(page, 'reviewer-03-held-batch');

  // 3. History: the batch returned with its note.
  await page.goto(`${server.baseUrl}/console/batches?status=returned`);
  await page.getByTestId('batches-table').locator('.el-table__body tr').first().waitFor();
  assert.deepEqual([...new Set(await column(page, 'batches-table', 6))], ['审核退回']);
  await page.getByTestId('batches-table').locator('.el-table__body tr').first().click();
  await page.getByText('罚款金额与决定书不一致').first().waitFor();
  await shot(page, 'reviewer-04-returned');
  await context.close();
});

test('admin: API密钥 lists the department systems\' keys with their state, and shows no secret', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signInConsole(page, server.baseUrl, 'admin', DEMO_E2E_PASSWORD);
  await page.goto(`${server.baseUrl}/console/apikeys`);
  const table = page.getByTestId('apikeys-table');
  await table.getByText('市场监管局行政审批系统').waitFor();
  assert.ok((await table.locator('.el-table__body tr').count()) >= 3, 'the demo\'s keys are listed');
  const text = await table.innerText();
  assert.match(text, /已吊销/);
  assert.match(text, /有效/);
  // The key in use shows when it was last used (its signed checks), not a dash.
  const live = await table.locator('.el-table__body tr').filter({ hasText: '市场监管局行政审批系统' }).first().innerText();
  assert.match(live, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/u);
  assert.equal(await page.getByTestId('apikey-secret').count(), 0, 'no secret on the page');
  await shot(page, 'admin-01-apikeys');
  await context.close();
});

test('district admin: API密钥 is in its menu and lists its district unit\'s key, not the city\'s; the auditor reads the list without write buttons', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signInConsole(page, server.baseUrl, 'district_admin', DEMO_E2E_PASSWORD);
  const item = page.getByTestId('menu-apikeys');
  await item.waitFor();
  await item.click();
  await page.waitForURL(/\/console\/apikeys$/u);
  const table = page.getByTestId('apikeys-table');
  await table.getByText('执法办案系统').first().waitFor();
  const rows = await table.locator('.el-table__body tr').allInnerTexts();
  assert.ok(rows.length > 0 && rows.every((r) => units.some((u) => r.includes(u))), `only its units' keys: ${JSON.stringify(rows)}`);
  assert.doesNotMatch(await table.innerText(), /市场监管局行政审批系统|原执法办案系统/u, 'the city\'s keys are not listed');
  // It issues and revokes its district's keys itself (the server lets it).
  assert.ok(await page.getByTestId('apikey-create-open').isVisible(), '新建密钥 is offered');
  await shot(page, 'district_admin-11-apikeys');
  await context.close();

  const auditor = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const ap = await auditor.newPage();
  await signInConsole(ap, server.baseUrl, 'auditor', DEMO_E2E_PASSWORD);
  await ap.getByTestId('menu-apikeys').click();
  await ap.getByTestId('apikeys-table').getByText('市场监管局行政审批系统').waitFor();
  assert.equal(await ap.getByTestId('apikey-create-open').count(), 0, 'no 新建密钥 for the auditor');
  assert.equal(await ap.locator('[data-testid^="apikey-revoke-"]').count(), 0, 'no 吊销 for the auditor');
  await shot(ap, 'auditor-11-apikeys');
  await auditor.close();
});

test('district clerk and unit reviewer: 红黑名单, 信用修复, 异议申诉 and 信用承诺 show their own department\'s work', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signInConsole(page, server.baseUrl, 'district_reporter', DEMO_E2E_PASSWORD);
  // 红黑名单: the government's wage-arrears entries, in force and one taken off.
  await page.goto(`${server.baseUrl}/console/lists/entries`);
  await page.getByTestId('entries-table').locator('.el-table__body tr').first().waitFor();
  const statuses = new Set(await page.getByTestId('entry-status').allInnerTexts());
  assert.ok(statuses.has('已列入') && statuses.has('已移出'), [...statuses].join(','));
  assert.match(await page.getByTestId('entries-table').innerText(), /严重拖欠农民工工资/u);
  await shot(page, 'district_reporter-01-lists');
  // 信用修复: one waiting for its decision (the open queue).
  await page.goto(`${server.baseUrl}/console/repair`);
  await page.getByTestId('repair-queue').locator('.el-table__body tr').first().waitFor();
  assert.match(await page.getByTestId('repair-queue').innerText(), /待认定部门决定/u);
  await shot(page, 'district_reporter-02-repair');
  // 异议申诉: one on its record to verify.
  await page.goto(`${server.baseUrl}/console/objections`);
  await page.getByTestId('objection-queue').locator('.el-table__body tr').first().waitFor();
  await shot(page, 'district_reporter-03-objections');
  // 信用承诺: a commitment its clerk found broken.
  await page.goto(`${server.baseUrl}/console/commitments`);
  await page.getByText('实际经营场所与承诺不符').first().waitFor();
  await shot(page, 'district_reporter-04-commitments');
  await context.close();

  const unit = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const up = await unit.newPage();
  await signInConsole(up, server.baseUrl, 'district_scjg_reviewer', DEMO_E2E_PASSWORD);
  await up.goto(`${server.baseUrl}/console/repair`);
  await up.getByTestId('repair-queue').locator('.el-table__body tr').first().waitFor();
  await shot(up, 'district_scjg_reviewer-01-repair');
  await unit.close();
});
