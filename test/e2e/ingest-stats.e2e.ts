// 归集统计 on the statistics pages' period bar (统计期间), on the small demo city (a year of monthly batches): the page
// opens on 1 January to today (China time) with that period's figures; a period typed into the bar and 查询 shows
// the figures of that period (as the API counts them for it): a month, then a month nobody reported in (every
// department 未报送); the period is kept in the address, so a reload shows the same period and figures. The desk's
// 近 30 日超期上报 opens the page on those 30 days (today and the 29 before, China time), whose 超期上报 sum is the
// desk's figure.
// Screenshots under test-results/ingest-stats/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { screenshots, signInConsole } from '../helpers/browser.ts';
import { DEMO_E2E_PASSWORD, useDemoCityBrowser } from '../helpers/demo.ts';

const bed = useDemoCityBrowser();

const shot = screenshots('ingest-stats');

interface Row {
  departmentName: string;
  batches: number;
  rows: number;
  accepted: number;
  rejected: number;
}

/** Today in China time (UTC+8), as the server and the page count days. */
const chinaNow = () => new Date(Date.now() + 8 * 3600_000);

/** Last month in China time: its first and last day. */
function lastMonth(): [string, string] {
  const now = chinaNow();
  const iso = (month: number, day: number) => new Date(Date.UTC(now.getUTCFullYear(), month, day)).toISOString().slice(0, 10);
  // Day 0 of this month is the last day of the one before.
  return [iso(now.getUTCMonth() - 1, 1), iso(now.getUTCMonth(), 0)];
}

/** What the page should show for a period: the API's rows for it, as the browser's session reads them. */
async function expected(page: Page, from: string, to: string): Promise<Row[]> {
  const body = await page.evaluate(async (u) => (await fetch(u)).json(), `/api/ingest/stats?from=${from}&to=${to}`);
  return (body as { items: Row[] }).items;
}

/** The table's rows as department → [batches, rows, accepted, rejected] (the 未报送 tag and separators taken off). */
async function shown(page: Page): Promise<Map<string, number[]>> {
  const lines = await page.getByTestId('stats-table').locator('.el-table__body tr').allInnerTexts();
  return new Map(
    lines.map((l) => {
      const cells = l.split('\t').map((c) => c.trim());
      return [cells[0].replace(/未报送$/u, '').trim(), cells.slice(1, 5).map((c) => Number(c.replaceAll(',', '')))];
    }),
  );
}

const asShown = (rows: Row[]) => new Map(rows.map((r) => [r.departmentName, [r.batches, r.rows, r.accepted, r.rejected]]));

/** The period bar's two dates. */
async function period(page: Page): Promise<[string, string]> {
  const bar = page.getByTestId('stats-period-bar');
  return [await bar.locator('input[placeholder="开始日期"]').inputValue(), await bar.locator('input[placeholder="结束日期"]').inputValue()];
}

/** Types a period into the bar, presses 查询 and waits for that period's figures to arrive. */
async function ask(page: Page, from: string, to: string): Promise<void> {
  const bar = page.getByTestId('stats-period-bar');
  // Both dates typed, then Enter: the range picker takes the two together (an Enter after the first date closes the
  // panel, and the second date's Enter would only open it again).
  await bar.locator('input[placeholder="开始日期"]').fill(from);
  const end = bar.locator('input[placeholder="结束日期"]');
  await end.fill(to);
  await end.press('Enter');
  assert.deepEqual(await period(page), [from, to], 'the bar holds the typed period');
  const answer = page.waitForResponse((r) => r.url().endsWith(`/api/ingest/stats?from=${from}&to=${to}`) && r.ok());
  await bar.getByRole('button', { name: '查询' }).click();
  await answer;
}

/** Waits until the table shows exactly `want` (Vue renders the answer after it arrives), then returns what it shows. */
async function tableShows(page: Page, want: Map<string, number[]>): Promise<Map<string, number[]>> {
  const key = (m: Map<string, number[]>) => JSON.stringify([...m].sort());
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid=stats-table] .el-table__body tr').length === n && !document.querySelector('[data-testid=stats-table] .el-loading-mask'),
    want.size,
  );
  const got = await shown(page);
  assert.equal(key(got), key(want));
  return got;
}

