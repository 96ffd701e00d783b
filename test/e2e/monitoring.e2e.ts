// Browser test (issue 6, monitoring UI): the credit-office admin opens the monitoring dashboard over
// the 36-city score file (charts drawn), compares 西宁市 with the peers and plans an improvement,
// adds one event and sees its classification, then generates the 通报 — previewed in a sandboxed
// iframe — and downloads it as PDF and Word.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { launchChromium, RESULTS_DIR, startE2eServer, type E2eServer } from '../helpers/browser.ts';
import { multipartFile } from '../helpers/multipart.ts';

const PASSWORD = 'Admin-password-2026';
const CITY = '西宁市';
const SCORES = new URL('../fixtures/monitoring/scores-36.csv', import.meta.url);

let server: E2eServer;
let browser: Browser;

before(async () => {
  server = await startE2eServer();
  await createUser(server.db.db, 'system', { username: 'office_admin', displayName: '信用办王主任', role: 'admin', departmentId: null, password: PASSWORD }, { actor: null });
  // The official scores go in through the API with the admin's session, as an upload from the console would.
  const login = await server.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'office_admin', password: PASSWORD } });
  assert.equal(login.statusCode, 200, login.body);
  const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const m = multipartFile('scores-36.csv', await readFile(SCORES));
  const imported = await server.app.inject({
    method: 'POST',
    url: '/api/monitoring/scores/import',
    payload: m.payload,
    headers: { cookie, 'x-csrf-token': login.json().csrfToken as string, ...m.headers },
  });
  assert.equal(imported.statusCode, 200, imported.body);
  assert.equal(imported.json().cities, 36);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page) {
  await page.goto(`${server.baseUrl}/console/login`);
  await page.getByTestId('login-username').fill('office_admin');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('welcome').waitFor();
}

/** Types a month or date into an Element Plus picker inside the element with the test id. */
async function pick(page: Page, testId: string, value: string) {
  const input = page.getByTestId(testId).locator('input').first();
  await input.click();
  await input.fill(value);
  await input.press('Enter');
}

test('dashboard charts, comparison and what-if, an event with its reasons, and the 通报 preview and downloads', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);

  // Dashboard: composite/rank over the months and the indicator radar are drawn on canvases.
  await page.getByTestId('menu-monitoring-dashboard').click();
  await page.getByTestId('monitoring-dashboard').waitFor();
  await page.locator('[data-testid=chart-rank] canvas').first().waitFor({ timeout: 30_000 });
  await page.locator('[data-testid=chart-radar] canvas').first().waitFor();
  await page.locator('[data-testid=chart-checklist] canvas').first().waitFor();
  assert.match(await page.getByTestId('kpi-rank').innerText(), /^\d+ \/ 36$/);
  // No events or batches yet: those panels say so instead of drawing empty axes.
  assert.match(await page.getByTestId('chart-events').innerText(), /暂无数据/);
  assert.equal(await page.locator('[data-testid=chart-events] canvas').count(), 0);
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(RESULTS_DIR, 'monitoring-dashboard.png'), fullPage: true });

  // Comparison with the peers, then a what-if with one improvement.
  await page.getByTestId('menu-monitoring-index').click();
  const table = page.getByTestId('compare-table');
  await table.waitFor();
  assert.match(await page.getByTestId('compare-headline').innerText(), new RegExp(`${CITY}[\\s\\S]*2017年12月`));
  assert.ok((await table.locator('[data-relation]').count()) > 0);
  await page.getByRole('tab', { name: '模拟推演' }).click();
  await page.getByTestId('whatif-rules').locator('.el-checkbox').first().click();
  await page.getByTestId('whatif-run').click();
  await page.getByTestId('whatif-result').waitFor();
  assert.match(await page.getByTestId('whatif-summary').innerText(), new RegExp(`^${CITY}2017年12月综合指数`));

  // One event through the form: saved, classified, with the reasons shown.
  await page.getByTestId('menu-monitoring-events').click();
  await page.getByTestId('events-table').waitFor();
  await page.getByTestId('event-create-open').click();
  await page.getByTestId('event-form-title').fill('城东区某超市销售过期食品被市场监管部门罚款');
  await pick(page, 'event-form-date', '2017-12-12');
  await page.getByTestId('event-create-submit').click();
  const created = page.getByTestId('event-created');
  await created.waitFor();
  assert.match(await created.innerText(), /商务诚信/);
  assert.match(await created.innerText(), /不良/);
  await page.getByTestId('events-table').getByText('城东区某超市销售过期食品').waitFor();

  // 通报: preview in a sandboxed iframe, then the PDF and Word downloads.
  await page.getByTestId('menu-monitoring-report').click();
  await page.getByTestId('report-city').fill(CITY);
  await pick(page, 'report-month', '2017-12');
  await page.getByTestId('report-generate').click();
  const frame = page.getByTestId('report-preview');
  await frame.waitFor();
  assert.equal(await frame.getAttribute('sandbox'), '');
  const body = page.frameLocator('[data-testid=report-preview]').locator('body');
  await body.getByText('低于平均水平的指标及原因分析').waitFor();
  const text = await body.innerText();
  assert.ok(text.includes(CITY), 'preview names the city');
  assert.ok(text.includes('低于'), 'preview has the below-average section');
  // The report's HTML stays inside the frame: the console page itself never gets it.
  assert.ok(!(await page.locator('#app').innerText()).includes('低于平均水平的指标及原因分析'));

  const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('report-download-pdf').click()]);
  assert.match(pdf.suggestedFilename(), new RegExp(`^${CITY}.*\\.pdf$`));
  const pdfBytes = await readFile(await pdf.path());
  assert.ok(pdfBytes.length > 1000, 'PDF is not empty');
  assert.equal(pdfBytes.subarray(0, 4).toString('latin1'), '%PDF');

  const [docx] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('report-download-docx').click()]);
  assert.match(docx.suggestedFilename(), /\.docx$/);
  const docxBytes = await readFile(await docx.path());
  assert.equal(docxBytes.subarray(0, 2).toString('latin1'), 'PK');
  await page.screenshot({ path: join(RESULTS_DIR, 'monitoring-report.png') });

  assert.deepEqual(errors, [], 'no uncaught errors in the page');
  await context.close();
});