test('归集统计: the period bar opens on this year, 查询 shows another period\'s figures, and the address keeps the period', async () => {
  const context = await bed.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signInConsole(page, bed.server.baseUrl, 'admin', DEMO_E2E_PASSWORD);
  await page.goto(`${bed.server.baseUrl}/console/ingest-stats`);
  await page.getByTestId('stats-table').locator('.el-table__body tr').first().waitFor();

  // 1. The default period: 1 January to today, China time; the figures are that period's.
  const today = chinaNow().toISOString().slice(0, 10);
  const year: [string, string] = [`${today.slice(0, 4)}-01-01`, today];
  assert.deepEqual(await period(page), year);
  const yearRows = await expected(page, ...year);
  await tableShows(page, asShown(yearRows));
  assert.equal(new URL(page.url()).search, '', 'the address names no period until one is asked for');
  await shot(page, '01-this-year');

  // 2. Last month: other figures (fewer batches than the year), in the table and in the address.
  const month = lastMonth();
  const monthRows = await expected(page, ...month);
  const sum = (rows: Row[]) => rows.reduce((n, r) => n + r.batches, 0);
  assert.ok(sum(monthRows) > 0 && sum(monthRows) !== sum(yearRows), `a month of batches (${sum(monthRows)}) differs from the year (${sum(yearRows)})`);
  await ask(page, ...month);
  await tableShows(page, asShown(monthRows));
  assert.deepEqual(Object.fromEntries(new URL(page.url()).searchParams), { from: month[0], to: month[1] });
  await shot(page, '02-last-month');

  // 3. A month nobody reported in: every member department is listed, each marked 未报送, all figures 0.
  const empty: [string, string] = ['2001-01-01', '2001-01-31'];
  await ask(page, ...empty);
  const none = await tableShows(page, asShown(await expected(page, ...empty)));
  assert.ok(none.size > 1 && [...none.values()].every((v) => v.every((n) => n === 0)), 'no figures in an empty period');
  assert.equal(await page.getByTestId('stats-nothing-sent').count(), none.size, 'every department is marked 未报送');

  // 4. The address keeps the period: a reload (or a link) opens on last month again, with its figures.
  await page.goto(`${bed.server.baseUrl}/console/ingest-stats?from=${month[0]}&to=${month[1]}`);
  await page.getByTestId('stats-table').locator('.el-table__body tr').first().waitFor();
  assert.deepEqual(await period(page), month);
  await tableShows(page, asShown(monthRows));
  await page.reload();
  await page.getByTestId('stats-table').locator('.el-table__body tr').first().waitFor();
  assert.deepEqual(await period(page), month);
  await tableShows(page, asShown(monthRows));
  await shot(page, '03-reloaded');
  await context.close();
});

test('工作台: 近 30 日超期上报 opens 归集统计 on those 30 days, and their 超期上报 sum is the desk\'s figure', async () => {
  const context = await bed.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signInConsole(page, bed.server.baseUrl, 'admin', DEMO_E2E_PASSWORD);
  await page.goto(`${bed.server.baseUrl}/console`);
  const todo = page.getByTestId('todo-ingest.late_reports');
  await todo.waitFor();
  const count = Number(await todo.getAttribute('data-count'));
  assert.ok(count > 0, 'the demo city has late reports in the last 30 days');
  await todo.locator('a').click();
  await page.waitForURL((u) => u.pathname === '/console/ingest-stats');
  await page.getByTestId('stats-table').locator('.el-table__body tr').first().waitFor();

  const today = chinaNow();
  const days: [string, string] = [new Date(today.getTime() - 29 * 86_400_000).toISOString().slice(0, 10), today.toISOString().slice(0, 10)];
  assert.deepEqual(Object.fromEntries(new URL(page.url()).searchParams), { from: days[0], to: days[1] });
  assert.deepEqual(await period(page), days, 'the bar holds the 30 days');
  const rows = await expected(page, ...days);
  await tableShows(page, asShown(rows));
  const late = (rows as Array<Row & { late: number }>).reduce((n, r) => n + r.late, 0);
  assert.equal(late, count, '归集统计 sums the desk\'s 超期上报 figure');
  await shot(page, '04-from-desk');
  await context.close();
});

test('工作台: a department clerk\'s 近 30 日超期上报 opens 回执 on the late batches it counted; 显示全部批次 lifts the filter', async () => {
  const context = await bed.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signInConsole(page, bed.server.baseUrl, 'scjg_reporter', DEMO_E2E_PASSWORD);
  await page.goto(`${bed.server.baseUrl}/console`);
  const todo = page.getByTestId('todo-ingest.late_reports');
  await todo.waitFor();
  const count = Number(await todo.getAttribute('data-count'));
  assert.ok(count > 0, 'the demo 市场监管局 has late reports in the last 30 days');
  await todo.locator('a').click();
  await page.waitForURL((u) => u.pathname === '/console/batches');
  await page.getByTestId('batches-late-filter').waitFor();
  const rows = page.getByTestId('batches-table').locator('.el-table__body tr');
  await rows.first().waitFor();
  // The 超期 column is the last: its sum over the listed batches is the desk's figure.
  const lateOf = async () => (await rows.allInnerTexts()).map((l) => Number(l.split('\t').at(-1)!.trim()));
  while (await page.getByTestId('batches-load-more').isVisible()) {
    const n = await rows.count();
    await page.getByTestId('batches-load-more').click();
    await page.waitForFunction(([sel, k]) => document.querySelectorAll(sel as string).length > (k as number), ['[data-testid="batches-table"] .el-table__body tr', n] as const);
  }
  const late = await lateOf();
  assert.ok(late.every((n) => n > 0), 'only batches with late rows');
  assert.equal(late.reduce((a, b) => a + b, 0), count);
  await shot(page, '05-clerk-late-batches');

  await page.getByTestId('batches-show-all').click();
  await page.getByTestId('batches-late-filter').waitFor({ state: 'detached' });
  assert.equal(new URL(page.url()).searchParams.get('lateFrom'), null);
  await page.waitForFunction((k) => document.querySelectorAll('[data-testid="batches-table"] .el-table__body tr').length > k || document.querySelector('[data-testid="batches-load-more"]') !== null, late.length);
  await context.close();
});
